"""The culture pages and API hold the scope: see ``core.testing.scope``. 中山区 gets one record of
each kind (a position, a team, a base, a nomination, a talent, an experience, a meeting)."""

from unionwork.core.testing.scope import ScopeTest

from .helpers import ZS_MARKERS, zs_records


class TestCultureScope(ScopeTest):
    app = "culture"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        return zs_records()

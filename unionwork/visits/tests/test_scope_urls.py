"""The visits pages and API hold the scope: see ``core.testing.scope``."""

from unionwork.core.testing.scope import ScopeTest

from .helpers import ZS_MARKERS, zs_records


class TestVisitsScope(ScopeTest):
    app = "visits"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        return zs_records()

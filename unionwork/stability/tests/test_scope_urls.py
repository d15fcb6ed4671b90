"""The stability pages and API hold the scope: see ``core.testing.scope``. Besides the demo data,
中山区 gets one record of each kind the demo does not hold (a report, a petition, a reception day,
an emergency response, a member of the leading group)."""

from unionwork.core.testing.scope import ScopeTest

from .helpers import ZS_MARKERS, zs_records


class TestStabilityScope(ScopeTest):
    app = "stability"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        return list(zs_records().values())

"""The dashboard, its table and the indicators API hold the scope: see ``core.testing.scope``."""

from unionwork.core import indicators
from unionwork.core.testing.scope import ScopeTest


def _keys() -> list[str]:
    return [i.key for i in indicators.all_indicators() if not i.key.startswith("test.")]


class TestDashboardScope(ScopeTest):
    app = "dashboard"
    sample_args = {"key": _keys}

"""The dashboard, its table and the indicators API hold the scope: see ``core.testing.scope``."""

from unionwork.core import indicators, pacing
from unionwork.core.testing.scope import ScopeTest


def _keys() -> list[str]:
    # Indicator keys, and the paced targets' keys (/indicators/pacing/{key}/units/{id}).
    # (Of a module's breakdown groups, one: the rest read the same way.)
    breakdown = [i.key for i in indicators.all_indicators() if indicators.BREAKDOWN in i.tags][:1]
    keys = [i.key for i in indicators.listed()] + breakdown + [t.key for t in pacing.all_targets()]
    return [k for k in keys if not k.startswith("test.")]


class TestDashboardScope(ScopeTest):
    app = "dashboard"
    sample_args = {"key": _keys}

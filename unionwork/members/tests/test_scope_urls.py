"""The members' pages and API hold the scope: see ``core.testing.scope``. The demo data holds the
members and cards of 大连中山演示重工有限公司工会 (G0003)."""

from unionwork.core.testing.scope import ScopeTest


class TestMembersScope(ScopeTest):
    app = "members"

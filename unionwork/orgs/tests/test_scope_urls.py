"""The org tree's pages and API hold the scope: see ``core.testing.scope``."""

from unionwork.core.testing.scope import ScopeTest


class TestOrgsScope(ScopeTest):
    app = "orgs"

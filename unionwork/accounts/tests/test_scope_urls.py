"""Accounts' pages and API hold the scope: see ``core.testing.scope``."""

from unionwork.core.testing.scope import ScopeTest


class TestAccountsScope(ScopeTest):
    app = "accounts"
    sample_args = {"what": ["activate", "deactivate", "unlock", "reset2fa"]}

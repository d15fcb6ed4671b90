"""The founding pages and API hold the scope: see ``core.testing.scope``. The demo data holds
enterprises, unions and targets of 中山区."""

from unionwork.core.testing.scope import ScopeTest


class TestFoundingScope(ScopeTest):
    app = "founding"

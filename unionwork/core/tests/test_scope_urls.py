"""Core's pages and API (audit trail, notifications, pickers, imports, the API's own pages) hold
the scope: see ``core.testing.scope``."""

from unionwork.core import pickers
from unionwork.core.imports import all_importers
from unionwork.core.testing.scope import ScopeTest


def _names() -> list[str]:
    return [i.name for i in all_importers()] + sorted(pickers.all_sources())


class TestCoreScope(ScopeTest):
    app = "core"
    # imports/<name>/ and pick/<name>/ take an importer or a picker source; /api/<rest> is the API's 404
    sample_args = {"name": _names, "rest": ["v1/nothing/", "v2/orgs/"]}
    plain = ("api/v1/openapi.json", "api/v1/docs")

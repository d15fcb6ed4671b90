"""Test support shared by every module; never imported by production code (an import-linter
contract holds it).

- ``browser``: chromium through Playwright (``browser_marks``, ``login``, ``settle``, ``picker_search``,
  ``picker_choose``);
- ``forms``: what a browser would post for a rendered form (``form_data``);
- ``demo``: every module's small demo data (``seed_module_demos``);
- ``db``: seeding once (the demo data shared by the tests that walk every page, snapshots that
  browser tests restore);
- ``routes``: every route from the URL resolver, with its app and its arguments;
- ``scope``: the scope test every module subclasses (``ScopeTest``).
"""

from .browser import (
    ARTIFACTS,
    CHROMIUM,
    browser_marks,
    login,
    picker_choose,
    picker_search,
    settle,
    switch_user,
)
from .demo import seed_module_demos
from .forms import form_data

__all__ = [
    "ARTIFACTS",
    "CHROMIUM",
    "browser_marks",
    "form_data",
    "login",
    "picker_choose",
    "picker_search",
    "seed_module_demos",
    "settle",
    "switch_user",
]

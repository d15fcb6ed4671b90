"""Fixtures over the platform's registries (core/registry.py), for every module's tests."""

from contextlib import ExitStack

import pytest


@pytest.fixture
def registered():
    """Declare registry entries for one test only: ``registered(indicators.INDICATORS, key, item)``.

    They are removed when the test ends, so live code never sees a test's indicator, importer or
    verb and never has to filter them out.
    """
    with ExitStack() as stack:

        def register(registry, key, item):
            return stack.enter_context(registry.temporarily(key, item))

        yield register

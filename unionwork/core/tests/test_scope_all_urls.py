"""No route is left out of the scope walk.

Every module walks its own routes with ``core.testing.scope.ScopeTest`` (its
``tests/test_scope_urls.py``), one test per route. Here: every route the URL resolver knows,
pages and API, belongs to an app that declares that walk, and every argument that is not an id has
the samples its app declares; so a new page, endpoint or module is walked the day it is added.
"""

import pytest

from unionwork.core.testing.routes import all_routes, api_routes, is_id, page_routes
from unionwork.core.testing.scope import declarations, sample_values


def test_every_route_belongs_to_an_app_that_walks_it():
    declared = declarations()
    routes = [r for r in all_routes() if not r.route.startswith("static/")]
    missing = sorted(f"{r.route} ({r.app})" for r in routes if r.app not in declared)
    assert not missing, "declare a ScopeTest in <app>/tests/test_scope_urls.py for: " + ", ".join(missing)
    walked = {r for app in declared for r in page_routes(app) + api_routes(app)}
    assert walked == set(routes)
    assert len(page_routes()) > 100 and len(api_routes()) > 20


@pytest.mark.django_db  # a module may draw its samples from the database (building's survey links)
def test_every_argument_has_samples():
    missing = []
    for route in all_routes():
        for key, conv in route.params:
            if is_id(key, conv):
                continue
            try:
                assert sample_values(route, key), f"{route.route}: no sample for {key!r}"
            except AssertionError as exc:
                missing.append(str(exc))
    assert not missing, "\n".join(missing)

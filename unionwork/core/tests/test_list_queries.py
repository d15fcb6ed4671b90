"""No list page runs a query per row: its query count is the same with a few rows as with many.

Every list page (a ``core.views.ScopedListView`` the URL resolver knows) is requested as the
city's administrator over every module's demo data, its records cut to a few and to many more
(through the list's own ``base_queryset``); the page's own queries must not grow with the rows.
Where the demo data holds too few rows, the module makes more (``<app>/tests/lists.py``:
``ROWS = {"<namespace>:<list url name>": make(n)}``, with its test factories and actions).
"""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unionwork.core.testing.routes import page_routes
from unionwork.core.views import ScopedListView

from .factories import demo_user

FEW, MANY = 2, 20


def row_makers() -> dict:
    makers = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.lists")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(config.name):
                continue
            raise
        makers.update(module.ROWS)
    return makers


def list_routes():
    return [
        r
        for r in page_routes()
        if not r.params and isinstance(r.view, type) and issubclass(r.view, ScopedListView)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_rows_cost_no_queries(client, module_demos, monkeypatch, route):
    client.force_login(demo_user("city_admin"))
    view = route.view
    original = view.base_queryset
    seen = {}

    def cut(n):
        def base_queryset(self):
            qs = original(self)
            ids = list(qs.order_by("pk").values_list("pk", flat=True)[:n])
            seen[n] = len(ids)
            return qs.filter(pk__in=ids)

        return base_queryset

    url = "/" + route.route
    have = original_count(view, client, url)
    if have < MANY:
        make = row_makers().get(route.name)
        assert make, f"{url}: {have} rows; declare a maker of rows for {route.name} in <app>/tests/lists.py"
        make(MANY - have)
    counts = {}
    for n in (MANY, FEW, MANY):
        monkeypatch.setattr(view, "base_queryset", cut(n))
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url)
        assert resp.status_code == 200, url
        counts[n] = len(ctx.captured_queries)
    assert seen[MANY] > FEW, f"{url}: only {seen[MANY]} rows to compare"
    assert counts[MANY] == counts[FEW], (
        f"{url}: {counts[FEW]} queries with {FEW} rows, {counts[MANY]} with {seen[MANY]}"
    )


def original_count(view, client, url) -> int:
    """How many records the list holds for the user (the view's own queryset, uncut)."""
    found = {}
    original = view.base_queryset

    def base_queryset(self):
        qs = original(self)
        found["n"] = qs.count()
        return qs

    view.base_queryset = base_queryset
    try:
        client.get(url)
    finally:
        view.base_queryset = original
    return found["n"]


def test_the_list_pages_are_found():
    """The lists are found through the mechanism every list page uses: if it changes, say so here."""
    assert len(list_routes()) >= 15

"""A page's number of queries does not grow with its rows: figure pages and the big lists.

Each page is requested with 10 records under the node, then with 1,000 (members and enterprises
in the same unions and communities); the number of queries must be the same. Figure pages read
the kept indicators (one indexed row per figure), lists page with a bounded count. Timings are
the benchmark's (bench/bench_pages.py), not this test's.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.core.views import BoundedPaginator
from unionwork.founding.tests.factories import communities, many
from unionwork.members import indicators as member_indicators
from unionwork.members import pii
from unionwork.members.demo import _rows, _write, demo_people
from unionwork.members.models import Member

pytestmark = pytest.mark.django_db

UNIONS = ["G0001", "G0002"]


def add_members(n: int, seed: int) -> None:
    unions = [unit(c) for c in UNIONS]
    with audit.acting_as(None, "test"):
        rows = _rows(demo_people(n, seed=seed), unions, pii.hasher(), random.Random(seed))
        _write(rows, {u.pk: u for u in unions}, "test")
        # The members' figures recounted, as a roster import does (the other modules' kept
        # figures do not read members; founding's are recounted by ``many``).
        member_indicators.rebuild_all()


def add_enterprises(per: int) -> None:
    with audit.acting_as(None, "test"):
        many(communities("210211", 5), per)


def pages(user) -> list[str]:
    gjz, city, g1, iu = unit("210211"), unit("2102"), unit("G0001"), unit("I01")
    if user.org_id == iu.pk:  # an industrial union: its figures are sums of its parts by district
        return [
            f"/founding/unit/{iu.pk}/",
            "/founding/",
            f"/members/node/{iu.pk}/",
            "/members/",
            "/dashboard/",
            "/members/list/",
            "/founding/enterprises/",
        ]
    first = Member.objects.order_by("pk").first()  # searches that find rows at both sizes
    urls = [
        # figure pages
        f"/members/node/{gjz.pk}/",
        f"/members/node/{city.pk}/",
        f"/members/node/{g1.pk}/",
        f"/members/node/{gjz.pk}/figures.xlsx",
        "/members/",
        f"/founding/unit/{gjz.pk}/",
        f"/founding/unit/{city.pk}/",
        "/founding/",
        f"/dashboard/{gjz.pk}/",
        f"/dashboard/{city.pk}/table/",
        "/stability/",
        # lists, filters, searches
        "/members/list/",
        f"/members/list/?under={gjz.code}",
        "/members/list/?status=active&employment_form=contract",
        f"/members/list/?q={first.initials}",
        f"/members/list/?q={first.pinyin[:4]}",
        f"/members/list/?q={first.name[:1]}",
        "/founding/enterprises/",
        f"/founding/enterprises/?under={gjz.code}&industry=C",
        "/founding/enterprises/?q=演示",
        "/founding/unions/",
    ]
    if user.org_id != city.pk:
        urls = [u for u in urls if f"/{city.pk}/" not in u]
    else:
        urls += [f"/founding/unit/{iu.pk}/", f"/members/node/{iu.pk}/"]
    return urls


def count_queries(client, url: str) -> int:
    client.get(url)  # the first request of a session reads the account's second factor once
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(url)
        if resp.streaming:
            b"".join(resp.streaming_content)
    assert resp.status_code == 200, f"{url}: {resp.status_code}"
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["city_admin", "gjz_admin", "jx_admin"])
def test_queries_do_not_grow_with_rows(client, username):
    from unionwork.core.classifications import Industry
    from unionwork.founding.actions import set_industries

    with audit.acting_as(None, "test"):  # the industrial union's enterprises: every new one
        set_industries(None, unit("I01"), Industry.values)
    user = demo_user(username)
    client.force_login(user)
    add_members(10, seed=501)
    add_enterprises(2)
    urls = pages(user)
    few = {u: count_queries(client, u) for u in urls}
    add_members(990, seed=502)
    add_enterprises(200)
    assert Member.objects.count() >= 1000
    many_ = {u: count_queries(client, u) for u in urls}
    grown = {u: (few[u], many_[u]) for u in urls if many_[u] != few[u]}
    assert not grown, f"queries grew with the rows (10 rows, 1,000 rows): {grown}"


def test_list_count_is_bounded(client, monkeypatch):
    """Past the limit the list says "more than N" and counts no further."""
    monkeypatch.setattr(BoundedPaginator, "limit", 20)
    add_members(30, seed=503)
    client.force_login(demo_user("gjz_admin"))
    html = client.get("/members/list/").content.decode()
    assert 'data-testid="count-bounded"' in html
    assert "超过 20 条" in html
    monkeypatch.setattr(BoundedPaginator, "limit", 10_000)
    html = client.get("/members/list/").content.decode()
    assert 'data-testid="count-bounded"' not in html
    assert "共 30 条" in html

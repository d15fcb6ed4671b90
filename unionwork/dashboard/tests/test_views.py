import io

import pytest
from python_calamine import CalamineWorkbook

from unionwork.core import audit, indicators
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs import actions
from unionwork.orgs.indicators import GRASSROOTS_UNITS
from unionwork.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gjz(client):
    client.force_login(demo_user("gjz_admin"))
    return client


def test_dashboard_of_the_users_node(gjz):
    resp = gjz.get("/dashboard/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "甘井子区总工会" in html and "周水子街道工会" in html
    assert "中山区" not in html and "西岗区" not in html


def test_a_change_shows_at_once(gjz):
    township = unit("210211001")
    before = indicators.value(GRASSROOTS_UNITS.key, township).numerator
    with audit.acting_as(demo_user("gjz_admin"), "test"):
        actions.create_unit(None, parent=unit("210211001003"), name="演示即时工会", kind=OrgKind.GRASSROOTS)
    html = gjz.get(f"/dashboard/{township.pk}/", {"indicator": GRASSROOTS_UNITS.key}).content.decode()
    assert indicators.value(GRASSROOTS_UNITS.key, township).numerator == before + 1
    assert "合计" in html


def test_another_districts_dashboard_is_404(gjz):
    assert gjz.get(f"/dashboard/{unit('210202').pk}/").status_code == 404
    assert gjz.get(f"/dashboard/{unit('210202').pk}/table/").status_code == 404


def test_statistical_table_total_equals_the_sum_of_rows(client):
    client.force_login(demo_user("city_admin"))
    resp = client.get("/dashboard/table/", {"i": GRASSROOTS_UNITS.key, "export": "xlsx"})
    assert resp.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(resp.content)).get_sheet_by_index(0).to_python()
    body = [r for r in rows[4:] if r[0]]
    total = body[-1]
    assert total[0] == "合计"
    districts = [
        r
        for r in body[:-1]
        if str(r[0]).endswith("区总工会") or str(r[0]).endswith("市总工会") or str(r[0]).endswith("县总工会")
    ]
    assert len(districts) == 10
    territorial = [
        r
        for r in body[:-1]
        if OrgUnit.objects.filter(name=r[0], parent=unit("2102")).exclude(kind="industrial").exists()
        or r[0] == "本级直属"
    ]
    assert sum(int(r[1]) for r in territorial) == int(total[1])


def test_each_ranked_row_links_to_its_units_dashboard_with_the_indicator_and_month(gjz):
    import html as htmllib
    import re

    district = unit("210211")
    html = gjz.get("/dashboard/", {"indicator": GRASSROOTS_UNITS.key, "month": "2026-01"}).content.decode()
    table = html[html.index('data-testid="ranking-table"') :]
    table = table[: table.index("</table>")]
    children = OrgUnit.objects.filter(parent=district, status="active")
    places: dict[str, list[int]] = {}
    seen = 0
    for group, body in re.findall(r'<tbody data-group="(\w+)">(.*?)</tbody>', table, re.S):
        for place, href, name, kind in re.findall(
            r'<tr><td>(\d+)</td><td><a href="([^"]+)">([^<]+)</a> <span class="uw-muted small">([^<]+)</span>',
            body,
        ):
            href = htmllib.unescape(href)
            child = children.get(pk=int(re.match(r"/dashboard/(\d+)/\?", href).group(1)))
            assert htmllib.unescape(name) == child.name and kind == child.get_kind_display()
            assert f"indicator={GRASSROOTS_UNITS.key}" in href and "month=2026-01" in href
            places.setdefault(group, []).append(int(place))
            seen += 1
    assert seen == children.count()
    for numbers in places.values():  # each group ranked 1, 2, 3 … in itself
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_long_ranking_shows_its_first_places_and_leads_to_the_whole_table(gjz, monkeypatch):
    """An industrial union ranks 1,800 units: the dashboard lists each group's first places (chart
    and table) and says how many more there are, linking to the statistical table of the same
    indicator and month; the group's subtotal is still the whole group's."""
    import datetime
    import json
    import re

    from unionwork.dashboard import views

    monkeypatch.setattr(views, "RANKING_SHOWN", 4)
    district = unit("210211")
    n = OrgUnit.objects.filter(parent=district, status="active").exclude(kind="industrial").count()
    assert n > 4
    html = gjz.get("/dashboard/", {"indicator": GRASSROOTS_UNITS.key, "month": "2026-01"}).content.decode()
    table = html[html.index('data-testid="ranking-table"') :]
    table = table[: table.index("</table>")]
    places = [int(p) for p in re.findall(r"<tr><td>(\d+)</td><td><a ", table)]
    assert places == [1, 2, 3, 4]
    more = re.search(r'data-testid="ranking-more">(.*?)</td>', table).group(1)
    assert f"另有 {n - 4} 个单位" in more
    assert f"/dashboard/{district.pk}/table/?i={GRASSROOTS_UNITS.key}&amp;month=2026-01" in more
    data = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert [len(r["labels"]) for r in data["rankings"]] == [4]
    from unionwork.dashboard import queries

    january = datetime.date(2026, 1, 1)
    whole = queries.table(demo_user("gjz_admin"), district, indicators.get(GRASSROOTS_UNITS.key), january)
    whole = whole.groups[0]
    assert len(whole.rows) == n
    subtotal_row = re.search(r"<td>[^<]*小计</td>(.*?)</tr>", table).group(1)
    assert f">{whole.subtotal.numerator:,}<" in subtotal_row


def test_statistical_table_pages_its_units_and_keeps_whole_subtotals(client, monkeypatch):
    """A node with more units than a screen page holds (an industrial union's 1,800 linked units)
    shows them page by page; each page's subtotal and total are the whole group's and node's, and
    the .xlsx still holds every unit."""
    from unionwork.dashboard import tables

    monkeypatch.setattr(tables, "PAGE_ROWS", 3)
    client.force_login(demo_user("gjz_admin"))
    gjz = unit("210211")
    url = f"/dashboard/{gjz.pk}/table/"
    children = list(OrgUnit.objects.filter(parent=gjz, status="active").exclude(kind="industrial"))
    assert len(children) > 6  # the district's streets: at least three pages

    def unit_rows(html):
        return [c.name for c in children if f"<td>{c.name}</td>" in html]

    seen = []
    first = client.get(url, {"i": GRASSROOTS_UNITS.key}).content.decode()
    assert len(unit_rows(first)) == 3
    assert "下一页" in first and "合计" in first
    page = 1
    html = first
    while True:
        shown = unit_rows(html)
        assert 1 <= len(shown) <= 3
        assert not set(shown) & set(seen)  # no unit on two pages
        seen += shown
        assert "小计" in html and "合计" in html  # on every page
        if "下一页" not in html:
            break
        page += 1
        html = client.get(url, {"i": GRASSROOTS_UNITS.key, "page": page}).content.decode()
    assert sorted(seen) == sorted(c.name for c in children)
    # The subtotal on a page is the whole group's: the same on the first and the last page.
    data = tables.build(demo_user("gjz_admin"), gjz, [indicators.get(GRASSROOTS_UNITS.key)])
    subtotal = next(r for r in data.rows if r.kind == "subtotal")
    whole = sum(r.cells[0][1].numerator for r in data.rows if r.kind == "row" and r.group == subtotal.group)
    assert subtotal.cells[0][1].numerator == whole
    xlsx = client.get(url, {"i": GRASSROOTS_UNITS.key, "export": "xlsx"})
    names = {
        r[0]
        for r in CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    }
    assert {c.name for c in children} <= names

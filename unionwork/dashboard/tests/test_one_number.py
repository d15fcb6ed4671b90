"""One number per figure: every figure every page shows equals the kept indicator's own value.

The walk opens every figure page (dashboard, statistical table and its .xlsx, founding, members and
its .xlsx, stability, the API) for the city, a district, a street and an industrial union, at the
current month and at the month before (the data differ between the two), reads every figure the
page marks (``data-indicator``, ``data-unit``, ``data-part``, ``data-value``), checks that the
number the reader sees is the marked one, and compares it with ``indicators.value`` for that unit
and month. Pages must mark the node's own figures, so a figure that loses its mark fails too.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from html.parser import HTMLParser

import pytest
from python_calamine import CalamineWorkbook

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit, indicators
from unionwork.core.models import IndicatorValue
from unionwork.core.testing.db import settle_constraint_checks
from unionwork.core.tests.factories import demo_user, unit
from unionwork.dashboard import queries as dq
from unionwork.founding import actions as founding_actions
from unionwork.founding.models import Enterprise, FoundingRule
from unionwork.founding.queries import covered_q, expected_q, rate_breakdowns
from unionwork.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


class Marks(HTMLParser):
    """Every element with ``data-indicator``: its attributes and the text inside it."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.marks: list[dict] = []
        self.open: list[tuple[int, dict]] = []  # (depth, mark) of marks being read
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        self.depth += 1
        a = dict(attrs)
        if "data-indicator" in a:
            mark = {**a, "text": ""}
            self.marks.append(mark)
            self.open.append((self.depth, mark))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self.open and self.open[-1][0] == self.depth:
            self.open.pop()
        self.depth -= 1

    def handle_data(self, data):
        for _d, mark in self.open:
            mark["text"] += data


def marks_of(html: str) -> list[dict]:
    p = Marks()
    p.feed(html)
    return p.marks


def shown(text: str) -> str:
    """The number a reader sees, without thousands separators, percent sign or spaces."""
    t = re.sub(r"[\s,%]", "", text)
    return "" if t in ("—", "") else t


def kept_figure(key: str, unit_id: int, month) -> indicators.Figure:
    return indicators.values(key, [unit_id], month).get(unit_id) or indicators.Figure(
        0, 0, indicators.get(key).unit
    )


def expected_part(fig: indicators.Figure, part: str) -> str:
    value = {"numerator": fig.numerator, "denominator": fig.denominator, "rate": fig.rate}[part]
    return "" if value is None else str(value)


def same(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


class Walk:
    def __init__(self, client):
        self.client = client
        self.problems: list[str] = []
        self.checked = 0
        # The walk only reads: each kept figure is read once, not once per page showing it.
        self.figures: dict[tuple, indicators.Figure] = {}

    def expected(self, key: str, unit_id: int, part: str, month) -> str:
        held = (key, unit_id, month)
        if held not in self.figures:
            self.figures[held] = kept_figure(key, unit_id, month)
        return expected_part(self.figures[held], part)

    def page(self, url: str, month, must: list[tuple[str, int, str]]) -> str:
        resp = self.client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        html = resp.content.decode()
        found = set()
        for m in marks_of(html):
            key, uid, part, value = m["data-indicator"], int(m["data-unit"]), m["data-part"], m["data-value"]
            want = self.expected(key, uid, part, month)
            self.checked += 1
            if not same(value, want):
                self.problems.append(
                    f"{url}: {key} {part} of unit {uid} is {value!r}, indicator says {want!r}"
                )
            if not same(shown(m["text"]), value):
                self.problems.append(
                    f"{url}: {key} {part} of unit {uid} shows {m['text']!r}, marked {value!r}"
                )
            if m.get("data-month") and m["data-month"] != month.strftime("%Y-%m"):
                self.problems.append(f"{url}: {key} marked for month {m['data-month']}")
            found.add((key, uid, part))
        for need in must:
            if need not in found:
                self.problems.append(f"{url}: figure {need} is not marked on the page")
        return html

    def compare(self, where: str, key: str, unit_id: int, part: str, value, month) -> None:
        want = self.expected(key, unit_id, part, month)
        got = "" if value in (None, "—") else str(value).rstrip("%")
        self.checked += 1
        if not same(got, want):
            self.problems.append(
                f"{where}: {key} {part} of unit {unit_id} is {value!r}, indicator says {want!r}"
            )


def xlsx_rows(resp) -> list[list]:
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    return CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()


@pytest.fixture(scope="module")
def seeded_world(module_demos, django_db_blocker):
    """Every module's demo data (the shared ``module_demos``), and in a savepoint of it rolled back
    at this module's end (each test runs in a savepoint of that): its figures become last month's,
    then this month moves on."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _seed_world()
            settle_constraint_checks()  # the world's rows, once for the module
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _seed_world() -> dict:
    this = indicators.month_of()
    last = indicators.month_of(this - datetime.timedelta(days=1))
    IndicatorValue.objects.filter(month=this).update(month=last)
    city = demo_user("city_admin")
    gjz = unit("210211")
    with audit.acting_as(city, "test"):
        # This month: a union founded for an uncovered enterprise.
        rule = FoundingRule.current()
        e = (
            Enterprise.objects.filter(community__path__startswith=gjz.path)
            .filter(expected_q(rule))
            .exclude(covered_q())
            .order_by("pk")
            .first()
        )
        founding_actions.found_union(city, enterprises=[e], founded_on=datetime.date.today())
    street = e.community.parent
    while street.kind != OrgKind.TOWNSHIP:
        street = street.parent
    return {
        "months": [last, this],
        "city": OrgUnit.objects.get(parent=None),
        "district": gjz,
        "street": street,
    }


@pytest.fixture
def world(seeded_world, db):
    return seeded_world


def test_every_figure_on_every_page_is_the_indicators_value(client, world):
    walk = Walk(client)
    iu = demo_user("jx_admin").org
    nodes = [(world["city"], "city_admin"), (world["district"], "gjz_admin"), (world["street"], "gjz_admin")]
    nodes += [(iu, "jx_admin")]
    shown_keys = [i.key for i in dq.shown_indicators()]
    assert world["months"][0] != world["months"][1]
    for node, username in nodes:
        client.force_login(demo_user(username))
        with audit.acting_as(None, "test"):
            token = issue_token(demo_user(username), "figure walk")[1]
        bearer = {"Authorization": f"Bearer {token}"}
        for i, month in enumerate(world["months"]):
            m = f"month={month:%Y-%m}"
            # Each indicator's own pages (its dashboard, its column of the table's .xlsx, its API
            # answer) at one of the two months, in turn: every indicator read at a month, both
            # months read, in half the requests of reading every indicator at both.
            mine = shown_keys[i :: len(world["months"])]
            # The dashboard, once per indicator (its ranking table shows the chosen one).
            for key in mine:
                ind = indicators.get(key)
                parts = ["rate", "numerator", "denominator"] if ind.unit == indicators.RATE else ["numerator"]
                walk.page(
                    f"/dashboard/{node.pk}/?indicator={key}&{m}",
                    month,
                    [(k, node.pk, "numerator") for k in shown_keys] + [(key, node.pk, p) for p in parts],
                )
            walk.page(
                f"/dashboard/{node.pk}/table/?{m}", month, [(k, node.pk, "numerator") for k in shown_keys]
            )
            # The statistical table's .xlsx, one indicator at a time: each child's row and the total.
            children = {c.name: c for c in dq.children_for(demo_user(username), node)}
            for key in mine:
                rows = xlsx_rows(client.get(f"/dashboard/{node.pk}/table/?i={key}&export=xlsx&{m}"))
                body = [r for r in rows[4:] if r and r[0] in children or r and r[0] == "合计"]
                assert body and body[-1][0] == "合计"
                for r in body:
                    uid = node.pk if r[0] == "合计" else children[r[0]].pk
                    walk.compare(f"table.xlsx {key}", key, uid, "numerator", int(r[1]), month)
                    if indicators.get(key).unit == indicators.RATE:
                        walk.compare(f"table.xlsx {key}", key, uid, "denominator", int(r[2]), month)
                        walk.compare(f"table.xlsx {key}", key, uid, "rate", r[3], month)
            # The API.
            for key in mine:
                body = client.get(f"/api/v1/indicators/{key}/units/{node.pk}?{m}", headers=bearer).json()
                assert body["month"] == f"{month:%Y-%m}-01"
                for uid, fig in [(node.pk, body["total"])] + [(c["unit_id"], c) for c in body["children"]]:
                    for part in ("numerator", "denominator", "rate"):
                        walk.compare(f"api {key}", key, uid, part, fig[part], month)
            # Founding: the founding rate and 基层工会数 of the node (an industrial union has no
            # founding rate of its own: the indicator says so, and the page shows it).
            walk.page(
                f"/founding/unit/{node.pk}/?{m}",
                month,
                [("founding.rate", node.pk, p) for p in ("rate", "numerator", "denominator")]
                + [("orgs.grassroots_units", node.pk, "numerator")],
            )
            rows = xlsx_rows(client.get(f"/founding/unit/{node.pk}/?export=xlsx&{m}"))
            total = rows[-1]
            if node.kind == OrgKind.INDUSTRIAL:  # by district, for reference only, and says so
                assert total[0].startswith("合计（参考")
            else:
                assert total[0] == "合计"
            if node.kind != OrgKind.INDUSTRIAL:
                walk.compare("founding.xlsx", "founding.rate", node.pk, "denominator", int(total[3]), month)
                walk.compare("founding.xlsx", "founding.rate", node.pk, "numerator", int(total[6]), month)
                walk.compare("founding.xlsx", "founding.rate", node.pk, "rate", total[9], month)
            # Members.
            walk.page(
                f"/members/node/{node.pk}/?{m}",
                month,
                [("members.active", node.pk, "numerator"), ("members.card_coverage", node.pk, "rate")]
                + [
                    ("members.card_coverage", node.pk, "numerator"),
                    ("members.inactive", node.pk, "numerator"),
                ],
            )
            rows = xlsx_rows(client.get(f"/members/node/{node.pk}/figures.xlsx?{m}"))
            total = rows[-1]
            walk.compare("members.xlsx", "members.active", node.pk, "numerator", int(total[1]), month)
            walk.compare("members.xlsx", "members.card_coverage", node.pk, "numerator", int(total[2]), month)
            walk.compare("members.xlsx", "members.card_coverage", node.pk, "rate", total[4], month)
            # Stability.
            walk.page(
                f"/stability/?node={node.pk}&{m}", month, [("stability.open_cases", node.pk, "numerator")]
            )
            # Visits (双走双促): the four kept figures of the node.
            walk.page(
                f"/visits/?node={node.pk}&{m}",
                month,
                [("visits.done_vs_planned", node.pk, p) for p in ("rate", "numerator", "denominator")]
                + [("visits.enterprises_reached", node.pk, "numerator")]
                + [("visits.households_reached", node.pk, "numerator")]
                + [("visits.deeds_on_time", node.pk, p) for p in ("rate", "numerator", "denominator")],
            )
            # Union building and workers' culture.
            walk.page(
                f"/building/?node={node.pk}&{m}",
                month,
                [("building.direct_elections", node.pk, p) for p in ("rate", "numerator", "denominator")]
                + [("building.graded", node.pk, "numerator")]
                + [("building.satisfaction", node.pk, p) for p in ("rate", "numerator", "denominator")],
            )
            walk.page(
                f"/culture/?node={node.pk}&{m}",
                month,
                [
                    (k, node.pk, "numerator")
                    for k in (
                        "culture.positions",
                        "culture.teams",
                        "culture.model_experiences",
                        "culture.onsite_meetings",
                    )
                ],
            )
            # Bargaining, stations and documents: every figure they mark (the walk reads all).
            walk.page(
                f"/bargaining/?node={node.pk}&{m}",
                month,
                [("bargaining.contract_coverage", node.pk, p) for p in ("rate", "numerator", "denominator")],
            )
            walk.page(
                f"/stations/?node={node.pk}&{m}",
                month,
                [("stations.coverage", node.pk, p) for p in ("rate", "numerator", "denominator")],
            )
            if node.pk == demo_user(username).org_id:  # the documents' figures are the user's own unit's
                walk.page(f"/documents/figures/?{m}", month, [])
    assert not walk.problems, "\n".join(walk.problems[:40])
    assert walk.checked > 500  # the walk read figures, not an empty page


def test_lists_opened_from_a_figure_have_its_length(client, world):
    client.force_login(demo_user("gjz_admin"))
    district = world["district"]
    html = client.get(f"/founding/unit/{district.pk}/").content.decode()
    links = re.findall(
        r'href="(/founding/enterprises/\?[^"]+)" data-testid="missing-link" data-count="(\d+)"', html
    )
    assert len(links) > 2  # the node's and its children's 未建会
    for href, count in links:
        resp = client.get(href.replace("&amp;", "&"))
        assert resp.context["page"].paginator.count == int(count), href
    fig = indicators.value("founding.rate", district)
    assert (
        f"/founding/enterprises/?under={district.pk}&founding=missing",
        str(fig.denominator - fig.numerator),
    ) in [(h, c) for h, c in links]


def test_rankings_group_children_by_kind_and_add_up(client, world):
    city = world["city"]
    user = demo_user("city_admin")
    for ind in dq.shown_indicators():
        tbl = dq.table(user, city, ind)
        kinds = {g.key: {r.unit.kind for r in g.rows} for g in tbl.groups}
        assert kinds.get("districts", {OrgKind.DISTRICT}) == {OrgKind.DISTRICT}
        assert kinds.get("industrial", {OrgKind.INDUSTRIAL}) == {OrgKind.INDUSTRIAL}
        assert "industrial" in kinds  # the demo city has industrial unions beside its districts
        summed = sum((g.subtotal for g in tbl.groups if not g.overlaps), indicators.Figure(0, 0, ind.unit))
        own = tbl.own or indicators.Figure(0, 0, ind.unit)
        assert (summed.numerator + own.numerator, summed.denominator + own.denominator) == (
            tbl.total.numerator,
            tbl.total.denominator,
        ), ind.key
        assert [g.overlaps for g in tbl.groups if g.key == "industrial"] == [True]
    client.force_login(user)
    html = client.get(f"/dashboard/{city.pk}/?indicator=members.active").content.decode()
    assert 'data-testid="overlap-note"' in html and "同一单位在两组各计一次" in html


def test_breakdowns_the_indicator_does_not_hold_add_up_to_it(world):
    """By ownership and by industry (live queries) add up to the kept founding figure; the members'
    breakdown of an industrial union by district adds up to its kept total."""
    from unionwork.members.queries import kept_figures

    user = demo_user("city_admin")
    for node in (world["city"], world["district"], world["street"]):
        fig = indicators.value("founding.rate", node)
        by_ownership, by_industry = rate_breakdowns(user, node)
        for parts in (by_ownership, by_industry):
            assert sum(r.expected for r in parts) == fig.denominator, node.name
            assert sum(r.founded for r in parts) == fig.numerator, node.name
    iu = demo_user("jx_admin").org
    from unionwork.founding.queries import linked_union_units_by_district

    by_district = linked_union_units_by_district(iu)
    assert sum(by_district.values()) == indicators.value("orgs.grassroots_units", iu).numerator > 0
    table = kept_figures(demo_user("jx_admin"), iu)
    assert sum(r.members for r in table.all_rows) == indicators.value("members.active", iu).numerator > 0
    assert sum(r.carded for r in table.all_rows) == indicators.value("members.card_coverage", iu).numerator


def test_a_trend_has_no_zero_before_the_figure_had_data(client, world):
    """Last month is the first with data: the eleven months before it are gaps, not zeros."""
    client.force_login(demo_user("city_admin"))
    city = world["city"]
    html = client.get(f"/dashboard/{city.pk}/?indicator=members.active").content.decode()
    data = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    values = data["trend"]["values"]
    assert values[:10] == [None] * 10
    assert values[-2] is not None and values[-1] is not None and values[-1] > 0
    with audit.acting_as(None, "test"):
        token = issue_token(demo_user("city_admin"), "trend")[1]
    api = client.get(
        f"/api/v1/indicators/members.active/units/{city.pk}", headers={"Authorization": f"Bearer {token}"}
    ).json()["trend"]
    assert api[0]["numerator"] is None and api[-1]["numerator"] == values[-1]


def test_a_month_is_shown_and_choosable_on_every_figure_page(client, world):
    client.force_login(demo_user("gjz_admin"))
    d = world["district"]
    last = world["months"][0]
    for url in (
        f"/dashboard/{d.pk}/",
        f"/dashboard/{d.pk}/table/",
        f"/founding/unit/{d.pk}/",
        f"/members/node/{d.pk}/",
        f"/stability/?node={d.pk}",
        f"/visits/?node={d.pk}",
    ):
        sep = "&" if "?" in url else "?"
        html = client.get(f"{url}{sep}month={last:%Y-%m}").content.decode()
        assert f'<option value="{last:%Y-%m}" selected>' in html, url
        assert 'data-testid="as-of"' in html, url  # the page says it shows a past month
        assert 'data-testid="as-of"' not in client.get(url).content.decode(), url


def test_the_rebuild_command_recounts_a_new_indicator(world):
    """A deployment that gains an indicator (members.inactive) fills it with the command."""
    from django.core.management import call_command

    IndicatorValue.objects.filter(indicator="members.inactive").delete()
    city = OrgUnit.objects.get(parent=None)
    assert indicators.value("members.inactive", city).numerator == 0
    out = io.StringIO()
    call_command("indicators_rebuild", "members.inactive", stdout=out)
    assert "已离会会员" in out.getvalue()
    assert indicators.value("members.inactive", city) == indicators.live_totals("members.inactive", city.path)
    assert indicators.value("members.inactive", city).numerator > 0

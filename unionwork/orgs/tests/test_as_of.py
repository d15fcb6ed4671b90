"""The tree on any date: dated parent links, the as-of children of a node, the figures of then."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import audit, indicators
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.dashboard import queries as dashboard_queries
from unionwork.orgs import actions, queries
from unionwork.orgs.indicators import GRASSROOTS_UNITS
from unionwork.orgs.models import OrgEvent, OrgKind, OrgLink, OrgStatus

pytestmark = pytest.mark.django_db

KEY = GRASSROOTS_UNITS.key
JUNE, JULY, AUGUST = datetime.date(2026, 6, 1), datetime.date(2026, 7, 1), datetime.date(2026, 8, 1)


@pytest.fixture
def clock(monkeypatch):
    """``clock(date)``: the platform's today (actions, bumps, links) is that day from now on."""
    real = timezone.now

    def set_day(day: datetime.date):
        moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10, 0))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    yield set_day
    monkeypatch.setattr(timezone, "now", real)


@pytest.fixture
def city_admin():
    user = demo_user("city_admin")
    with audit.acting_as(user, "test"):
        yield user


def _unions(user, parent, n, prefix):
    return [
        actions.create_unit(user, parent=parent, name=f"{prefix}演示工会{i}", kind=OrgKind.GRASSROOTS)
        for i in range(n)
    ]


def _fig(u, month):
    u.refresh_from_db()
    return indicators.value(KEY, u, month).numerator


def test_moving_a_street_leaves_past_months_alone_and_shifts_both_districts_by_its_figures(clock, city_admin):
    city, gjz, shk = unit("2102"), unit("210211"), unit("210204")
    street = unit("210211001")
    community = unit("210211001001")
    clock(datetime.date(2026, 6, 10))
    _unions(city_admin, community, 3, "周水子")  # under the street
    _unions(city_admin, unit("210211002"), 2, "甘井子他街")  # elsewhere in the district
    _unions(city_admin, unit("210204006"), 4, "沙河口")
    before = {u.pk: {m: _fig(u, m) for m in (JUNE, JULY)} for u in (city, gjz, shk, street)}
    street_fig = _fig(street, JUNE)
    assert street_fig >= 3

    clock(datetime.date(2026, 8, 12))
    actions.move_unit(city_admin, street, shk, reason="区划调整")

    # Months before the move: both districts (and the city) as they were.
    for u in (city, gjz, shk, street):
        for m in (JUNE, JULY):
            assert _fig(u, m) == before[u.pk][m], (u.name, m)
    # From the move on: each district changes by exactly the street's figure; the city does not.
    assert _fig(gjz, AUGUST) == before[gjz.pk][JULY] - street_fig
    assert _fig(shk, AUGUST) == before[shk.pk][JULY] + street_fig
    assert _fig(city, AUGUST) == before[city.pk][JULY]
    assert _fig(street, AUGUST) == street_fig

    # The move is one audited action with its reason, and the old link is closed, not overwritten.
    move = AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(street.pk), verb="move").get()
    assert move.note == "区划调整"
    links = list(OrgLink.objects.filter(unit=street, kind=OrgLink.Kind.TERRITORIAL).order_by("valid_from"))
    assert [(lk.parent_id, lk.valid_to) for lk in links] == [
        (gjz.pk, datetime.date(2026, 8, 12)),
        (shk.pk, None),
    ]

    # The as-of tree: back in the present, July shows the street under 甘井子, August under 沙河口.
    clock(datetime.date(2026, 11, 20))
    gjz_july = {c.pk for c in queries.children_as_of(city_admin, gjz, JULY)}
    shk_july = {c.pk for c in queries.children_as_of(city_admin, shk, JULY)}
    assert street.pk in gjz_july and street.pk not in shk_july
    gjz_aug = {c.pk for c in queries.children_as_of(city_admin, gjz, AUGUST)}
    shk_aug = {c.pk for c in queries.children_as_of(city_admin, shk, AUGUST)}
    assert street.pk not in gjz_aug and street.pk in shk_aug
    # The dashboard's table of 甘井子 for July lists the street with its figure of then.
    table = dashboard_queries.table(city_admin, gjz, GRASSROOTS_UNITS, JULY)
    rows = {r.unit.pk: r.figure.numerator for r in table.rows}
    assert rows[street.pk] == street_fig
    assert table.own is None  # the children of then add up to the district's figure of then
    table = dashboard_queries.table(city_admin, shk, GRASSROOTS_UNITS, AUGUST)
    assert {r.unit.pk: r.figure.numerator for r in table.rows}[street.pk] == street_fig


def test_deregistration_and_merge_close_links_and_the_past_keeps_the_status_of_then(clock, city_admin):
    community = unit("210211001001")
    clock(datetime.date(2026, 6, 10))
    a, b = _unions(city_admin, community, 2, "状态")
    clock(datetime.date(2026, 7, 3))
    actions.deregister_unit(city_admin, a, reason="企业关闭")
    actions.merge_units(
        city_admin,
        b,
        actions.create_unit(city_admin, parent=community, name="并入目标演示工会", kind=OrgKind.GRASSROOTS),
        reason="合并",
    )
    clock(datetime.date(2026, 11, 20))
    june = {
        c.pk: c.status for c in queries.children_of(city_admin, community, include_inactive=True, month=JUNE)
    }
    july = {
        c.pk: c.status for c in queries.children_of(city_admin, community, include_inactive=True, month=JULY)
    }
    assert june[a.pk] == OrgStatus.ACTIVE and june[b.pk] == OrgStatus.ACTIVE
    assert july[a.pk] == OrgStatus.DEREGISTERED and july[b.pk] == OrgStatus.MERGED
    active_june = {c.pk for c in queries.children_as_of(city_admin, community, JUNE)}
    active_july = {c.pk for c in queries.children_as_of(city_admin, community, JULY)}
    assert {a.pk, b.pk} <= active_june and not ({a.pk, b.pk} & active_july)
    # A unit created in July did not stand under the community in June.
    created_july = OrgEvent.objects.get(unit__name="并入目标演示工会", kind=OrgEvent.Kind.CREATED).unit_id
    assert created_july not in active_june and created_july in active_july


def test_an_industrial_link_change_is_dated_too(clock, city_admin):
    clock(datetime.date(2026, 6, 10))
    iu1, iu2 = unit("I01"), unit("I02")
    (g,) = _unions(city_admin, unit("210211001001"), 1, "产业")
    actions.update_unit(city_admin, g, industrial_union=iu1, reason="关联")
    clock(datetime.date(2026, 8, 2))
    actions.update_unit(city_admin, g, industrial_union=iu2, reason="改关联")
    clock(datetime.date(2026, 11, 20))
    assert g.pk in {c.pk for c in queries.children_as_of(city_admin, iu1, JULY, linked=True)}
    assert g.pk not in {c.pk for c in queries.children_as_of(city_admin, iu2, JULY, linked=True)}
    assert g.pk in {c.pk for c in queries.children_as_of(city_admin, iu2, AUGUST, linked=True)}
    assert _fig(iu1, JULY) - _fig(iu1, AUGUST) == 1


def test_pages_and_api_show_the_children_of_then(clock, city_admin, client):
    from unionwork.orgs.tests.test_api import Api, key_for

    gjz, shk, street = unit("210211"), unit("210204"), unit("210211001")
    clock(datetime.date(2026, 7, 10))
    actions.move_unit(city_admin, street, shk, reason="区划调整")
    clock(datetime.date(2026, 11, 20))
    client.force_login(city_admin)
    old = client.get(f"/orgs/{gjz.pk}/?month=2026-06").content.decode()
    now = client.get(f"/orgs/{gjz.pk}/").content.decode()
    assert street.name in old and street.name not in now
    api = Api(client, key_for("city_admin"))
    got = api.get(f"/api/v1/orgs/{shk.pk}/children", month="2026-06").json()
    assert street.pk not in {c["id"] for c in got["items"]}
    got = api.get(f"/api/v1/orgs/{shk.pk}/children").json()
    assert street.pk in {c["id"] for c in got["items"]}
    figures = api.get(f"/api/v1/indicators/{KEY}/units/{gjz.pk}", month="2026-06").json()
    assert street.pk in {c["unit_id"] for c in figures["children"]}
    figures = api.get(f"/api/v1/indicators/{KEY}/units/{gjz.pk}").json()
    assert street.pk not in {c["unit_id"] for c in figures["children"]}
    dash = client.get(f"/dashboard/{gjz.pk}/?month=2026-06&indicator={KEY}").content.decode()
    assert street.name in dash
    assert street.name not in client.get(f"/dashboard/{gjz.pk}/?indicator={KEY}").content.decode()
    founding = client.get(f"/founding/unit/{gjz.pk}/?month=2026-06").content.decode()
    assert street.name in founding
    assert street.name not in client.get(f"/founding/unit/{gjz.pk}/").content.decode()
    table = client.get(f"/dashboard/{gjz.pk}/table/?month=2026-06&export=xlsx")
    assert table.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(table.content)).active
    assert street.name in {c.value for row in sheet.iter_rows() for c in row}

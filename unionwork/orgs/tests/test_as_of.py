"""The tree on any date: dated parent links, the as-of children of a node, the figures of then."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import audit, indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent, IndicatorCorrection
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
    members = client.get(f"/members/node/{gjz.pk}/?month=2026-06").content.decode()
    assert street.name in members
    assert street.name not in client.get(f"/members/node/{gjz.pk}/").content.decode()
    founding = client.get(f"/founding/unit/{gjz.pk}/?month=2026-06").content.decode()
    assert street.name in founding
    assert street.name not in client.get(f"/founding/unit/{gjz.pk}/").content.decode()
    table = client.get(f"/dashboard/{gjz.pk}/table/?month=2026-06&export=xlsx")
    assert table.status_code == 200
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(table.content)).active
    assert street.name in {c.value for row in sheet.iter_rows() for c in row}


def test_the_timeline_shows_each_event_with_the_figures_before_and_after(clock, city_admin, client):
    street = unit("210211001")
    a, b = list(street.children.order_by("code")[:2])
    clock(datetime.date(2026, 6, 10))
    _unions(city_admin, a, 2, "时间线甲")
    _unions(city_admin, b, 1, "时间线乙")
    clock(datetime.date(2026, 8, 5))
    actions.merge_units(city_admin, a, b, reason="社区合并")
    clock(datetime.date(2026, 11, 20))
    b.refresh_from_db()
    entries = {e.event.kind: e for e in queries.timeline(b)}
    merged = entries[OrgEvent.Kind.MERGED]
    assert merged.month == AUGUST
    figures = {i.key: (before.numerator, after.numerator) for i, before, after in merged.figures}
    assert figures[KEY] == (1, 3)
    page = client_page(client, city_admin, f"/orgs/{b.pk}/")
    assert "社区合并" in page and "1 → 3" in page


def client_page(client, user, url):
    client.force_login(user)
    resp = client.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


def test_a_closed_month_changes_only_by_a_correction_of_the_level_above(clock, city_admin, client, settings):
    settings.UNIONWORK_MONTH_CLOSES_ON_DAY = 10
    gjz, street, community = unit("210211"), unit("210211001"), unit("210211001001")
    clock(datetime.date(2026, 6, 10))
    _unions(city_admin, community, 2, "结账")
    june = _fig(gjz, JUNE)
    # On 9 July June is still open; from 10 July it is closed.
    assert not indicators.is_closed(JUNE, datetime.date(2026, 7, 9))
    assert indicators.is_closed(JUNE, datetime.date(2026, 7, 10))
    clock(datetime.date(2026, 7, 12))
    # An action after the closing changes the current month, never June.
    _unions(city_admin, community, 1, "迟报")
    assert _fig(gjz, JUNE) == june and _fig(gjz, JULY) == june + 1
    # The district may not correct its own figure (only the level above it), nor an open month.
    gjz_admin = demo_user("gjz_admin")
    with pytest.raises(ActionError):
        actions.correct_figure(gjz_admin, gjz, KEY, JUNE, 1, 0, "补登")
    with pytest.raises(ActionError):
        actions.correct_figure(gjz_admin, street, KEY, JULY, 1, 0, "本月")
    with pytest.raises(ActionError):
        actions.correct_figure(gjz_admin, street, KEY, JUNE, 1, 0, " ")
    actions.correct_figure(gjz_admin, street, KEY, JUNE, 1, 0, "6月建会漏报，经区总审核更正")
    assert _fig(gjz, JUNE) == june + 1 and _fig(street, JUNE) == _fig(street, JUNE)
    assert _fig(gjz, JULY) == june + 1  # July is its own (the record counted there already)
    assert _fig(unit("2102"), JUNE) == _fig(unit("2102"), JUNE)
    fix = IndicatorCorrection.objects.get()
    assert AuditEvent.objects.filter(
        model="core.indicatorcorrection", object_id=str(fix.pk), verb="correct"
    ).exists()
    page = client_page(client, city_admin, f"/dashboard/{gjz.pk}/?month=2026-06")
    assert "6月建会漏报" in page and "已结账" in page
    assert "6月建会漏报" not in client_page(client, city_admin, f"/dashboard/{gjz.pk}/?month=2026-07")
    for url in (f"/founding/unit/{gjz.pk}/", f"/members/node/{gjz.pk}/", f"/orgs/{gjz.pk}/"):
        assert "6月建会漏报" in client_page(client, city_admin, url + "?month=2026-06"), url
    # Through its page: the form, a refusal shown on it, and a correction.
    clock(datetime.date(2026, 8, 20))
    client.force_login(gjz_admin)
    resp = client.post(
        f"/orgs/{street.pk}/correct/",
        {"indicator": KEY, "month": "2026-08", "numerator": 1, "denominator": 0, "reason": "x"},
    )
    assert resp.status_code == 400 and "尚未结账" in resp.content.decode()
    resp = client.post(
        f"/orgs/{street.pk}/correct/",
        {"indicator": KEY, "month": "2026-06", "numerator": -1, "denominator": 0, "reason": "复核撤回"},
    )
    assert resp.status_code == 302
    assert _fig(gjz, JUNE) == june


def test_the_database_refuses_overlapping_links_of_one_kind(city_admin):
    from django.db import IntegrityError, transaction

    street, gjz, shk = unit("210211001"), unit("210211"), unit("210204")
    actions.move_unit(city_admin, street, shk, reason="区划调整")
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():  # a second link over the open one
        OrgLink.objects.create(unit=street, kind="territorial", parent=gjz, valid_from=today)
    with pytest.raises(IntegrityError), transaction.atomic():  # a closed link reopened over the next
        OrgLink.objects.filter(unit=street, kind="territorial", valid_to=today).update(
            valid_to=today + datetime.timedelta(days=1)
        )
    # Links of the other kind, and an empty link, overlap nothing.
    OrgLink.objects.create(unit=street, kind="industrial", parent=unit("I01"), valid_from=today)
    OrgLink.objects.create(unit=street, kind="territorial", parent=gjz, valid_from=today, valid_to=today)

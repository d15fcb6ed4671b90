"""Kept figures: moved at once by the actions and by the daily job, equal at every level to the
sum of the children and to a plain aggregate; three-at-once gained and lost."""

import datetime

import pytest

from unionwork.bargaining import actions
from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import ThreeAtOnce
from unionwork.core import indicators
from unionwork.orgs.models import OrgKind, OrgUnit

from .helpers import as_user, bare_enterprise, contract_for, demo_user, today, unit

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
KEYS = (*bi.KEYS, bi.TEAM)


def fig(key, u):
    f = indicators.value(key, u)
    return f.numerator, f.denominator


def chain(e):
    """The enterprise's community, street, district and the city."""
    ids = [int(x) for x in e.community.path.strip("/").split("/")]
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("depth"))


def flags(e, day=None):
    return bi.annotate_flags(type(e).objects.filter(pk=e.pk), day).values(
        "has_union", "has_contract", "has_congress", "is_three", "is_expiring"
    )[0]


@pytest.mark.parametrize("key", KEYS)
def test_each_level_is_the_sum_of_its_children_and_the_plain_count(module_demos, key):
    checked = 0
    for u in [
        unit("2102"),
        unit("210211"),
        unit("210202"),
        unit("I01"),
        *OrgUnit.objects.filter(parent__code="210211", kind=OrgKind.TOWNSHIP)[:4],
    ]:
        kept = indicators.value(key, u)
        live = indicators.live_totals(key, u.path)
        assert (kept.numerator, kept.denominator) == (live.numerator, live.denominator), u.name
        children = OrgUnit.objects.filter(parent=u).exclude(kind=OrgKind.INDUSTRIAL)
        if u.kind != OrgKind.INDUSTRIAL and key != bi.TEAM:
            total = [0, 0]
            for c in children:
                f = indicators.value(key, c)
                total[0] += f.numerator
                total[1] += f.denominator
            assert tuple(total) == (kept.numerator, kept.denominator), u.name
        checked += kept.denominator or kept.numerator
    assert checked, "the demo data should give these figures something to count"


def test_demo_has_contracts_some_expiring_some_expired(module_demos):
    from unionwork.bargaining.models import Contract

    statuses = set(Contract.objects.with_status().values_list("status", flat=True))
    assert {"in_force", "expiring", "expired", "renewed"} <= statuses
    city = unit("2102")
    assert 0 < fig(bi.COVERAGE, city)[0] < fig(bi.COVERAGE, city)[1]
    assert fig(bi.EXPIRING, city)[0] > 0
    assert fig(bi.TEAM, unit("210211")) == (1, 1)
    assert fig(bi.TEAM, unit("210202")) == (0, 1)


def test_a_contract_moves_every_level_at_once(module_demos):
    e = bare_enterprise()
    levels = chain(e)
    before = {u.pk: fig(bi.COVERAGE, u) for u in levels}
    c = contract_for(e, kind="wage")
    for u in levels:
        assert fig(bi.COVERAGE, u) == (before[u.pk][0] + 1, before[u.pk][1]), u.name
    with as_user(demo_user("gjz_admin")) as user:
        actions.withdraw_contract(user, c, reason="测试撤回")
    for u in levels:
        assert fig(bi.COVERAGE, u) == before[u.pk], u.name


def test_three_at_once_gained_and_lost(module_demos):
    e = bare_enterprise()
    district = unit("210211")
    three0 = fig(bi.THREE, district)
    end = today() + 10 * DAY
    contract_for(e, start=today() - 700 * DAY, end=end)
    assert flags(e)["is_three"] == 0 and fig(bi.THREE, district) == three0
    with as_user(None):
        congress = actions.record_congress(None, e.union, established_on=today() - 400 * DAY)
        assert flags(e)["has_congress"] == 0  # established over a year ago, never met: overdue
        actions.record_session(None, congress, held_on=today() - 30 * DAY, delegates=40, women_delegates=12)
    assert flags(e)["is_three"] == 1
    assert fig(bi.THREE, district) == (three0[0] + 1, three0[1])
    first = ThreeAtOnce.objects.get(enterprise=e).first_held_on
    assert first == max(e.union_since, today() - 400 * DAY, today() - 700 * DAY)
    # The contract expires the day after its end: the daily job takes 三同时 away at every level.
    assert flags(e, end)["is_three"] == 1 and flags(e, end + DAY)["is_three"] == 0
    moved = actions.recount_day(end + DAY)
    assert moved >= 1
    assert fig(bi.THREE, district) == three0
    assert ThreeAtOnce.objects.get(enterprise=e).first_held_on == first  # the first day stays


def test_daily_job_enters_and_leaves_the_expiring_window(module_demos):
    e = bare_enterprise()
    district = unit("210211")
    end = today() + (bi.expiring_days() + 1) * DAY
    contract_for(e, end=end)
    n0 = fig(bi.EXPIRING, district)[0]
    assert flags(e)["is_expiring"] == 0
    actions.recount_day(today() + DAY)  # tomorrow it is 90 days before its end
    assert fig(bi.EXPIRING, district)[0] == n0 + 1
    assert flags(e, today() + DAY)["is_expiring"] == 1


def test_congress_falls_overdue_with_time(module_demos):
    e = bare_enterprise()
    district = unit("210211")
    with as_user(None):
        congress = actions.record_congress(None, e.union, established_on=today() - 500 * DAY)
        actions.record_session(None, congress, held_on=today() - 365 * DAY + 3 * DAY, delegates=20)
    congress.refresh_from_db()
    n0 = fig(bi.CONGRESS, district)
    due = congress.next_due_on
    assert due >= today()
    actions.recount_day(due + DAY)
    assert fig(bi.CONGRESS, district) == (n0[0] - 1, n0[1])


def test_instructor_team_met_and_lost(module_demos):
    zs = unit("210202")
    assert fig(bi.TEAM, zs) == (0, 1)
    with as_user(None):
        third = actions.add_instructor(None, zs, name="新指导员")
    assert fig(bi.TEAM, zs) == (1, 1)
    assert fig(bi.TEAM, unit("2102"))[0] == 3  # 甘井子区, 机械冶金 and now 中山区
    with as_user(None):
        actions.end_instructor(None, third, reason="调离")
    assert fig(bi.TEAM, zs) == (0, 1)


@pytest.mark.parametrize(
    ("value", "flag", "want"),
    [
        ("contract", "has_contract", 0),
        ("wage", "has_wage", 0),
        ("congress", "has_congress", 0),
        ("three", "is_three", 0),
        ("held", "is_three", 1),
    ],
)
def test_the_lacking_filter_keeps_exactly_the_rows_whose_flags_say_so(module_demos, value, flag, want):
    """The three-at-once list filtered by what is lacking (a NOT EXISTS on the condition, which
    the planner estimates) keeps the same enterprises as the flags its rows show (0/1)."""
    from unionwork.bargaining import queries
    from unionwork.bargaining.filters import ThreeAtOnceFilter

    rows = queries.three_at_once_rows(demo_user("city_admin"))
    expected = set(rows.filter(**{flag: want}).values_list("pk", flat=True))
    got = set(ThreeAtOnceFilter({"lacking": value}, queryset=rows).qs.values_list("pk", flat=True))
    assert expected and got == expected

"""The roll-up always equals the sum over the children, on random records over the real tree."""

import itertools

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Substr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionwork.core import audit, indicators
from unionwork.core.models import IndicatorValue
from unionwork.core.tests.factories import unit
from unionwork.orgs import actions
from unionwork.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db

_counter = itertools.count()


def declare(registered, records: dict) -> str:
    """A test indicator whose records are (path, ipath) -> [num, den] in memory (for this test only)."""
    key = f"test.ind{next(_counter)}"

    def own():
        for (path, ipath), (n, d) in records.items():
            yield path, ipath, n, d

    def live(prefix):
        n = sum(v[0] for (p, _i), v in records.items() if p.startswith(prefix))
        d = sum(v[1] for (p, _i), v in records.items() if p.startswith(prefix))
        return n, d

    registered(
        indicators.INDICATORS,
        key,
        indicators.Indicator(
            key=key, label="测试", numerator_label="分子", own_counts=own, live_subtree=live
        ),
    )
    return key


@pytest.fixture(scope="module")
def sample_units(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        district = OrgUnit.objects.get(code="210211")
        return list(OrgUnit.objects.filter(path__startswith=district.path).order_by("?")[:60])


def record(records, key, u, num, den):
    k = (u.path, u.ipath)
    cur = records.setdefault(k, [0, 0])
    cur[0] += num
    cur[1] += den
    indicators.bump(key, u.path, u.ipath, num, den)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rollup_equals_sum_of_children(sample_units, registered, data):
    records = {}
    key = declare(registered, records)
    changes = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(sample_units) - 1), st.integers(-3, 5), st.integers(0, 9)),
            min_size=1,
            max_size=40,
        )
    )
    for idx, num, den in changes:
        record(records, key, sample_units[idx], num, den)
    district = unit("210211")
    for node in [district, *sample_units[:10]]:
        fig = indicators.value(key, node)
        children = list(OrgUnit.objects.filter(parent=node))
        own = records.get((node.path, node.ipath), [0, 0])
        child_sum = sum((f for _c, f in indicators.children_values(key, children)), indicators.Figure(*own))
        assert (fig.numerator, fig.denominator) == (child_sum.numerator, child_sum.denominator)
        live = indicators.live_totals(key, node.path)
        assert (fig.numerator, fig.denominator) == (live.numerator, live.denominator)
    # A rebuild from the module's own counts gives the same figures.
    before = {r.unit_id: (r.numerator, r.denominator) for r in IndicatorValue.objects.filter(indicator=key)}
    indicators.rebuild(key)
    after = {r.unit_id: (r.numerator, r.denominator) for r in IndicatorValue.objects.filter(indicator=key)}
    assert {k: v for k, v in before.items() if v != (0, 0)} == {k: v for k, v in after.items() if v != (0, 0)}


def test_a_change_shows_at_once_at_every_level(registered):
    records = {}
    key = declare(registered, records)
    g = unit("G0001")
    record(records, key, g, 1, 1)
    for code in ("G0001", "210211001001", "210211001", "210211", "2102", "I01"):
        assert indicators.value(key, unit(code)).numerator == 1, code
    assert indicators.value(key, unit("210202")).numerator == 0


def test_last_months_figure_stays_when_records_change(registered, monkeypatch):
    import datetime

    records = {}
    key = declare(registered, records)
    g = unit("G0002")
    indicators.bump(key, g.path, g.ipath, 2, 4, when=datetime.date(2026, 1, 15))
    indicators.bump(key, g.path, g.ipath, 1, 0, when=datetime.date(2026, 3, 2))
    district = unit("210211")
    assert indicators.value(key, district, datetime.date(2026, 1, 31)).numerator == 2
    assert indicators.value(key, district, datetime.date(2026, 2, 28)).numerator == 2  # carried forward
    assert indicators.value(key, district, datetime.date(2026, 3, 31)).numerator == 3
    series = indicators.trend(key, district, months=3, until=datetime.date(2026, 3, 1))
    assert [f.numerator for _m, f in series] == [2, 2, 3]
    assert series[0][1].rate == 50.0


def test_a_units_figures_read_at_once_are_each_indicators_value(registered):
    """``unit_values`` (a node's key figures in one query) reads what ``value`` reads, month by month."""
    import datetime

    first, second, empty = (declare(registered, {}) for _ in range(3))
    g = unit("G0002")
    indicators.bump(first, g.path, g.ipath, 2, 4, when=datetime.date(2026, 1, 15))
    indicators.bump(first, g.path, g.ipath, 1, 0, when=datetime.date(2026, 3, 2))
    indicators.bump(second, g.path, g.ipath, 5, 5, when=datetime.date(2026, 2, 10))
    keys = [first, second, empty]
    for code in ("G0002", "210211", "210202"):
        for month in (
            datetime.date(2025, 12, 1),
            datetime.date(2026, 1, 31),
            datetime.date(2026, 2, 28),
            None,
        ):
            u = unit(code)
            got = indicators.unit_values(keys, u, month)
            assert list(got) == keys
            assert got == {k: indicators.value(k, u, month) for k in keys}, (code, month)
    assert indicators.unit_values(keys, unit("210211"), datetime.date(2026, 2, 1))[second].numerator == 5


def test_several_units_figures_are_each_units_latest_month(registered):
    """``values`` and ``values_many`` (a table's figures of many units in one query) read, for each
    unit, the latest month at or before the asked one, as ``value`` does; units without records
    are absent."""
    import datetime

    first, second = declare(registered, {}), declare(registered, {})
    g, other = unit("G0002"), unit("210202")
    indicators.bump(first, g.path, g.ipath, 2, 4, when=datetime.date(2026, 1, 15))
    indicators.bump(first, g.path, g.ipath, 1, 0, when=datetime.date(2026, 3, 2))
    indicators.bump(second, g.path, g.ipath, 5, 5, when=datetime.date(2026, 2, 10))
    units = [g, unit("210211"), unit("2102"), other]
    ids = [u.pk for u in units]
    for month in (datetime.date(2025, 12, 1), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), None):
        many = indicators.values_many([first, second], ids, month)
        for key in (first, second):
            single = indicators.values(key, ids, month)
            assert many[key] == single, (key, month)
            for u in units:
                expected = indicators.value(key, u, month)
                if expected.numerator or expected.denominator:
                    assert single[u.pk] == expected, (key, u.code, month)
                else:
                    assert u.pk not in single
    feb = indicators.values_many([first, second], ids, datetime.date(2026, 2, 28))
    assert (feb[first][g.pk].numerator, feb[second][g.pk].numerator) == (2, 5)
    assert indicators.values(first, ids)[g.pk].numerator == 3


def test_a_groups_sum_is_the_sum_of_its_units_latest_figures(registered):
    """``sums_many`` (a statistical table's subtotal, summed by the database) equals adding up
    ``values_many`` of the same units, month by month; units without records add nothing."""
    import datetime

    first, second = declare(registered, {}), declare(registered, {})
    g, h = unit("G0002"), unit("210202")
    indicators.bump(first, g.path, g.ipath, 2, 4, when=datetime.date(2026, 1, 15))
    indicators.bump(first, g.path, g.ipath, 1, 0, when=datetime.date(2026, 3, 2))
    indicators.bump(first, h.path, h.ipath, 7, 9, when=datetime.date(2026, 2, 3))
    indicators.bump(second, h.path, h.ipath, 5, 5, when=datetime.date(2026, 2, 10))
    ids = [g.pk, h.pk, unit("2102").pk]
    for month in (datetime.date(2025, 12, 1), datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), None):
        sums = indicators.sums_many([first, second], ids, month)
        many = indicators.values_many([first, second], ids, month)
        for key in (first, second):
            added = sum(many[key].values(), indicators.Figure(0, 0, sums[key].unit))
            assert (sums[key].numerator, sums[key].denominator) == (added.numerator, added.denominator)
            assert type(sums[key].numerator) is int
    # Before any record, and for no units, the sum is zero (not absent).
    before = indicators.sums_many([first, second], ids, datetime.date(2025, 12, 1))
    assert (before[first].numerator, before[second].denominator) == (0, 0)
    assert indicators.sums_many([first], [], None)[first].numerator == 0
    jan = indicators.sums_many([first, second], [g.pk], datetime.date(2026, 1, 31))
    assert (jan[first].numerator, jan[first].denominator, jan[second].numerator) == (2, 4, 0)
    # In groups: grouped by the unit itself, each group is that unit's own latest figure.
    from django.db.models import F

    for month in (datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), None):
        by_unit = indicators.sums_by([first, second], ids, F("unit_id"), month)
        many = indicators.values_many([first, second], ids, month)
        for key in (first, second):
            assert by_unit[key] == many[key], (key, month)


def test_a_moved_subtree_carries_its_figures(registered):
    records = {}
    key = declare(registered, records)
    with audit.acting_as(None, "test"):
        a, b = unit("210211001"), unit("210202001")
        community = OrgUnit.objects.filter(parent=a).first()
        g = actions.create_unit(None, parent=community, name="演示移动测试工会", kind=OrgKind.GRASSROOTS)
        indicators.bump(key, g.path, "", 3, 5)
        actions.move_unit(None, community, b)
    assert indicators.value(key, a).numerator == 0
    assert indicators.value(key, unit("210211")).numerator == 0
    assert indicators.value(key, b).numerator == 3
    assert indicators.value(key, unit("210202")).numerator == 3
    assert indicators.value(key, unit("2102")).numerator == 3


def test_the_grassroots_union_count_follows_the_tree():
    from unionwork.orgs.indicators import GRASSROOTS_UNITS

    key = GRASSROOTS_UNITS.key
    district, jx = unit("210211"), unit("I01")
    before, before_jx = indicators.value(key, district).numerator, indicators.value(key, jx).numerator
    with audit.acting_as(None, "test"):
        g = actions.create_unit(
            None,
            parent=unit("210211001001"),
            name="演示计数工会",
            kind=OrgKind.GRASSROOTS,
            industrial_union=jx,
        )
        assert indicators.value(key, district).numerator == before + 1
        assert indicators.value(key, jx).numerator == before_jx + 1
        actions.update_unit(None, g, industrial_union=None)
        assert indicators.value(key, jx).numerator == before_jx
        assert indicators.value(key, district).numerator == before + 1
        actions.deregister_unit(None, g, reason="测试")
    assert indicators.value(key, district).numerator == before
    live = indicators.live_totals(key, district.path)
    assert live.numerator == indicators.value(key, district).numerator


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index probe is PostgreSQL's")
def test_the_probe_the_unit_scan_and_the_window_find_the_same_latest_rows(registered):
    """PostgreSQL finds each (key, unit)'s latest row by one index probe (its cost does not grow
    with the months of history), or for many keys at once by one scan of each unit's rows; the
    portable window must find exactly the same rows. A key not asked for is never among them."""
    import datetime

    first, second, other = declare(registered, {}), declare(registered, {}), declare(registered, {})
    g, h = unit("G0002"), unit("210202")
    for month, n in ((1, 2), (3, 1), (5, 4)):
        indicators.bump(first, g.path, g.ipath, n, n + 1, when=datetime.date(2026, month, 9))
    indicators.bump(second, h.path, h.ipath, 5, 5, when=datetime.date(2026, 2, 10))
    indicators.bump(other, g.path, g.ipath, 9, 9, when=datetime.date(2026, 4, 2))  # not asked for
    ways = (indicators._latest_sql_probe, indicators._latest_sql_unit_scan, indicators._latest_sql_window)
    ids = [g.pk, h.pk, unit("2102").pk, unit("210211").pk]
    by = Substr(F("unit_path"), 1, 4)
    for month in (datetime.date(2025, 12, 1), datetime.date(2026, 2, 1), datetime.date(2026, 4, 1), None):
        m = indicators.month_of(month)
        for group in (None, by):
            got = {}
            for way in ways:
                sql, params = way([first, second], ids, m, group)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    got[way.__name__] = sorted(cursor.fetchall())
            assert got["_latest_sql_probe"] == got["_latest_sql_window"], (month, group)
            assert got["_latest_sql_unit_scan"] == got["_latest_sql_probe"], (month, group)
            assert other not in {r[0] for r in got["_latest_sql_probe"]}
    rows = {(r[0], r[1]): (r[-3], r[-2]) for r in got["_latest_sql_probe"]}  # the last: grouped
    assert rows[first, g.pk] == (7, 10) and rows[second, h.pk] == (5, 5)  # g: 2+1+4 over 3+2+5
    paths = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "path"))
    assert all(r[2] == paths[r[1]][:4] for r in got["_latest_sql_probe"])  # each row's own group
    # The ids the probe finds for bump are the same latest rows.
    latest = indicators._latest_qs([first], [g.pk], indicators.month_of(None))
    assert [r.month for r in latest] == [datetime.date(2026, 5, 1)]


def test_a_sparse_rebuild_of_past_months_writes_a_row_only_where_a_figure_moved(registered):
    """History written after the fact (the demo's past months) keeps the rule of bumps: a month in
    which a unit's figure did not move has no row of it, and every month reads what a full rebuild
    would give; a unit whose records are gone falls to zero."""
    import datetime

    key = declare(registered, {})
    g, h = unit("G0002"), unit("G0003")
    months = [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    counts = {
        months[0]: [(g.path, g.ipath, 2, 0), (h.path, h.ipath, 1, 0)],
        months[1]: [(g.path, g.ipath, 2, 0), (h.path, h.ipath, 1, 0)],  # nothing moved
        months[2]: [(g.path, g.ipath, 3, 0)],  # g grew, h's record is gone
    }
    for month in months:
        indicators.rebuild(key, month, counts=counts[month], sparse=True)
    rows = IndicatorValue.objects.filter(indicator=key)
    assert not rows.filter(month=months[1]).exists()
    assert set(rows.filter(month=months[2]).values_list("unit_id", "numerator")) >= {(g.pk, 3), (h.pk, 0)}
    city = OrgUnit.objects.get(parent__isnull=True)
    expected = {months[0]: (2, 1, 3), months[1]: (2, 1, 3), months[2]: (3, 0, 3)}
    for month, (at_g, at_h, at_city) in expected.items():
        assert indicators.value(key, g, month).numerator == at_g
        assert indicators.value(key, h, month).numerator == at_h
        assert indicators.value(key, city, month).numerator == at_city


def test_figures_of_many_units_as_of_a_month_hold_no_later_row(registered):
    """A read of many units as of a month never takes a later month's row: SQLite 3.40 (Debian
    12's) returned rows past the month for ``unit_id IN (…)`` with a range on ``month`` once the
    list held some 90 units, so a past month's figures showed this month's."""
    import datetime

    key = declare(registered, {})
    units = list(OrgUnit.objects.order_by("pk")[:300])
    earlier, later = datetime.date(2026, 1, 1), datetime.date(2026, 6, 1)
    indicators.bump_many(key, [(u.path, u.ipath, 1, 1) for u in units[:40]], when=later)
    # A hundred other indicators, a few rows each: a database in use has about as many, which
    # leads SQLite's planner to scan one indicator's range for the whole list of units.
    for n in range(100):
        other = declare(registered, {})
        indicators.bump(other, units[n].path, units[n].ipath, 1, 1, when=later)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics a running database has (the demo keeps them)
    ids = [u.pk for u in units]
    assert indicators.values(key, ids, earlier) == {}
    assert indicators.sums_many([key], ids, earlier)[key] == indicators.Figure(0, 0)
    assert indicators._latest_rows(key, ids, earlier) == {}
    assert indicators.values(key, ids, later)[units[39].pk].numerator >= 1  # its own record, by then

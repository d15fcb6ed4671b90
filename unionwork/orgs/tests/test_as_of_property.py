"""Property: whatever the sequence of moves, merges, foundings and deregistrations over the real
tree, month after month, every node's kept figure of every month equals a plain count over the
records as they stood at that month's end, the as-of tree of that month adds up to it, and moves
and merges leave the city's total alone.

Few examples in ``make test``; ``UNIONWORK_PROPERTY_EXAMPLES=200`` for a longer search.
"""

import datetime
import os

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionwork.core import audit, indicators
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs import actions, queries
from unionwork.orgs.indicators import GRASSROOTS_UNITS
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

pytestmark = pytest.mark.django_db
KEY = GRASSROOTS_UNITS.key
EXAMPLES = int(os.environ.get("UNIONWORK_PROPERTY_EXAMPLES", "4"))
# Months after today's real one, so that rows the foundation wrote lie before them.
MONTHS = [datetime.date(2027, m, 1) for m in (1, 2, 3, 4)]
DISTRICTS = ("210211", "210204")

OP = st.one_of(
    st.tuples(st.just("found"), st.integers(0, 99)),
    st.tuples(st.just("move_community"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("move_street"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("merge"), st.integers(0, 99), st.integers(0, 99)),
    st.tuples(st.just("deregister"), st.integers(0, 99)),
)


def set_day(monkeypatch, day: datetime.date) -> None:
    moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 10, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def pick(qs, i):
    items = list(qs.order_by("code", "pk"))
    return items[i % len(items)] if items else None


def apply(user, op, districts, counter) -> str:
    """One operation on the pool (two districts, a few streets each, their communities)."""
    streets = OrgUnit.objects.filter(parent__in=districts, kind=OrgKind.TOWNSHIP, status=OrgStatus.ACTIVE)
    streets = OrgUnit.objects.filter(pk__in=[s.pk for s in streets.order_by("code")[:6]])
    communities = OrgUnit.objects.filter(parent__in=streets, kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE)
    kind = op[0]
    if kind == "found":
        c = pick(communities, op[1])
        actions.create_unit(user, parent=c, name=f"性质演示工会{next(counter)}", kind=OrgKind.GRASSROOTS)
        return "found"
    if kind == "move_community":
        c, s = pick(communities, op[1]), pick(streets, op[2])
        if c.parent_id != s.pk:
            actions.move_unit(user, c, s, reason="性质测试")
            return "move"
    if kind == "move_street":
        s, d = pick(streets, op[1]), districts[op[2] % 2]
        if s.parent_id != d.pk:
            actions.move_unit(user, s, d, reason="性质测试")
            return "move"
    if kind == "merge":
        a, b = pick(communities, op[1]), pick(communities, op[2])
        if a.pk != b.pk:
            actions.merge_units(user, a, b, reason="性质测试")
            return "merge"
    if kind == "deregister":
        g = pick(
            OrgUnit.objects.filter(parent__in=communities, kind=OrgKind.GRASSROOTS, status="active"), op[1]
        )
        if g is not None:
            actions.deregister_unit(user, g, reason="性质测试")
            return "deregister"
    return "none"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(plan=st.lists(st.lists(OP, min_size=1, max_size=5), min_size=len(MONTHS), max_size=len(MONTHS)))
def test_every_months_figures_are_the_plain_count_of_then(plan, monkeypatch_session):
    monkeypatch = monkeypatch_session
    user = demo_user("city_admin")
    counter = iter(range(10**6))
    with transaction.atomic(), audit.acting_as(user, "test"):
        city = unit("2102")
        districts = [unit(c) for c in DISTRICTS]
        watched = [
            city.pk,
            *[d.pk for d in districts],
            *OrgUnit.objects.filter(parent__in=districts, kind=OrgKind.TOWNSHIP)
            .order_by("code")[:12]
            .values_list("pk", flat=True),
        ]
        expected: dict = {}
        city_before = indicators.live_totals(KEY, city.path).numerator
        for month, ops in zip(MONTHS, plan, strict=True):
            set_day(monkeypatch, month.replace(day=5))
            net = 0
            for op in ops:
                done = apply(user, op, districts, counter)
                net += {"found": 1, "deregister": -1}.get(done, 0)
            # The plain count over the records as they stand at the month's end.
            for u in OrgUnit.objects.filter(pk__in=watched):
                expected[(u.pk, month)] = indicators.live_totals(KEY, u.path).numerator
            city_now = expected[(city.pk, month)]
            assert city_now == city_before + net  # moves and merges leave the city's total alone
            city_before = city_now
        set_day(monkeypatch, datetime.date(2027, 6, 15))
        for (pk, month), count in expected.items():
            u = OrgUnit.objects.get(pk=pk)
            assert indicators.value(KEY, u, month).numerator == count, (u.name, month)
        # The as-of tree of each month adds up to the figure of then (each district: its streets).
        for month in MONTHS:
            for d in districts:
                children = list(queries.children_as_of(user, d, month))
                got = indicators.children_values(KEY, children, month)
                total = sum(f.numerator for _c, f in got)
                # Every union of the pool stands in a community, so the children hold it all.
                assert total == expected[(d.pk, month)], (d.name, month)
        transaction.set_rollback(True)


@pytest.fixture
def monkeypatch_session():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()

"""Property (issue 12): for random sequences of releases, acceptances, registrations, departures
and hand-overs, every kept figure (members.active, in_transit, floating, card coverage, inactive)
equals a plain count over the register at every level, and the city's figures are exactly the
counts of members active or floating, in transit, and floating.

A few examples in ``make test``; ``TRANSIT_EXAMPLES=200`` for a long run."""

import datetime
import os

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionwork.core import audit, indicators
from unionwork.core.errors import ActionError
from unionwork.core.tests.factories import unit
from unionwork.members import actions, pii
from unionwork.members.indicators import FLOATING_KEY, IN_TRANSIT_KEY, rebuild_all
from unionwork.members.models import COUNTED, Member, MemberStatus

from .helpers import register
from .test_transit import CODES, KEYS

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("TRANSIT_EXAMPLES", "5"))
UNIONS = ("G0001", "G0002", "G0003")
PEOPLE = 4

member_i = st.integers(0, PEOPLE - 1)
union_i = st.sampled_from(UNIONS)
ops = st.one_of(
    st.tuples(
        st.just("release"), member_i, st.one_of(st.none(), union_i), st.sampled_from([0, 30, 90, 91, 150])
    ),
    st.tuples(st.just("accept"), member_i, union_i),
    st.tuples(st.just("register"), member_i, union_i),
    st.tuples(st.just("leave"), member_i),
    st.tuples(st.just("transfer"), member_i, union_i),
    st.tuples(st.just("handover")),
)


def _apply(op, people, numbers, today):
    kind = op[0]
    m = Member.objects.get(pk=people[op[1]].pk) if len(op) > 1 else None
    if kind == "release":
        dest = unit(op[2]) if op[2] else None
        actions.release_member(None, m, destination=dest, on=today - datetime.timedelta(days=op[3]))
    elif kind == "accept":
        actions.accept_member(None, m, unit(op[2]))
    elif kind == "register":
        actions.register_member(
            None, unit(op[2]), name=m.name, id_number=numbers[op[1]], employment_form=m.employment_form
        )
    elif kind == "leave":
        actions.end_membership(None, m, MemberStatus.LEFT)
    elif kind == "transfer":
        actions.transfer_member(None, m, unit(op[2]))
    else:
        actions.hand_over_floating(today)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(ops, min_size=1, max_size=12))
def test_kept_figures_equal_plain_counts_over_any_sequence(sequence):
    today = timezone.localdate()
    with transaction.atomic():
        with audit.acting_as(None, "test"):
            rebuild_all()
            people = [register(UNIONS[i % 3])[0] for i in range(PEOPLE)]
            numbers = [pii.decrypt(p.id_cipher, p.pii_key) for p in people]
            for op in sequence:
                try:
                    with transaction.atomic():
                        _apply(op, people, numbers, today)
                except ActionError:
                    pass  # a refused step changes nothing (its savepoint is rolled back)
        for key in KEYS:
            for code in CODES:
                u = unit(code)
                fig, live = indicators.value(key, u), indicators.live_totals(key, u.path)
                assert (fig.numerator, fig.denominator) == (live.numerator, live.denominator), (
                    key,
                    code,
                    sequence,
                )
        city = unit("2102")
        assert (
            indicators.value("members.active", city).numerator
            == Member.objects.filter(status__in=COUNTED).count()
        )
        assert (
            indicators.value(IN_TRANSIT_KEY, city).numerator
            == Member.objects.filter(status=MemberStatus.IN_TRANSIT).count()
        )
        assert (
            indicators.value(FLOATING_KEY, city).numerator
            == Member.objects.filter(status=MemberStatus.FLOATING).count()
        )
        transaction.set_rollback(True)

"""Committees, direct elections, cadres and systems, and the elections-due reminders."""

import datetime

import pytest

from unionwork.building import actions, notifications, queries
from unionwork.building.indicators import DIRECT_ELECTIONS
from unionwork.building.models import Committee
from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import Notice
from unionwork.core.notifications import send_reminders

from .helpers import as_user, committee_kwargs, demo_user, unit

pytestmark = pytest.mark.django_db


def test_a_direct_election_needs_its_count_and_turnout_is_computed():
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        with pytest.raises(ActionError):
            actions.record_committee(gjz, unit("G0001"), **committee_kwargs(votes_cast=None))
        with pytest.raises(ActionError):
            actions.record_committee(gjz, unit("G0001"), **committee_kwargs(votes_cast=201))
        c = actions.record_committee(gjz, unit("G0001"), **committee_kwargs())
    assert c.turnout() == 90.0 and c.is_current


def test_a_new_committee_supersedes_the_current_one_and_moves_the_figure():
    gjz = demo_user("gjz_admin")
    district = unit("210211")
    before = indicators.value(DIRECT_ELECTIONS, district)
    with as_user(gjz):
        first = actions.record_committee(gjz, unit("G0001"), **committee_kwargs())
        assert indicators.value(DIRECT_ELECTIONS, district) == indicators.Figure(
            before.numerator + 1, before.denominator + 1
        )
        second = actions.record_committee(
            gjz,
            unit("G0001"),
            **committee_kwargs(
                method="congress", term_start=datetime.date(2026, 5, 1), term_end=datetime.date(2031, 4, 30)
            ),
        )
    first.refresh_from_db()
    assert first.superseded_at is not None and second.is_current
    assert Committee.objects.current().filter(org=unit("G0001")).count() == 1
    assert indicators.value(DIRECT_ELECTIONS, district) == indicators.Figure(
        before.numerator, before.denominator + 1
    )
    assert indicators.value(DIRECT_ELECTIONS, district) == indicators.Figure(
        *indicators.get(DIRECT_ELECTIONS).live_subtree(district.path)
    )


def test_another_districts_union_is_refused():
    gjz = demo_user("gjz_admin")
    with as_user(gjz), pytest.raises(ActionError):
        actions.record_committee(gjz, unit("G0003"), **committee_kwargs())


def test_elections_due_by_term_end_remind_the_union_and_its_level_above():
    gjz = demo_user("gjz_admin")
    g1 = unit("G0001")
    with as_user(gjz):
        c = actions.record_committee(gjz, g1, **committee_kwargs(term_end=datetime.date(2026, 6, 30)))
    # Due within 30 days from 31 May, not from 30 April; not after the term ended.
    assert c in queries.elections_due(gjz, 30, datetime.date(2026, 5, 31))
    assert c not in queries.elections_due(gjz, 30, datetime.date(2026, 4, 30))
    subjects = lambda day: [r.subject for r in notifications.election_reminders(day)]  # noqa: E731
    assert f"building.election:{c.pk}" in subjects(datetime.date(2026, 6, 1))
    assert f"building.election:{c.pk}" in subjects(datetime.date(2026, 6, 30))
    assert f"building.election:{c.pk}" not in subjects(datetime.date(2026, 7, 1))
    assert f"building.election:{c.pk}" not in subjects(datetime.date(2026, 5, 1))
    reminder = next(
        r
        for r in notifications.election_reminders(datetime.date(2026, 6, 1))
        if r.subject.endswith(f":{c.pk}")
    )
    assert set(reminder.unit_ids) == {g1.pk, g1.parent_id}
    # The level above's acting users get a notice, once.
    send_reminders(datetime.date(2026, 6, 1))
    send_reminders(datetime.date(2026, 6, 1))
    from unionwork.core.tests.factories import make_user

    street_user = make_user("street_bld", g1.parent.code, ["administrator"])
    send_reminders(datetime.date(2026, 6, 25))
    assert Notice.objects.filter(user=street_user, key__startswith=f"building.election:{c.pk}:").count() == 1


def test_profile_rules_subsidy_and_legal_adviser():
    gjz = demo_user("gjz_admin")
    street = unit("210211001")
    with as_user(gjz):
        with pytest.raises(ActionError):
            actions.save_profile(gjz, street, subsidy_in_budget=True, subsidy_amount=None)
        with pytest.raises(ActionError):
            actions.save_profile(
                gjz, street, legal_adviser=True, legal_adviser_name="李律师", legal_adviser_firm=""
            )
        p = actions.save_profile(
            gjz,
            street,
            full_time_cadres=2,
            full_time_required=3,
            subsidy_in_budget=True,
            subsidy_amount=24000,
            legal_adviser=True,
            legal_adviser_name="李律师",
            legal_adviser_firm="辽宁某律师事务所",
        )
    assert p.full_time_gap() == 1 and p.subsidy_amount == 24000

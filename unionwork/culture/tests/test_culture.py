"""Workers' culture: counts kept and rolled up, nominations flowing upward, consent, meetings."""

import datetime

import pytest

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.culture import actions, queries
from unionwork.culture import indicators as ind
from unionwork.culture.models import NominationState

from .helpers import DAY, as_user, demo_user, make_user, unit

pytestmark = pytest.mark.django_db


def _round():
    city = demo_user("city_admin")
    with as_user(city):
        return actions.open_round(
            city, year=2098, title="第十届金纽带", nominations_close=datetime.date(2098, 6, 30)
        )


def test_nominations_flow_upward_to_the_organiser_who_alone_decides():
    award_round = _round()
    street = unit("210211001")
    street_reviewer = make_user("street_rev", street.code, ["reviewer", "editor"])
    gjz_reviewer, city = demo_user("gjz_reviewer"), demo_user("city_admin")
    city_reviewer = make_user("city_rev", "2102", ["reviewer"])
    with as_user(street_reviewer):
        nom = actions.nominate(
            street_reviewer,
            award_round,
            unit("G0001"),
            category="team",
            nominee="职工合唱团",
            merits="十年坚持",
        )
    assert nom.held_by == street
    # The district cannot act before the street forwards it; the street cannot award it.
    assert not actions.user_may_move(gjz_reviewer, nom, "forward")
    assert not actions.user_may_move(street_reviewer, nom, "award_winner")
    with as_user(gjz_reviewer), pytest.raises(ActionError):
        actions.move_nomination(gjz_reviewer, nom, "forward")
    with as_user(street_reviewer):
        nom = actions.move_nomination(street_reviewer, nom, "forward", note="同意推荐")
    assert nom.held_by == unit("210211")
    with as_user(street_reviewer), pytest.raises(ActionError):
        actions.move_nomination(street_reviewer, nom, "forward")  # no longer held by the street
    with as_user(gjz_reviewer):
        nom = actions.move_nomination(gjz_reviewer, nom, "forward")
    assert nom.held_by == unit("2102")
    assert not actions.user_may_move(city_reviewer, nom, "forward")  # the organiser is the top
    with as_user(city_reviewer):
        nom = actions.move_nomination(city_reviewer, nom, "award_winner", note="获奖")
    assert nom.state == NominationState.WINNER and nom.decided_at is not None
    assert [step[0] for step in nom.trail] == [
        street.name,
        street.name,
        unit("210211").name,
        unit("2102").name,
    ]
    assert nom in queries.nominations_of_round(city, award_round)


def test_a_level_may_stop_a_nomination():
    award_round = _round()
    gjz, gjz_reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    with as_user(gjz):
        nom = actions.nominate(
            gjz, award_round, unit("G0002"), category="work", nominee="原创话剧", merits="事迹"
        )
    with as_user(gjz_reviewer):
        nom = actions.move_nomination(gjz_reviewer, nom, "not_selected", note="材料不足")
    assert nom.state == NominationState.NOT_SELECTED
    with as_user(gjz_reviewer), pytest.raises(ActionError):
        actions.move_nomination(gjz_reviewer, nom, "forward")


def test_counts_are_kept_and_roll_up_to_plain_aggregates():
    gjz = demo_user("gjz_admin")
    nodes = [unit("2102"), unit("210211"), unit("210211001"), unit("G0001")]
    before = {k: {n.pk: indicators.value(k, n).numerator for n in nodes} for k in queries.KEYS}
    with as_user(gjz):
        p = actions.add_position(
            gjz, unit("G0001"), name="职工书屋", kind="library", area_sqm=60, opening_hours="9:00-17:00"
        )
        actions.add_position(gjz, unit("210211001"), name="街道文化礼堂", kind="hall", area_sqm=300)
        t = actions.add_team(
            gjz, unit("G0001"), name="百家员工小剧团", kind="art", leader="李团长", members_count=40
        )
        e = actions.add_experience(
            gjz, unit("G0001"), title="员工小剧团", topic="culture", year=2026, write_up="做法"
        )
        actions.record_meeting(
            gjz, unit("210211001"), held_on=DAY, title="文化现场会", topic="culture", experience=e
        )
        actions.close(gjz, p, reason="场地改造")
    assert indicators.value(ind.POSITIONS, unit("G0001")).numerator == before[ind.POSITIONS][unit("G0001").pk]
    assert (
        indicators.value(ind.POSITIONS, unit("210211")).numerator
        == before[ind.POSITIONS][unit("210211").pk] + 1
    )
    assert indicators.value(ind.TEAMS, unit("2102")).numerator == before[ind.TEAMS][unit("2102").pk] + 1
    for key in queries.KEYS:
        for node in nodes:
            kept = indicators.value(key, node)
            assert (kept.numerator, kept.denominator) == indicators.get(key).live_subtree(node.path), (
                key,
                node,
            )
    # The per-year-and-topic tables add up to the kept counts.
    for node in nodes:
        assert (
            sum(r[2] for r in queries.experiences_by(node))
            == indicators.value(ind.EXPERIENCES, node).numerator
        )
        assert sum(r[2] for r in queries.meetings_by(node)) == indicators.value(ind.MEETINGS, node).numerator
    assert t.closed_on is None


def test_talent_needs_consent_and_bases_need_a_reviewing_level():
    gjz, editor = demo_user("gjz_admin"), demo_user("gjz_editor")
    with as_user(gjz):
        with pytest.raises(ActionError):
            actions.add_talent(
                gjz,
                unit("G0001"),
                name="王书法",
                talent="书法",
                level="district",
                consent_on=None,
                consent_note="",
            )
        with pytest.raises(ActionError):
            actions.add_talent(
                gjz,
                unit("G0001"),
                name="王书法",
                talent="书法",
                level="district",
                consent_on=DAY,
                consent_note=" ",
            )
        actions.add_talent(
            gjz,
            unit("G0001"),
            name="王书法",
            talent="书法",
            level="district",
            consent_on=DAY,
            consent_note="本人签字",
        )
    with as_user(editor), pytest.raises(ActionError):
        actions.name_base(editor, unit("G0001"), kind="demonstration", name="示范基地", named_on=DAY)
    with as_user(gjz):
        base = actions.name_base(gjz, unit("G0001"), kind="demonstration", name="示范基地", named_on=DAY)
    assert base.named_by == unit("210211")


def test_experiences_are_adopted_by_a_level_above_and_meetings_keep_to_scope():
    gjz = demo_user("gjz_admin")
    g1_user = make_user("g1_admin", "G0001", ["administrator"])
    with as_user(g1_user):
        exp = actions.add_experience(
            g1_user, unit("G0001"), title="机车职工协会", topic="building", year=2025, write_up="做法"
        )
        with pytest.raises(ActionError):
            actions.adopt_experience(g1_user, exp)
    with as_user(gjz):
        exp = actions.adopt_experience(gjz, exp)
        assert exp.adopted_by == unit("210211")
        with pytest.raises(ActionError):
            actions.record_meeting(
                gjz, unit("G0001"), held_on=DAY, title="现场会", topic="culture", attending=[unit("210202")]
            )

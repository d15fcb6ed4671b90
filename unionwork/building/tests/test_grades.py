"""Grading and creation campaigns: the workflow table, who assesses, validity at its boundaries."""

import datetime

import pytest
from django.utils import timezone

from unionwork.building import actions, queries
from unionwork.building.indicators import GRADED
from unionwork.building.models import ApplicationState, GradeApplication
from unionwork.core import indicators
from unionwork.core.errors import ActionError

from .helpers import as_user, demo_user, unit

pytestmark = pytest.mark.django_db


def _campaign(years=3):
    city = demo_user("city_admin")
    with as_user(city):
        return actions.save_campaign(
            city,
            name=f"测试 3A {years}",
            kind="three_a",
            levels=["A", "AA", "AAA"],
            criteria="三项标准",
            validity_years=years,
        )


def _aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_only_the_city_admin_sets_campaigns():
    gjz = demo_user("gjz_admin")
    with as_user(gjz), pytest.raises(ActionError):
        actions.save_campaign(gjz, name="x", kind="other", levels=["A"], criteria="c")


def test_the_level_above_awards_and_the_unit_cannot_award_itself():
    campaign = _campaign()
    gjz, reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    with as_user(gjz):
        app = actions.apply_grade(gjz, campaign, unit("210211001"), evidence="材料", level_sought="AA")
        with pytest.raises(ActionError):
            actions.apply_grade(gjz, campaign, unit("210211001"), evidence="又一份")
    # 甘井子区's own application cannot be awarded by 甘井子区's reviewer.
    with as_user(gjz):
        own = actions.apply_grade(gjz, campaign, unit("210211"), evidence="区总材料")
    with as_user(reviewer):
        with pytest.raises(ActionError):
            actions.move_application(reviewer, own, "award", grade="A")
        with pytest.raises(ActionError):
            actions.move_application(reviewer, app, "award", grade="AAAA")  # not a level
        with pytest.raises(ActionError):
            actions.move_application(reviewer, app, "resubmit")  # not from submitted
        awarded = actions.move_application(reviewer, app, "award", grade="AA", note="达标")
    assert awarded.state == ApplicationState.AWARDED and awarded.grade == "AA"
    assert not actions.user_may_move(gjz, own, "award")


def test_grade_validity_at_its_boundaries_and_expiry_moves_the_figure():
    campaign = _campaign(years=3)
    gjz, reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    district = unit("210211")
    before = indicators.value(GRADED, district).numerator
    with as_user(gjz):
        app = actions.apply_grade(gjz, campaign, unit("G0001"), evidence="材料")
    with as_user(reviewer):
        app = actions.move_application(
            reviewer, app, "award", grade="AAA", now=_aware(datetime.date(2024, 3, 1))
        )
    assert (app.valid_from, app.valid_until) == (datetime.date(2024, 3, 1), datetime.date(2027, 2, 28))
    assert not app.in_force(datetime.date(2024, 2, 29))
    assert app.in_force(datetime.date(2024, 3, 1)) and app.in_force(datetime.date(2027, 2, 28))
    assert not app.in_force(datetime.date(2027, 3, 1))
    assert GradeApplication.objects.in_force(datetime.date(2027, 2, 28)).filter(pk=app.pk).exists()
    assert not GradeApplication.objects.in_force(datetime.date(2027, 3, 1)).filter(pk=app.pk).exists()
    assert indicators.value(GRADED, district).numerator == before + 1
    assert ("测试 3A 3", "AAA", 1) in queries.grades_by_level(unit("G0001"))
    # The daily job: nothing on the last valid day, expired the day after.
    with as_user(None):
        assert actions.expire_grades(datetime.date(2027, 2, 28)) == 0
        assert actions.expire_grades(datetime.date(2027, 3, 1)) >= 1
    app.refresh_from_db()
    assert app.state == ApplicationState.EXPIRED
    assert indicators.value(GRADED, district).numerator == before
    # The unit may apply again once the grade has expired.
    with as_user(gjz):
        actions.apply_grade(gjz, campaign, unit("G0001"), evidence="再次申报")


def test_grades_by_level_add_up_to_the_indicator():
    campaign = _campaign(years=2)
    reviewer, gjz = demo_user("gjz_reviewer"), demo_user("gjz_admin")
    for code, grade in (("G0001", "A"), ("G0002", "AA"), ("210211001", "AA")):
        with as_user(gjz):
            app = actions.apply_grade(gjz, campaign, unit(code), evidence="材料")
        with as_user(reviewer):
            actions.move_application(reviewer, app, "award", grade=grade)
    for node in (unit("210211"), unit("2102"), unit("210211001")):
        total = sum(n for _c, _g, n in queries.grades_by_level(node))
        assert (
            indicators.value(GRADED, node).numerator
            == total
            == indicators.get(GRADED).live_subtree(node.path)[0]
        )


def test_revoke_needs_a_reason_and_leaves_the_record():
    campaign = _campaign()
    reviewer, gjz = demo_user("gjz_reviewer"), demo_user("gjz_admin")
    with as_user(gjz):
        app = actions.apply_grade(gjz, campaign, unit("G0002"), evidence="材料")
    with as_user(reviewer):
        actions.move_application(reviewer, app, "award", grade="A")
        with pytest.raises(ActionError):
            actions.move_application(reviewer, app, "revoke")
        app = actions.move_application(reviewer, app, "revoke", note="发生重大劳动争议")
    assert app.state == ApplicationState.REVOKED and GradeApplication.objects.filter(pk=app.pk).exists()
    with pytest.raises(ActionError):
        app.delete()

"""Issue 12 item 3: pacing (时间过半、任务过半) at its boundaries, on a kept indicator."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from unionwork.core import audit, indicators, pacing
from unionwork.core.pacing import LEVEL, PacedTarget, Window
from unionwork.core.tests.factories import unit
from unionwork.members.indicators import ACTIVE_KEY, rebuild_all

from .helpers import register

pytestmark = pytest.mark.django_db
# The figures registered in the test are this month's, and the windows end up to a day before DAY:
# DAY is today, or the 2nd on the 1st of a month (so the day before stays in this month).
_TODAY = timezone.localdate()
DAY = _TODAY if _TODAY.day > 1 else _TODAY.replace(day=2)
KEY = "test.paced_members"


@pytest.fixture
def counted():
    with audit.acting_as(None, "test"):
        register("G0001", 2)
        rebuild_all()
    u = unit("G0001")
    have = indicators.value(ACTIVE_KEY, u).numerator
    assert have > 0
    return u, have


def window(target, start_days_ago, length):
    start = DAY - datetime.timedelta(days=start_days_ago)
    return Window(float(target), start, start + datetime.timedelta(days=length))


def paced(w):
    return PacedTarget(
        KEY, "测试", ACTIVE_KEY, measure=LEVEL, windows=lambda ids, year: dict.fromkeys(ids, w)
    )


def test_time_share_at_the_start_the_deadline_and_after():
    start, deadline = datetime.date(2026, 1, 1), datetime.date(2026, 8, 31)
    assert pacing.time_share(start, deadline, start) == 0.0
    assert pacing.time_share(start, deadline, start - datetime.timedelta(days=1)) == 0.0
    assert pacing.time_share(start, deadline, deadline) == 100.0
    assert pacing.time_share(start, deadline, deadline + datetime.timedelta(days=1)) == 100.0
    half = start + (deadline - start) / 2
    assert pacing.time_share(start, deadline, half) == 50.0


@override_settings(UNIONWORK_PACING_TOLERANCE=10)
@pytest.mark.parametrize(("gone", "warns"), [(59, False), (60, False), (61, True)])
def test_a_warning_only_when_the_task_lags_the_time_by_more_than_the_tolerance(counted, gone, warns):
    u, have = counted
    w = window(have * 2, gone, 100)  # half the task done; ``gone`` % of the time gone
    with pacing.TARGETS.temporarily(KEY, paced(w)):
        p = pacing.pace(KEY, u, DAY)
    assert (p.time, p.task) == (float(gone), 50.0)
    assert p.warning is warns
    assert p.state == (pacing.BEHIND if warns else pacing.ON_PACE)


@override_settings(UNIONWORK_PACING_TOLERANCE=0)
def test_the_tolerance_is_a_setting(counted):
    u, have = counted
    with pacing.TARGETS.temporarily(KEY, paced(window(have * 2, 51, 100))):
        assert pacing.pace(KEY, u, DAY).warning


def test_the_day_of_the_start_never_warns(counted):
    u, have = counted
    with pacing.TARGETS.temporarily(KEY, paced(window(have * 1000, 0, 100))):
        p = pacing.pace(KEY, u, DAY)
    assert p.time == 0.0 and not p.warning


def test_the_deadline_day_warns_an_unfinished_task_and_after_it_is_missed(counted):
    u, have = counted
    with pacing.TARGETS.temporarily(KEY, paced(window(have * 2, 100, 100))):
        p = pacing.pace(KEY, u, DAY)
    assert p.time == 100.0 and p.state == pacing.BEHIND
    with pacing.TARGETS.temporarily(KEY, paced(window(have * 2, 101, 100))):
        p = pacing.pace(KEY, u, DAY)
    assert p.state == pacing.MISSED and p.warning
    with pacing.TARGETS.temporarily(KEY, paced(window(have, 101, 100))):
        p = pacing.pace(KEY, u, DAY)
    assert p.task == 100.0 and p.state == pacing.MET and not p.warning


def test_units_behind_pace_are_listed_for_the_level_above_with_their_trend(counted):
    u, have = counted
    other = unit("G0002")
    with pacing.TARGETS.temporarily(KEY, paced(window(have * 4, 80, 100))):
        rows = pacing.behind(KEY, [u, other], DAY, months=3)
    assert u in [p.unit for p in rows]
    mine = next(p for p in rows if p.unit == u)
    assert len(mine.trend) == 3 and mine.trend[-1][1] == mine.task


def test_the_registered_targets_card_coverage_and_founding():
    cards = pacing.get("members.cards_by_august")
    w = cards.windows_for([1], 2026)[1]
    assert (w.start, w.deadline, w.target) == (datetime.date(2026, 1, 1), datetime.date(2026, 8, 31), 90.0)
    assert pacing.get("founding.targets").indicator == "orgs.grassroots_units"


def test_the_pacing_api_and_the_members_page_show_time_and_task(client):
    from django.urls import reverse

    from unionwork.core.tests.apiclient import clients
    from unionwork.core.tests.factories import demo_user

    api = clients(client)("gjz_admin")
    u = unit("210211")
    r = api.get(f"/api/v1/indicators/pacing/members.cards_by_august/units/{u.pk}?day=2026-05-01")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["node"]["deadline"] == "2026-08-31" and body["node"]["time_share"] == round(
        120 * 100 / 242, 1
    )
    other = unit("210202").pk
    assert api.get(f"/api/v1/indicators/pacing/members.cards_by_august/units/{other}").status_code == 404
    client.force_login(demo_user("gjz_admin"))
    page = client.get(reverse("members:home")).content.decode()
    assert 'data-testid="pacing"' in page and "时间过半" in page


def test_the_card_deadline_is_judged_by_the_coverage_at_the_deadline_not_today():
    """Cards issued after 31 August do not meet the August deadline, whatever today's coverage."""
    from unionwork.core.tests.factories import demo_user
    from unionwork.members import actions, queries

    today = timezone.localdate()
    if today <= queries.card_deadline(today.year):
        pytest.skip("the deadline of this year has not passed yet")
    with audit.acting_as(None, "test"):
        register("G0001", 2)
        actions.issue_cards(None, unit("210211"))
    city = demo_user("city_admin")
    row = next(r for r in queries.card_deadline_table(city) if r.unit.code == "210211")
    assert row.figures.coverage == 100.0  # every active member holds a card today
    judged = row.extra["at_deadline"]
    assert judged.members == indicators.value(ACTIVE_KEY, unit("210211"), queries.card_deadline()).numerator
    assert (judged.coverage or 0) < queries.CARD_COVERAGE_TARGET  # this month's cards were not there then
    assert row.state == "missed"
    assert judged.coverage is None or "截止时覆盖率" in row.state_label


def test_a_rate_with_nothing_to_measure_is_not_behind():
    u = unit("G0002")
    w = Window(90.0, DAY - datetime.timedelta(days=300), DAY - datetime.timedelta(days=1))
    with pacing.TARGETS.temporarily(
        KEY, PacedTarget(KEY, "测试", "members.card_coverage", windows=lambda ids, y: dict.fromkeys(ids, w))
    ):
        p = pacing.pace(KEY, u, DAY)
        late = pacing.behind(KEY, [u], DAY)
    assert indicators.value("members.card_coverage", u, w.deadline).denominator == 0  # no members here
    assert p.state == pacing.NO_DATA and not p.warning and late == []

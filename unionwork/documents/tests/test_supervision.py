"""Supervised items: deadlines at the boundary, accept or return, close with a reason, figures."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.tests.factories import demo_user, unit
from unionwork.documents import actions, queries
from unionwork.documents import indicators as doc_indicators
from unionwork.documents.models import Dispatch, SupervisionTarget, TargetState

from .helpers import at, draft, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(acting):
    doc = issue(draft())
    return actions.add_item(
        None,
        doc,
        title="推行会员服务卡",
        deadline=datetime.date(2026, 8, 31),
        recipients=[unit("210211"), unit("210202")],
        indicator_key="members.card_coverage",
    )


def _target(item, code):
    return SupervisionTarget.objects.get(item=item, recipient=unit(code))


def _final(target, when):
    report = actions.report_progress(None, target, text="已全部推行", is_final=True, now=when)
    actions.decide_report(demo_user("city_admin"), report, accept=True, now=when + datetime.timedelta(days=2))
    target.refresh_from_db()
    return target


def test_a_final_report_on_the_deadline_day_is_on_time_and_the_day_after_is_not(item):
    on_day = _final(_target(item, "210211"), at(2026, 8, 31, 23))
    day_after = _final(_target(item, "210202"), at(2026, 9, 1, 0))
    assert on_day.state == TargetState.DONE and on_day.done_on_time
    assert day_after.state == TargetState.DONE and not day_after.done_on_time


def test_an_item_is_overdue_from_the_day_after_its_deadline_until_done_or_closed(item):
    t = _target(item, "210211")
    assert not t.is_overdue(datetime.date(2026, 8, 31))
    assert t.is_overdue(datetime.date(2026, 9, 1))
    assert queries.targets(demo_user("city_admin")).overdue(datetime.date(2026, 9, 1)).count() == 2
    _final(t, at(2026, 9, 3))
    assert not t.is_overdue(datetime.date(2026, 9, 5))
    actions.close_item(demo_user("city_admin"), item, reason="其余单位另行督办")
    assert not _target(item, "210202").is_overdue(datetime.date(2026, 9, 5))


def test_a_returned_report_needs_a_comment_and_sends_the_recipient_back(item):
    t = _target(item, "210211")
    report = actions.report_progress(demo_user("gjz_editor"), t, text="已推行一半", is_final=True)
    with pytest.raises(ActionError, match="写明意见"):
        actions.decide_report(demo_user("city_admin"), report, accept=False)
    actions.decide_report(demo_user("city_admin"), report, accept=False, comment="请补充数字")
    t.refresh_from_db()
    assert t.state == TargetState.RETURNED
    assert t in queries.awaiting_report(demo_user("gjz_editor"))


def test_only_the_recipient_reports_and_only_the_issuer_decides(item):
    t = _target(item, "210211")
    with pytest.raises(ActionError):
        actions.report_progress(demo_user("zs_admin"), t, text="越权")
    with pytest.raises(ActionError, match="本单位"):
        actions.report_progress(demo_user("city_admin"), t, text="代报")
    report = actions.report_progress(demo_user("gjz_editor"), t, text="进展")
    with pytest.raises(ActionError):
        actions.decide_report(demo_user("gjz_admin"), report, accept=True)


def test_items_are_only_for_recipients_of_the_document(item):
    with pytest.raises(ActionError, match="收文单位"):
        actions.add_item(
            None, item.document, title="x", deadline=datetime.date(2026, 9, 1), recipients=[unit("210211001")]
        )
    with pytest.raises(ActionError, match="未登记"):
        actions.add_item(
            None, item.document, title="x", deadline=datetime.date(2026, 9, 1), indicator_key="no.such"
        )


def test_the_live_figure_of_each_recipient_is_the_indicators(item):
    units = [unit("210211"), unit("210202")]
    live = queries.live_figures(item, units)
    for u in units:
        assert (
            live.get(u.pk, indicators.Figure(0, 0)).numerator
            == indicators.value("members.card_coverage", u).numerator
        )
    item.indicator_key = "stations.not_here"  # a module not installed: skipped, not an error
    assert queries.live_figures(item, units) == {}


def test_kept_figures_follow_the_actions_and_equal_the_recount(item):
    doc = item.document
    gjz = unit("210211")
    actions.acknowledge(None, Dispatch.objects.get(document=doc, recipient=gjz), now=timezone.now())
    _final(_target(item, "210211"), at(2026, 8, 30))
    for key in (doc_indicators.ACK_KEY, doc_indicators.SUPERVISION_KEY, doc_indicators.OVERDUE_KEY):
        ind = indicators.get(key)
        for u in (gjz, unit("210202"), unit("2102")):
            kept = indicators.value(key, u)
            assert (kept.numerator, kept.denominator) == ind.live_subtree(u.path), (key, u.name)
    assert indicators.value(doc_indicators.ACK_KEY, gjz).numerator == 1
    assert indicators.value(doc_indicators.SUPERVISION_KEY, gjz) == indicators.Figure(1, 1)


def test_the_daily_recount_makes_a_passed_deadline_overdue(acting):
    doc = issue(draft())
    today = timezone.localdate()
    item = actions.add_item(None, doc, title="今日到期", deadline=today, recipients=[unit("210211")])
    assert indicators.value(doc_indicators.OVERDUE_KEY, unit("210211")).numerator == 0
    # A day passes (the deadline is now yesterday) with no action: only the recount sees it.
    type(item).objects.filter(pk=item.pk).update(deadline=today - datetime.timedelta(days=1))
    assert indicators.value(doc_indicators.OVERDUE_KEY, unit("210211")).numerator == 0
    from unionwork.documents.tasks import recount_overdue

    recount_overdue.call("")
    assert indicators.value(doc_indicators.OVERDUE_KEY, unit("210211")).numerator == 1


def test_a_monthly_item_is_due_at_each_month_end_until_its_deadline(acting):
    doc = issue(draft())
    item = actions.add_item(
        None,
        doc,
        title="按月报送",
        deadline=datetime.date(2026, 12, 15),
        reporting="monthly",
        recipients=[unit("210211")],
    )
    t = _target(item, "210211")
    assert t.next_due(datetime.date(2026, 10, 3)) == datetime.date(2026, 10, 31)
    assert t.next_due(datetime.date(2026, 11, 30)) == datetime.date(2026, 11, 30)
    assert t.next_due(datetime.date(2026, 12, 1)) == datetime.date(2026, 12, 15)

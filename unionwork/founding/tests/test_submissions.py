"""A data-entry clerk records a founding; an administrator or reviewer of the level confirms or
returns it. Nothing counts until confirmation; the figures move at confirmation, once."""

import datetime

import pytest

from unionwork.core import audit, indicators, notifications
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent, Notice
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions
from unionwork.founding.indicators import KEY as RATE
from unionwork.founding.models import (
    Enterprise,
    FoundingRule,
    FoundingSubmission,
    GrassrootsUnion,
    SubmissionState,
)

from .factories import enterprise

UNITS = "orgs.grassroots_units"

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def world():
    with audit.acting_as(None, "test"):
        indicators.rebuild(RATE)
        indicators.rebuild(UNITS)
        gjz_e = enterprise(unit("210211001001"), employees=60)
        zs_e = enterprise(unit("210202001002"), employees=60)
    return {"gjz_e": gjz_e, "zs_e": zs_e}


def figures():
    gjz = unit("210211")
    rate, units = indicators.value(RATE, gjz), indicators.value(UNITS, gjz)
    return (rate.numerator, rate.denominator, units.numerator)


def record(user, e, **kw):
    with audit.acting_as(user, "test"):
        return actions.record_founding(user, enterprises=[e], founded_on=DAY, chairman_name="王演示", **kw)


def move(user, sub, how, reason=""):
    with audit.acting_as(user, "test"):
        return actions.move_submission(user, sub, how, reason=reason)


def test_editor_records_reviewer_confirms_and_the_figures_move_only_then(world):
    editor, reviewer = demo_user("gjz_editor"), demo_user("gjz_reviewer")
    e = world["gjz_e"]
    before = figures()
    sub = record(editor, e)
    assert isinstance(sub, FoundingSubmission) and sub.state == SubmissionState.PENDING
    e.refresh_from_db()
    assert e.union_id is None, "a pending founding covers nothing"
    assert not GrassrootsUnion.objects.filter(unit__name=sub.name).exists()
    assert figures() == before, "a pending founding does not count"
    # It waits in the reviewer's and the administrator's badge, not in the clerk's own.
    for who in ("gjz_reviewer", "gjz_admin"):
        groups = {g.source.key: g for g in notifications.collect(demo_user(who))}
        assert groups["founding.confirmations"].count == 1
        assert groups["founding.confirmations"].items[0].url == sub.get_absolute_url()
    assert "founding.confirmations" not in {g.source.key for g in notifications.collect(editor)}

    sub = move(reviewer, sub, "confirm")
    assert sub.state == SubmissionState.CONFIRMED and sub.decided_by == reviewer
    e.refresh_from_db()
    assert e.union_id == sub.union.unit_id
    after = figures()
    assert after == (before[0] + 1, before[1], before[2] + 1)
    assert [
        v
        for v in AuditEvent.objects.filter(model="founding.foundingsubmission")
        .order_by("id")
        .values_list("verb", flat=True)
    ] == [
        "submit",
        "confirm",
    ]
    assert (
        AuditEvent.objects.filter(model="founding.foundingsubmission", verb="confirm").get().actor_id
        == reviewer.pk
    )
    # Confirmed once: a second confirmation is refused and moves nothing.
    with pytest.raises(ActionError, match="已确认"):
        move(reviewer, sub, "confirm")
    assert figures() == after
    assert "founding.confirmations" not in {g.source.key for g in notifications.collect(reviewer)}


def test_return_needs_a_reason_and_tells_the_clerk(world, client):
    editor, admin = demo_user("gjz_editor"), demo_user("gjz_admin")
    sub = record(editor, world["gjz_e"])
    with pytest.raises(ActionError, match="退回原因"):
        move(admin, sub, "return")
    before = figures()
    sub = move(admin, sub, "return", reason="主席姓名有误")
    assert sub.state == SubmissionState.RETURNED and sub.return_reason == "主席姓名有误"
    assert figures() == before
    note = Notice.objects.get(user=editor, key=f"founding.returned:{sub.pk}")
    assert "主席姓名有误" in note.body
    assert notifications.badge_count(editor) >= 1
    client.force_login(editor)
    page = client.get(sub.get_absolute_url()).content.decode()
    assert "主席姓名有误" in page and f"/founding/unions/new/?enterprise={world['gjz_e'].pk}" in page
    # Corrected and recorded again: a new submission, waiting again.
    again = record(editor, world["gjz_e"])
    assert again.pk != sub.pk and again.is_pending


def test_who_may_record_and_who_may_confirm(world):
    editor, viewer, zs_admin = demo_user("gjz_editor"), demo_user("gjz_viewer"), demo_user("zs_admin")
    with pytest.raises(ActionError, match="角色无权"):
        record(viewer, world["gjz_e"])
    with pytest.raises(ActionError, match="管辖范围"):
        record(editor, world["zs_e"])
    sub = record(editor, world["gjz_e"])
    with pytest.raises(ActionError, match="已有待确认"):
        record(editor, world["gjz_e"])
    with pytest.raises(ActionError, match="角色无权"):
        move(viewer, sub, "confirm")
    with pytest.raises(ActionError, match="角色无权"):
        move(editor, sub, "confirm")
    with pytest.raises(ActionError, match="管辖范围"):
        move(zs_admin, sub, "confirm")
    assert FoundingSubmission.objects.get(pk=sub.pk).is_pending
    # A reviewer at the level below the clerk's is not "of the level".
    assert not FoundingSubmission.objects.restrict(zs_admin, "review").filter(pk=sub.pk).exists()


def test_an_administrator_founds_at_once_and_the_rule_can_trust_clerks(world):
    admin, editor = demo_user("gjz_admin"), demo_user("gjz_editor")
    before = figures()
    union = record(admin, world["gjz_e"])
    assert isinstance(union, GrassrootsUnion)
    assert figures()[0] == before[0] + 1
    with audit.acting_as(None, "test"):
        rule = FoundingRule.current()
        actions.update_rule(
            None,
            own_union_min_employees=rule.own_union_min_employees,
            joint_union_min_employees=rule.joint_union_min_employees,
            excluded_ownerships=rule.excluded_ownerships,
            confirmation_required=False,
        )
        e2 = enterprise(unit("210211001001"), employees=60)
    union2 = record(editor, e2)
    assert isinstance(union2, GrassrootsUnion)
    assert Enterprise.objects.get(pk=e2.pk).union_id == union2.unit_id


def test_the_pages_let_the_editor_record_and_the_reviewer_confirm(client, world):
    e = world["gjz_e"]
    client.force_login(demo_user("gjz_editor"))
    resp = client.get("/founding/unions/new/")
    assert resp.status_code == 200 and "提交本级管理员或审核员确认" in resp.content.decode()
    resp = client.post(
        "/founding/unions/new/",
        {"kind": "grassroots", "enterprises": [e.pk], "founded_on": "2025-03-01", "chairman_name": "王演示"},
    )
    sub = FoundingSubmission.objects.get()
    assert resp.status_code == 302 and resp["Location"] == sub.get_absolute_url()
    page = client.get(sub.get_absolute_url()).content.decode()
    assert "待确认" in page and 'data-testid="confirm"' not in page  # not one's own
    client.force_login(demo_user("gjz_viewer"))
    assert 'data-testid="confirm"' not in client.get(sub.get_absolute_url()).content.decode()
    assert client.post(f"/founding/submissions/{sub.pk}/confirm/").status_code == 403
    client.force_login(demo_user("zs_admin"))
    assert client.get(sub.get_absolute_url()).status_code == 404
    assert client.post(f"/founding/submissions/{sub.pk}/confirm/").status_code == 404
    assert FoundingSubmission.objects.get().is_pending
    client.force_login(demo_user("gjz_reviewer"))
    assert 'data-testid="confirm"' in client.get(sub.get_absolute_url()).content.decode()
    assert client.get("/founding/submissions/").status_code == 200
    resp = client.post(f"/founding/submissions/{sub.pk}/confirm/")
    assert resp.status_code == 302
    assert FoundingSubmission.objects.get().state == SubmissionState.CONFIRMED
    assert Enterprise.objects.get(pk=e.pk).union_id is not None

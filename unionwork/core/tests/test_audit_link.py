"""Events are written unlinked in the change's transaction and linked after commit by one
sequencer (core/audit/chain.py): what a seal or the database guarantees in between."""

import pytest
from django.db import DatabaseError, connection, transaction

from unionwork.core import audit
from unionwork.core.audit.db import set_append_only
from unionwork.core.models import AuditEvent, AuditHead
from unionwork.orgs import actions

from .factories import unit

pytestmark = pytest.mark.django_db


def _rename(code, name):
    return actions.update_unit(None, unit(code), name=name)


def test_an_event_is_written_unlinked_and_linked_once_after_commit(
    acting, django_capture_on_commit_callbacks
):
    audit.link_pending()
    head = AuditHead.objects.get(pk=1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            _rename("210211", "甘井子区总工会（一）")
            _rename("210202", "中山区总工会（一）")
            pending = list(AuditEvent.objects.order_by("-id")[:2])
            assert all(e.seq is None and e.prev_hash == "" and e.seal for e in pending)
    assert len(callbacks) == 1  # one sequencer run per transaction, however many events
    first, second = AuditEvent.objects.order_by("-id")[:2][::-1]
    assert (first.seq, second.seq) == (head.count + 1, head.count + 2)
    assert first.prev_hash == head.last_hash and second.prev_hash == first.hash
    assert AuditHead.objects.get(pk=1).last_hash == second.hash
    assert audit.verify(anchors=[]).ok


def test_the_database_allows_linking_and_nothing_else(acting):
    _rename("210211", "甘井子区总工会（二）")
    ev = AuditEvent.objects.latest("id")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(note="改动未入链的事件")
    assert audit.link_pending() == 1
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(seq=None, prev_hash="", hash="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=ev.pk).update(seq=ev.seq or 0 + 1000)


def test_an_event_altered_before_linking_is_never_linked_and_is_reported(acting):
    _rename("210211", "甘井子区总工会（三）")
    ev = AuditEvent.objects.latest("id")
    set_append_only(connection, on=False)
    AuditEvent.objects.filter(pk=ev.pk).update(after={"name": "伪造"})
    set_append_only(connection, on=True)
    assert audit.link_pending() == 0
    result = audit.verify(anchors=[])
    assert not result.ok
    assert any(f"事件 #{ev.id}：未入链，且内容与签名不符" in p for p in result.problems), result.problems
    assert AuditEvent.objects.get(pk=ev.pk).seq is None


def test_an_event_inserted_without_the_key_is_reported(acting):
    audit.link_pending()
    forged = audit._build("orgs.orgunit", "1", "伪造", "update", None, {"name": "伪造"}, "", "")
    forged.seal, forged.prev_hash, forged.hash = "0" * 64, "", "pending:forged"
    forged.save()
    result = audit.verify(anchors=[])
    assert not result.ok and any(f"事件 #{forged.id}" in p for p in result.problems)


def test_events_left_unlinked_past_the_bound_are_a_finding_until_swept(acting, settings):
    _rename("210211", "甘井子区总工会（四）")
    settings.UNIONWORK_AUDIT_LINK_MINUTES = 0
    result = audit.verify(anchors=[], link=False)  # read only: what the sequencer left
    assert any("至今未入链" in p for p in result.problems), result.problems
    assert audit.verify(anchors=[]).ok  # the sweep links it


def test_the_scheduler_sweeps_what_a_crash_left_unlinked(acting):
    from django.core.management import call_command

    _rename("210211", "甘井子区总工会（五）")
    assert AuditEvent.objects.latest("id").seq is None
    call_command("scheduler", once=True, at="2026-11-30T01:00:00+00:00")
    assert AuditEvent.objects.latest("id").seq is not None

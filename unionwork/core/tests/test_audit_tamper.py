"""The four tamperings of issue 10 point 6, each detected: a deleted tail, a chain rewritten with
the public code but without the key, an emptied table, and the shipped ``flush`` command."""

import hashlib
import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from unionwork.core import audit
from unionwork.core.audit.db import set_append_only
from unionwork.core.management.commands import flush as flush_command
from unionwork.core.models import AuditEvent, AuditHead
from unionwork.orgs import actions
from unionwork.orgs.models import OrgKind

from .factories import unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchors(settings, tmp_path):
    path = tmp_path / "audit-anchors.jsonl"
    settings.UNIONWORK_AUDIT_ANCHOR_FILE = str(path)
    return path


def _events(n, prefix="锚点测试工会"):
    parent = unit("210211001001")
    for i in range(n):
        actions.create_unit(None, parent=parent, name=f"{prefix}{i}", kind=OrgKind.GRASSROOTS)
    # committed: linked by the sequencer (a test's transaction never commits, so link here)
    audit.link_pending()


def _set_head(last_hash, count):
    AuditHead.objects.update_or_create(pk=1, defaults={"last_hash": last_hash, "count": count})


def _delete_after(event_id):
    AuditEvent.objects.filter(id__gt=event_id).delete()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or audit.GENESIS
    _set_head(last, AuditEvent.objects.count())


def test_an_anchor_is_signed_appended_and_logged(acting, anchors, caplog):
    _events(2)
    with caplog.at_level("INFO", logger="unionwork.audit.anchor"):
        first = audit.anchor()
        _events(1, "又一个工会")
        second = audit.anchor()
    lines = anchors.read_text().splitlines()
    assert [audit.Anchor.parse(line) for line in lines] == [first, second]
    assert second.count == first.count + 1 == AuditEvent.objects.count()
    assert second.head == AuditEvent.objects.latest("id").hash
    # the log line an operator ships carries the same anchor, readable back
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith(audit.ANCHOR_LOG_PREFIX)]
    assert audit.Anchor.parse(logged[-1]) == second
    assert audit.verify().ok


def test_a_deleted_tail_is_reported_against_the_anchor(acting, anchors):
    _events(4)
    a = audit.anchor()
    _events(2, "锚点后的工会")
    # the insider deletes the last four events and puts the head back in line with what is left
    keep = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[4]
    set_append_only(connection, on=False)
    _delete_after(keep)
    # the chain alone still links up: only the anchor outside the database shows the loss
    assert audit.verify(anchors=[]).ok
    result = audit.verify()
    assert not result.ok
    assert any("链尾缺失" in p and f"记录了 {a.count} 个事件" in p for p in result.problems), result.problems
    # and the next periodic anchoring refuses to bless the shortened chain
    with pytest.raises(audit.AuditAnchorError):
        audit.anchor()


def _rewrite_chain(hash_fn):
    """What an insider with write access and the public code does: recompute every hash in order."""
    set_append_only(connection, on=False)
    prev = audit.GENESIS
    for ev in AuditEvent.objects.order_by("id"):
        if (
            ev.model == "orgs.orgunit"
            and ev.verb == "create"
            and ev.after
            and "锚点测试工会1" in str(ev.after)
        ):
            ev.after = {**ev.after, "name": "伪造的名称"}
        h = hash_fn(prev, audit._payload(ev))
        AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=prev, hash=h, after=ev.after)
        prev = h
    _set_head(prev, AuditEvent.objects.count())


@pytest.mark.parametrize("how", ["plain_sha256", "guessed_key"])
def test_a_chain_rewritten_without_the_key_is_reported(acting, anchors, how):
    _events(3)
    if how == "plain_sha256":
        _rewrite_chain(audit.legacy_hash)
    else:
        guessed = hashlib.sha256(b"unionwork-audit-chain\0dev-derived-audit:guess").digest()
        _rewrite_chain(lambda prev, payload: audit.event_hash(prev, payload, guessed))
    result = audit.verify(anchors=[])  # detected by the key alone, even with no anchor
    assert not result.ok
    assert any("内容与签名不符" in p for p in result.problems)
    assert len(result.problems) <= 202  # reported, not flooded


def test_a_rewritten_chain_is_reported_against_the_anchor_too(acting, anchors):
    _events(3)
    audit.anchor()
    _rewrite_chain(audit.legacy_hash)
    assert any("锚点不符" in p for p in audit.verify().problems)


def test_an_emptied_table_is_reported(acting, anchors):
    _events(2)
    a = audit.anchor()
    set_append_only(connection, on=False)
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    assert audit.verify(anchors=[]).ok  # nothing in the database says anything was there
    result = audit.verify()
    assert not result.ok
    assert any("审计表被清空" in p and str(a.count) in p for p in result.problems)


def test_a_reset_chain_is_reported_and_not_anchored(acting, anchors):
    _events(2)
    audit.anchor()
    set_append_only(connection, on=False)
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    set_append_only(connection, on=True)
    _events(1, "重置后的工会")  # a fresh chain from the genesis, valid in itself
    result = audit.verify()
    assert not result.ok
    assert any("链尾缺失" in p or "锚点不符" in p for p in result.problems)
    with pytest.raises(audit.AuditAnchorError):
        audit.anchor()


def test_a_forged_anchor_line_is_reported(acting, anchors):
    _events(1)
    a = audit.anchor()
    forged = json.loads(a.line()) | {"count": a.count + 5}
    with anchors.open("a") as fh:
        fh.write(json.dumps(forged) + "\n")
    result = audit.verify()
    assert any("签名无效" in p for p in result.problems)


def test_flush_refuses_outside_debug(acting, monkeypatch, settings):
    _events(1)
    before = AuditEvent.objects.count()
    settings.DEBUG = False
    monkeypatch.setattr("django.test.utils._TestState.saved_data", None, raising=False)  # not a test run
    assert not flush_command.flush_allowed()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == before
    settings.DEBUG = True
    assert flush_command.flush_allowed()


def test_audit_verify_command_checks_the_anchor_and_a_shipped_log_line(acting, anchors, tmp_path):
    _events(2)
    a = audit.anchor()
    call_command("audit_verify")  # passes
    set_append_only(connection, on=False)
    keep = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[1]
    _delete_after(keep)
    with pytest.raises(CommandError, match="未通过"):
        call_command("audit_verify")
    # the anchor file itself removed by the insider: the line copied from the shipped log suffices
    anchors.unlink()
    call_command("audit_verify")  # no anchor: nothing to compare with
    with pytest.raises(CommandError, match="未通过"):
        call_command("audit_verify", anchor=[f"2026-11-30 INFO {audit.ANCHOR_LOG_PREFIX} {a.line()}"])


def test_the_key_is_required_outside_debug(settings):
    settings.UNIONWORK_AUDIT_KEY = ""
    settings.DEBUG = False
    settings.SECRET_KEY = "a-real-production-secret-key-of-some-length"
    with pytest.raises(ImproperlyConfigured):
        audit.audit_key()
    settings.UNIONWORK_AUDIT_KEY = "k" * 32
    assert audit.audit_key() != hashlib.sha256(b"unionwork-audit-chain\0" + b"x" * 32).digest()


def _as_legacy_chain():
    """Turn the events into a chain as the code before the key wrote it: plain SHA-256 links in
    id order, no sequence, no seal."""
    prev = audit.GENESIS
    for ev in AuditEvent.objects.order_by("id"):
        h = audit.legacy_hash(prev, audit._payload(ev))
        AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=prev, hash=h, seq=None, seal=None)
        prev = h
    _set_head(prev, AuditEvent.objects.count())


def test_legacy_events_are_kept_behind_a_keyed_boundary(acting):
    """Migration 0006: events written before the key keep their plain hashes; the boundary the key
    signs covers their head, so rewriting them with the public code is still detected."""
    set_append_only(connection, on=False)
    AuditEvent.objects.all().delete()
    AuditHead.objects.all().delete()
    _events(3, "旧链工会")
    _as_legacy_chain()
    assert not audit.verify(anchors=[]).ok  # without a boundary, unkeyed events do not pass
    migration = importlib.import_module("unionwork.core.migrations.0006_audit_keyed_boundary")
    migration.forwards(django_apps, None)
    boundary = AuditEvent.objects.latest("id")
    assert boundary.verb == audit.KEYED_VERB and boundary.after["legacy_events"] == 3
    set_append_only(connection, on=True)
    _events(1, "新链工会")  # linked by the sequencer after the boundary
    assert AuditEvent.objects.latest("id").seq == 5
    assert audit.verify(anchors=[]).ok, audit.verify(anchors=[]).problems
    # rewrite the legacy part consistently with the public code: the boundary no longer links
    set_append_only(connection, on=False)
    prev = audit.GENESIS
    for ev in AuditEvent.objects.filter(id__lt=boundary.id).order_by("id"):
        after = {**(ev.after or {}), "name": "伪造"}
        ev.after = after
        h = audit.legacy_hash(prev, audit._payload(ev))
        AuditEvent.objects.filter(pk=ev.pk).update(prev_hash=prev, hash=h, after=after)
        prev = h
    result = audit.verify(anchors=[])
    assert not result.ok
    assert any(f"事件 #{boundary.id}" in p for p in result.problems)


def test_the_periodic_task_anchors_the_chain(acting, anchors):
    """What the worker's periodic run calls (docs/keys.md): one more signed line per run."""
    from unionwork.core.audit.tasks import anchor_audit_chain

    _events(1)
    result = anchor_audit_chain.enqueue()
    assert result.status.name == "SUCCESSFUL", result.errors
    (line,) = anchors.read_text().splitlines()
    assert audit.Anchor.parse(line).count == AuditEvent.objects.count()
    call_command("audit_anchor")
    assert len(anchors.read_text().splitlines()) == 2

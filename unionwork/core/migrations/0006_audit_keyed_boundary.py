"""The audit chain becomes keyed (HMAC under UNIONWORK_AUDIT_KEY) from a marked boundary.

Events already written keep their plain SHA-256 links; one boundary event (verb ``audit_keyed``),
signed with the key, is appended after them and names the legacy head. Rewriting any earlier
event changes the legacy head, which the boundary's keyed hash covers, so the old events are
protected by the key from here on without rewriting millions of rows (the table is append-only).
A new installation has no events: its chain is keyed from the first event and has no boundary.
"""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    from unionwork.core import audit

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    if last is None:
        return
    head = AuditHead.objects.filter(pk=1).first()
    legacy_count = AuditEvent.objects.count()
    ev = AuditEvent(
        at=timezone.now(),
        actor_id=None,
        actor_label="system:migration",
        source="migration",
        verb=audit.KEYED_VERB,
        model="core.auditevent",
        object_id="",
        object_repr="审计链自此启用密钥",
        org_path="",
        before=None,
        after={"legacy_events": legacy_count, "legacy_head": last},
        note="此前的事件以不加密钥的哈希相连，此后每个事件以 UNIONWORK_AUDIT_KEY 签名",
    )
    ev.prev_hash = last
    ev.hash = audit.event_hash(last, audit._payload(ev))
    ev.save()
    if head is None:
        AuditHead.objects.create(pk=1, last_hash=ev.hash, count=legacy_count + 1)
    else:
        head.last_hash = ev.hash
        head.count = legacy_count + 1
        head.save(update_fields=["last_hash", "count"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_import_files_mapping_skipped")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

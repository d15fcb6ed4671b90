"""The audit trail: append-only events written by every action, linked into a keyed chain.

Every change of record goes through :func:`record` (or :func:`record_many` for bulk writes)
inside the transaction of the change. The actor comes from a context that the web middleware,
the API, imports, tasks and management commands all set with :func:`acting_as`; writing without
one raises, so that nothing is changed unaudited.

The chain (docs/keys.md): each linked event stores its position ``seq``, the hash of the event
before it and its own hash over both, an HMAC-SHA256 under ``UNIONWORK_AUDIT_KEY``. An event is
written in the transaction of the change *unlinked* (``seq`` NULL) with a ``seal``, an HMAC of
its content alone, so that writing it takes no lock shared with any other write. After the
transaction commits, :func:`link_pending` (one sequencer at a time, under the chain head's row
lock, in its own short transaction per batch) checks each unlinked event's seal and links it
after the head. Nothing committed stays unlinked for long: the committing process links at once
(``transaction.on_commit``), and the scheduler (every minute), :func:`anchor` and
:func:`verify` sweep whatever a crash left. An event whose seal fails (inserted or altered by
someone without the key) is never linked; ``audit_verify`` reports it.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from unionwork.core.audit.context import current_actor

GENESIS = "0" * 64
MIN_KEY_LENGTH = 16
PENDING = "pending:"  # the placeholder hash of an unlinked event (the column is unique, not null)
LINK_BATCH = 2000

log = logging.getLogger("unionwork.audit")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of a record, JSON-ready (foreign keys as their ids)."""
    skip = set(exclude) | set(getattr(obj, "audit_exclude", ()))
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def diff(before: dict | None, after: dict | None) -> dict[str, tuple[Any, Any]]:
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


def canonical(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def audit_key() -> bytes:
    """The chain's key, from ``settings.UNIONWORK_AUDIT_KEY`` (never from the database).

    Without the setting a development key is derived from SECRET_KEY, only while DEBUG is on or
    SECRET_KEY is the development one; otherwise the platform refuses to write audit events.
    """
    secret = getattr(settings, "UNIONWORK_AUDIT_KEY", "") or ""
    if not secret:
        if not settings.DEBUG and not settings.SECRET_KEY.startswith("dev-only-insecure"):
            raise ImproperlyConfigured("UNIONWORK_AUDIT_KEY must be set when DEBUG is off (see docs/keys.md)")
        secret = "dev-derived-audit:" + settings.SECRET_KEY
    if len(secret) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"UNIONWORK_AUDIT_KEY needs at least {MIN_KEY_LENGTH} characters")
    return hashlib.sha256(b"unionwork-audit-chain\0" + secret.encode()).digest()


def event_hash(prev_hash: str, payload: dict, key: bytes | None = None) -> str:
    """The keyed hash of an event: HMAC-SHA256 over the previous hash and the content."""
    key = key if key is not None else audit_key()
    return hmac.new(key, (prev_hash + canonical(payload)).encode(), hashlib.sha256).hexdigest()


def legacy_hash(prev_hash: str, payload: dict) -> str:
    """The plain SHA-256 of events written before the chain was keyed (checked up to the boundary)."""
    return hashlib.sha256((prev_hash + canonical(payload)).encode()).hexdigest()


def _payload(ev) -> dict:
    return {
        "at": ev.at.isoformat(),
        "actor_id": ev.actor_id,
        "actor_label": ev.actor_label,
        "source": ev.source,
        "verb": ev.verb,
        "model": ev.model,
        "object_id": ev.object_id,
        "object_repr": ev.object_repr,
        "org_path": ev.org_path,
        "before": ev.before,
        "after": ev.after,
        "note": ev.note,
    }


def _org_path_of(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    getter = getattr(obj, "audit_org_path", None)
    return getter() if callable(getter) else ""


def _build(obj_or_label, object_id, object_repr, verb, before, after, note, org_path):
    from unionwork.core.models import AuditEvent

    actor = current_actor()
    if isinstance(obj_or_label, models.Model):
        model = obj_or_label._meta.label_lower
        object_id = str(obj_or_label.pk)
        object_repr = str(obj_or_label)[:200]
        org_path = org_path if org_path is not None else _org_path_of(obj_or_label)
    else:
        model = obj_or_label
    return AuditEvent(
        at=timezone.now(),
        actor_id=getattr(actor.user, "pk", None),
        actor_label=actor.label[:150],
        source=actor.source[:40],
        verb=verb[:40],
        model=model,
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:200],
        org_path=org_path or "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        note=(note or "")[:500],
    )


def seal(payload: dict, key: bytes | None = None) -> str:
    """The keyed hash of an event's content alone, written with it before it is linked."""
    key = key if key is not None else audit_key()
    return hmac.new(key, ("seal|" + canonical(payload)).encode(), hashlib.sha256).hexdigest()


def _append(events: list) -> list:
    """Write events unlinked, in the caller's transaction; they are linked after it commits."""
    from unionwork.core.models import AuditEvent

    if not events:
        return events
    key = audit_key()
    for ev in events:
        # before/after are already JSON-ready (_jsonable: str keys, lists, ISO dates), so the
        # seal over them equals the seal over what the database returns.
        ev.seal = seal(_payload(ev), key)
        ev.prev_hash = ""
        ev.hash = PENDING + uuid.uuid4().hex
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    _link_on_commit()
    return events


def _link_on_commit() -> None:
    """Link after the current transaction commits (at once outside one); once per transaction."""
    conn = transaction.get_connection()
    if conn.in_atomic_block and any(
        func is _link_after_commit for _sids, func, _robust in conn.run_on_commit
    ):
        return
    transaction.on_commit(_link_after_commit, robust=True)


def _link_after_commit() -> None:
    # Never waits for another sequencer: whoever holds the chain links this transaction's events
    # too (it loops until none is left); what a race leaves, the next sweep links.
    link_pending(wait=False)


def _lock_head(wait: bool):
    """The chain head, locked for this transaction; None when another sequencer holds it."""
    from unionwork.core.models import AuditHead

    if not AuditHead.objects.filter(pk=1).exists():
        AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
    return AuditHead.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()


def link_pending(wait: bool = True, batch: int = LINK_BATCH) -> int:
    """Link every committed unlinked event whose seal holds, in id order; return how many.

    One short transaction per batch holds the chain head's row lock (the only lock shared by
    all writers), so no business transaction ever waits for it. ``wait=False``: return at once
    when another sequencer is linking.
    """
    from unionwork.core.models import AuditEvent

    key = audit_key()
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL"
    linked, after_id = 0, 0
    while True:
        with transaction.atomic():
            head = _lock_head(wait)
            if head is None:
                return linked
            pending = list(
                AuditEvent.objects.filter(seq__isnull=True, seal__isnull=False, id__gt=after_id).order_by(
                    "id"
                )[:batch]
            )
            if not pending:
                return linked
            prev, count, rows = head.last_hash, head.count, []
            for ev in pending:
                after_id = ev.id
                payload = _payload(ev)
                if not hmac.compare_digest(ev.seal, seal(payload, key)):
                    log.error("audit: event #%s does not match its seal; left unlinked (audit_verify)", ev.id)
                    continue
                count += 1
                h = event_hash(prev, payload, key)
                rows.append((count, prev, h, ev.id))
                prev = h
            if rows:
                with connection.cursor() as cur:
                    cur.executemany(sql, rows)
                head.last_hash, head.count = prev, count
                head.save(update_fields=["last_hash", "count"])
            linked += len(rows)


def chain_events(upto: int | None = None, chunk: int = 5000):
    """The linked events in chain order: those linked before the sequencer (by id), then by seq."""
    from unionwork.core.models import AuditEvent

    yield from (
        AuditEvent.objects.filter(seq__isnull=True, seal__isnull=True)
        .order_by("id")
        .iterator(chunk_size=chunk)
    )
    linked = AuditEvent.objects.filter(seq__isnull=False)
    if upto is not None:
        linked = linked.filter(seq__lte=upto)
    yield from linked.order_by("seq").iterator(chunk_size=chunk)


def last_linked() -> tuple[int, str] | None:
    """(id, hash) of the chain's last linked event."""
    from unionwork.core.models import AuditEvent

    return (
        AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("id", "hash").first()
        or AuditEvent.objects.filter(seq__isnull=True, seal__isnull=True)
        .order_by("-id")
        .values_list("id", "hash")
        .first()
    )


def record(
    obj: models.Model | str,
    verb: str,
    before: dict | None = None,
    after: dict | None = None,
    *,
    object_id: Any = None,
    object_repr: str = "",
    note: str = "",
    org_path: str | None = None,
):
    """Append one event for a change of ``obj`` (a record, or a model label for a removed one)."""
    return _append([_build(obj, object_id, object_repr, verb, before, after, note, org_path)])[0]


def record_many(changes: Iterable[tuple[models.Model, str, dict | None, dict | None]], note: str = "") -> int:
    """Append one event per (record, verb, before, after), for bulk writes such as imports."""
    events = [_build(obj, None, "", verb, before, after, note, None) for obj, verb, before, after in changes]
    _append(events)
    return len(events)

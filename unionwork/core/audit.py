"""The audit trail: append-only, hash-chained events written by every action.

Every change of record goes through :func:`record` (or :func:`record_many` for bulk writes)
inside the transaction of the change. The actor comes from a context that the web middleware,
the API, imports, tasks and management commands all set with :func:`acting_as`; writing without
one raises, so that nothing is changed unaudited.

The chain: each event stores the hash of the one before it and its own hash over its content.
`manage.py audit_verify` recomputes it and reports an event altered, removed or inserted.
The database refuses UPDATE and DELETE on the table (triggers, see migrations).
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64

# How verbs read in the interface; modules add their own verbs here as they land.
VERB_LABELS = {
    "create": _("新建"),
    "update": _("修改"),
    "delete": _("删除"),
    "move": _("调整隶属"),
    "merge": _("合并"),
    "deregister": _("注销"),
    "reactivate": _("恢复"),
    "import": _("导入"),
    "password": _("修改密码"),
    "unlock": _("解锁"),
    "view_pii": _("查看个人信息"),
    # stability
    "file_report": _("报送报告"),
    "file_nil_report": _("报送零报告"),
    "amend": _("更正"),
    "report_incident": _("报告事件"),
    "record_concealed": _("登记瞒报事件"),
    "open_case": _("立案"),
    "assess": _("研判"),
    "own": _("领导包案"),
    "mediate": _("调处"),
    "resolve": _("化解"),
    "verify": _("核实办结"),
    "reopen": _("退回重办"),
    "escalate": _("上报上级"),
    "register_petition": _("信访登记"),
    "schedule_reception": _("安排接待日"),
    "record_reception": _("登记接待"),
    "adopt_plan": _("启用应急预案"),
    "start_emergency": _("启动应急处置"),
    "log_emergency": _("应急处置记录"),
    "close_emergency": _("结束应急处置"),
    "record_accountability": _("登记问责"),
    "add_member": _("增加领导小组成员"),
    "end_member": _("成员离任"),
    "update_rules": _("修改维稳规则"),
    "set_heightened": _("设置敏感时期"),
    "cancel_heightened": _("撤销敏感时期"),
}


@dataclass(frozen=True)
class Actor:
    user: Any  # a user instance or None for the system
    source: str  # web, api, import, command, task, test

    @property
    def label(self) -> str:
        if self.user is None:
            return f"system:{self.source}"
        return self.user.get_username()


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("unionwork_actor", default=None)


class NoActorError(RuntimeError):
    """A change was attempted outside any actor context."""


@contextmanager
def acting_as(user, source: str) -> Iterator[Actor]:
    """Set who is acting for every audit event written inside the block."""
    token = _actor.set(Actor(user=user if getattr(user, "is_authenticated", False) else None, source=source))
    try:
        yield _actor.get()
    finally:
        _actor.reset(token)


def set_actor(user, source: str) -> None:
    """Set the actor for the rest of the current context (API token auth, after the middleware)."""
    _actor.set(Actor(user=user if getattr(user, "is_authenticated", False) else None, source=source))


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is None:
        raise NoActorError("audit: a change of record needs an actor context (audit.acting_as)")
    return actor


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


def event_hash(prev_hash: str, payload: dict) -> str:
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


def _append(events: list) -> list:
    from unionwork.core.models import AuditEvent, AuditHead

    if not events:
        return events
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        prev = head.last_hash
        for ev in events:
            # before/after are already JSON-ready (_jsonable: str keys, lists, ISO dates), so the
            # hash over them equals the hash over what the database returns.
            ev.prev_hash = prev
            ev.hash = event_hash(prev, _payload(ev))
            prev = ev.hash
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        head.last_hash = prev
        head.count = head.count + len(events)
        head.save(update_fields=["last_hash", "count"])
    return events


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


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]


def verify(chunk: int = 5000) -> VerifyResult:
    """Recompute the chain; report every event whose hash or link does not hold."""
    from unionwork.core.models import AuditEvent, AuditHead

    problems: list[str] = []
    prev = GENESIS
    checked = 0
    for ev in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk):
        checked += 1
        if ev.prev_hash != prev:
            problems.append(f"事件 #{ev.id}：与前一事件的链接不符（前一事件被删除、插入或篡改）")
        if event_hash(ev.prev_hash, _payload(ev)) != ev.hash:
            problems.append(f"事件 #{ev.id}：内容与哈希不符（事件被篡改）")
        prev = ev.hash
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.last_hash != prev:
            problems.append("链尾与记录的最后哈希不符（最后的事件被删除或篡改）")
        if head.count != checked:
            problems.append(f"事件数 {checked} 与记录的 {head.count} 不符（事件被删除或插入）")
    elif checked:
        problems.append("缺少链头记录")
    return VerifyResult(ok=not problems, checked=checked, problems=problems)

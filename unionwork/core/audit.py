"""The audit trail: append-only, hash-chained events written by every action.

Every change of record goes through :func:`record` (or :func:`record_many` for bulk writes)
inside the transaction of the change. The actor comes from a context that the web middleware,
the API, imports, tasks and management commands all set with :func:`acting_as`; writing without
one raises, so that nothing is changed unaudited.

The chain: each event stores the hash of the one before it and its own hash over its content,
an HMAC-SHA256 under ``UNIONWORK_AUDIT_KEY``, a key kept outside the database: whoever can write
the table but lacks the key cannot rewrite the chain so that it verifies. Its head (count and
last hash) is anchored outside the database by :func:`anchor` (an append-only file and a log
line); `manage.py audit_verify` recomputes the chain, checks it against the latest anchor and
reports an event altered, removed or inserted, a missing tail, a reset or a rewritten chain.
The database refuses UPDATE and DELETE on the table (triggers, see migrations). Events written
before the key was introduced keep their plain SHA-256 links up to a boundary event (verb
``audit_keyed``) that the key signs (see docs/keys.md).
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import hashlib
import hmac
import json
import logging
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64
KEYED_VERB = "audit_keyed"  # the event from which the chain is keyed (migrated installations)
MIN_KEY_LENGTH = 16

log = logging.getLogger("unionwork.audit")
anchor_log = logging.getLogger("unionwork.audit.anchor")

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
    KEYED_VERB: _("审计链启用密钥"),
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


def _append(events: list) -> list:
    from unionwork.core.models import AuditEvent, AuditHead

    if not events:
        return events
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
        prev = head.last_hash
        key = audit_key()
        for ev in events:
            # before/after are already JSON-ready (_jsonable: str keys, lists, ISO dates), so the
            # hash over them equals the hash over what the database returns.
            ev.prev_hash = prev
            ev.hash = event_hash(prev, _payload(ev), key)
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


class AuditAnchorError(RuntimeError):
    """The chain cannot be anchored: it no longer holds what an earlier anchor recorded."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment, signed with the key: kept outside the database."""

    count: int
    last_id: int
    head: str
    at: str
    sig: str = ""

    def signed_text(self) -> str:
        return f"unionwork-audit-anchor|{self.count}|{self.last_id}|{self.head}|{self.at}"

    def signature(self, key: bytes) -> str:
        return hmac.new(key, self.signed_text().encode(), hashlib.sha256).hexdigest()

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(self.sig, self.signature(key))

    def line(self) -> str:
        return json.dumps(
            {"count": self.count, "last_id": self.last_id, "head": self.head, "at": self.at, "sig": self.sig},
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, text: str) -> Anchor:
        """An anchor from its JSON line (as written to the file, or copied from the shipped log)."""
        text = text.strip()
        if ANCHOR_LOG_PREFIX in text:  # a whole log line: keep what follows the marker
            text = text.split(ANCHOR_LOG_PREFIX, 1)[1].strip()
        data = json.loads(text)
        return cls(
            int(data["count"]), int(data["last_id"]), str(data["head"]), str(data["at"]), str(data["sig"])
        )


ANCHOR_LOG_PREFIX = "AUDIT-ANCHOR"


def anchor_file() -> str:
    """Where anchors are appended (``UNIONWORK_AUDIT_ANCHOR_FILE``; empty: the log line only)."""
    return str(getattr(settings, "UNIONWORK_AUDIT_ANCHOR_FILE", "") or "")


def read_anchors(path: str | None = None) -> tuple[list[Anchor], list[str]]:
    """The valid anchors of the file in the order written, and a problem for each line that is not."""
    path = anchor_file() if path is None else path
    if not path or not os.path.exists(path):
        return [], []
    key = audit_key()
    anchors, problems = [], []
    with open(path, encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                a = Anchor.parse(text)
            except (ValueError, KeyError, TypeError):
                problems.append(f"锚点文件第 {number} 行无法读取（文件被改动）")
                continue
            if not a.valid(key):
                problems.append(f"锚点文件第 {number} 行签名无效（锚点被伪造或改动）")
                continue
            anchors.append(a)
    return anchors, problems


def _event_at(anchor_: Anchor):
    from unionwork.core.models import AuditEvent

    return AuditEvent.objects.filter(pk=anchor_.last_id).values_list("hash", flat=True).first()


def anchor(path: str | None = None) -> Anchor:
    """Sign the chain's current head (count, last event, time) and write it outside the database.

    The anchor is appended to the anchor file (opened for appending only; make it append-only
    with ``chattr +a``) and logged as one line on the ``unionwork.audit.anchor`` logger, which the
    operator ships off the machine. Run it regularly (``manage.py audit_anchor``, or the task
    ``unionwork.core.audit_tasks.anchor_audit_chain``). It refuses, and logs an error, when the
    chain no longer holds the previous anchor's head: anchoring then would bless a reset chain.
    """
    from unionwork.core.models import AuditEvent, AuditHead

    path = anchor_file() if path is None else path
    key = audit_key()
    with transaction.atomic():
        # the lock writers take (_append): the head and the last event are read as one state
        head = AuditHead.objects.select_for_update().filter(pk=1).values_list(
            "count", "last_hash"
        ).first() or (0, GENESIS)
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first() or (0, GENESIS)
    count, last_hash = head
    if last[1] != last_hash:
        message = "审计链头与最后一个事件不符（链尾被删除或链头被改动），拒绝锚定；请运行 audit_verify"
        anchor_log.error(message)
        raise AuditAnchorError(message)
    previous, _problems = read_anchors(path)
    if previous:
        prev = previous[-1]
        if count < prev.count or (prev.count and _event_at(prev) != prev.head):
            message = (
                f"审计链已不含 {prev.at} 锚定的第 {prev.count} 个事件（链尾被删除、链被改写或重置），"
                "拒绝锚定；请运行 audit_verify"
            )
            anchor_log.error(message)
            raise AuditAnchorError(message)
    a = Anchor(count=count, last_id=last[0], head=last_hash, at=timezone.now().isoformat())
    a = Anchor(a.count, a.last_id, a.head, a.at, a.signature(key))
    line = a.line()
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    anchor_log.info("%s %s", ANCHOR_LOG_PREFIX, line)
    return a


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]
    anchor: Anchor | None = None
    anchors: int = 0


def verify(chunk: int = 5000, anchors: list[Anchor] | None = None, max_problems: int = 200) -> VerifyResult:
    """Recompute the chain with the key; report every event whose hash or link does not hold,
    and every anchor the chain no longer holds (a missing tail, a reset, a rewritten chain).

    ``anchors``: those to check against; by default the valid anchors of the anchor file.
    """
    from unionwork.core.models import AuditEvent, AuditHead

    key = audit_key()
    problems: list[str] = []
    if anchors is None:
        anchors, anchor_problems = read_anchors()
        problems.extend(anchor_problems)
    anchors = [a for a in anchors if a.valid(key)] if anchors else []
    by_position: dict[int, list[Anchor]] = {}
    for a in anchors:
        if a.count:
            by_position.setdefault(a.count, []).append(a)
    # Events before the boundary were written before the chain was keyed (plain SHA-256).
    boundary = AuditEvent.objects.filter(verb=KEYED_VERB).order_by("id").values_list("id", flat=True).first()
    unreported = 0

    def problem(text: str, always: bool = False) -> None:
        # a rewritten chain fails at every event: list the first ones, but every anchor finding
        nonlocal unreported
        if always or len(problems) < max_problems:
            problems.append(text)
        else:
            unreported += 1

    prev = GENESIS
    checked = 0
    broken: list[Anchor] = []
    # The head and the last event as one state (the writers' lock); events appended while the
    # chain is being checked come after it and are left for the next run.
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    events = AuditEvent.objects.filter(id__lte=last_id).order_by("id")
    for ev in events.iterator(chunk_size=chunk):
        checked += 1
        if ev.prev_hash != prev:
            problem(f"事件 #{ev.id}：与前一事件的链接不符（前一事件被删除、插入或篡改）")
        keyed = boundary is None or ev.id >= boundary
        expected = (
            event_hash(ev.prev_hash, _payload(ev), key) if keyed else legacy_hash(ev.prev_hash, _payload(ev))
        )
        if not hmac.compare_digest(expected, ev.hash):
            problem(f"事件 #{ev.id}：内容与签名不符（事件被篡改，或链被不持密钥者改写）")
        for a in by_position.get(checked, ()):
            if a.head != ev.hash or a.last_id != ev.id:
                broken.append(a)
        prev = ev.hash
    if broken:
        a = broken[-1]
        more = f"；另有 {len(broken) - 1} 个更早的锚点也不符" if len(broken) > 1 else ""
        problem(
            f"链与 {a.at} 的锚点不符：第 {a.count} 个事件已不是当时锚定的事件（自锚点以来链被改写或重置）{more}",
            always=True,
        )
    latest = anchors[-1] if anchors else None
    if latest is not None:
        longest = max(anchors, key=lambda a: a.count)
        if checked == 0 and longest.count > 0:
            problem(
                f"审计表被清空：{longest.at} 的锚点记录了 {longest.count} 个事件，现在一个也没有", always=True
            )
        elif checked < longest.count:
            problem(
                f"链尾缺失：{longest.at} 的锚点记录了 {longest.count} 个事件，现在只有 {checked} 个"
                f"（最后 {longest.count - checked} 个事件被删除，或链被重置）",
                always=True,
            )
    if head is not None:
        if head.last_hash != prev:
            problem("链尾与记录的最后哈希不符（最后的事件被删除或篡改）")
        if head.count != checked:
            problem(f"事件数 {checked} 与记录的 {head.count} 不符（事件被删除或插入）")
    elif checked:
        problem("缺少链头记录")
    if unreported:
        problems.append(f"另有 {unreported} 处问题未逐一列出")
    return VerifyResult(
        ok=not problems, checked=checked, problems=problems, anchor=latest, anchors=len(anchors)
    )

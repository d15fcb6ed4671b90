"""Anchors: the chain's head signed with the key and kept outside the database (docs/keys.md)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unionwork.core.audit.chain import GENESIS, audit_key, last_linked, link_pending

anchor_log = logging.getLogger("unionwork.audit.anchor")


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
    ``unionwork.core.audit.tasks.anchor_audit_chain``). It refuses, and logs an error, when the
    chain no longer holds the previous anchor's head: anchoring then would bless a reset chain.
    """
    from unionwork.core.models import AuditHead

    path = anchor_file() if path is None else path
    key = audit_key()
    link_pending()  # what is committed is anchored, not left for the next hour
    with transaction.atomic():
        # the sequencer's lock: the head and the last linked event are read as one state
        head = AuditHead.objects.select_for_update().filter(pk=1).values_list(
            "count", "last_hash"
        ).first() or (0, GENESIS)
        last = last_linked() or (0, GENESIS)
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

"""`audit_verify`: recompute the chain with the key and check it against the anchors."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from unionwork.core.audit.anchors import Anchor, read_anchors
from unionwork.core.audit.chain import (
    GENESIS,
    _payload,
    audit_key,
    chain_events,
    event_hash,
    legacy_hash,
    link_pending,
    seal,
)
from unionwork.core.audit.labels import KEYED_VERB


def link_bound() -> datetime.timedelta:
    """How long a committed event may stay unlinked before ``audit_verify`` reports it."""
    return datetime.timedelta(minutes=int(getattr(settings, "UNIONWORK_AUDIT_LINK_MINUTES", 10)))


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problems: list[str]
    anchor: Anchor | None = None
    anchors: int = 0
    pending: int = 0  # committed, sealed, not yet linked and younger than the bound


def verify(
    chunk: int = 5000, anchors: list[Anchor] | None = None, max_problems: int = 200, link: bool = True
) -> VerifyResult:
    """Recompute the chain with the key; report every event whose hash or link does not hold,
    every anchor the chain no longer holds (a missing tail, a reset, a rewritten chain), every
    unlinked event whose seal fails, and every one left unlinked longer than :func:`link_bound`.

    ``anchors``: those to check against; by default the valid anchors of the anchor file.
    ``link``: first link what is committed and unlinked, as the sequencer would (off: read only).
    """
    from unionwork.core.models import AuditEvent, AuditHead

    key = audit_key()
    if link:
        link_pending()
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
    # The head and the unlinked events as one state (the sequencer's lock); events linked while
    # the chain is being checked come after the head's count and are left for the next run.
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        unlinked = list(
            AuditEvent.objects.filter(seq__isnull=True, seal__isnull=False).order_by("id")[: max_problems + 1]
        )
        # the sequencer moves the head in the transaction that links: nothing lies beyond it
        beyond = list(
            AuditEvent.objects.filter(seq__gt=head.count if head is not None else 0)
            .order_by("seq")
            .values_list("id", flat=True)[:10]
        )
    for ev_id in beyond:
        problem(f"事件 #{ev_id}：位于记录的链头之后（事件被插入，或链头被改动）")
    for ev in chain_events(upto=head.count if head is not None else None, chunk=chunk):
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
    pending = 0
    late = timezone.now() - link_bound()
    for ev in unlinked:
        if not hmac.compare_digest(ev.seal or "", seal(_payload(ev), key)):
            problem(f"事件 #{ev.id}：未入链，且内容与签名不符（不持密钥者插入或篡改的事件）")
        elif not link and ev.at < late:
            # (when this run linked first, an unlinked event was committed after that sweep)
            problem(
                f"事件 #{ev.id}：写入于 {timezone.localtime(ev.at):%Y-%m-%d %H:%M}，至今未入链（排序进程未运行）"
            )
        else:
            pending += 1
    if unreported:
        problems.append(f"另有 {unreported} 处问题未逐一列出")
    return VerifyResult(
        ok=not problems,
        checked=checked,
        problems=problems,
        anchor=latest,
        anchors=len(anchors),
        pending=pending,
    )

"""Every write of the documents module: one function per user action, acting user first.

Each checks role and scope (``core.scope.check``/``check_record``), writes in one transaction,
records the audit event and keeps the indicators. :func:`move_document` is the one action that
moves a document along :data:`~unionwork.documents.models.WORKFLOW`; signing takes the number
(:func:`_allocate`), sending puts the document in every recipient's inbox at once.
"""

from __future__ import annotations

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, notifications, scope
from unionwork.core.errors import ActionError
from unionwork.documents import indicators
from unionwork.documents.models import (
    MOVE_ACTION,
    WORKFLOW,
    Attachment,
    Dispatch,
    DispatchRole,
    DocKind,
    DocMove,
    DocState,
    Document,
    DocumentSeries,
    ProgressReport,
    RecipientGroup,
    ReportDecision,
    Reporting,
    Secrecy,
    SerialCounter,
    SupervisionItem,
    SupervisionTarget,
    TargetState,
    Urgency,
    format_number,
)
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

NOTICE_SOURCE = "documents"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Extensions accepted, with the first bytes each must start with (None: plain text, checked as UTF-8).
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".ofd": ("application/ofd", (b"PK\x03\x04",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".txt": ("text/plain", None),
}
GROUP_KINDS = {
    RecipientGroup.DISTRICT: [OrgKind.DISTRICT],
    RecipientGroup.ZONE: [OrgKind.ZONE],
    RecipientGroup.INDUSTRIAL: [OrgKind.INDUSTRIAL],
    RecipientGroup.TOWNSHIP: [OrgKind.TOWNSHIP],
    RecipientGroup.COMMUNITY: [OrgKind.COMMUNITY, OrgKind.JOINT],
}
DOC_FIELDS = (
    "title",
    "kind",
    "urgency",
    "secrecy",
    "main_groups",
    "copy_groups",
    "main_text",
    "copy_text",
    "body",
    "annex",
    "signing_body",
    "issue_date",
    "printer",
    "printed_on",
    "ack_days",
)


def _now(now=None) -> datetime.datetime:
    return now or timezone.now()


def _text(value, label, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s过长，最多 %(n)d 个字。") % {"f": label, "n": max_length})
    return value


def _users_of(unit_ids):
    """The accounts that act for these units (administrators and editors), as core's reminders."""
    users = get_user_model().objects.filter(is_active=True, org_id__in=list(unit_ids))
    return [u for u in users if {scope.ADMINISTRATOR, scope.EDITOR} & set(u.role_names())]


def _own_unit(user, unit: OrgUnit, what: str) -> None:
    """Some acts are the unit's own (签收, 报送进展): not done for it by a level above."""
    if user is not None and getattr(user, "org_id", None) != unit.pk:
        raise ActionError(
            _("只有%(u)s本单位的人员可以%(w)s。") % {"u": unit.name, "w": what}, code="not_own_unit"
        )


# ---------------------------------------------------------------------------------------------
# Series and numbers


@transaction.atomic
def add_series(user, issuer: OrgUnit, *, prefix: str, department: str = "", name: str = "", is_demo=False):
    """设置发文字号: a series of an issuing body (a unit or one of its departments)."""
    scope.check(user, issuer.path, issuer.ipath, "manage", what=_("该发文机关"))
    prefix = _text(prefix, _("发文机关代字"), max_length=20)
    if any(c in prefix for c in "〔〕[]()（）0123456789号"):
        raise ActionError(_("发文机关代字只写代字本身（如“大工发”），年份和序号由平台编排。"))
    if DocumentSeries.objects.filter(prefix=prefix).exists():
        raise ActionError(_("发文机关代字“%(p)s”已被使用。") % {"p": prefix}, code="duplicate")
    series = DocumentSeries.objects.create(
        issuer=issuer,
        prefix=prefix,
        department=_text(department, _("发文部门"), required=False, max_length=50),
        name=_text(name, _("说明"), required=False, max_length=100),
        is_demo=is_demo,
    )
    audit.record(series, "add_series", None, audit.snapshot(series))
    return series


@transaction.atomic
def set_serial_start(user, series: DocumentSeries, *, year: int, last: int) -> SerialCounter:
    """起始序号: the last serial given in ``year`` outside the platform (before it went live), so
    that the platform goes on from the next one. Only while the platform has numbered nothing in
    that year: a number once given by the platform is never given again, and none is skipped."""
    series = DocumentSeries.objects.select_related("issuer").get(pk=series.pk)
    scope.check_record(user, series, "manage", what=_("该发文字号"))
    if last < 0 or not (1990 <= year <= 2100):
        raise ActionError(_("年份或序号无效。"))
    counter = SerialCounter.objects.select_for_update().filter(series=series, year=year).first()
    if Document.objects.filter(series=series, year=year, serial__isnull=False).exists():
        raise ActionError(
            _("%(p)s〔%(y)d〕已有平台编排的文号，起始序号不能再改。") % {"p": series.prefix, "y": year},
            code="numbered",
        )
    before = {"year": year, "last": counter.last if counter else 0}
    if counter is None:
        counter = SerialCounter.objects.create(series=series, year=year, last=last)
    else:
        counter.last = last
        counter.save(update_fields=["last"])
    audit.record(series, "set_serial_start", before, {"year": year, "last": last})
    return counter


def _allocate(series: DocumentSeries, year: int) -> int:
    """The next serial of ``series`` in ``year``: the counter row is locked until the transaction
    ends (PostgreSQL: SELECT … FOR UPDATE; SQLite: the write transaction is serialised), so two
    signings at once never share a serial and none is skipped. Must run inside the transaction
    that saves the number on the document."""
    counter = SerialCounter.objects.select_for_update().filter(series=series, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                SerialCounter.objects.create(series=series, year=year, last=0)
        except IntegrityError:
            pass  # created at the same moment by another signing: lock that one
        counter = SerialCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    SerialCounter.objects.filter(pk=counter.pk).update(last=counter.last)
    return counter.last


# ---------------------------------------------------------------------------------------------
# Drafting


def _clean_doc(d: dict) -> dict:
    out = {}
    for f in DOC_FIELDS:
        if f in d:
            out[f] = d[f]
    if "secrecy" in out and out["secrecy"]:
        label = Secrecy(out["secrecy"]).label if out["secrecy"] in Secrecy.values else out["secrecy"]
        raise ActionError(
            _(
                "本平台只处理非涉密公文：%(s)s及以上密级的公文不得在平台拟制、传输或存储，请按保密规定通过涉密渠道办理。"
            )
            % {"s": label},
            code="classified",
        )
    if "kind" in out and out["kind"] not in DocKind.values:
        raise ActionError(_("文种无效。"))
    if "urgency" in out and out["urgency"] not in Urgency.values:
        raise ActionError(_("紧急程度只能是特急、加急或不标注。"))
    for f in ("main_groups", "copy_groups"):
        if f in out:
            groups = list(out[f] or [])
            if set(groups) - set(RecipientGroup.values):
                raise ActionError(_("收文类别无效。"))
            out[f] = groups
    if "title" in out:
        out["title"] = _text(out["title"], _("标题"), max_length=200)
    if "body" in out:
        out["body"] = _text(out["body"], _("正文"))
    if "signing_body" in out:
        out["signing_body"] = _text(out["signing_body"], _("发文机关署名"), max_length=100)
    if "ack_days" in out and not (0 < int(out["ack_days"] or 0) <= 30):
        raise ActionError(_("签收时限为 1 至 30 天。"))
    return out


def _recipient_units(user, issuer: OrgUnit, units) -> list[OrgUnit]:
    units = list(units or [])
    for u in units:
        if u.pk == issuer.pk or not u.path.startswith(issuer.path):
            raise ActionError(
                _("收文单位须是发文机关的下级单位：%(u)s不是。") % {"u": u.name}, code="out_of_scope"
            )
    return units


@transaction.atomic
def draft_document(
    user,
    issuer: OrgUnit,
    *,
    series: DocumentSeries,
    main_units=(),
    copy_units=(),
    forwarded_from: Document | None = None,
    is_demo: bool = False,
    **fields,
) -> Document:
    """拟稿: a new draft of ``issuer`` in one of its series."""
    scope.check(user, issuer.path, issuer.ipath, "change", what=_("该发文机关"))
    if series.issuer_id != issuer.pk or not series.is_active:
        raise ActionError(_("请选择本机关在用的发文字号。"))
    data = _clean_doc(fields)
    for required in ("title", "body"):
        if required not in data:
            raise ActionError(_("标题和正文不能为空。"))
    data.setdefault("signing_body", issuer.name)
    doc = Document.objects.create(
        issuer=issuer,
        series=series,
        drafted_by=user,
        forwarded_from=forwarded_from,
        is_demo=is_demo,
        **data,
    )
    doc.main_units.set(_recipient_units(user, issuer, main_units))
    doc.copy_units.set(_recipient_units(user, issuer, copy_units))
    audit.record(doc, "draft_document", None, audit.snapshot(doc))
    return doc


@transaction.atomic
def edit_document(
    user, doc: Document, *, main_units=None, copy_units=None, series=None, **fields
) -> Document:
    """修改公文: only a draft (拟稿) changes; once in review it is returned to be changed."""
    doc = Document.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=doc.pk)
    scope.check_record(user, doc, "change", what=_("该公文"))
    if doc.state != DocState.DRAFT:
        raise ActionError(_("只有拟稿状态的公文可以修改；审核中的公文请先退回修改。"), code="not_draft")
    before = audit.snapshot(doc)
    for k, v in _clean_doc(fields).items():
        setattr(doc, k, v)
    if series is not None:
        if series.issuer_id != doc.issuer_id or not series.is_active:
            raise ActionError(_("请选择本机关在用的发文字号。"))
        doc.series = series
    doc.save()
    if main_units is not None:
        doc.main_units.set(_recipient_units(user, doc.issuer, main_units))
    if copy_units is not None:
        doc.copy_units.set(_recipient_units(user, doc.issuer, copy_units))
    audit.record(doc, "edit_document", before, audit.snapshot(doc))
    return doc


def resolve_recipients(doc: Document) -> tuple[list[OrgUnit], list[OrgUnit]]:
    """The units a document goes to, as the tree stands now: its groups (all district federations,
    all industrial unions … below the issuer, active ones) and the units chosen one by one. A unit
    both main and copy recipient is a main recipient."""
    issuer = doc.issuer

    def units_of(groups, chosen):
        found: dict[int, OrgUnit] = {}
        below = OrgUnit.objects.filter(path__startswith=issuer.path, status=OrgStatus.ACTIVE).exclude(
            pk=issuer.pk
        )
        for g in groups:
            qs = (
                below.filter(parent=issuer)
                if g == RecipientGroup.CHILDREN
                else below.filter(kind__in=GROUP_KINDS[g])
            )
            for u in qs.order_by("path"):
                found[u.pk] = u
        for u in chosen.filter(status=OrgStatus.ACTIVE).order_by("path"):
            found[u.pk] = u
        return found

    main = units_of(doc.main_groups, doc.main_units.all())
    copy = {k: v for k, v in units_of(doc.copy_groups, doc.copy_units.all()).items() if k not in main}
    return list(main.values()), list(copy.values())


def recipients_text(doc: Document, role: str = DispatchRole.MAIN) -> str:
    """主送/抄送 as printed: the line written, else the groups' names then the units'."""
    written = doc.main_text if role == DispatchRole.MAIN else doc.copy_text
    if written:
        return written
    groups = doc.main_groups if role == DispatchRole.MAIN else doc.copy_groups
    units = doc.main_units.all() if role == DispatchRole.MAIN else doc.copy_units.all()
    names = [str(RecipientGroup(g).label) for g in groups] + [u.name for u in units.order_by("path")]
    return "、".join(names)


def _apply_sign(doc, user, now, d):
    issue_date = d.get("issue_date") or doc.issue_date or timezone.localdate(now)
    doc.year = issue_date.year
    doc.serial = _allocate(doc.series, doc.year)
    doc.number = format_number(doc.series.prefix, doc.year, doc.serial)
    doc.issue_date = issue_date
    doc.signer = user
    doc.signed_at = now
    return _("签发，文号 %(n)s") % {"n": doc.number}


def _apply_send(doc, user, now, d):
    main, copy = resolve_recipients(doc)
    if not main:
        raise ActionError(
            _("没有主送单位：请选择主送类别或单位（分发时按组织树当时的单位确定）。"), code="no_recipients"
        )
    if not doc.main_text:
        doc.main_text = recipients_text(doc, DispatchRole.MAIN)
    if not doc.copy_text and copy:
        doc.copy_text = recipients_text(doc, DispatchRole.COPY)
    doc.printed_on = doc.printed_on or timezone.localdate(now)
    doc.printer = doc.printer or (doc.issuer.name + _("办公室"))
    doc.sent_at = now
    due = now + datetime.timedelta(days=doc.ack_days)
    rows = [
        Dispatch(document=doc, recipient=u, role=role, sent_at=now, ack_due=due)
        for role, units in ((DispatchRole.MAIN, main), (DispatchRole.COPY, copy))
        for u in units
    ]
    Dispatch.objects.bulk_create(rows)
    indicators.dispatched(rows)
    notifications.notify(
        _users_of([u.pk for u in main + copy]),
        source=NOTICE_SOURCE,
        key=f"doc-sent:{doc.pk}",
        title=_("收文：%(n)s %(t)s") % {"n": doc.number, "t": doc.title},
        body=_("请及时签收。签收时限：%(d)s") % {"d": f"{timezone.localtime(due):%Y-%m-%d %H:%M}"},
        url=doc.get_absolute_url(),
    )
    return _("分发至 %(n)d 个单位") % {"n": len(rows)}


def _apply_revoke(doc, user, now, d):
    reason = _text(d.get("reason"), _("撤销原因"), max_length=1000)
    doc.revoked_at = now
    doc.revoke_reason = reason
    units = list(doc.dispatches.values_list("recipient_id", flat=True))
    notifications.notify(
        _users_of(units),
        source=NOTICE_SOURCE,
        key=f"doc-revoked:{doc.pk}",
        title=_("公文已撤销：%(n)s %(t)s") % {"n": doc.number, "t": doc.title},
        body=reason,
        url=doc.get_absolute_url(),
    )
    return _("撤销：%(r)s") % {"r": reason}


def _apply_review(doc, user, now, d):
    doc.reviewed_by = user
    return ""


def _apply_return(doc, user, now, d):
    return _("退回修改：%(r)s") % {"r": _text(d.get("reason"), _("退回原因"), max_length=1000)}


_APPLY = {
    DocMove.APPROVE: _apply_review,
    DocMove.RETURN: _apply_return,
    DocMove.SIGN: _apply_sign,
    DocMove.SEND: _apply_send,
    DocMove.REVOKE: _apply_revoke,
}


@transaction.atomic
def move_document(user, doc: Document, move: str, *, now=None, **details) -> Document:
    """Move a document by ``move`` if :data:`WORKFLOW` allows it from its state (拟稿 → 审核 →
    签发 → 分发; 退回, 撤回, 撤销). Signing names the signer and takes the number; sending
    resolves the recipients and fills their inboxes; revoking notifies them, with the reason."""
    doc = Document.objects.select_for_update(of=("self",)).select_related("issuer", "series").get(pk=doc.pk)
    if move not in DocMove.values:
        raise ActionError(_("未知的操作。"))
    scope.check_record(user, doc, MOVE_ACTION[move], what=_("该公文"))
    target = WORKFLOW.get(doc.state, {}).get(move)
    if target is None:
        allowed = "、".join(str(DocMove(m).label) for m in WORKFLOW.get(doc.state, {})) or _("无")
        raise ActionError(
            _("公文当前状态为“%(s)s”，不能“%(m)s”（可进行：%(a)s）。")
            % {"s": DocState(doc.state).label, "m": DocMove(move).label, "a": allowed},
            code="illegal_move",
        )
    if move == DocMove.SIGN and user is not None and doc.drafted_by_id == user.pk and doc.drafted_by_id:
        raise ActionError(_("拟稿人不能签发自己起草的公文，请由领导签发。"), code="self_sign")
    now = _now(now)
    before = audit.snapshot(doc)
    apply = _APPLY.get(move)
    note = apply(doc, user, now, details) if apply else ""
    doc.state = target
    doc.save()
    audit.record(doc, move, before, audit.snapshot(doc), note=str(note)[:500])
    return doc


def submit(user, doc, **kw):
    return move_document(user, doc, DocMove.SUBMIT, **kw)


def approve(user, doc, **kw):
    return move_document(user, doc, DocMove.APPROVE, **kw)


def return_document(user, doc, *, reason, **kw):
    return move_document(user, doc, DocMove.RETURN, reason=reason, **kw)


def sign(user, doc, *, issue_date=None, **kw):
    return move_document(user, doc, DocMove.SIGN, issue_date=issue_date, **kw)


def send(user, doc, **kw):
    return move_document(user, doc, DocMove.SEND, **kw)


def revoke(user, doc, *, reason, **kw):
    return move_document(user, doc, DocMove.REVOKE, reason=reason, **kw)


def withdraw(user, doc, **kw):
    return move_document(user, doc, DocMove.WITHDRAW, **kw)


# ---------------------------------------------------------------------------------------------
# Receipt


def _dispatch_for_update(dispatch: Dispatch) -> Dispatch:
    return (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("recipient", "document")
        .get(pk=dispatch.pk)
    )


@transaction.atomic
def mark_read(user, dispatch: Dispatch, *, now=None) -> Dispatch:
    """A user of the recipient unit opened the document: read (once; later opens change nothing)."""
    dispatch = _dispatch_for_update(dispatch)
    scope.check_record(user, dispatch, "view", what=_("该收文"))
    if user is not None and user.org_id != dispatch.recipient_id:
        return dispatch
    if dispatch.read_at is None:
        before = audit.snapshot(dispatch)
        dispatch.read_at, dispatch.read_by = _now(now), user
        dispatch.save(update_fields=["read_at", "read_by"])
        audit.record(dispatch, "read", before, audit.snapshot(dispatch))
    return dispatch


@transaction.atomic
def acknowledge(user, dispatch: Dispatch, *, now=None) -> Dispatch:
    """签收: the recipient unit confirms receipt; who and when are kept, on time or not."""
    dispatch = _dispatch_for_update(dispatch)
    scope.check_record(user, dispatch, "change", what=_("该收文"))
    _own_unit(user, dispatch.recipient, _("签收"))
    if dispatch.acknowledged_at is not None:
        raise ActionError(
            _("该公文已于 %(t)s 签收。")
            % {"t": f"{timezone.localtime(dispatch.acknowledged_at):%Y-%m-%d %H:%M}"}
        )
    now = _now(now)
    with indicators.tracking_dispatches([dispatch.pk]):
        before = audit.snapshot(dispatch)
        dispatch.read_at = dispatch.read_at or now
        dispatch.read_by = dispatch.read_by or user
        dispatch.acknowledged_at, dispatch.acknowledged_by = now, user
        dispatch.save()
    audit.record(dispatch, "acknowledge", before, audit.snapshot(dispatch))
    return dispatch


@transaction.atomic
def remind(user, doc: Document, *, now=None) -> int:
    """催办: remind every recipient that has not acknowledged; returns how many were reminded."""
    doc = Document.objects.select_for_update(of=("self",)).get(pk=doc.pk)
    scope.check_record(user, doc, "change", what=_("该公文"))
    if doc.state != DocState.SENT:
        raise ActionError(_("只有已分发的公文可以催办签收。"))
    now = _now(now)
    pending = list(
        Dispatch.objects.select_for_update(of=("self",)).filter(document=doc, acknowledged_at__isnull=True)
    )
    for d in pending:
        before = audit.snapshot(d)
        d.reminded_at, d.remind_count = now, d.remind_count + 1
        d.save(update_fields=["reminded_at", "remind_count"])
        audit.record(d, "remind", before, audit.snapshot(d))
    notifications.notify(
        _users_of([d.recipient_id for d in pending]),
        source=NOTICE_SOURCE,
        key=f"doc-remind:{doc.pk}:{now:%Y%m%d%H%M%S}",
        title=_("催办签收：%(n)s %(t)s") % {"n": doc.number, "t": doc.title},
        body=_("发文机关提醒：请尽快签收。"),
        url=doc.get_absolute_url(),
    )
    return len(pending)


@transaction.atomic
def forward(
    user, dispatch: Dispatch, *, series: DocumentSeries, title: str = "", body: str = "", groups=(), units=()
):
    """转发: the recipient passes a document down its own subtree as its own numbered document
    quoting the original; it is a draft of the recipient, reviewed and signed as any other."""
    dispatch = Dispatch.objects.select_related("recipient", "document", "document__issuer").get(
        pk=dispatch.pk
    )
    scope.check_record(user, dispatch, "change", what=_("该收文"))
    original = dispatch.document
    if original.state != DocState.SENT:
        raise ActionError(_("已撤销的公文不能转发。"), code="revoked")
    unit = dispatch.recipient
    quoted = _("现将%(i)s《%(t)s》（%(n)s）转发给你们，请结合实际，认真贯彻落实。") % {
        "i": original.signing_body,
        "t": original.title,
        "n": original.number,
    }
    doc = draft_document(
        user,
        unit,
        series=series,
        title=title or _("关于转发《%(t)s》的通知") % {"t": original.title},
        kind=DocKind.NOTICE,
        body=(body.strip() or quoted) + "\n\n" + original.body,
        main_groups=list(groups) or [RecipientGroup.CHILDREN],
        main_units=units,
        signing_body=unit.name,
        forwarded_from=original,
        is_demo=original.is_demo,
    )
    audit.record(doc, "forward", None, {"original": original.pk, "number": original.number})
    return doc


# ---------------------------------------------------------------------------------------------
# Attachments


def check_upload(name: str, data: bytes) -> str:
    """The content type of an accepted file, or a refusal that says why in plain words."""
    if not data:
        raise ActionError(_("文件“%(f)s”是空文件。") % {"f": name})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ActionError(
            _("文件“%(f)s”超过 %(m)d MB 的上限，请压缩或拆分后上传。")
            % {"f": name, "m": MAX_ATTACHMENT_BYTES // 1048576}
        )
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = "、".join(sorted(e.lstrip(".") for e in ALLOWED_TYPES))
    if ext not in ALLOWED_TYPES:
        raise ActionError(
            _("不接受“%(e)s”类型的文件（%(f)s）。可上传：%(a)s。")
            % {"e": ext or _("无扩展名"), "f": name, "a": accepted},
            code="file_type",
        )
    content_type, magic = ALLOWED_TYPES[ext]
    if magic is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ActionError(_("文件“%(f)s”不是 UTF-8 文本。") % {"f": name}, code="file_type") from exc
    elif not any(data.startswith(m) for m in magic):
        raise ActionError(
            _("文件“%(f)s”的内容与扩展名“%(e)s”不符，已拒绝（可能是改了扩展名的其他文件）。")
            % {"f": name, "e": ext},
            code="file_type",
        )
    return content_type


def _store(user, org, doc, name, data, report=None) -> Attachment:
    content_type = check_upload(name, data)
    att = Attachment.objects.create(
        org=org,
        document=doc,
        report=report,
        name=name[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=user,
    )
    audit.record(
        att, "attach", None, {k: getattr(att, k) for k in ("name", "size", "sha256", "content_type")}
    )
    return att


@transaction.atomic
def attach(user, doc: Document, *, name: str, data: bytes) -> Attachment:
    """上传附件 to a draft."""
    doc = Document.objects.select_related("issuer").get(pk=doc.pk)
    scope.check_record(user, doc, "change", what=_("该公文"))
    if doc.state != DocState.DRAFT:
        raise ActionError(_("只有拟稿状态的公文可以添加附件。"), code="not_draft")
    return _store(user, doc.issuer, doc, name, data)


# ---------------------------------------------------------------------------------------------
# Supervision


@transaction.atomic
def add_item(
    user,
    doc: Document,
    *,
    title: str,
    deadline: datetime.date,
    requirement: str = "",
    reporting: str = Reporting.ONCE,
    recipients=None,
    indicator_key: str = "",
    is_demo: bool = False,
) -> SupervisionItem:
    """设立督办事项: a requirement of a sent document, for some or all of its main recipients."""
    doc = Document.objects.select_related("issuer").get(pk=doc.pk)
    scope.check_record(user, doc, "change", what=_("该公文"))
    if doc.state != DocState.SENT:
        raise ActionError(_("只有已分发的公文可以设立督办事项。"))
    if reporting not in Reporting.values:
        raise ActionError(_("报送方式无效。"))
    if deadline is None:
        raise ActionError(_("请填写完成时限。"))
    sent_to = {d.recipient_id: d.recipient for d in doc.dispatches.select_related("recipient")}
    chosen = (
        list(recipients)
        if recipients
        else [d.recipient for d in doc.dispatches.filter(role=DispatchRole.MAIN)]
    )
    for u in chosen:
        if u.pk not in sent_to:
            raise ActionError(_("承办单位须是该公文的收文单位：%(u)s不是。") % {"u": u.name})
    from unionwork.core import indicators as core_indicators

    key = (indicator_key or "").strip()
    if key and key not in core_indicators.INDICATORS:
        raise ActionError(_("指标“%(k)s”未登记。") % {"k": key})
    item = SupervisionItem.objects.create(
        document=doc,
        title=_text(title, _("督办事项"), max_length=200),
        requirement=(requirement or "").strip(),
        deadline=deadline,
        reporting=reporting,
        indicator_key=key,
        is_demo=is_demo,
    )
    targets = SupervisionTarget.objects.bulk_create(
        [SupervisionTarget(item=item, recipient=u) for u in chosen]
    )
    indicators.targets_added(targets)
    audit.record(item, "add_item", None, audit.snapshot(item) | {"recipients": [u.pk for u in chosen]})
    notifications.notify(
        _users_of([u.pk for u in chosen]),
        source=NOTICE_SOURCE,
        key=f"doc-item:{item.pk}",
        title=_("督办事项：%(t)s（时限 %(d)s）") % {"t": item.title, "d": deadline.isoformat()},
        url=item.get_absolute_url(),
    )
    return item


@transaction.atomic
def report_progress(
    user, target: SupervisionTarget, *, text: str, is_final: bool = False, files=(), now=None
):
    """报送进展: the recipient reports what it has done (text, attachments); a final report asks the
    issuer to accept the item as done."""
    target = (
        SupervisionTarget.objects.select_for_update(of=("self",))
        .select_related("recipient", "item", "item__document")
        .get(pk=target.pk)
    )
    scope.check_record(user, target, "change", what=_("该督办事项"))
    _own_unit(user, target.recipient, _("报送进展"))
    if target.item.is_closed:
        raise ActionError(_("该督办事项已关闭，无需报送。"))
    if target.state == TargetState.DONE:
        raise ActionError(_("该督办事项已完成。"))
    now = _now(now)
    report = ProgressReport.objects.create(
        target=target,
        text=_text(text, _("进展情况"), max_length=5000),
        is_final=is_final,
        submitted_at=now,
        submitted_by=user,
    )
    for name, data in files:
        _store(user, target.recipient, target.item.document, name, data, report=report)
    before = audit.snapshot(target)
    target.state = TargetState.REPORTED
    target.save(update_fields=["state"])
    audit.record(report, "report_progress", None, audit.snapshot(report))
    audit.record(target, "report_progress", before, audit.snapshot(target))
    return report


@transaction.atomic
def decide_report(
    user, report: ProgressReport, *, accept: bool, comment: str = "", now=None
) -> ProgressReport:
    """采纳 or 退回 a progress report. Accepting a final report completes the recipient's part: on
    time when the accepted report was submitted on or before the deadline day."""
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("target", "target__item", "target__item__document", "target__recipient")
        .get(pk=report.pk)
    )
    item = report.target.item
    scope.check_record(user, item, "review", what=_("该督办事项"))
    if report.decision:
        raise ActionError(_("该进展报告已审核。"))
    if not accept and not (comment or "").strip():
        raise ActionError(_("退回须写明意见。"))
    now = _now(now)
    before = audit.snapshot(report)
    report.decision = ReportDecision.ACCEPTED if accept else ReportDecision.RETURNED
    report.comment, report.decided_at, report.decided_by = (comment or "").strip(), now, user
    report.save()
    target = report.target
    with indicators.tracking_targets([target.pk]):
        if accept and report.is_final:
            target.state = TargetState.DONE
            target.done_at = report.submitted_at
            target.done_on_time = timezone.localdate(report.submitted_at) <= item.deadline
        elif accept:
            target.state = TargetState.PENDING
        else:
            target.state = TargetState.RETURNED
        target.save()
    audit.record(report, "accept_report" if accept else "return_report", before, audit.snapshot(report))
    notifications.notify(
        _users_of([target.recipient_id]),
        source=NOTICE_SOURCE,
        key=f"doc-decided:{report.pk}",
        title=(_("进展已采纳：%(t)s") if accept else _("进展被退回：%(t)s")) % {"t": item.title},
        body=report.comment,
        url=target.get_absolute_url(),
    )
    return report


@transaction.atomic
def close_item(user, item: SupervisionItem, *, reason: str, now=None) -> SupervisionItem:
    """关闭督办事项 with a reason (done by every recipient, superseded, no longer needed)."""
    item = (
        SupervisionItem.objects.select_for_update(of=("self",))
        .select_related("document__issuer")
        .get(pk=item.pk)
    )
    scope.check_record(user, item, "change", what=_("该督办事项"))
    if item.is_closed:
        raise ActionError(_("该督办事项已关闭。"))
    ids = list(item.targets.values_list("pk", flat=True))
    with indicators.tracking_targets(ids):
        before = audit.snapshot(item)
        item.closed_at = _now(now)
        item.close_reason = _text(reason, _("关闭原因"), max_length=1000)
        item.save()
    audit.record(item, "close_item", before, audit.snapshot(item))
    return item

"""Every write of the bargaining module: one function per thing a user does.

Each takes the acting user first (None: the system, for commands and demo data), checks role and
scope (``core.scope.check`` for a record to create at a unit, ``check_record`` for one that
exists), writes in one transaction, keeps the indicators with the trackers of
:mod:`unionwork.bargaining.indicators` and records its audit event. Nothing is deleted: a contract
is withdrawn and an instructor leaves, each with a reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import (
    BargainingRound,
    Congress,
    CongressKind,
    CongressSession,
    Contract,
    ContractCoverage,
    ContractKind,
    ContractLevel,
    FilingResult,
    Instructor,
    OfferedBy,
    RoundOutcome,
    RoundSession,
    StandardCheck,
    StandardItem,
    StandardKind,
    ThreeAtOnce,
    TripartiteMeeting,
    add_months,
)
from unionwork.core import audit, scope
from unionwork.core.errors import ActionError
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# What a contract's document may be, by its first bytes (the name alone proves nothing).
DOCUMENT_TYPES = {
    ".pdf": (b"%PDF-",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
CONTRACT_UNION_KINDS = (
    OrgKind.GRASSROOTS,
    OrgKind.JOINT,
    OrgKind.COMMUNITY,
    OrgKind.TOWNSHIP,
    OrgKind.DISTRICT,
    OrgKind.ZONE,
    OrgKind.INDUSTRIAL,
    OrgKind.CITY,
)
TRIPARTITE_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.TOWNSHIP, OrgKind.INDUSTRIAL)
CONGRESS_UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.COMMUNITY, OrgKind.TOWNSHIP)
CONTRACT_FIELDS = (
    "title",
    "kind",
    "employer_party",
    "union_representative",
    "employer_representative",
    "workers_covered",
    "signed_on",
    "term_start",
    "term_end",
    "wage_increase",
    "minimum_wage",
    "filed_on",
    "filing_department",
    "filing_result",
)


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value, label, required=True, max_length=200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if len(value) > max_length:
        raise ActionError(_("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": max_length})
    return value


def _not_future(value, label) -> None:
    if value is not None and value > _today():
        raise ActionError(_("%(f)s不能晚于今天。") % {"f": label}, code="future")


def _decimal(value, label, low, high):
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ActionError(_("%(f)s应为数字。") % {"f": label}) from None
    if not d.is_finite() or d < low or d > high:
        raise ActionError(_("%(f)s应在 %(lo)s 到 %(hi)s 之间。") % {"f": label, "lo": low, "hi": high})
    return d.quantize(Decimal("0.01"))


def check_document(file) -> None:
    """Refuse a contract document that is too large or not a PDF, Word or image file, by its name
    and by its first bytes."""
    if file is None:
        return
    name = (getattr(file, "name", "") or "").lower()
    ext = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if ext not in DOCUMENT_TYPES:
        raise ActionError(_("合同文本请上传 PDF、Word（doc/docx）、JPG 或 PNG 文件。"), code="file")
    if (getattr(file, "size", 0) or 0) > DOCUMENT_MAX_BYTES:
        raise ActionError(_("合同文本不能超过 20 MB。"), code="file")
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_TYPES[ext]):
        raise ActionError(
            _("合同文本的内容与文件类型（%(ext)s）不符，请上传原始文件。") % {"ext": ext}, code="file"
        )


def _clean_terms(data: dict) -> dict:
    """The contract's fields checked together (the database holds the same rules as constraints)."""
    if data.get("kind") not in ContractKind.values:
        raise ActionError(_("请选择合同类型。"))
    data["title"] = _text(data.get("title"), _("合同名称"))
    data["employer_party"] = _text(data.get("employer_party"), _("企业方（行业协会）"))
    for f, label in (
        ("union_representative", _("职工方首席代表")),
        ("employer_representative", _("企业方首席代表")),
    ):
        data[f] = _text(data.get(f), label, required=False, max_length=50)
    start, end = data.get("term_start"), data.get("term_end")
    if start is None or end is None:
        raise ActionError(_("请填写合同期限的起止日期。"))
    if end < start:
        raise ActionError(_("合同期限届满日期不能早于起始日期。"))
    if (end - start).days > 366 * 5:
        raise ActionError(_("集体合同期限一般为一至三年，最长不超过五年。"))
    _not_future(data.get("signed_on"), _("签订日期"))
    _not_future(data.get("filed_on"), _("报送备案日期"))
    data["wage_increase"] = _decimal(data.get("wage_increase"), _("工资增长幅度"), -100, 100)
    data["minimum_wage"] = _decimal(data.get("minimum_wage"), _("最低工资"), 0, 1_000_000)
    data["filing_department"] = _text(
        data.get("filing_department"), _("备案部门"), required=False, max_length=100
    )
    if data.get("filed_on") and not data["filing_department"]:
        raise ActionError(_("报送备案的，请填写备案部门（如区人力资源和社会保障局）。"))
    data["filing_result"] = data.get("filing_result") or ""
    if data["filing_result"] and data["filing_result"] not in FilingResult.values:
        raise ActionError(_("审查结果无效。"))
    if data.get("filing_result") and not data.get("filed_on"):
        raise ActionError(_("尚未报送备案的合同不能填写审查结果。"))
    if data.get("kind") == ContractKind.WAGE and data.get("wage_increase") is None:
        raise ActionError(_("工资专项集体合同请填写工资增长幅度。"))
    return data


def _enterprises(user, enterprises: Iterable[Enterprise]) -> list[Enterprise]:
    """The covered enterprises, each in the user's scope (seeing: an industrial union covers the
    enterprises of its industry in every district)."""
    ids = {e.pk for e in enterprises}
    if not ids:
        raise ActionError(_("请选择合同覆盖的企业。"))
    base = Enterprise.objects.all() if user is None else Enterprise.objects.restrict(user, "view")
    found = list(base.filter(pk__in=ids).select_related("community", "union"))
    if len(found) != len(ids):
        raise ActionError(_("所选企业有的不存在或不在您的管辖范围内。"), code="out_of_scope")
    return found


def _coverage_row(contract: Contract, e: Enterprise) -> ContractCoverage:
    ipath = e.union.ipath if e.union_id and e.union.status == OrgStatus.ACTIVE else ""
    return ContractCoverage(contract=contract, enterprise=e, path=e.community.path, ipath=ipath or "")


def mark_three_at_once(ids: Iterable[int], today: datetime.date | None = None) -> int:
    """Record the first day of 三同时 for the enterprises among ``ids`` that hold it now and never
    did before: the latest of their union's founding, their contract's start and their congress's
    establishment (when the three were first together)."""
    today = today or _today()
    ids = set(ids) - set(
        ThreeAtOnce.objects.filter(enterprise_id__in=ids).values_list("enterprise_id", flat=True)
    )
    if not ids:
        return 0
    rows = []
    holding = bi.annotate_flags(Enterprise.objects.filter(pk__in=ids), today).filter(is_three=1)
    for e in holding.select_related("union"):
        starts = [
            c.contract.term_start
            for c in ContractCoverage.objects.filter(enterprise=e).select_related("contract")
            if c.contract.withdrawn_on is None
            and c.contract.signed_on
            and c.contract.term_start <= today <= c.contract.term_end
        ]
        congress = Congress.objects.filter(org_id=e.union_id).values_list("established_on", flat=True).first()
        days = [d for d in (e.union_since, min(starts) if starts else None, congress) if d]
        rows.append(ThreeAtOnce(enterprise=e, first_held_on=min(max(days), today) if days else today))
    ThreeAtOnce.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def record_contract(
    user,
    org: OrgUnit,
    *,
    level: str,
    enterprises: Sequence[Enterprise],
    document=None,
    renews: Contract | None = None,
    is_demo: bool = False,
    **fields,
) -> Contract:
    """Record a collective contract signed by the union ``org``, covering ``enterprises``.

    An enterprise contract covers one enterprise; an industry or regional contract many, each in
    its own scope. ``renews`` links it as the successor of an earlier contract (续签).
    """
    scope.check(user, org.path, org.ipath, "change", what=_("签约工会"))
    if org.kind not in CONTRACT_UNION_KINDS or org.status != OrgStatus.ACTIVE:
        raise ActionError(_("签约工会应为正常状态的工会组织。"))
    if level not in ContractLevel.values:
        raise ActionError(_("请选择合同层级。"))
    unknown = set(fields) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields {sorted(unknown)}")
    data = _clean_terms({f: fields.get(f) for f in CONTRACT_FIELDS})
    covered = _enterprises(user, enterprises)
    if level == ContractLevel.ENTERPRISE and len(covered) != 1:
        raise ActionError(_("企业集体合同只覆盖一家企业；覆盖多家企业的请选择行业性或区域性。"))
    check_document(document)
    touched = {e.pk for e in covered}
    if renews is not None:
        renews = Contract.objects.select_for_update().get(pk=renews.pk)
        scope.check_record(user, renews, "change", what=_("原合同"))
        if renews.withdrawn_on is not None:
            raise ActionError(_("已撤回的合同不能续签。"))
        if Contract.objects.filter(renews=renews, withdrawn_on__isnull=True).exists():
            raise ActionError(_("该合同已有续签合同。"))
        if data["term_start"] <= renews.term_start:
            raise ActionError(_("续签合同的期限应在原合同之后开始。"))
        touched |= set(renews.coverages.values_list("enterprise_id", flat=True))
    if data.get("workers_covered") in (None, ""):
        data["workers_covered"] = sum(e.employees for e in covered)
    with bi.tracking(touched):
        # A withdrawn successor keeps its link; free the one-to-one for the new successor.
        if renews is not None:
            Contract.objects.filter(renews=renews, withdrawn_on__isnull=False).update(renews=None)
        contract = Contract(org=org, level=level, renews=renews, is_demo=is_demo, **data)
        if document is not None:
            contract.save()
            contract.document.save(document.name.rsplit("/", 1)[-1], document, save=False)
        contract.save()
        ContractCoverage.objects.bulk_create([_coverage_row(contract, e) for e in covered])
    mark_three_at_once(touched)
    note = _("合同文本：%(f)s") % {"f": contract.document.name} if document is not None else ""
    audit.record(contract, "record_contract", None, audit.snapshot(contract), note=note)
    return contract


@transaction.atomic
def update_contract(user, contract: Contract, *, document=None, **changes) -> Contract:
    """Correct a contract's terms, filing or document (its coverage and level stay)."""
    contract = Contract.objects.select_for_update(of=("self",)).select_related("org").get(pk=contract.pk)
    scope.check_record(user, contract, "change", what=_("该合同"))
    if contract.withdrawn_on is not None:
        raise ActionError(_("已撤回的合同不能修改。"))
    unknown = set(changes) - set(CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields {sorted(unknown)}")
    data = {f: getattr(contract, f) for f in CONTRACT_FIELDS}
    data.update(changes)
    data = _clean_terms(data)
    check_document(document)
    before = audit.snapshot(contract)
    touched = set(contract.coverages.values_list("enterprise_id", flat=True))
    if contract.renews_id:
        touched |= set(
            ContractCoverage.objects.filter(contract_id=contract.renews_id).values_list(
                "enterprise_id", flat=True
            )
        )
    with bi.tracking(touched):
        for f, v in data.items():
            setattr(contract, f, v)
        if document is not None:
            contract.document.save(document.name.rsplit("/", 1)[-1], document, save=False)
        contract.save()
    mark_three_at_once(touched)
    note = _("合同文本：%(f)s") % {"f": contract.document.name} if document is not None else ""
    audit.record(contract, "update_contract", before, audit.snapshot(contract), note=note)
    return contract


@transaction.atomic
def file_contract(
    user, contract: Contract, *, filed_on, filing_department: str, filing_result: str = ""
) -> Contract:
    """Record the contract's filing with the labour department (报送备案) and its result."""
    return update_contract(
        user, contract, filed_on=filed_on, filing_department=filing_department, filing_result=filing_result
    )


@transaction.atomic
def cover_enterprises(user, contract: Contract, enterprises: Sequence[Enterprise]) -> int:
    """Add enterprises to an industry or regional contract (an enterprise joining it)."""
    contract = Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
    scope.check_record(user, contract, "change", what=_("该合同"))
    if contract.withdrawn_on is not None:
        raise ActionError(_("已撤回的合同不能修改。"))
    if contract.level == ContractLevel.ENTERPRISE:
        raise ActionError(_("企业集体合同只覆盖一家企业。"))
    covered = _enterprises(user, enterprises)
    have = set(contract.coverages.values_list("enterprise_id", flat=True))
    new = [e for e in covered if e.pk not in have]
    with bi.tracking({e.pk for e in new}):
        rows = ContractCoverage.objects.bulk_create([_coverage_row(contract, e) for e in new])
    mark_three_at_once({e.pk for e in new})
    audit.record_many([(r, "cover", None, audit.snapshot(r)) for r in rows])
    return len(rows)


@transaction.atomic
def withdraw_contract(user, contract: Contract, *, reason: str, on: datetime.date | None = None) -> Contract:
    """Withdraw a contract recorded in error or annulled, with its reason (never deleted)."""
    contract = Contract.objects.select_for_update(of=("self",)).select_related("org").get(pk=contract.pk)
    scope.check_record(user, contract, "change", what=_("该合同"))
    if contract.withdrawn_on is not None:
        raise ActionError(_("该合同已撤回。"))
    reason = _text(reason, _("撤回原因"), max_length=500)
    on = on or _today()
    _not_future(on, _("撤回日期"))
    before = audit.snapshot(contract)
    touched = set(contract.coverages.values_list("enterprise_id", flat=True))
    if contract.renews_id:
        touched |= set(
            ContractCoverage.objects.filter(contract_id=contract.renews_id).values_list(
                "enterprise_id", flat=True
            )
        )
    with bi.tracking(touched):
        contract.withdrawn_on, contract.withdraw_reason = on, reason
        contract.save(update_fields=["withdrawn_on", "withdraw_reason", "updated_at"])
    audit.record(contract, "withdraw_contract", before, audit.snapshot(contract))
    return contract


# --- workers' congresses ----------------------------------------------------------------------


def _congress_enterprises(org_id: int) -> set[int]:
    return set(Enterprise.objects.filter(union_id=org_id).values_list("pk", flat=True))


@transaction.atomic
def record_congress(
    user,
    org: OrgUnit,
    *,
    established_on: datetime.date,
    kind: str = CongressKind.ENTERPRISE,
    cycle_months: int = 12,
    open_affairs: bool = False,
    is_demo: bool = False,
) -> Congress:
    """Record that the union ``org`` has established its workers' congress (职代会建制)."""
    scope.check(user, org.path, org.ipath, "change", what=_("该工会"))
    if org.kind not in CONGRESS_UNION_KINDS or org.status != OrgStatus.ACTIVE:
        raise ActionError(_("职代会应由正常状态的基层工会、联合工会或村（社区）、乡镇（街道）工会建立。"))
    if Congress.objects.filter(org=org).exists():
        raise ActionError(_("该工会的职代会已登记。"))
    if kind not in CongressKind.values:
        raise ActionError(_("请选择职代会类型。"))
    if not 1 <= int(cycle_months or 0) <= 60:
        raise ActionError(_("召开周期应在 1 到 60 个月之间。"))
    _not_future(established_on, _("建制日期"))
    touched = _congress_enterprises(org.pk)
    with bi.tracking(touched):
        congress = Congress.objects.create(
            org=org,
            kind=kind,
            established_on=established_on,
            cycle_months=cycle_months,
            open_affairs=open_affairs,
            next_due_on=add_months(established_on, cycle_months),
            is_demo=is_demo,
        )
    mark_three_at_once(touched)
    audit.record(congress, "record_congress", None, audit.snapshot(congress))
    return congress


@transaction.atomic
def record_session(
    user,
    congress: Congress,
    *,
    held_on: datetime.date,
    delegates: int,
    number: int | None = None,
    frontline_delegates: int = 0,
    women_delegates: int = 0,
    manager_delegates: int = 0,
    resolutions: str = "",
) -> CongressSession:
    """Record a session held (届次会议): the congress is due again one cycle after it."""
    congress = Congress.objects.select_for_update(of=("self",)).select_related("org").get(pk=congress.pk)
    scope.check_record(user, congress, "change", what=_("该职代会"))
    _not_future(held_on, _("召开日期"))
    if held_on < congress.established_on:
        raise ActionError(_("会议日期不能早于职代会建制日期。"))
    if not delegates or delegates < 1:
        raise ActionError(_("职工代表人数至少为 1。"))
    for part, label in (
        (frontline_delegates, _("一线职工代表")),
        (women_delegates, _("女职工代表")),
        (manager_delegates, _("中层以上管理人员代表")),
    ):
        if part < 0 or part > delegates:
            raise ActionError(_("%(f)s人数应在 0 到职工代表总数之间。") % {"f": label})
    if number is None:
        number = (congress.sessions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if congress.sessions.filter(number=number).exists():
        raise ActionError(_("第 %(n)d 次会议已登记。") % {"n": number})
    before = audit.snapshot(congress)
    touched = _congress_enterprises(congress.org_id)
    with bi.tracking(touched):
        session = CongressSession.objects.create(
            congress=congress,
            number=number,
            held_on=held_on,
            delegates=delegates,
            frontline_delegates=frontline_delegates,
            women_delegates=women_delegates,
            manager_delegates=manager_delegates,
            resolutions=_text(resolutions, _("审议通过事项"), required=False, max_length=5000),
        )
        if congress.last_session_on is None or held_on > congress.last_session_on:
            congress.last_session_on = held_on
            congress.next_due_on = add_months(held_on, congress.cycle_months)
            congress.save(update_fields=["last_session_on", "next_due_on", "updated_at"])
    mark_three_at_once(touched)
    audit.record(session, "record_session", None, audit.snapshot(session))
    audit.record(congress, "record_session", before, audit.snapshot(congress))
    return session


# --- instructors ------------------------------------------------------------------------------

INSTRUCTOR_FIELDS = ("name", "employer", "qualification", "trained_on", "training", "rounds_attended")


@transaction.atomic
def add_instructor(
    user, org: OrgUnit, *, enterprises: Sequence[Enterprise] = (), is_demo: bool = False, **fields
) -> Instructor:
    """Add a wage-bargaining instructor to the roster of a district, zone or industrial union."""
    scope.check(user, org.path, org.ipath, "change", what=_("该工会"))
    if org.kind not in bi.TEAM_KINDS or org.status != OrgStatus.ACTIVE:
        raise ActionError(_("工资协商指导员队伍由区市县总工会、先导区总工会和产业工会建立。"))
    unknown = set(fields) - set(INSTRUCTOR_FIELDS)
    if unknown:
        raise TypeError(f"unknown instructor fields {sorted(unknown)}")
    data = {
        "name": _text(fields.get("name"), _("姓名"), max_length=50),
        "employer": _text(fields.get("employer"), _("工作单位"), required=False),
        "qualification": _text(fields.get("qualification"), _("资格（职称）"), required=False),
        "training": _text(fields.get("training"), _("培训内容"), required=False),
        "trained_on": fields.get("trained_on"),
        "rounds_attended": int(fields.get("rounds_attended") or 0),
    }
    _not_future(data["trained_on"], _("培训日期"))
    if data["rounds_attended"] < 0:
        raise ActionError(_("参加协商次数不能为负数。"))
    assigned = _enterprises(user, enterprises) if enterprises else []
    with bi.team_tracking([org.pk]):
        instructor = Instructor.objects.create(org=org, is_demo=is_demo, **data)
        if assigned:
            instructor.enterprises.set(assigned)
    audit.record(instructor, "add_instructor", None, audit.snapshot(instructor))
    return instructor


@transaction.atomic
def end_instructor(
    user, instructor: Instructor, *, reason: str, on: datetime.date | None = None
) -> Instructor:
    """An instructor leaves the roster (kept, with the day and the reason)."""
    instructor = (
        Instructor.objects.select_for_update(of=("self",)).select_related("org").get(pk=instructor.pk)
    )
    scope.check_record(user, instructor, "change", what=_("该指导员"))
    if instructor.left_on is not None:
        raise ActionError(_("该指导员已离任。"))
    on = on or _today()
    _not_future(on, _("离任日期"))
    before = audit.snapshot(instructor)
    with bi.team_tracking([instructor.org_id]):
        instructor.left_on, instructor.left_reason = on, _text(reason, _("离任原因"), max_length=500)
        instructor.save(update_fields=["left_on", "left_reason", "updated_at"])
    audit.record(instructor, "end_instructor", before, audit.snapshot(instructor))
    return instructor


# --- the passage of time ----------------------------------------------------------------------


def enterprises_changing_on(today: datetime.date) -> set[int]:
    """Enterprises whose contracts or congress change status on ``today`` with no action: a
    contract comes into force, enters the expiring window or expires; a congress falls overdue."""
    days = bi.expiring_days()
    changing = Contract.objects.filter(withdrawn_on__isnull=True, signed_on__isnull=False).filter(
        models_q_start_end(today, days)
    )
    ids = set(ContractCoverage.objects.filter(contract__in=changing).values_list("enterprise_id", flat=True))
    overdue = Congress.objects.filter(next_due_on=today - datetime.timedelta(days=1)).values_list(
        "org_id", flat=True
    )
    ids |= set(Enterprise.objects.filter(union_id__in=list(overdue)).values_list("pk", flat=True))
    return ids


def models_q_start_end(today: datetime.date, days: int):
    from django.db.models import Q

    return (
        Q(term_start=today)
        | Q(term_end=today - datetime.timedelta(days=1))
        | Q(term_end=today + datetime.timedelta(days=days))
    )


@transaction.atomic
def recount_day(today: datetime.date | None = None) -> int:
    """The daily job: move the kept figures of the enterprises whose statuses changed overnight
    (yesterday's contributions against today's, through the tracker) and record 三同时 first
    reached today. Returns the number of enterprises recounted."""
    today = today or _today()
    ids = enterprises_changing_on(today)
    if not ids:
        return 0
    with audit.acting_as(None, "task:bargaining.recount"):
        with bi.tracking(ids, before_day=today - datetime.timedelta(days=1), after_day=today):
            pass
        mark_three_at_once(ids, today)
    return len(ids)


# --- bargaining rounds and tripartite meetings ------------------------------------------------


@transaction.atomic
def open_round(
    user,
    org: OrgUnit,
    *,
    subject: str,
    level: str,
    offered_on: datetime.date,
    offered_by: str = "union",
    departments: str = "",
    enterprises: Sequence[Enterprise] = (),
    instructors: Sequence[Instructor] = (),
    is_demo: bool = False,
) -> BargainingRound:
    """Record an offer to bargain (要约) that opens a round."""
    scope.check(user, org.path, org.ipath, "change", what=_("该工会"))
    if org.kind not in CONTRACT_UNION_KINDS or org.status != OrgStatus.ACTIVE:
        raise ActionError(_("协商工会应为正常状态的工会组织。"))
    if level not in ContractLevel.values or offered_by not in OfferedBy.values:
        raise ActionError(_("请选择层级和要约方。"))
    _not_future(offered_on, _("要约日期"))
    covered = _enterprises(user, enterprises) if enterprises else []
    if instructors:
        base = Instructor.objects.all() if user is None else Instructor.objects.restrict(user)
        if base.filter(pk__in=[i.pk for i in instructors]).count() != len({i.pk for i in instructors}):
            raise ActionError(_("所选指导员不在您的管辖范围内。"))
    r = BargainingRound.objects.create(
        org=org,
        subject=_text(subject, _("协商事项")),
        level=level,
        offered_on=offered_on,
        offered_by=offered_by,
        departments=_text(departments, _("参与的政府部门"), required=False, max_length=300),
        is_demo=is_demo,
    )
    if covered:
        r.enterprises.set(covered)
    if instructors:
        r.instructors.set(instructors)
    audit.record(r, "open_round", None, audit.snapshot(r))
    return r


@transaction.atomic
def record_round_session(
    user, round: BargainingRound, *, held_on, participants: str, minutes: str = ""
) -> RoundSession:
    r = BargainingRound.objects.select_for_update(of=("self",)).select_related("org").get(pk=round.pk)
    scope.check_record(user, r, "change", what=_("该协商"))
    if r.outcome != RoundOutcome.ONGOING:
        raise ActionError(_("该协商已结束。"))
    _not_future(held_on, _("协商日期"))
    if held_on < r.offered_on:
        raise ActionError(_("协商日期不能早于要约日期。"))
    s = RoundSession.objects.create(
        round=r,
        held_on=held_on,
        participants=_text(participants, _("参加人员"), max_length=500),
        minutes=_text(minutes, _("协商纪要"), required=False, max_length=10000),
    )
    audit.record(s, "round_session", None, audit.snapshot(s))
    return s


@transaction.atomic
def conclude_round(
    user,
    round: BargainingRound,
    *,
    outcome: str,
    on: datetime.date | None = None,
    contract: Contract | None = None,
    failure_reason: str = "",
) -> BargainingRound:
    """End a round: agreed (with the contract it led to) or failed (with why)."""
    r = BargainingRound.objects.select_for_update(of=("self",)).select_related("org").get(pk=round.pk)
    scope.check_record(user, r, "change", what=_("该协商"))
    if r.outcome != RoundOutcome.ONGOING:
        raise ActionError(_("该协商已结束。"))
    on = on or _today()
    _not_future(on, _("结束日期"))
    before = audit.snapshot(r)
    if outcome == RoundOutcome.AGREED:
        if contract is None:
            raise ActionError(_("达成协议的，请选择签订的集体合同。"), code="contract")
        scope.check_record(user, contract, "view", what=_("该合同"))
        r.contract, r.failure_reason = contract, ""
    elif outcome == RoundOutcome.FAILED:
        r.failure_reason = _text(failure_reason, _("未果原因"), max_length=500)
        r.contract = None
    else:
        raise ActionError(_("请选择协商结果。"))
    r.outcome, r.concluded_on = outcome, on
    r.save()
    audit.record(r, "conclude_round", before, audit.snapshot(r))
    return r


@transaction.atomic
def record_tripartite(
    user,
    org: OrgUnit,
    *,
    held_on,
    government_party: str,
    employer_party: str,
    union_party: str,
    topics: str,
    decisions: str = "",
    follow_up: str = "",
    is_demo: bool = False,
) -> TripartiteMeeting:
    """Record a tripartite meeting (三方协商会议) of a level."""
    scope.check(user, org.path, org.ipath, "change", what=_("该工会"))
    if org.kind not in TRIPARTITE_KINDS:
        raise ActionError(_("三方协商会议由市、区市县、先导区、乡镇（街道）或产业工会登记。"))
    _not_future(held_on, _("会议日期"))
    m = TripartiteMeeting.objects.create(
        org=org,
        held_on=held_on,
        government_party=_text(government_party, _("政府方参加人员"), max_length=300),
        employer_party=_text(employer_party, _("企业方参加人员"), max_length=300),
        union_party=_text(union_party, _("工会方参加人员"), max_length=300),
        topics=_text(topics, _("议题"), max_length=5000),
        decisions=_text(decisions, _("议定事项"), required=False, max_length=5000),
        follow_up=_text(follow_up, _("落实情况"), required=False, max_length=5000),
        is_demo=is_demo,
    )
    audit.record(m, "record_tripartite", None, audit.snapshot(m))
    return m


# --- the standardisation checklist of foreign-invested enterprises --------------------------------


def is_city_admin(user) -> bool:
    """An administrator of the root of the tree configures the checklist."""
    if user is None:
        return True
    return (
        scope.user_may(user, "manage")
        and getattr(user, "org", None) is not None
        and user.org.parent_id is None
    )


@transaction.atomic
def add_standard_item(user, *, kind: str, text: str, order: int = 0) -> StandardItem:
    if not is_city_admin(user):
        raise ActionError(_("只有市总工会管理员可以设置检查项目。"), code="forbidden")
    if kind not in StandardKind.values:
        raise ActionError(_("请选择类别。"))
    item = StandardItem.objects.create(
        kind=kind, text=_text(text, _("检查项目"), max_length=300), order=order or 0
    )
    audit.record(item, "add_standard_item", None, audit.snapshot(item))
    return item


@transaction.atomic
def retire_standard_item(user, item: StandardItem) -> StandardItem:
    if not is_city_admin(user):
        raise ActionError(_("只有市总工会管理员可以设置检查项目。"), code="forbidden")
    before = audit.snapshot(item)
    item.active = False
    item.save(update_fields=["active"])
    audit.record(item, "retire_standard_item", before, audit.snapshot(item))
    return item


@transaction.atomic
def record_standard_checks(
    user,
    enterprise: Enterprise,
    *,
    met: dict[int, bool],
    checked_on: datetime.date | None = None,
    note: str = "",
) -> int:
    """Record which checklist items an enterprise meets (one row per item, updated in place)."""
    scope.check_record(user, enterprise, "change", what=_("该企业"))
    checked_on = checked_on or _today()
    _not_future(checked_on, _("检查日期"))
    items = {i.pk: i for i in StandardItem.objects.filter(active=True, pk__in=list(met))}
    if len(items) != len(met):
        raise ActionError(_("检查项目不存在或已停用。"))
    note = _text(note, _("说明"), required=False, max_length=300)
    changed = 0
    for pk, ok in met.items():
        check, created = StandardCheck.objects.get_or_create(
            enterprise=enterprise,
            item=items[pk],
            defaults={"met": bool(ok), "checked_on": checked_on, "note": note},
        )
        if created:
            audit.record(check, "standard_check", None, audit.snapshot(check))
            changed += 1
        elif check.met != bool(ok) or check.checked_on != checked_on or check.note != note:
            before = audit.snapshot(check)
            check.met, check.checked_on, check.note = bool(ok), checked_on, note
            check.save()
            audit.record(check, "standard_check", before, audit.snapshot(check))
            changed += 1
    return changed

"""Stability work over the API: /api/v1/stability/.

Thin handlers, as in :mod:`unionwork.orgs.api`: parse, then a query (every read starts from the
model's ``restrict``; one record is fetched with ``get_in_scope``, so one outside the caller's
scope is a 404) or an action of :mod:`unionwork.stability.actions` (which checks role and scope,
writes, audits, keeps the indicators, in one transaction). A unit named in a body is looked up in
the caller's scope; one outside it is refused with 400 like an unknown one, never confirmed.

Records of this module are never deleted and the times that decide timeliness (``filed_at``,
``reported_at``, ``opened_at``) are the server's: no operation deletes, none replaces a record
(no PUT/PATCH), the write bodies refuse fields they do not declare (so a ``filed_at`` or
``reported_at`` sent along is a 422), and a correction is ``POST …/amend`` with its reason.
"""

import datetime
from decimal import Decimal
from typing import Any, Literal

import django_filters
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.orgs import queries as orgs_queries
from unionwork.orgs.models import OrgUnit
from unionwork.stability import actions, queries
from unionwork.stability import periods as P
from unionwork.stability.filters import CaseFilter, IncidentFilter, ReportFilter
from unionwork.stability.models import (
    Amendment,
    Case,
    CaseEvent,
    CaseKind,
    CaseMove,
    CaseState,
    Incident,
    IncidentKind,
    Industry,
    MediationMethod,
    MediationOutcome,
    PeriodKind,
    Report,
    Resolution,
    Severity,
)

router = Router(tags=["维稳"])

PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}
REPORT_RELATED = ("org", "filed_by")
INCIDENT_RELATED = ("org", "recorder_org", "case")
CASE_RELATED = ("org", "handling_org", "owner", "incident")


def _choices_help(label: str, choices) -> str:
    return f"{label}：" + "，".join(f"{value} {name}" for value, name in choices)


def _user_name(user) -> str | None:
    return (user.full_name or user.username) if user is not None else None


# --- schemas: what the API shows -----------------------------------------------------------------


class AmendmentOut(Schema):
    """One correction of a record: what changed and why (never removed)."""

    id: int
    at: datetime.datetime
    actor_label: str
    reason: str
    changes: dict[str, list[Any]] = Field(description="字段名 → [更正前, 更正后]")


class ReportOut(Schema):
    """A unit's periodic stability report, or its nil report (零报告)."""

    id: int
    org_id: int
    org_name: str
    period_kind: PeriodKind
    period_start: datetime.date
    period_label: str
    is_nil: bool
    summary: str
    disputes_found: int
    disputes_resolved: int
    workers_involved: int
    deadline: datetime.datetime
    filed_at: datetime.datetime = Field(description="报送时间（服务器时间）")
    is_late: bool
    timeliness_display: str
    filed_by_name: str | None

    @staticmethod
    def resolve_org_name(obj: Report) -> str:
        return obj.org.name

    @staticmethod
    def resolve_timeliness_display(obj: Report) -> str:
        return obj.timeliness_display()

    @staticmethod
    def resolve_filed_by_name(obj: Report) -> str | None:
        return _user_name(obj.filed_by)


class ReportDetailOut(ReportOut):
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(obj: Report) -> list[Amendment]:
        return list(obj.amendments.all())


class IncidentOut(Schema):
    """A dispute or emergency the union learned of; reporting it opened its case."""

    id: int
    number: str
    org_id: int
    org_name: str
    recorder_org_id: int
    recorder_org_name: str
    kind: IncidentKind
    kind_display: str
    severity: Severity
    severity_display: str
    enterprise_name: str
    enterprise_uscc: str
    industry: str
    workers_involved: int
    amount_at_stake: Decimal
    learned_at: datetime.datetime
    reported_at: datetime.datetime = Field(description="报告时间（服务器时间）")
    report_deadline: datetime.datetime
    is_late: bool
    concealed: bool
    timeliness_display: str
    case_id: int | None
    case_state: CaseState | None

    @staticmethod
    def resolve_org_name(obj: Incident) -> str:
        return obj.org.name

    @staticmethod
    def resolve_recorder_org_name(obj: Incident) -> str:
        return obj.recorder_org.name

    @staticmethod
    def resolve_kind_display(obj: Incident) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_severity_display(obj: Incident) -> str:
        return str(obj.get_severity_display())

    @staticmethod
    def resolve_timeliness_display(obj: Incident) -> str:
        return obj.timeliness_display()

    @staticmethod
    def resolve_case_id(obj: Incident) -> int | None:
        case = _case_of(obj)
        return case.pk if case else None

    @staticmethod
    def resolve_case_state(obj: Incident) -> str | None:
        case = _case_of(obj)
        return case.state if case else None


class IncidentDetailOut(IncidentOut):
    description: str
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(obj: Incident) -> list[Amendment]:
        return list(obj.amendments.all())


class CaseOut(Schema):
    """A matter followed to the end: assessed, owned by a leader, mediated, resolved, verified."""

    id: int
    number: str
    kind: CaseKind
    kind_display: str
    title: str
    severity: Severity
    severity_display: str
    state: CaseState
    state_display: str
    org_id: int = Field(description="发生单位编号")
    org_name: str
    handling_org_id: int = Field(description="承办单位编号（上报后为上级）")
    handling_org_name: str
    owner_id: int | None = Field(description="包案领导的账号编号")
    owner_name: str | None
    incident_id: int | None
    claimant: str
    opened_at: datetime.datetime = Field(description="立案时间（服务器时间）")
    due_at: datetime.datetime
    resolved_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    is_overdue: bool

    @staticmethod
    def resolve_kind_display(obj: Case) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_severity_display(obj: Case) -> str:
        return str(obj.get_severity_display())

    @staticmethod
    def resolve_state_display(obj: Case) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_org_name(obj: Case) -> str:
        return obj.org.name

    @staticmethod
    def resolve_handling_org_name(obj: Case) -> str:
        return obj.handling_org.name

    @staticmethod
    def resolve_owner_name(obj: Case) -> str | None:
        return _user_name(obj.owner)

    @staticmethod
    def resolve_is_overdue(obj: Case) -> bool:
        return obj.is_overdue()


class CaseEventOut(Schema):
    """One entry of a case's timeline (受理、研判、包案、调处、化解、核实办结……)."""

    id: int
    kind: CaseEvent.Kind
    kind_display: str
    at: datetime.datetime
    from_state: str
    to_state: str
    actor_label: str
    org_label: str
    summary: str

    @staticmethod
    def resolve_kind_display(obj: CaseEvent) -> str:
        return str(obj.get_kind_display())


class CaseDetailOut(CaseOut):
    description: str
    assessment: str
    resolution: str
    resolution_note: str
    timeline: list[CaseEventOut] = Field(description="案件进程，按时间先后")
    allowed_moves: list[CaseMove] = Field(description="当前状态下您可以进行的操作")
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_timeline(obj: Case) -> list[CaseEvent]:
        return queries.case_timeline(obj)

    @staticmethod
    def resolve_allowed_moves(obj: Case, context) -> list[str]:
        user = context["request"].user
        return [m for m in obj.allowed_moves() if actions.user_may_move(user, obj, m)]

    @staticmethod
    def resolve_amendments(obj: Case) -> list[Amendment]:
        return list(obj.amendments.all())


class PeriodOut(Schema):
    kind: PeriodKind
    start: datetime.date
    label: str
    deadline: datetime.datetime
    is_due: bool = Field(description="截止时间已过")


class TimelinessRowOut(Schema):
    unit_id: int | None
    unit_name: str = Field(description="下级组织名称；“本级”为该组织自身")
    units: int = Field(description="须报送单位数")
    expected: int = Field(description="应报（已到期）")
    on_time: int
    late: int
    missing: int = Field(description="漏报：已到期而未报送")
    pending: int = Field(description="未到期待报")
    rate: float | None = Field(description="及时率%：按时报送 ÷ 应报")


class TimelinessOut(Schema):
    unit_id: int
    unit_name: str
    month: datetime.date
    periods: list[PeriodOut] = Field(description="该月已开始的报告期（月报及敏感时期日报）")
    rows: list[TimelinessRowOut] = Field(description="本级及管辖范围内的各直接下级（各含其全部下级）")
    total: TimelinessRowOut = Field(description="合计：该组织及其全部下级")


# --- schemas: what the API takes ------------------------------------------------------------------


class WriteIn(Schema):
    """A write body: fields it does not declare are refused (422), times above all."""

    model_config = ConfigDict(extra="forbid")


class ReportFileIn(WriteIn):
    """File a report for a period. The filing time is the server's; there is no field for it."""

    org_id: int = Field(description="报送单位编号（须报送维稳信息的单位）")
    period_kind: PeriodKind = Field(description=_choices_help("报告类型", PeriodKind.choices))
    period_start: datetime.date = Field(description="报告期：月报为该月 1 日；日报为敏感时期内的当日")
    is_nil: bool = Field(False, description="true 为零报告：本期无情况，不填数字")
    summary: str = Field("", max_length=5000, description="情况概述（情况报告必填；零报告为备注）")
    disputes_found: int = Field(0, ge=0, description="排查矛盾纠纷（件）")
    disputes_resolved: int = Field(0, ge=0, description="化解矛盾纠纷（件），不多于排查出的")
    workers_involved: int = Field(0, ge=0, description="涉及职工（人）")


class ReportAmendIn(WriteIn):
    """Correct a filed report: only the fields sent change; its period and filing time never do."""

    reason: str = Field(min_length=1, max_length=500, description="更正原因")
    is_nil: bool | None = None
    summary: str | None = Field(None, max_length=5000)
    disputes_found: int | None = Field(None, ge=0)
    disputes_resolved: int | None = Field(None, ge=0)
    workers_involved: int | None = Field(None, ge=0)


class IncidentIn(WriteIn):
    """Report an incident of a unit. ``learned_at`` is when the union learned of it; the reporting
    time is the server's and decides whether the report was on time."""

    org_id: int = Field(description="责任单位编号（本单位或下级）")
    kind: IncidentKind = Field(description=_choices_help("类型", IncidentKind.choices))
    severity: Severity = Field(description=_choices_help("等级", Severity.choices))
    enterprise_name: str = Field(min_length=1, max_length=200)
    enterprise_uscc: str = Field("", max_length=18, description="统一社会信用代码（18 位）")
    industry: Industry | None = Field(None, description="国民经济行业门类（A–T）")
    workers_involved: int = Field(0, ge=0)
    amount_at_stake: Decimal = Field(
        Decimal(0), ge=0, max_digits=14, decimal_places=2, description="涉及金额（元）"
    )
    description: str = Field(min_length=1, max_length=10000, description="基本情况")
    learned_at: datetime.datetime = Field(description="知情时间，不晚于当前；不带时区时按北京时间")


class IncidentAmendIn(WriteIn):
    """Correct an incident's facts: only the fields sent change; its times and marks never do."""

    reason: str = Field(min_length=1, max_length=500, description="更正原因")
    kind: IncidentKind | None = None
    severity: Severity | None = None
    enterprise_name: str | None = Field(None, min_length=1, max_length=200)
    enterprise_uscc: str | None = Field(None, max_length=18)
    industry: Industry | None = None
    workers_involved: int | None = Field(None, ge=0)
    amount_at_stake: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    description: str | None = Field(None, min_length=1, max_length=10000)


class CaseMoveIn(WriteIn):
    """One move of the case workflow; each move reads only its own fields."""

    transition: CaseMove = Field(description=_choices_help("操作", CaseMove.choices))
    note: str = Field(
        "",
        max_length=2000,
        description="化解情况（resolve）、调处情况（mediate）、核实/退回/上报的意见或原因",
    )
    severity: Severity | None = Field(None, description="assess：研判的等级（决定办结时限）")
    assessment: str | None = Field(None, max_length=5000, description="assess：研判意见")
    owner_id: int | None = Field(None, description="own：包案领导的账号编号")
    held_on: datetime.date | None = Field(None, description="mediate：调处日期，默认今天")
    parties: str | None = Field(None, max_length=500, description="mediate：参加各方")
    methods: list[MediationMethod] | None = Field(None, description="mediate：调处方式")
    outcome: MediationOutcome | None = Field(None, description="mediate：结果")
    resolution: Resolution | None = Field(None, description="resolve：化解方式")


class CaseAmendIn(WriteIn):
    """Correct a case's title, description or claimant; its times never change."""

    reason: str = Field(min_length=1, max_length=500, description="更正原因")
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, min_length=1, max_length=10000)
    claimant: str | None = Field(None, max_length=100)


# --- query parameters and the filter sets they feed -----------------------------------------------

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class ReportQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级的报告")
    period_kind: PeriodKind | None = Field(None, description=_choices_help("报告类型", PeriodKind.choices))
    month: str | None = Field(None, pattern=MONTH, description="报告期所在月份，如 2026-03")
    period_start: datetime.date | None = Field(None, description="报告期（精确）")
    timeliness: Literal["on_time", "late"] | None = Field(None, description="on_time 按时，late 迟报")
    kind: Literal["nil", "normal"] | None = Field(None, description="nil 零报告，normal 情况报告")


class IncidentQuery(Schema):
    q: str | None = Field(None, description="企业名称（包含）")
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级的事件")
    kind: IncidentKind | None = None
    severity: Severity | None = None
    industry: Industry | None = None
    timeliness: Literal["on_time", "late", "concealed"] | None = Field(
        None, description="on_time 按时，late 迟报，concealed 瞒报"
    )
    since: datetime.date | None = Field(None, description="报告日期起")
    until: datetime.date | None = Field(None, description="报告日期止")


class CaseQuery(Schema):
    q: str | None = Field(None, description="案件名称（包含）")
    under: str | None = Field(None, description="组织编号或代码：发生在它及其全部下级的案件")
    kind: CaseKind | None = None
    state: CaseState | None = Field(None, description=_choices_help("状态", CaseState.choices))
    severity: Severity | None = None
    open: bool | None = Field(None, description="true 未办结，false 已核实办结")
    overdue: bool | None = Field(None, description="true 逾期未办结")
    mine: bool | None = Field(None, description="true 我包案的")
    since: datetime.date | None = Field(None, description="立案日期起")
    until: datetime.date | None = Field(None, description="立案日期止")


class ReportApiFilter(ReportFilter):
    """The page's filter set plus the exact period and the plain-word filters programs use."""

    period_start = django_filters.DateFilter(field_name="period_start")
    timeliness = django_filters.ChoiceFilter(
        choices=[("on_time", "on_time"), ("late", "late")], method="filter_timeliness"
    )
    kind = django_filters.ChoiceFilter(choices=[("nil", "nil"), ("normal", "normal")], method="filter_kind")

    class Meta(ReportFilter.Meta):
        fields = [*ReportFilter.Meta.fields, "period_start", "timeliness", "kind"]

    def filter_timeliness(self, qs, name, value):
        return qs.filter(is_late=value == "late")

    def filter_kind(self, qs, name, value):
        return qs.filter(is_nil=value == "nil")


class CaseApiFilter(CaseFilter):
    """The page's filter set with true/false instead of the page's 1/0."""

    open = django_filters.BooleanFilter(method="filter_open_bool")
    overdue = django_filters.BooleanFilter(method="filter_overdue_bool")
    mine = django_filters.BooleanFilter(method="filter_mine_bool")

    def filter_open_bool(self, qs, name, value):
        return self.filter_open(qs, name, "1" if value else "0")

    def filter_overdue_bool(self, qs, name, value):
        return self.filter_overdue(qs, name, "1" if value else "0")

    def filter_mine_bool(self, qs, name, value):
        return self.filter_mine(qs, name, "1" if value else "0")


# --- helpers ---------------------------------------------------------------------------------------


def _case_of(incident: Incident) -> Case | None:
    try:
        return incident.case
    except Case.DoesNotExist:
        return None


def _report(request: HttpRequest, pk: int) -> Report:
    return Report.objects.select_related(*REPORT_RELATED).get_in_scope(request.user, pk=pk)


def _incident(request: HttpRequest, pk: int) -> Incident:
    return Incident.objects.select_related(*INCIDENT_RELATED).get_in_scope(request.user, pk=pk)


def _case(request: HttpRequest, pk: int) -> Case:
    return Case.objects.select_related(*CASE_RELATED).get_in_scope(request.user, pk=pk)


def _changes(payload: Schema) -> dict[str, Any]:
    """The fields of an amendment body that were sent (null counts as not sent), as plain values."""
    sent = payload.model_dump(exclude_unset=True, exclude_none=True, exclude={"reason"})
    return {k: getattr(v, "value", v) for k, v in sent.items()}


def _aware(value: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


# --- periodic reports ------------------------------------------------------------------------------


@router.get(
    "/reports",
    response={200: list[ReportOut], **LIST_ERRORS},
    summary="维稳信息报告列表",
    description="管辖范围内的定期报告和零报告，按报告期从新到旧分页列出。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_reports(request: HttpRequest, filters: Query[ReportQuery]):
    """The reports in the caller's scope, filtered, newest period first."""
    qs = Report.objects.restrict(request.user).select_related(*REPORT_RELATED)
    return filtered(ReportApiFilter, filters, qs, request).order_by("-period_start", "org__path", "pk")


@router.get(
    "/reports/{int:pk}",
    response={200: ReportDetailOut, **ONE_READ_ERRORS},
    summary="报告详情",
    description="一份报告及其更正记录。",
)
def get_report(request: HttpRequest, pk: int):
    return _report(request, pk)


@router.post(
    "/reports",
    response={201: ReportDetailOut, **WRITE_ERRORS},
    summary="报送报告或零报告",
    description=(
        "为管辖范围内须报送的单位报送某报告期的维稳信息报告；is_nil 为 true 时报送零报告。"
        "报送时间由服务器记录，截止时间之后报送的记为迟报；请求体不接受报送时间。每个单位每期一份，更正请用 …/amend。"
    ),
)
def file_report(request: HttpRequest, payload: ReportFileIn):
    """File a report or a nil report through the actions; the server's clock decides timeliness."""
    org = orgs_queries.referenced_unit(request.user, payload.org_id, _("报送单位"))
    kind, start = payload.period_kind.value, payload.period_start
    if payload.is_nil:
        if payload.disputes_found or payload.disputes_resolved or payload.workers_involved:
            raise ActionError(
                _("零报告不填写矛盾纠纷和涉及职工数字；本期有情况请报送情况报告（is_nil 为 false）。")
            )
        report = actions.file_nil_report(request.user, org, kind, start, summary=payload.summary)
    else:
        report = actions.file_report(
            request.user,
            org,
            kind,
            start,
            summary=payload.summary,
            disputes_found=payload.disputes_found,
            disputes_resolved=payload.disputes_resolved,
            workers_involved=payload.workers_involved,
        )
    return Status(201, _report(request, report.pk))


@router.post(
    "/reports/{int:pk}/amend",
    response={200: ReportDetailOut, **WRITE_ERRORS},
    summary="更正报告",
    description="只更正请求中给出的内容，须说明原因；报告期和报送时间不能更正，更正记录留存。",
)
def amend_report(request: HttpRequest, pk: int, payload: ReportAmendIn):
    report = _report(request, pk)
    actions.amend_report(request.user, report, reason=payload.reason, **_changes(payload))
    return _report(request, pk)


# --- incidents -------------------------------------------------------------------------------------


@router.get(
    "/incidents",
    response={200: list[IncidentOut], **LIST_ERRORS},
    summary="矛盾纠纷事件列表",
    description="管辖范围内的事件，按报告时间从新到旧分页列出。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_incidents(request: HttpRequest, filters: Query[IncidentQuery]):
    qs = Incident.objects.restrict(request.user).select_related(*INCIDENT_RELATED)
    return filtered(IncidentFilter, filters, qs, request).order_by("-reported_at", "-pk")


@router.get(
    "/incidents/{int:pk}",
    response={200: IncidentDetailOut, **ONE_READ_ERRORS},
    summary="事件详情",
    description="一个事件、它生成的案件的编号和状态、更正记录。",
)
def get_incident(request: HttpRequest, pk: int):
    return _incident(request, pk)


@router.post(
    "/incidents",
    response={201: IncidentDetailOut, **WRITE_ERRORS},
    summary="报告矛盾纠纷事件",
    description=(
        "为本单位或管辖范围内的下级单位报告事件，同时生成案件。知情时间由请求给出，报告时间由服务器记录；"
        "超过该等级的报告时限记为迟报，重大及以上事件即时通知上级领导。"
    ),
)
def report_incident(request: HttpRequest, payload: IncidentIn):
    """Report an incident through the action; it opens the incident's case."""
    org = orgs_queries.referenced_unit(request.user, payload.org_id, _("责任单位"))
    incident = actions.report_incident(
        request.user,
        org,
        kind=payload.kind.value,
        severity=payload.severity.value,
        enterprise_name=payload.enterprise_name,
        enterprise_uscc=payload.enterprise_uscc,
        industry=payload.industry.value if payload.industry else "",
        workers_involved=payload.workers_involved,
        amount_at_stake=payload.amount_at_stake,
        description=payload.description,
        learned_at=_aware(payload.learned_at),
    )
    return Status(201, _incident(request, incident.pk))


@router.post(
    "/incidents/{int:pk}/amend",
    response={200: IncidentDetailOut, **WRITE_ERRORS},
    summary="更正事件信息",
    description="只更正请求中给出的内容，须说明原因；知情时间、报告时间和迟报、瞒报标记不能更正。",
)
def amend_incident(request: HttpRequest, pk: int, payload: IncidentAmendIn):
    incident = _incident(request, pk)
    actions.amend_incident(request.user, incident, reason=payload.reason, **_changes(payload))
    return _incident(request, pk)


# --- cases -----------------------------------------------------------------------------------------


@router.get(
    "/cases",
    response={200: list[CaseOut], **LIST_ERRORS},
    summary="案件列表",
    description="发生在管辖范围内的案件，按立案时间从新到旧分页列出。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_cases(request: HttpRequest, filters: Query[CaseQuery]):
    qs = Case.objects.restrict(request.user).select_related(*CASE_RELATED)
    return filtered(CaseApiFilter, filters, qs, request).order_by("-opened_at", "-pk")


@router.get(
    "/cases/{int:pk}",
    response={200: CaseDetailOut, **ONE_READ_ERRORS},
    summary="案件详情与进程",
    description="一个案件、它的进程（受理、研判、包案、调处、化解、核实办结……）、您可进行的操作和更正记录。",
)
def get_case(request: HttpRequest, pk: int):
    return _case(request, pk)


@router.post(
    "/cases/{int:pk}/move",
    response={200: CaseDetailOut, **WRITE_ERRORS},
    summary="办理案件（按流程推进一步）",
    description=(
        "按案件流程进行一项操作：assess 研判（assessment，可改 severity），own 领导包案（owner_id），"
        "mediate 调处（parties、methods、outcome、held_on、note），resolve 化解（resolution、note），"
        "verify 核实办结（note，须审核角色，且不能由包案领导本人核实），reopen 退回重办（note），"
        "escalate 上报上级（note）。当前状态不允许的操作返回 400。"
    ),
)
def move_case(request: HttpRequest, pk: int, payload: CaseMoveIn):
    """One move of the workflow through :func:`actions.move_case`, which checks the table."""
    case = _case(request, pk)
    move = payload.transition.value
    details: dict[str, Any] = {"note": payload.note}
    if move == CaseMove.ASSESS:
        details = {
            "assessment": payload.assessment or "",
            "severity": payload.severity.value if payload.severity else None,
        }
    elif move == CaseMove.OWN:
        details = {"owner": None}
        if payload.owner_id is not None:
            # Only the accounts the action would accept are looked up: others are never confirmed.
            owner = actions.owner_candidates(request.user, case).filter(pk=payload.owner_id).first()
            if owner is None:
                raise ActionError(
                    _("包案领导须是承办单位或其上级、且在您管辖范围内的在用账号。"), code="owner_scope"
                )
            details["owner"] = owner
    elif move == CaseMove.MEDIATE:
        details |= {
            "held_on": payload.held_on,
            "parties": payload.parties or "",
            "methods": [m.value for m in payload.methods or []],
            "outcome": payload.outcome.value if payload.outcome else None,
        }
    elif move == CaseMove.RESOLVE:
        details["resolution"] = payload.resolution.value if payload.resolution else None
    actions.move_case(request.user, case, move, **details)
    return _case(request, pk)


@router.post(
    "/cases/{int:pk}/amend",
    response={200: CaseDetailOut, **WRITE_ERRORS},
    summary="更正案件信息",
    description="更正案件名称、诉求/案情或诉求人，须说明原因；立案时间等不能更正。",
)
def amend_case(request: HttpRequest, pk: int, payload: CaseAmendIn):
    case = _case(request, pk)
    actions.amend_case(request.user, case, reason=payload.reason, **_changes(payload))
    return _case(request, pk)


# --- timeliness of periodic reports ----------------------------------------------------------------


def _row(row: queries.Row) -> dict:
    return {
        "unit_id": row.unit.pk if row.unit is not None else None,
        "unit_name": row.label,
        **{k: row.get(k) for k in ("units", "expected", "on_time", "late", "missing", "pending")},
        "rate": row.get("rate", None),
    }


@router.get(
    "/timeliness/{int:unit_id}",
    response={200: TimelinessOut, **ONE_READ_ERRORS},
    summary="定期报告及时率（按下级汇总）",
    description=(
        "某组织某月的报告完整性与及时性：本级和管辖范围内的每个直接下级（各含其全部下级）一行，另有合计。"
        "漏报为已到期而未报送的报告期；month 缺省为上月。"
    ),
)
def report_timeliness(
    request: HttpRequest,
    unit_id: int,
    month: str | None = Query(None, pattern=MONTH, description="月份，如 2026-03；缺省为上月"),
):
    node = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    now = timezone.now()
    if month:
        first = datetime.date.fromisoformat(month + "-01")
    else:
        first = P.month_start(P.month_start(timezone.localdate(now)) - datetime.timedelta(days=1))
    table = queries.report_timeliness(request.user, node, first, now)
    return {
        "unit_id": node.pk,
        "unit_name": node.name,
        "month": first,
        "periods": [
            {
                "kind": p.kind,
                "start": p.start,
                "label": p.label,
                "deadline": p.deadline,
                "is_due": p.is_due(now),
            }
            for p in table.periods
        ],
        "rows": [_row(r) for r in table.body],
        "total": _row(table.total),
    }

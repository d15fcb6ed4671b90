"""Incidents over the API: list, read, report (which opens the case), amend."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, WRITE_ERRORS, Pagination, filtered
from unionwork.orgs import queries as orgs_queries
from unionwork.stability import actions
from unionwork.stability.api._common import (
    INCIDENT_RELATED,
    LIST_ERRORS,
    PAGE_SIZE,
    AmendmentOut,
    WriteIn,
    _aware,
    _changes,
    _choices_help,
    router,
)
from unionwork.stability.filters import IncidentFilter
from unionwork.stability.models import (
    Amendment,
    Case,
    CaseState,
    Incident,
    IncidentKind,
    Industry,
    Severity,
)


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


def _case_of(incident: Incident) -> Case | None:
    try:
        return incident.case
    except Case.DoesNotExist:
        return None


def _incident(request: HttpRequest, pk: int) -> Incident:
    return Incident.objects.select_related(*INCIDENT_RELATED).get_in_scope(request.user, pk=pk)


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

"""Periodic reports over the API: list, read, file (or a nil report), amend."""

import datetime
from typing import Literal

import django_filters
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, WRITE_ERRORS, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.orgs import queries as orgs_queries
from unionwork.stability import actions
from unionwork.stability.api._common import (
    LIST_ERRORS,
    MONTH,
    PAGE_SIZE,
    REPORT_RELATED,
    AmendmentOut,
    WriteIn,
    _changes,
    _choices_help,
    _user_name,
    router,
)
from unionwork.stability.filters import ReportFilter
from unionwork.stability.models import (
    Amendment,
    PeriodKind,
    Report,
)


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


class ReportQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级的报告")
    period_kind: PeriodKind | None = Field(None, description=_choices_help("报告类型", PeriodKind.choices))
    month: str | None = Field(None, pattern=MONTH, description="报告期所在月份，如 2026-03")
    period_start: datetime.date | None = Field(None, description="报告期（精确）")
    timeliness: Literal["on_time", "late"] | None = Field(None, description="on_time 按时，late 迟报")
    kind: Literal["nil", "normal"] | None = Field(None, description="nil 零报告，normal 情况报告")


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


def _report(request: HttpRequest, pk: int) -> Report:
    return Report.objects.select_related(*REPORT_RELATED).get_in_scope(request.user, pk=pk)


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

"""Cases over the API: list, read, move along the workflow (``actions.move_case``), amend."""

import datetime
from typing import Any

import django_filters
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, WRITE_ERRORS, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.stability import actions, queries
from unionwork.stability.api._common import (
    CASE_RELATED,
    LIST_ERRORS,
    PAGE_SIZE,
    AmendmentOut,
    WriteIn,
    _changes,
    _choices_help,
    _user_name,
    router,
)
from unionwork.stability.filters import CaseFilter
from unionwork.stability.models import (
    Amendment,
    Case,
    CaseEvent,
    CaseKind,
    CaseMove,
    CaseState,
    MediationMethod,
    MediationOutcome,
    Resolution,
    Severity,
)


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


def _case(request: HttpRequest, pk: int) -> Case:
    return Case.objects.select_related(*CASE_RELATED).get_in_scope(request.user, pk=pk)


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

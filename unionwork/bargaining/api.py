"""Bargaining over the API: /api/v1/bargaining/ (contracts, congresses, instructors, 三同时).

Thin handlers: every read starts from the same queries as the pages (``restrict``; one record
through ``get_in_scope``, 404 outside scope), every write is an action (role, scope, audit,
indicators in one transaction). A contract's covered enterprises are those the caller may see.
"""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from unionwork.bargaining import actions, queries
from unionwork.bargaining.filters import (
    CongressFilter,
    ContractFilter,
    InstructorFilter,
    RoundFilter,
    ThreeAtOnceFilter,
    TripartiteFilter,
)
from unionwork.bargaining.models import (
    ContractKind,
    ContractLevel,
    ContractStatus,
    FilingResult,
    RoundOutcome,
)
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgUnit

router = Router(tags=["集体协商"])
PAGE_SIZE = 50
LIST_ERRORS = {400: ErrorOut, **READ_ERRORS}


class CoveredOut(Schema):
    enterprise_id: int
    name: str
    uscc: str


class ContractOut(Schema):
    id: int
    title: str
    kind: ContractKind
    level: ContractLevel
    status: ContractStatus = Field(
        description="按今天的日期得出：draft 未生效，in_force 生效中，expiring 即将到期，expired 已到期未续签，renewed 已续签，withdrawn 已撤回"
    )
    org_id: int = Field(description="签约工会编号")
    org_name: str
    employer_party: str
    workers_covered: int
    signed_on: datetime.date | None
    term_start: datetime.date
    term_end: datetime.date
    wage_increase: Decimal | None
    minimum_wage: Decimal | None
    filed_on: datetime.date | None
    filing_department: str
    filing_result: str
    renews_id: int | None
    withdrawn_on: datetime.date | None
    withdraw_reason: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.status_now()


class ContractDetailOut(ContractOut):
    covered: list[CoveredOut] = Field(description="您管辖范围内该合同覆盖的企业")


class ContractQuery(Schema):
    q: str | None = None
    under: str | None = Field(None, description="签约工会（编号或代码，含下级）")
    status: ContractStatus | None = None
    kind: ContractKind | None = None
    level: ContractLevel | None = None


class ContractIn(Schema):
    model_config = ConfigDict(extra="forbid")
    org_id: int = Field(description="签约工会编号")
    level: ContractLevel
    kind: ContractKind
    title: str
    employer_party: str
    enterprise_ids: list[int] = Field(description="覆盖企业编号")
    term_start: datetime.date
    term_end: datetime.date
    signed_on: datetime.date | None = None
    workers_covered: int | None = None
    wage_increase: Decimal | None = None
    minimum_wage: Decimal | None = None
    union_representative: str = ""
    employer_representative: str = ""
    filed_on: datetime.date | None = None
    filing_department: str = ""
    filing_result: FilingResult | None = None
    renews_id: int | None = Field(None, description="续签的原合同编号")


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str
    on: datetime.date | None = None


def _detail(request, pk: int):
    contract = queries.contract_with_status(request.user, pk)
    contract.covered = [
        CoveredOut(enterprise_id=c.enterprise_id, name=c.enterprise.name, uscc=c.enterprise.uscc)
        for c in queries.coverage_of(request.user, contract)
    ]
    return contract


@router.get("/contracts", response={200: list[ContractOut], **LIST_ERRORS}, summary="集体合同列表")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_contracts(request: HttpRequest, filters: Query[ContractQuery]):
    qs = queries.contracts(request.user).select_related("org")
    return filtered(ContractFilter, filters, qs, request).order_by("-term_end", "-pk")


@router.get(
    "/contracts/{int:pk}", response={200: ContractDetailOut, **ONE_READ_ERRORS}, summary="集体合同详情"
)
def get_contract(request: HttpRequest, pk: int):
    return _detail(request, pk)


@router.post("/contracts", response={201: ContractDetailOut, **WRITE_ERRORS}, summary="登记集体合同")
def create_contract(request: HttpRequest, payload: ContractIn):
    data = payload.model_dump(exclude_unset=False)
    org = OrgUnit.objects.restrict(request.user, "change").filter(pk=data.pop("org_id")).first()
    if org is None:
        raise ActionError(_("签约工会不存在或不在您的管辖范围内。"))
    ids = data.pop("enterprise_ids")
    renews_id = data.pop("renews_id")
    renews = None
    if renews_id is not None:
        renews = queries.contracts(request.user, "change").filter(pk=renews_id).first()
        if renews is None:
            raise ActionError(_("原合同不存在或不在您的管辖范围内。"))
    data = {k: getattr(v, "value", v) for k, v in data.items()}
    data["filing_result"] = data.get("filing_result") or ""
    enterprises = list(Enterprise.objects.restrict(request.user).filter(pk__in=ids))
    if len(enterprises) != len(set(ids)):
        raise ActionError(_("所选企业有的不存在或不在您的管辖范围内。"))
    contract = actions.record_contract(request.user, org, enterprises=enterprises, renews=renews, **data)
    return Status(201, _detail(request, contract.pk))


@router.post(
    "/contracts/{int:pk}/withdraw", response={200: ContractDetailOut, **WRITE_ERRORS}, summary="撤回集体合同"
)
def withdraw_contract(request: HttpRequest, pk: int, payload: WithdrawIn):
    contract = queries.contracts(request.user).get_in_scope(request.user, pk=pk)
    actions.withdraw_contract(request.user, contract, reason=payload.reason, on=payload.on)
    return _detail(request, pk)


class CongressOut(Schema):
    id: int
    org_id: int
    org_name: str
    kind: str
    established_on: datetime.date
    cycle_months: int
    open_affairs: bool
    last_session_on: datetime.date | None
    next_due_on: datetime.date
    is_overdue: bool

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        return obj.is_overdue()


class CongressQuery(Schema):
    under: str | None = None
    kind: str | None = None
    overdue: str | None = Field(None, pattern="^[01]$")


@router.get("/congresses", response={200: list[CongressOut], **LIST_ERRORS}, summary="职代会列表")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_congresses(request: HttpRequest, filters: Query[CongressQuery]):
    qs = queries.congresses(request.user).select_related("org")
    return filtered(CongressFilter, filters, qs, request).order_by("next_due_on", "pk")


class InstructorOut(Schema):
    id: int
    org_id: int
    org_name: str
    name: str
    employer: str
    qualification: str
    trained_on: datetime.date | None
    training: str
    rounds_attended: int
    left_on: datetime.date | None

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class InstructorQuery(Schema):
    q: str | None = None
    under: str | None = None
    serving: str | None = Field(None, pattern="^[01]$")


@router.get("/instructors", response={200: list[InstructorOut], **LIST_ERRORS}, summary="工资协商指导员")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_instructors(request: HttpRequest, filters: Query[InstructorQuery]):
    qs = queries.instructors(request.user).select_related("org")
    return filtered(InstructorFilter, filters, qs, request).order_by("org__path", "name", "pk")


class ThreeOut(Schema):
    enterprise_id: int = Field(alias="pk")
    name: str
    uscc: str
    has_contract: bool
    has_wage: bool
    has_congress: bool
    is_three: bool
    first_held_on: datetime.date | None


class ThreeQuery(Schema):
    q: str | None = None
    under: str | None = None
    lacking: str | None = Field(None, pattern="^(contract|wage|congress|three|held)$")


@router.get(
    "/three-at-once", response={200: list[ThreeOut], **LIST_ERRORS}, summary="三同时：已建会企业缺哪一项"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_three(request: HttpRequest, filters: Query[ThreeQuery]):
    qs = queries.three_at_once_rows(request.user)
    return filtered(ThreeAtOnceFilter, filters, qs, request).order_by("name", "pk")


class RoundOut(Schema):
    id: int
    org_id: int
    org_name: str
    subject: str
    level: ContractLevel
    offered_on: datetime.date
    offered_by: str
    departments: str
    outcome: RoundOutcome
    concluded_on: datetime.date | None
    failure_reason: str
    contract_id: int | None

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class RoundQuery(Schema):
    q: str | None = None
    under: str | None = None
    level: ContractLevel | None = None
    outcome: RoundOutcome | None = None


@router.get("/rounds", response={200: list[RoundOut], **LIST_ERRORS}, summary="集体协商过程")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_rounds(request: HttpRequest, filters: Query[RoundQuery]):
    qs = queries.rounds(request.user).select_related("org")
    return filtered(RoundFilter, filters, qs, request).order_by("-offered_on", "-pk")


class TripartiteOut(Schema):
    id: int
    org_id: int
    org_name: str
    held_on: datetime.date
    government_party: str
    employer_party: str
    union_party: str
    topics: str
    decisions: str
    follow_up: str

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class TripartiteQuery(Schema):
    q: str | None = None
    under: str | None = None


@router.get("/tripartite", response={200: list[TripartiteOut], **LIST_ERRORS}, summary="三方协商会议")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_tripartite(request: HttpRequest, filters: Query[TripartiteQuery]):
    qs = queries.tripartite_meetings(request.user).select_related("org")
    return filtered(TripartiteFilter, filters, qs, request).order_by("-held_on", "-pk")

"""Enterprises, grassroots unions and founding targets over the API: /api/v1/founding/.

Thin handlers, as in :mod:`unionwork.orgs.api`: parse, then a query of
:mod:`unionwork.founding.queries` (every read starts from the model's ``restrict``; one record
is fetched with ``get_in_scope``, so one outside the caller's scope is a 404) or an action of
:mod:`unionwork.founding.actions` (role and scope check, write, audit, in one transaction). Units
and enterprises named in a body are looked up in the caller's scope; one outside it is refused
with 400 like an unknown one, never confirmed.
"""

import datetime
from decimal import Decimal
from typing import Any

import django_filters
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.founding import actions, queries
from unionwork.founding.filters import EnterpriseFilter, GrassrootsUnionFilter
from unionwork.founding.models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseStatus,
    Expectation,
    FoundingRule,
    FoundingTarget,
    GrassrootsUnion,
    Industry,
    Ownership,
    UnionStatus,
)
from unionwork.orgs import queries as orgs_queries
from unionwork.orgs.models import OrgKind, OrgUnit

router = Router(tags=["建会"])

PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}
ENTERPRISE_RELATED = ("community", "union")
UNION_RELATED = ("unit", "unit__parent", "unit__industrial_union")


def _choices_help(label: str, choices) -> str:
    return f"{label}：" + "，".join(f"{value} {name}" for value, name in choices)


def _this_year() -> int:
    return timezone.localdate().year


# --- schemas -------------------------------------------------------------------------------------


class EnterpriseOut(Schema):
    """An enterprise of the statistics bureau's register."""

    id: int
    uscc: str
    name: str
    ownership: Ownership
    ownership_display: str
    industry: Industry
    industry_display: str
    employees: int
    registered_capital: Decimal | None = Field(description="注册资本（万元）")
    is_key_project: bool
    address: str
    community_id: int
    community_name: str
    status: EnterpriseStatus
    status_display: str
    closed_on: datetime.date | None
    union_id: int | None = Field(description="所在工会（组织编号）")
    union_name: str = Field(description="所在工会名称（已注销的工会为空）")
    union_since: datetime.date | None
    expectation: Expectation = Field(
        description="按现行应建会规则：own 应单独建会，joint 应建立或加入联合工会，out 不纳入"
    )
    expectation_display: str
    is_demo: bool
    updated_at: datetime.datetime

    @staticmethod
    def resolve_ownership_display(obj: Enterprise) -> str:
        return str(obj.get_ownership_display())

    @staticmethod
    def resolve_industry_display(obj: Enterprise) -> str:
        return str(obj.get_industry_display())

    @staticmethod
    def resolve_community_name(obj: Enterprise) -> str:
        return obj.community.name

    @staticmethod
    def resolve_status_display(obj: Enterprise) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_expectation(obj: Enterprise) -> str:
        return _expectation(obj)

    @staticmethod
    def resolve_expectation_display(obj: Enterprise) -> str:
        return str(Expectation(_expectation(obj)).label)


def _expectation(obj: Enterprise) -> str:
    # The rule is one row; the page reads it the same way (FoundingRule.expectation_of).
    value = getattr(obj, "expectation", None)
    if value:
        return value
    return FoundingRule.current().expectation_of(obj.employees, obj.ownership, obj.status)


class EnterpriseEventOut(Schema):
    id: int
    kind: EnterpriseEvent.Kind
    kind_display: str
    at: datetime.datetime
    actor_label: str
    summary: str

    @staticmethod
    def resolve_kind_display(obj: EnterpriseEvent) -> str:
        return str(obj.get_kind_display())


class EnterpriseDetailOut(EnterpriseOut):
    events: list[EnterpriseEventOut] = Field(description="企业变更记录，新的在前（最多 200 条）")

    @staticmethod
    def resolve_events(obj: Enterprise) -> list[EnterpriseEvent]:
        return queries.enterprise_timeline(obj)


class UnionOut(Schema):
    """A grassroots or joint union's founding record, with its unit in the tree."""

    id: int
    unit_id: int
    name: str
    code: str | None
    kind: OrgKind
    kind_display: str
    parent_id: int | None
    parent_name: str | None
    industrial_union_id: int | None
    industrial_union_name: str | None
    founded_on: datetime.date
    chairman_name: str
    chairman_directly_elected: bool
    chairman_elected_on: datetime.date | None
    is_project_union: bool
    status: UnionStatus
    status_display: str
    ended_on: datetime.date | None
    end_reason: str
    merged_into_id: int | None
    is_demo: bool

    @staticmethod
    def resolve_name(obj: GrassrootsUnion) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_code(obj: GrassrootsUnion) -> str | None:
        return obj.unit.code

    @staticmethod
    def resolve_kind(obj: GrassrootsUnion) -> str:
        return obj.unit.kind

    @staticmethod
    def resolve_kind_display(obj: GrassrootsUnion) -> str:
        return str(obj.unit.get_kind_display())

    @staticmethod
    def resolve_parent_id(obj: GrassrootsUnion) -> int | None:
        return obj.unit.parent_id

    @staticmethod
    def resolve_parent_name(obj: GrassrootsUnion) -> str | None:
        return obj.unit.parent.name if obj.unit.parent_id else None

    @staticmethod
    def resolve_industrial_union_id(obj: GrassrootsUnion) -> int | None:
        return obj.unit.industrial_union_id

    @staticmethod
    def resolve_industrial_union_name(obj: GrassrootsUnion) -> str | None:
        return obj.unit.industrial_union.name if obj.unit.industrial_union_id else None

    @staticmethod
    def resolve_status_display(obj: GrassrootsUnion) -> str:
        return str(obj.get_status_display())


class UnionDetailOut(UnionOut):
    enterprises: list[EnterpriseOut] = Field(description="所覆盖的企业（管辖范围内的，最多 500 家）")


class TargetOut(Schema):
    """A node's founding target for a year, with its responsibility letter's particulars."""

    id: int
    year: int
    unit_id: int
    unit_name: str
    target: int = Field(description="新建基层工会目标数")
    deadline: datetime.date
    note: str
    letter_signed_on: datetime.date | None
    letter_signatories: str
    has_letter_file: bool

    @staticmethod
    def resolve_unit_name(obj: FoundingTarget) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_has_letter_file(obj: FoundingTarget) -> bool:
        return bool(obj.letter_file)


class TargetRowOut(Schema):
    """One node's target and progress (as on the targets page)."""

    unit_id: int
    unit_name: str
    target: int | None = Field(description="本年度目标数，未下达为 null")
    deadline: datetime.date | None
    children_sum: int = Field(description="下级目标之和")
    shortfall: int = Field(description="下级目标之和比本级少多少（0 表示已覆盖）")
    founded: int = Field(description="本年度新建（未撤销）")
    founded_on_time: int = Field(description="期限内新建")
    percent: float | None = Field(description="完成率（%），按期限内新建计")
    remaining: int
    overdue: bool
    days_left: int | None


class TargetOverviewOut(Schema):
    unit_id: int
    unit_name: str
    year: int
    node: TargetRowOut
    children: list[TargetRowOut]
    children_total: int
    problems: list[str] = Field(description="分解中的问题（如下级之和不足）")


def _row(row) -> dict:
    return {
        "unit_id": row.unit.pk,
        "unit_name": row.unit.name,
        "target": row.value,
        "deadline": row.deadline,
        "children_sum": row.children_sum,
        "shortfall": row.shortfall,
        "founded": row.founded,
        "founded_on_time": row.founded_on_time,
        "percent": row.percent,
        "remaining": row.remaining,
        "overdue": row.overdue,
        "days_left": row.days_left,
    }


class EnterpriseQuery(Schema):
    q: str | None = Field(None, description="名称（包含）或统一社会信用代码（开头）")
    under: str | None = Field(None, description="组织编号或代码：该地区及其全部下级的企业")
    ownership: Ownership | None = Field(None, description=_choices_help("登记注册类型", Ownership.choices))
    industry: Industry | None = Field(None, description="行业门类（GB/T 4754，A—T）")
    has_union: bool | None = Field(None, description="是否已建会")
    expected: Expectation | None = Field(None, description=_choices_help("应建会情况", Expectation.choices))
    status: EnterpriseStatus | None = Field(
        None, description=_choices_help("经营状态", EnterpriseStatus.choices)
    )
    is_key_project: bool | None = None


class UnionQuery(Schema):
    q: str | None = Field(None, description="名称或主席姓名（包含）")
    under: str | None = Field(None, description="组织编号或代码：该组织及其全部下级的工会")
    kind: OrgKind | None = Field(None, description="grassroots 基层工会，joint 联合工会")
    status: UnionStatus | None = Field(None, description=_choices_help("状态", UnionStatus.choices))
    is_project_union: bool | None = None
    chairman_directly_elected: bool | None = None
    year: int | None = Field(None, ge=2000, le=2100, description="建会年度")


class TargetQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度，默认今年")
    unit: int | None = Field(None, description="责任单位编号")


class EnterpriseCreateIn(Schema):
    uscc: str = Field(max_length=40, description="统一社会信用代码（18 位）")
    name: str = Field(max_length=200)
    ownership: Ownership = Field(description=_choices_help("登记注册类型", Ownership.choices))
    industry: Industry = Field(description="行业门类（GB/T 4754，A—T）")
    community_id: int = Field(description="所在村（社区）的组织编号")
    employees: int = Field(0, ge=0, le=10_000_000)
    registered_capital: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=4)
    is_key_project: bool = False
    address: str = Field("", max_length=200)


class EnterpriseUpdateIn(Schema):
    """Only the fields sent are changed (the credit code is not editable)."""

    name: str | None = Field(None, max_length=200)
    ownership: Ownership | None = None
    industry: Industry | None = None
    community_id: int | None = None
    employees: int | None = Field(None, ge=0, le=10_000_000)
    registered_capital: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=4)
    is_key_project: bool | None = None
    address: str | None = Field(None, max_length=200)


class FoundIn(Schema):
    enterprise_ids: list[int] = Field(
        min_length=1, max_length=500, description="企业编号：基层工会一家，联合工会多家"
    )
    founded_on: datetime.date = Field(description="建会日期（不晚于今天）")
    kind: OrgKind = Field(OrgKind.GRASSROOTS, description="grassroots 基层工会，joint 联合工会")
    name: str = Field("", max_length=100, description="工会名称；基层工会默认“企业名称+工会”")
    parent_id: int | None = Field(None, description="上级组织编号，默认为企业所在村（社区）")
    chairman_name: str = Field("", max_length=50)
    chairman_directly_elected: bool = False
    chairman_elected_on: datetime.date | None = None
    is_project_union: bool = False
    industrial_union_id: int | None = Field(None, description="所属产业工会编号")
    code: str | None = Field(None, max_length=20)
    reason: str = Field("", max_length=500)


# --- helpers -------------------------------------------------------------------------------------


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    return Enterprise.objects.select_related(*ENTERPRISE_RELATED).get_in_scope(request.user, "view", pk=pk)


def _union(request: HttpRequest, pk: int) -> GrassrootsUnion:
    return GrassrootsUnion.objects.select_related(*UNION_RELATED).get_in_scope(request.user, "view", pk=pk)


class EnterpriseApiFilter(EnterpriseFilter):
    """The page's filter set, with true/false where the page offers 是/否."""

    has_union = django_filters.BooleanFilter(method="filter_has_union_bool")
    is_key_project = django_filters.BooleanFilter(field_name="is_key_project")

    def filter_has_union_bool(self, qs, name, value):
        return qs if value is None else self.filter_has_union(qs, name, "yes" if value else "no")


class UnionApiFilter(GrassrootsUnionFilter):
    is_project_union = django_filters.BooleanFilter(field_name="is_project_union")
    chairman_directly_elected = django_filters.BooleanFilter(field_name="chairman_directly_elected")


def _fresh_enterprise(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_related(*ENTERPRISE_RELATED).get(pk=enterprise.pk)


# --- enterprises ---------------------------------------------------------------------------------


@router.get(
    "/enterprises/",
    response={200: list[EnterpriseOut], **LIST_ERRORS},
    summary="企业列表",
    description="管辖范围内的企业，按名称分页列出；筛选与网页相同。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseQuery]):
    qs = queries.annotate_expectation(queries.enterprises(request.user).select_related(*ENTERPRISE_RELATED))
    return filtered(EnterpriseApiFilter, filters, qs, request).order_by("name", "pk")


@router.get(
    "/enterprises/{int:enterprise_id}",
    response={200: EnterpriseDetailOut, **ONE_READ_ERRORS},
    summary="企业详情",
    description="企业信息、应建会情况和变更记录。",
)
def get_enterprise(request: HttpRequest, enterprise_id: int):
    return _enterprise(request, enterprise_id)


@router.post(
    "/enterprises/",
    response={201: EnterpriseDetailOut, **WRITE_ERRORS},
    summary="登记企业",
    description="在管辖范围内的村（社区）登记企业；信用代码全市唯一。需管理员或填报员角色。",
)
def create_enterprise(request: HttpRequest, payload: EnterpriseCreateIn):
    enterprise = actions.register_enterprise(
        request.user,
        uscc=payload.uscc,
        name=payload.name,
        ownership=payload.ownership.value,
        industry=payload.industry.value,
        community=orgs_queries.referenced_unit(request.user, payload.community_id, _("所在村（社区）")),
        employees=payload.employees,
        registered_capital=payload.registered_capital,
        is_key_project=payload.is_key_project,
        address=payload.address,
    )
    return Status(201, _fresh_enterprise(enterprise))


@router.patch(
    "/enterprises/{int:enterprise_id}",
    response={200: EnterpriseDetailOut, **WRITE_ERRORS},
    summary="修改企业信息",
    description="只修改请求中给出的字段；迁到的村（社区）也须在管辖范围内。需管理员或填报员角色。",
)
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterpriseUpdateIn):
    enterprise = _enterprise(request, enterprise_id)
    changes: dict[str, Any] = {}
    for field, value in payload.model_dump(exclude_unset=True).items():
        if value is None and field != "registered_capital":
            continue  # null means "not given" for fields that cannot be empty
        if field == "community_id":
            changes["community"] = orgs_queries.referenced_unit(request.user, value, _("所在村（社区）"))
        else:
            changes[field] = getattr(value, "value", value)
    enterprise = actions.update_enterprise(request.user, enterprise, **changes)
    return _fresh_enterprise(enterprise)


# --- unions --------------------------------------------------------------------------------------


@router.get(
    "/unions/",
    response={200: list[UnionOut], **LIST_ERRORS},
    summary="基层工会列表",
    description="管辖范围内的基层工会和联合工会的建会记录，新建的在前。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_unions(request: HttpRequest, filters: Query[UnionQuery]):
    qs = queries.unions(request.user).select_related(*UNION_RELATED)
    return filtered(UnionApiFilter, filters, qs, request).order_by("-founded_on", "-pk")


@router.get(
    "/unions/{int:union_id}",
    response={200: UnionDetailOut, **ONE_READ_ERRORS},
    summary="基层工会详情",
    description="建会记录和所覆盖的企业。",
)
def get_union(request: HttpRequest, union_id: int):
    record = _union(request, union_id)
    record.enterprises = list(
        queries.annotate_expectation(
            queries.enterprises(request.user).filter(union=record.unit).select_related(*ENTERPRISE_RELATED)
        ).order_by("name")[:500]
    )
    return record


@router.post(
    "/unions/",
    response={201: UnionDetailOut, **WRITE_ERRORS},
    summary="组建基层工会（建会）",
    description=(
        "在一家企业组建基层工会，或在多家企业组建联合工会：工会设立在组织树中，建会记录写入，"
        "企业记为已建会。企业须在管辖范围内、在营且尚无工会。"
    ),
)
def found_union(request: HttpRequest, payload: FoundIn):
    user = request.user
    ids = sorted(set(payload.enterprise_ids))
    found = list(queries.enterprises(user).filter(pk__in=ids))
    if len(found) != len(ids):
        missing = sorted(set(ids) - {e.pk for e in found})
        raise ActionError(
            _("企业（编号 %(ids)s）不存在，或不在您的管辖范围内。")
            % {"ids": "、".join(map(str, missing[:10]))},
            code="not_found",
        )
    record = actions.found_union(
        user,
        enterprises=found,
        founded_on=payload.founded_on,
        kind=payload.kind.value,
        name=payload.name,
        parent=orgs_queries.referenced_unit(request.user, payload.parent_id, _("上级组织"))
        if payload.parent_id
        else None,
        chairman_name=payload.chairman_name,
        chairman_directly_elected=payload.chairman_directly_elected,
        chairman_elected_on=payload.chairman_elected_on,
        is_project_union=payload.is_project_union,
        industrial_union=orgs_queries.industrial_union(payload.industrial_union_id),
        code=payload.code,
        reason=payload.reason,
    )
    return Status(201, get_union(request, record.pk))


# --- targets -------------------------------------------------------------------------------------


@router.get(
    "/targets/",
    response={200: list[TargetOut], **READ_ERRORS},
    summary="建会目标列表",
    description="管辖范围内各单位某年度的建会目标（默认今年）。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_targets(request: HttpRequest, filters: Query[TargetQuery]):
    qs = queries.targets(request.user).select_related("unit").filter(year=filters.year or _this_year())
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    return qs.order_by("unit__path")


@router.get(
    "/targets/node/{int:unit_id}",
    response={200: TargetOverviewOut, **ONE_READ_ERRORS},
    summary="一个单位的建会目标与进度",
    description="本级目标、分解到直接下级的目标、期限内完成情况和分解中的问题（与目标页面相同）。",
)
def target_node(request: HttpRequest, unit_id: int, year: int | None = Query(None, ge=2000, le=2100)):
    unit = OrgUnit.objects.get_in_scope(request.user, "view", pk=unit_id)
    overview = queries.target_overview(request.user, unit, year or _this_year())
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "year": overview.year,
        "node": _row(overview.node),
        "children": [_row(r) for r in overview.rows],
        "children_total": overview.children_total,
        "problems": overview.problems,
    }

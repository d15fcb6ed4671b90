"""The organisation tree over the API: /api/v1/orgs/.

Thin handlers: parse, then a query (every read starts from ``OrgUnit.objects.restrict``; one
unit is fetched with ``get_in_scope``, so a unit outside the user's scope is a 404) or an action
of :mod:`unionwork.orgs.actions` (which checks roles and scope, writes, audits, in one
transaction). Units named in a request body (a new parent, a merge target) are looked up in the
same scope; one outside it is refused with 400 like an unknown one, never confirmed.
"""

from datetime import datetime
from typing import Any

import django_filters
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from unionwork.core import indicators
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination, filtered
from unionwork.core.views import history_of
from unionwork.orgs import actions, queries
from unionwork.orgs import queries as orgs_queries
from unionwork.orgs.filters import OrgUnitFilter
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus, OrgUnit

router = Router(tags=["组织机构"])

PAGE_SIZE = 50
LIST_RELATED = ("parent", "industrial_union")
KIND_HELP = "类型：" + "，".join(f"{value} {label}" for value, label in OrgKind.choices)
STATUS_HELP = "状态：" + "，".join(f"{value} {label}" for value, label in OrgStatus.choices)


# --- schemas -------------------------------------------------------------------------------------


class OrgUnitOut(Schema):
    """One unit of the tree as the API shows it."""

    id: int
    name: str
    code: str | None
    kind: OrgKind
    kind_display: str
    status: OrgStatus
    status_display: str
    parent_id: int | None
    parent_name: str | None
    depth: int
    path: str = Field(description="自根组织起的编号链，如 /1/12/340/")
    industrial_union_id: int | None
    industrial_union_name: str | None
    merged_into_id: int | None
    status_changed_at: datetime | None
    is_demo: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_kind_display(obj: OrgUnit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_display(obj: OrgUnit) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_parent_name(obj: OrgUnit) -> str | None:
        return obj.parent.name if obj.parent_id else None

    @staticmethod
    def resolve_industrial_union_name(obj: OrgUnit) -> str | None:
        return obj.industrial_union.name if obj.industrial_union_id else None


class OrgChildOut(OrgUnitOut):
    child_count: int = Field(description="正常状态的下级组织数")


class OrgEventOut(Schema):
    """One entry of a unit's domain timeline (设立、更名、调整隶属、合并、注销……)."""

    id: int
    kind: OrgEvent.Kind
    kind_display: str
    at: datetime
    actor_label: str
    summary: str
    reason: str

    @staticmethod
    def resolve_kind_display(obj: OrgEvent) -> str:
        return str(obj.get_kind_display())


class AuditChangeOut(Schema):
    """One audit event of the unit's record: who changed which fields, from what to what."""

    id: int
    at: datetime
    actor_label: str
    source: str
    verb: str
    changes: dict[str, list[Any]] = Field(description="字段名 → [修改前, 修改后]")
    note: str

    @staticmethod
    def resolve_changes(obj) -> dict[str, list[Any]]:
        return {field: list(pair) for field, pair in obj.changes().items()}


class OrgHistoryOut(Schema):
    events: list[OrgEventOut] = Field(description="组织变更记录，新的在前（最多 200 条）")
    changes: list[AuditChangeOut] = Field(description="该记录的审计事件，新的在前（最多 200 条）")


class OrgUnitQuery(Schema):
    q: str | None = Field(None, description="名称、代码、拼音或拼音首字母，如 gjz")
    kind: OrgKind | None = Field(None, description=KIND_HELP)
    status: OrgStatus | None = Field(None, description=STATUS_HELP)
    parent: int | None = Field(None, description="上级组织编号：只列其直接下级")
    under: str | None = Field(None, description="组织编号或代码：列出它及其全部下级")
    code: str | None = Field(None, description="代码（精确匹配）")
    is_demo: bool | None = None


class OrgUnitCreateIn(Schema):
    parent_id: int = Field(description="上级组织编号")
    name: str = Field(description="名称，最多 100 个字")
    kind: OrgKind = Field(description=KIND_HELP)
    code: str | None = Field(None, max_length=20, description="统计区划代码或组织代码，全市唯一")
    industrial_union_id: int | None = Field(None, description="所属产业工会编号")
    reason: str = Field("", max_length=500)


class OrgUnitUpdateIn(Schema):
    """Only the fields sent are changed; ``code`` or ``industrial_union_id`` null clears it."""

    name: str | None = Field(None, description="名称，最多 100 个字")
    code: str | None = Field(None, max_length=20)
    industrial_union_id: int | None = None
    reason: str = Field("", max_length=500)


class MoveIn(Schema):
    parent_id: int = Field(description="新的上级组织编号")
    reason: str = Field("", max_length=500)


class MergeIn(Schema):
    target_id: int = Field(description="并入的组织编号（同类组织）")
    reason: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class OrgUnitApiFilter(OrgUnitFilter):
    """The page's filter set plus the two filters that only programs need."""

    parent = django_filters.NumberFilter(field_name="parent_id")
    code = django_filters.CharFilter(field_name="code")

    class Meta(OrgUnitFilter.Meta):
        fields = [*OrgUnitFilter.Meta.fields, "parent", "code"]


# --- helpers -------------------------------------------------------------------------------------


def _unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    """The unit in the path, in the user's scope, or 404."""
    return OrgUnit.objects.select_related(*LIST_RELATED).get_in_scope(request.user, "view", pk=unit_id)


def _fresh(unit: OrgUnit) -> OrgUnit:
    """The unit as stored after an action, with what the output schema shows."""
    return OrgUnit.objects.select_related(*LIST_RELATED).get(pk=unit.pk)


# --- reads ---------------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: list[OrgUnitOut], **READ_ERRORS},
    summary="组织列表",
    description="管辖范围内的组织，按树的顺序分页列出；不指定 status 时包括已注销、已合并的组织。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_units(request: HttpRequest, filters: Query[OrgUnitQuery]):
    """The units in the caller's scope, filtered, in tree order."""
    qs = OrgUnit.objects.restrict(request.user, "view").select_related(*LIST_RELATED)
    return filtered(OrgUnitApiFilter, filters, qs, request).order_by("path")


@router.get(
    "/{int:unit_id}",
    response={200: OrgUnitOut, **ONE_READ_ERRORS},
    summary="组织详情",
    description="一个组织，无论状态如何（注销或合并后的组织仍保留，可查询）。",
)
def get_unit(request: HttpRequest, unit_id: int):
    """One unit, whatever its status."""
    return _unit(request, unit_id)


@router.get(
    "/{int:unit_id}/children",
    response={200: list[OrgChildOut], **ONE_READ_ERRORS},
    summary="直接下级",
    description="管辖范围内的直接下级组织；默认只列正常状态的，include_inactive=true 时包括已注销、已合并的。"
    "month=YYYY-MM 时为该月末的下级组织（当时的隶属关系和状态）。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_children(request: HttpRequest, unit_id: int, include_inactive: bool = False, month: str = ""):
    """The direct children of a unit that lie in the caller's scope (at the end of ``month``)."""
    return queries.children_of(
        request.user,
        _unit(request, unit_id),
        include_inactive=include_inactive,
        month=indicators.parse_month(month),
    )


@router.get(
    "/{int:unit_id}/history",
    response={200: OrgHistoryOut, **ONE_READ_ERRORS},
    summary="变更历史",
    description="组织变更记录（设立、更名、调整隶属、合并、注销、恢复）和该记录的审计事件。",
)
def unit_history(request: HttpRequest, unit_id: int):
    """The unit's domain timeline and the audit events of its record."""
    unit = _unit(request, unit_id)
    return {"events": queries.unit_history(unit), "changes": history_of(unit)}


# --- changes -------------------------------------------------------------------------------------


@router.post(
    "/",
    response={201: OrgUnitOut, **WRITE_ERRORS},
    summary="设立组织",
    description="在管辖范围内的上级组织下设立组织；代码全市唯一；需管理员角色。",
)
def create_unit(request: HttpRequest, payload: OrgUnitCreateIn):
    """Set up a unit under ``parent_id``."""
    unit = actions.create_unit(
        request.user,
        parent=orgs_queries.referenced_unit(request.user, payload.parent_id, _("上级组织")),
        name=payload.name,
        kind=payload.kind.value,
        code=payload.code,
        industrial_union=orgs_queries.industrial_union(payload.industrial_union_id),
        reason=payload.reason,
    )
    return Status(201, _fresh(unit))


@router.patch(
    "/{int:unit_id}",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="修改组织信息（更名等）",
    description="只修改请求中给出的字段；code 或 industrial_union_id 为 null 表示清除。需管理员角色。",
)
def update_unit(request: HttpRequest, unit_id: int, payload: OrgUnitUpdateIn):
    """Rename a unit, change its code or its industrial union; only the fields sent change."""
    unit = _unit(request, unit_id)
    sent = payload.model_fields_set
    unit = actions.update_unit(
        request.user,
        unit,
        name=payload.name if "name" in sent else None,
        code=(payload.code or "") if "code" in sent else None,
        industrial_union=orgs_queries.industrial_union(payload.industrial_union_id)
        if "industrial_union_id" in sent
        else False,
        reason=payload.reason,
    )
    return _fresh(unit)


@router.post(
    "/{int:unit_id}/move",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="调整隶属关系",
    description="把组织连同全部下级调到新的上级组织之下；调到它自己的下级之下会形成循环，不予办理。",
)
def move_unit(request: HttpRequest, unit_id: int, payload: MoveIn):
    """Put the unit and its whole subtree under another parent."""
    unit = _unit(request, unit_id)
    new_parent = orgs_queries.referenced_unit(request.user, payload.parent_id, _("新的上级组织"))
    return _fresh(actions.move_unit(request.user, unit, new_parent, payload.reason))


@router.post(
    "/{int:unit_id}/merge",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="合并到其他组织",
    description="把组织并入同类组织：其下级调到目标组织之下，它本身保留，状态为“已合并”。返回被合并的组织。",
)
def merge_unit(request: HttpRequest, unit_id: int, payload: MergeIn):
    """Merge the unit into ``target_id``; returns the merged unit (status merged, merged_into_id set)."""
    unit = _unit(request, unit_id)
    target = orgs_queries.referenced_unit(request.user, payload.target_id, _("并入的组织"))
    actions.merge_units(request.user, unit, target, payload.reason)
    return _fresh(unit)


@router.post(
    "/{int:unit_id}/deregister",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="注销组织",
    description="注销组织（须填写原因，且无正常状态的下级）：组织保留，状态为“已注销”，不再删除。",
)
def deregister_unit(request: HttpRequest, unit_id: int, payload: ReasonIn):
    """Deregister a unit; it is kept, with status deregistered."""
    return _fresh(actions.deregister_unit(request.user, _unit(request, unit_id), payload.reason))


@router.post(
    "/{int:unit_id}/reactivate",
    response={200: OrgUnitOut, **WRITE_ERRORS},
    summary="恢复已注销的组织",
    description="撤销注销，恢复为正常状态（已合并的组织不能恢复）；请求体可省略。",
)
def reactivate_unit(request: HttpRequest, unit_id: int, payload: ReasonIn | None = None):
    """Undo a deregistration; the body is optional."""
    reason = payload.reason if payload else ""
    return _fresh(actions.reactivate_unit(request.user, _unit(request, unit_id), reason))

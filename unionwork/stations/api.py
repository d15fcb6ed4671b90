"""The service stations over the API: /api/v1/stations/ (stations, coverage, the service log).

Thin handlers: a query (from ``restrict``; one record through ``get_in_scope``, 404 outside the
scope) or an action of :mod:`unionwork.stations.actions`. Nothing is deleted or replaced.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.core.errors import ActionError
from unionwork.stations import actions, queries
from unionwork.stations.filters import StationFilter
from unionwork.stations.models import EntryKind, HostKind, ServiceKind, Station, StationMode, StationStatus

router = Router(tags=["职工服务站"])
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}


class StationOut(Schema):
    id: int
    name: str
    host_kind: HostKind
    mode: StationMode
    status: StationStatus
    org_id: int = Field(description="所属单位编号")
    org_name: str
    enterprise_id: int | None
    opened_on: datetime.date
    space_m2: int
    staff: int
    workers_covered: int

    @staticmethod
    def resolve_org_name(obj: Station) -> str:
        return obj.org.name


class StationQuery(Schema):
    q: str | None = Field(None, description="名称（包含）")
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级的服务站")
    host_kind: HostKind | None = None
    mode: StationMode | None = None
    status: StationStatus | None = None


@router.get("/stations", response={200: list[StationOut], **LIST_ERRORS}, summary="服务站列表")
@paginate(Pagination, page_size=50)
def list_stations(request: HttpRequest, filters: Query[StationQuery]):
    qs = Station.objects.restrict(request.user).select_related("org")
    return filtered(StationFilter, filters, qs, request).order_by("name", "pk")


@router.get("/stations/{int:pk}", response={200: StationOut, **ONE_READ_ERRORS}, summary="服务站")
def get_station(request: HttpRequest, pk: int):
    return Station.objects.select_related("org").get_in_scope(request.user, pk=pk)


class CoverageOut(Schema):
    unit_id: int
    unit_name: str
    covered: int = Field(description="已建站（含辐射覆盖）的应建站单位")
    eligible: int = Field(description="应建站单位（企业及村、社区）")
    rate: float | None
    workers_covered: int
    rule: str


class NodeQuery(Schema):
    node: int | None = Field(None, description="组织编号（默认本单位）")
    month: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="截至月份 YYYY-MM")


@router.get("/coverage", response={200: CoverageOut, **LIST_ERRORS}, summary="服务站覆盖率")
def coverage(request: HttpRequest, params: Query[NodeQuery]):
    from unionwork.core import indicators

    node = queries.node_for(request.user, params.node)
    month = indicators.parse_month(params.month)
    figures = queries.node_figures(node, month)
    cov = figures["coverage"]
    return {
        "unit_id": node.pk,
        "unit_name": node.name,
        "covered": cov.numerator,
        "eligible": cov.denominator,
        "rate": cov.rate,
        "workers_covered": figures["workers_covered"].numerator,
        "rule": queries.rule_for().describe(),
    }


class ServiceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind_id: int = Field(description="服务项目编号")
    entry: EntryKind = EntryKind.SERVICE
    on: datetime.date
    people: int = Field(1, ge=1, le=100000)
    card_number: str = Field("", max_length=30)
    note: str = Field("", max_length=300)


class ServiceOut(Schema):
    id: int
    station_id: int
    kind_id: int
    on: datetime.date
    people: int
    card_id: int | None


@router.post("/stations/{int:pk}/services", response={201: ServiceOut, **WRITE_ERRORS}, summary="登记服务")
def log_service(request: HttpRequest, pk: int, payload: ServiceIn):
    station = Station.objects.select_related("org").get_in_scope(request.user, pk=pk)
    kind = ServiceKind.objects.filter(pk=payload.kind_id, active=True).first()
    if kind is None:
        raise ActionError("服务项目不存在或已停用。")
    data = payload.model_dump(exclude={"kind_id"})
    data["entry"] = getattr(data["entry"], "value", data["entry"])
    return Status(201, actions.log_service(request.user, station, kind=kind, **data))

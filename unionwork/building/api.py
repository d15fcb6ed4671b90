"""Union building over the API: /api/v1/building/.

Thin handlers: every read starts from the model's ``restrict`` (one record by ``get_in_scope``, a
404 outside scope); every write is an action of :mod:`unionwork.building.actions` (role, scope,
audit and the indicators, in one transaction). A unit named in a body is looked up in the
caller's scope (``orgs.queries.referenced_unit``): one outside it is refused like an unknown one.
The kept figures (``building.direct_elections``, ``building.graded``, ``building.satisfaction``)
are served by ``/api/v1/indicators/``.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from unionwork.building import actions, queries
from unionwork.building.filters import ApplicationFilter, CommitteeFilter, SurveyFilter
from unionwork.building.models import (
    ApplicationMove,
    ApplicationState,
    Committee,
    ElectionMethod,
    GradeApplication,
    Survey,
)
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.orgs import queries as orgs_queries

router = Router(tags=["工会建设"])
PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}


class WriteIn(Schema):
    model_config = ConfigDict(extra="forbid")


class CommitteeOut(Schema):
    id: int
    org_id: int
    org_name: str
    chairman: str
    term_start: datetime.date
    term_end: datetime.date
    method: ElectionMethod
    elected_on: datetime.date | None
    candidates: int | None
    eligible_voters: int | None
    votes_cast: int | None
    chairman_votes: int | None
    turnout: float | None = Field(description="参选率（%），直选时")
    is_current: bool

    @staticmethod
    def resolve_org_name(obj: Committee) -> str:
        return obj.org.name

    @staticmethod
    def resolve_turnout(obj: Committee) -> float | None:
        return obj.turnout()


class CommitteeIn(WriteIn):
    """Record a union's new committee; the current one becomes a past one."""

    org_id: int = Field(description="工会编号")
    chairman: str = Field(min_length=1, max_length=50)
    vice_chairmen: str = Field("", max_length=200)
    members_count: int = Field(0, ge=0, le=1000)
    term_start: datetime.date
    term_end: datetime.date
    method: ElectionMethod
    elected_on: datetime.date | None = None
    candidates: int | None = Field(None, ge=1, le=1000)
    eligible_voters: int | None = Field(None, ge=1, le=10_000_000)
    votes_cast: int | None = Field(None, ge=0, le=10_000_000)
    chairman_votes: int | None = Field(None, ge=0, le=10_000_000)


class CommitteeQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级")
    method: ElectionMethod | None = None
    current: str | None = Field(None, pattern="^[01]$", description="1 现任，0 往届")
    due: int | None = Field(None, ge=0, le=3650, description="任期在几天内届满（现任）")


@router.get("/committees", response={200: list[CommitteeOut], **LIST_ERRORS}, summary="工会委员会与换届选举")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_committees(request: HttpRequest, filters: Query[CommitteeQuery]):
    qs = queries.committees(request.user)
    return filtered(CommitteeFilter, filters, qs, request).order_by("org__path", "-term_start", "pk")


@router.get("/committees/{int:pk}", response={200: CommitteeOut, **ONE_READ_ERRORS}, summary="委员会详情")
def get_committee(request: HttpRequest, pk: int):
    return Committee.objects.select_related("org").get_in_scope(request.user, pk=pk)


@router.post("/committees", response={201: CommitteeOut, **WRITE_ERRORS}, summary="登记换届选举")
def record_committee(request: HttpRequest, payload: CommitteeIn):
    data = payload.model_dump()
    org = orgs_queries.referenced_unit(request.user, data.pop("org_id"), _("工会"))
    data["method"] = getattr(data["method"], "value", data["method"])
    c = actions.record_committee(request.user, org, **data)
    return Status(201, Committee.objects.select_related("org").get(pk=c.pk))


class SurveyOut(Schema):
    id: int
    org_id: int
    org_name: str
    year: int
    opens_on: datetime.date
    closes_on: datetime.date
    is_latest: bool
    responses: int
    satisfied: int
    rate: float | None = Field(description="满意率（%）")
    flagged: bool = Field(description="答卷足够且满意率低于阈值")


def _survey_out(s: Survey) -> dict:
    r = queries.survey_result(s)
    return {
        "id": s.pk,
        "org_id": s.org_id,
        "org_name": s.org.name,
        "year": s.year,
        "opens_on": s.opens_on,
        "closes_on": s.closes_on,
        "is_latest": s.is_latest,
        "responses": r.responses,
        "satisfied": r.satisfied,
        "rate": r.rate,
        "flagged": r.flagged,
    }


class SurveyQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级")
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/surveys", response={200: list[SurveyOut], **LIST_ERRORS}, summary="会员评家结果")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_surveys(request: HttpRequest, filters: Query[SurveyQuery]):
    qs = Survey.objects.restrict(request.user).select_related("org")
    return [
        _survey_out(s)
        for s in filtered(SurveyFilter, filters, qs, request).order_by("-year", "org__path", "pk")[:500]
    ]


@router.get("/surveys/{int:pk}", response={200: SurveyOut, **ONE_READ_ERRORS}, summary="会员评家结果详情")
def get_survey(request: HttpRequest, pk: int):
    return _survey_out(Survey.objects.select_related("org").get_in_scope(request.user, pk=pk))


class ApplicationOut(Schema):
    id: int
    org_id: int
    org_name: str
    campaign: str
    state: ApplicationState
    level_sought: str
    grade: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    submitted_at: datetime.datetime

    @staticmethod
    def resolve_org_name(obj: GradeApplication) -> str:
        return obj.org.name

    @staticmethod
    def resolve_campaign(obj: GradeApplication) -> str:
        return obj.campaign.name


class ApplicationQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级")
    campaign: int | None = None
    state: ApplicationState | None = None


@router.get(
    "/applications", response={200: list[ApplicationOut], **LIST_ERRORS}, summary="创建评级申报与等级"
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_applications(request: HttpRequest, filters: Query[ApplicationQuery]):
    qs = GradeApplication.objects.restrict(request.user).select_related("org", "campaign")
    return filtered(ApplicationFilter, filters, qs, request).order_by("-submitted_at", "pk")


@router.get("/applications/{int:pk}", response={200: ApplicationOut, **ONE_READ_ERRORS}, summary="申报详情")
def get_application(request: HttpRequest, pk: int):
    return GradeApplication.objects.select_related("org", "campaign").get_in_scope(request.user, pk=pk)


class MoveIn(WriteIn):
    note: str = Field("", max_length=500)
    grade: str = Field("", max_length=20, description="评定等级（award 时必填，须为活动的等级之一）")


USER_MOVES = [m for m in ApplicationMove.values if m != ApplicationMove.EXPIRE]


@router.post(
    "/applications/{int:pk}/{move}",
    response={200: ApplicationOut, **WRITE_ERRORS},
    summary="申报流转（评定、退回、重新申报、撤回、撤销）",
    description="move 取值：" + "，".join(USER_MOVES) + "。评定、退回、撤销由申报单位的上级审核人员办理。",
)
def move_application(request: HttpRequest, pk: int, move: str, payload: MoveIn):
    app = GradeApplication.objects.get_in_scope(request.user, pk=pk)
    if move not in USER_MOVES:
        from django.http import Http404

        raise Http404
    actions.move_application(request.user, app, move, note=payload.note, grade=payload.grade)
    return GradeApplication.objects.select_related("org", "campaign").get(pk=pk)

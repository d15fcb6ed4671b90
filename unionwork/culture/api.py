"""Workers' culture over the API: /api/v1/culture/ (read-only lists in the caller's scope).

Every read starts from the model's ``restrict``; the kept counts (``culture.positions``,
``culture.teams``, ``culture.model_experiences``, ``culture.onsite_meetings``) are served by
``/api/v1/indicators/``, and the per-year-and-topic tables here add up to them.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, ErrorOut, Pagination, filtered
from unionwork.culture import filters, queries
from unionwork.culture.models import (
    Experience,
    Meeting,
    Nomination,
    NominationState,
    Position,
    PositionKind,
    Team,
    TeamKind,
    Topic,
)

router = Router(tags=["职工文化"])
PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}


class UnderQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：它及其全部下级")


class PositionOut(Schema):
    id: int
    org_id: int
    name: str
    kind: PositionKind
    area_sqm: int
    opening_hours: str
    closed_on: datetime.date | None


class TeamOut(Schema):
    id: int
    org_id: int
    name: str
    kind: TeamKind
    members_count: int
    leader: str
    closed_on: datetime.date | None


class ExperienceOut(Schema):
    id: int
    org_id: int
    title: str
    topic: Topic
    year: int
    adopted_by_id: int | None
    adopted_on: datetime.date | None


class MeetingOut(Schema):
    id: int
    org_id: int
    convened_by_id: int
    held_on: datetime.date
    title: str
    topic: Topic
    experience_id: int | None
    attendance: int


class NominationOut(Schema):
    id: int
    round_id: int
    org_id: int
    nominee: str
    category: str
    held_by_id: int
    state: NominationState


class YearTopicOut(Schema):
    year: int
    by_topic: dict[str, int]
    total: int


@router.get("/positions", response={200: list[PositionOut], **LIST_ERRORS}, summary="文化阵地")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_positions(request: HttpRequest, f: Query[UnderQuery]):
    qs = Position.objects.restrict(request.user)
    return filtered(filters.PositionFilter, f, qs, request).order_by("org__path", "pk")


@router.get("/teams", response={200: list[TeamOut], **LIST_ERRORS}, summary="文化团队")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_teams(request: HttpRequest, f: Query[UnderQuery]):
    qs = Team.objects.restrict(request.user)
    return filtered(filters.TeamFilter, f, qs, request).order_by("org__path", "pk")


@router.get("/experiences", response={200: list[ExperienceOut], **LIST_ERRORS}, summary="典型经验")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_experiences(request: HttpRequest, f: Query[UnderQuery]):
    qs = Experience.objects.restrict(request.user)
    return filtered(filters.ExperienceFilter, f, qs, request).order_by("-year", "pk")


@router.get("/experiences/{int:pk}", response={200: ExperienceOut, **ONE_READ_ERRORS}, summary="典型经验详情")
def get_experience(request: HttpRequest, pk: int):
    return Experience.objects.get_in_scope(request.user, pk=pk)


@router.get("/meetings", response={200: list[MeetingOut], **LIST_ERRORS}, summary="现场会")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_meetings(request: HttpRequest, f: Query[UnderQuery]):
    qs = Meeting.objects.restrict(request.user)
    return filtered(filters.MeetingFilter, f, qs, request).order_by("-held_on", "pk")


@router.get("/nominations", response={200: list[NominationOut], **LIST_ERRORS}, summary="金纽带推荐")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_nominations(request: HttpRequest, f: Query[UnderQuery]):
    qs = Nomination.objects.restrict(request.user)
    return filtered(filters.NominationFilter, f, qs, request).order_by("-submitted_at", "pk")


def _year_topic(rows) -> list[dict]:
    return [
        {"year": y, "by_topic": dict(zip(Topic.values, counts, strict=True)), "total": t}
        for y, counts, t in rows
    ]


@router.get(
    "/units/{int:unit_id}/experiences-by-year",
    response={200: list[YearTopicOut], **ONE_READ_ERRORS},
    summary="典型经验按年度、主题",
)
def experiences_by_year(request: HttpRequest, unit_id: int):
    node = queries.node_for(request.user, unit_id)
    return _year_topic(queries.experiences_by(node))


@router.get(
    "/units/{int:unit_id}/meetings-by-year",
    response={200: list[YearTopicOut], **ONE_READ_ERRORS},
    summary="现场会按年度、主题（全市上年度 7 次）",
)
def meetings_by_year(request: HttpRequest, unit_id: int):
    node = queries.node_for(request.user, unit_id)
    return _year_topic(queries.meetings_by(node))

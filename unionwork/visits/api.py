"""The visits campaign over the API: /api/v1/visits/ (read only: visits with households masked,
deeds, and a node's kept figures). Every read starts from the model's ``restrict``."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from unionwork.core import indicators
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, Pagination
from unionwork.orgs.models import OrgUnit
from unionwork.visits import queries

router = Router(tags=["双走双促"])


class VisitOut(Schema):
    id: int
    org_id: int
    kind: str
    visited_on: datetime.date
    subject: str
    enterprise_id: int | None
    campaign_id: int | None
    template_id: int
    withdrawn: bool

    @staticmethod
    def resolve_subject(obj) -> str:
        return str(obj.subject_masked)

    @staticmethod
    def resolve_withdrawn(obj) -> bool:
        return obj.is_withdrawn


class DeedOut(Schema):
    id: int
    org_id: int
    title: str
    owner_id: int
    promised_on: datetime.date
    state: str
    done_on: datetime.date | None
    on_time: bool | None


class FigureOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    rate: float | None


@router.get("/visits", response={200: list[VisitOut], **READ_ERRORS}, summary="走访记录")
@paginate(Pagination, page_size=50)
def list_visits(request):
    """Visits in the caller's scope, newest first; a household's name is masked."""
    return queries.visits(request.user).select_related("enterprise").order_by("-visited_on", "-pk")


@router.get("/deeds", response={200: list[DeedOut], **READ_ERRORS}, summary="办实事")
@paginate(Pagination, page_size=50)
def list_deeds(request):
    """Deeds in the caller's scope, by promised date."""
    return queries.deeds(request.user).order_by("promised_on", "pk")


@router.get("/figures/{int:unit_id}", response={200: list[FigureOut], **ONE_READ_ERRORS}, summary="走访指标")
def figures(request, unit_id: int, month: str = ""):
    """The unit's kept figures of the campaign (the dashboard's numbers) as of a month's end."""
    unit = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    when = indicators.parse_month(month) if month else None
    return [
        FigureOut(
            key=ind.key, label=str(ind.label), numerator=f.numerator, denominator=f.denominator, rate=f.rate
        )
        for ind, f in queries.kept_figures(unit, when)
    ]

"""Indicators over the API: /api/v1/indicators/, the same figures and scope as the dashboard."""

from datetime import date

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from unionwork.core import indicators, pacing
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS
from unionwork.dashboard import queries
from unionwork.orgs.models import OrgStatus, OrgUnit

router = Router(tags=["指标"])


class IndicatorOut(Schema):
    key: str
    label: str
    numerator_label: str
    denominator_label: str
    unit: str
    higher_is_better: bool
    target: float | None
    deadline: date | None


class FigureOut(Schema):
    numerator: int
    denominator: int
    rate: float | None


class ChildFigureOut(FigureOut):
    unit_id: int
    unit_name: str
    group: str
    rank: int


class GroupOut(FigureOut):
    key: str
    label: str
    overlaps: bool
    note: str


class MonthFigureOut(Schema):
    month: date
    numerator: int | None
    denominator: int | None
    rate: float | None


class NodeFiguresOut(Schema):
    indicator: IndicatorOut
    unit_id: int
    unit_name: str
    month: date
    total: FigureOut
    groups: list[GroupOut]
    children: list[ChildFigureOut]
    trend: list[MonthFigureOut]


def _ind_out(ind) -> dict:
    return {
        "key": ind.key,
        "label": str(ind.label),
        "numerator_label": str(ind.numerator_label),
        "denominator_label": str(ind.denominator_label),
        "unit": ind.unit,
        "higher_is_better": ind.higher_is_better,
        "target": ind.target,
        "deadline": ind.deadline,
    }


def _fig(f) -> dict:
    return {"numerator": f.numerator, "denominator": f.denominator, "rate": f.rate}


@router.get("/", response={200: list[IndicatorOut], **READ_ERRORS}, summary="已登记的指标")
def list_indicators(request: HttpRequest):
    return [_ind_out(i) for i in indicators.listed()]


@router.get(
    "/{key}/units/{unit_id}",
    response={200: NodeFiguresOut, **ONE_READ_ERRORS},
    summary="某组织的指标、下级排名与走势",
)
def node_figures(request: HttpRequest, key: str, unit_id: int, months: int = 12, month: str = ""):
    """``month`` (YYYY-MM) reads the figures as they stood at the end of that month; children are
    ranked within their group (districts, zones, lower units, industrial unions); a month of the
    trend before the figure had data has null values."""
    try:
        ind = indicators.get(key)
    except KeyError:
        raise Http404 from None
    node = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    as_of = indicators.parse_month(month) or indicators.month_of()
    tbl = queries.table(request.user, node, ind, as_of)
    return {
        "indicator": _ind_out(ind),
        "unit_id": node.pk,
        "unit_name": node.name,
        "month": as_of,
        "total": _fig(tbl.total),
        "groups": [
            {**_fig(g.subtotal), "key": g.key, "label": g.label, "overlaps": g.overlaps, "note": g.note}
            for g in tbl.groups
        ],
        "children": [
            {**_fig(r.figure), "unit_id": r.unit.pk, "unit_name": r.label, "group": g.key, "rank": i + 1}
            for g in tbl.groups
            for i, r in enumerate(g.rows)
        ],
        "trend": [
            {
                "month": m,
                **(_fig(f) if f is not None else {"numerator": None, "denominator": None, "rate": None}),
            }
            for m, f in indicators.trend(ind.key, node, max(1, min(months, 60)), until=as_of)
        ],
    }


class PaceOut(Schema):
    unit_id: int
    unit_name: str
    state: str = Field(
        description="on_pace 进度正常，behind 落后，met 已完成，missed 逾期未完成，not_started 未开始"
    )
    warning: bool
    time_share: float = Field(description="时间进度 %")
    task_share: float = Field(description="任务进度 %")
    done: float = Field(description="计入目标的完成数（比率、数量或年初以来的增加）")
    target: float | None
    start: date | None
    deadline: date | None
    trend: list[dict] = Field(default_factory=list, description="近几个月的任务进度 %")


class PacingOut(Schema):
    key: str
    label: str
    indicator: str
    day: date
    tolerance: float
    node: PaceOut
    behind: list[PaceOut]


def _pace_out(p) -> dict:
    w = p.window
    return {
        "unit_id": p.unit.pk,
        "unit_name": p.unit.name,
        "state": p.state,
        "warning": p.warning,
        "time_share": p.time,
        "task_share": p.task,
        "done": p.done,
        "target": w.target if w else None,
        "start": w.start if w else None,
        "deadline": w.deadline if w else None,
        "trend": [{"month": m, "task_share": v} for m, v in p.trend],
    }


@router.get(
    "/pacing/{key}/units/{unit_id}",
    response={200: PacingOut, **ONE_READ_ERRORS},
    summary="某组织的目标时间进度与任务进度，及进度落后的下级",
)
def unit_pacing(request: HttpRequest, key: str, unit_id: int, day: date | None = None):
    """时间过半、任务过半: the share of time gone and of the task done on ``day`` (today by
    default), a warning when the task lags by more than the tolerance, and the children behind
    pace with the trend of their last six months."""
    try:
        target = pacing.get(key)
    except KeyError:
        raise Http404 from None
    node = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    day = day or timezone.localdate()
    children = (
        OrgUnit.objects.restrict(request.user).filter(parent=node, status=OrgStatus.ACTIVE).order_by("path")
    )
    return {
        "key": target.key,
        "label": str(target.label),
        "indicator": target.indicator,
        "day": day,
        "tolerance": pacing.tolerance(),
        "node": _pace_out(pacing.pace(key, node, day)),
        "behind": [_pace_out(p) for p in pacing.behind(key, children, day)],
    }

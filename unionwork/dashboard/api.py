"""Indicators over the API: /api/v1/indicators/, the same figures and scope as the dashboard."""

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from unionwork.core import indicators
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS
from unionwork.dashboard import queries
from unionwork.orgs.models import OrgUnit

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
    return [_ind_out(i) for i in indicators.all_indicators()]


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

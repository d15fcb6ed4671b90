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
    rank: int


class MonthFigureOut(FigureOut):
    month: date


class NodeFiguresOut(Schema):
    indicator: IndicatorOut
    unit_id: int
    unit_name: str
    total: FigureOut
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
    return [_ind_out(i) for i in indicators.all_indicators() if not i.key.startswith("test.")]


@router.get(
    "/{key}/units/{unit_id}",
    response={200: NodeFiguresOut, **ONE_READ_ERRORS},
    summary="某组织的指标、下级排名与走势",
)
def node_figures(request: HttpRequest, key: str, unit_id: int, months: int = 12):
    try:
        ind = indicators.get(key)
    except KeyError:
        raise Http404 from None
    node = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    tbl = queries.table(request.user, node, ind)
    return {
        "indicator": _ind_out(ind),
        "unit_id": node.pk,
        "unit_name": node.name,
        "total": _fig(tbl.total),
        "children": [
            {**_fig(r.figure), "unit_id": r.unit.pk, "unit_name": r.label, "rank": i + 1}
            for i, r in enumerate(tbl.rows)
        ],
        "trend": [
            {**_fig(f), "month": m} for m, f in indicators.trend(ind.key, node, max(1, min(months, 60)))
        ],
    }

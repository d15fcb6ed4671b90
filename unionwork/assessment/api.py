"""The assessment over the API: /api/v1/assessment/ (read only).

Thin handlers: every read starts from the model's ``restrict`` (one record by ``get_in_scope``, a
404 outside scope): schemes with their items, rankings (the totals the user may see: every unit's
for the assessing level and the published rankings for the units they reach), score sheets (the
assessing level and the unit itself). Changes are made on the pages, through the actions. The
kept figure ``assessment.score`` is served by ``/api/v1/indicators/``.
"""

import datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from unionwork.assessment import queries
from unionwork.assessment.models import Computation, Scheme
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, Pagination

router = Router(tags=["百分考核"])
PAGE_SIZE = 50


class ItemOut(Schema):
    id: int
    code: str
    section: str
    name: str
    kind: str
    points: Decimal
    source: str
    indicator: str
    rule: str
    params: dict
    is_hard: bool
    veto_effect: str

    @staticmethod
    def resolve_section(obj) -> str:
        return obj.section.name


class SchemeOut(Schema):
    id: int
    org_id: int
    year: int
    group: str
    name: str
    version: int
    series: int
    state: str
    change_reason: str
    pass_mark: Decimal
    bonus_cap: Decimal
    appeal_days: int
    period_start: datetime.date
    period_end: datetime.date
    published_at: datetime.datetime | None


class SchemeDetailOut(SchemeOut):
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.select_related("section").order_by("section__order", "order", "pk"))


class ResultOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    rank: int | None
    previous_rank: int | None
    total: Decimal
    base: Decimal
    bonus: Decimal
    deduction: Decimal
    sections: dict
    vetoed: bool
    disqualified: bool


class RankingOut(Schema):
    computation_id: int | None
    kind: str | None = Field(None, description="working 试算 / provisional 初步排名 / final 最终排名")
    day: datetime.date | None
    month: datetime.date | None = Field(None, description="取数月份")
    appeal_until: datetime.date | None
    rows: list[ResultOut]


class ItemResultOut(Schema):
    item_id: int
    code: str
    name: str
    kind: str
    max_points: Decimal
    figure: str
    numerator: int | None
    denominator: int | None
    points: Decimal
    triggered: bool
    basis: str
    source: str = Field(description="rule 规则 / review 评审 / appeal 申诉 / none 未评")


class SheetOut(Schema):
    result: ResultOut
    items: list[ItemResultOut]


def _result(r) -> dict:
    return {
        "id": r.pk,
        "unit_id": r.unit_id,
        "unit_name": r.unit.name,
        "rank": r.rank,
        "previous_rank": r.previous_rank,
        "total": r.total,
        "base": r.base,
        "bonus": r.bonus,
        "deduction": r.deduction,
        "sections": r.sections,
        "vetoed": r.vetoed,
        "disqualified": r.disqualified,
    }


@router.get("/schemes", response={200: list[SchemeOut], **READ_ERRORS}, summary="考核方案")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_schemes(request: HttpRequest):
    return queries.schemes(request.user).order_by("-year", "group", "-version", "pk")


@router.get(
    "/schemes/{int:pk}", response={200: SchemeDetailOut, **ONE_READ_ERRORS}, summary="考核方案详情（含项目）"
)
def get_scheme(request: HttpRequest, pk: int):
    return queries.scheme(request.user, pk)


@router.get("/schemes/{int:pk}/ranking", response={200: RankingOut, **ONE_READ_ERRORS}, summary="排名")
def get_ranking(request: HttpRequest, pk: int, computation: int | None = None):
    s: Scheme = queries.scheme(request.user, pk)
    comp: Computation | None = queries.shown_computation(request.user, s, computation)
    rows = (
        queries.ranking(request.user, comp, queries.ranked_sections(queries.sections(comp.scheme)))
        if comp
        else []
    )
    return {
        "computation_id": comp.pk if comp else None,
        "kind": comp.kind if comp else None,
        "day": comp.day if comp else None,
        "month": comp.month if comp else None,
        "appeal_until": comp.appeal_until if comp else None,
        "rows": [_result(r.result) for r in rows],
    }


@router.get(
    "/results/{int:pk}", response={200: SheetOut, **ONE_READ_ERRORS}, summary="评分表（逐项得分与依据）"
)
def get_sheet(request: HttpRequest, pk: int):
    res = queries.result(request.user, pk)
    items = queries.sheet(request.user, res)
    if not items:
        raise Http404
    return {
        "result": _result(res),
        "items": [
            {
                "item_id": i.item_id,
                "code": i.item.code,
                "name": i.item.name,
                "kind": i.item.kind,
                "max_points": i.item.points,
                "figure": i.figure,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "points": i.points,
                "triggered": i.triggered,
                "basis": i.basis,
                "source": i.source,
            }
            for i in items
        ],
    }

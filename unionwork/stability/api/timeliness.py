"""The timeliness of periodic reports of a unit and its children, for one month."""

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from unionwork.core.api import ONE_READ_ERRORS
from unionwork.orgs.models import OrgUnit
from unionwork.stability import periods as P
from unionwork.stability import queries
from unionwork.stability.api._common import MONTH, router
from unionwork.stability.models import (
    PeriodKind,
)


class PeriodOut(Schema):
    kind: PeriodKind
    start: datetime.date
    label: str
    deadline: datetime.datetime
    is_due: bool = Field(description="截止时间已过")


class TimelinessRowOut(Schema):
    unit_id: int | None
    unit_name: str = Field(description="下级组织名称；“本级”为该组织自身")
    units: int = Field(description="须报送单位数")
    expected: int = Field(description="应报（已到期）")
    on_time: int
    late: int
    missing: int = Field(description="漏报：已到期而未报送")
    pending: int = Field(description="未到期待报")
    rate: float | None = Field(description="及时率%：按时报送 ÷ 应报")


class TimelinessOut(Schema):
    unit_id: int
    unit_name: str
    month: datetime.date
    periods: list[PeriodOut] = Field(description="该月已开始的报告期（月报及敏感时期日报）")
    rows: list[TimelinessRowOut] = Field(description="本级及管辖范围内的各直接下级（各含其全部下级）")
    total: TimelinessRowOut = Field(description="合计：该组织及其全部下级")


# --- timeliness of periodic reports ----------------------------------------------------------------


def _row(row: queries.Row) -> dict:
    return {
        "unit_id": row.unit.pk if row.unit is not None else None,
        "unit_name": row.label,
        **{k: row.get(k) for k in ("units", "expected", "on_time", "late", "missing", "pending")},
        "rate": row.get("rate", None),
    }


@router.get(
    "/timeliness/{int:unit_id}",
    response={200: TimelinessOut, **ONE_READ_ERRORS},
    summary="定期报告及时率（按下级汇总）",
    description=(
        "某组织某月的报告完整性与及时性：本级和管辖范围内的每个直接下级（各含其全部下级）一行，另有合计。"
        "漏报为已到期而未报送的报告期；month 缺省为上月。"
    ),
)
def report_timeliness(
    request: HttpRequest,
    unit_id: int,
    month: str | None = Query(None, pattern=MONTH, description="月份，如 2026-03；缺省为上月"),
):
    node = OrgUnit.objects.get_in_scope(request.user, pk=unit_id)
    now = timezone.now()
    if month:
        first = datetime.date.fromisoformat(month + "-01")
    else:
        first = P.month_start(P.month_start(timezone.localdate(now)) - datetime.timedelta(days=1))
    table = queries.report_timeliness(request.user, node, first, now)
    return {
        "unit_id": node.pk,
        "unit_name": node.name,
        "month": first,
        "periods": [
            {
                "kind": p.kind,
                "start": p.start,
                "label": p.label,
                "deadline": p.deadline,
                "is_due": p.is_due(now),
            }
            for p in table.periods
        ],
        "rows": [_row(r) for r in table.body],
        "total": _row(table.total),
    }

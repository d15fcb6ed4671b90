"""The figures of a node's dashboard and statistical tables, read from the indicator roll-up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from unionwork.core import indicators
from unionwork.core.indicators import Figure, Indicator
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


@dataclass
class Row:
    unit: OrgUnit | None  # None for the total and the node's own records
    label: str
    figure: Figure


@dataclass
class Table:
    indicator: Indicator
    total: Figure
    rows: list[Row]  # children, ranked
    own: Figure | None  # the node's own records beside its children's, when there are any


def children_for(user, node: OrgUnit) -> list[OrgUnit]:
    """The units a node's figures break down into, inside the user's scope.

    Territorial children for every node; for an industrial union, the units linked to it.
    """
    qs = OrgUnit.objects.restrict(user).filter(status=OrgStatus.ACTIVE)
    if node.kind == OrgKind.INDUSTRIAL:
        qs = qs.filter(Q(parent=node) | Q(industrial_union=node))
    else:
        qs = qs.filter(parent=node)
    return list(qs.order_by("kind", "code", "pk"))


def ranked(indicator: Indicator, rows: list[Row]) -> list[Row]:
    def key(r: Row):
        v = r.figure.rate
        missing = v is None
        v = v or 0.0
        return (missing, -v if indicator.higher_is_better else v, r.label)

    return sorted(rows, key=key)


def table(user, node: OrgUnit, indicator: Indicator, month: datetime.date | None = None) -> Table:
    children = children_for(user, node)
    total = indicators.value(indicator.key, node, month)
    rows = [Row(c, c.name, f) for c, f in indicators.children_values(indicator.key, children, month)]
    # Industrial unions cut across districts: the total is the sum over the other children.
    territorial = [r for r in rows if r.unit.parent_id == node.pk and r.unit.kind != OrgKind.INDUSTRIAL]
    own = None
    if node.kind != OrgKind.INDUSTRIAL:
        summed = sum((r.figure for r in territorial), Figure(0, 0, indicator.unit))
        rest = Figure(
            total.numerator - summed.numerator, total.denominator - summed.denominator, indicator.unit
        )
        own = rest if (rest.numerator or rest.denominator) else None
    return Table(indicator, total, ranked(indicator, rows), own)


def key_figures(node: OrgUnit, month=None) -> list[tuple[Indicator, Figure]]:
    out = []
    for ind in indicators.all_indicators():
        if ind.key.startswith("test."):
            continue
        out.append((ind, indicators.value(ind.key, node, month)))
    return out


def trends(node: OrgUnit, months: int = 12) -> dict[str, list[tuple[datetime.date, Figure]]]:
    return {ind.key: indicators.trend(ind.key, node, months) for ind, _f in key_figures(node)}

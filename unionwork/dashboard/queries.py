"""The figures of a node's dashboard and statistical tables, read from the indicator roll-up."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionwork.core import indicators
from unionwork.core.indicators import Figure, Indicator
from unionwork.orgs import queries as org_queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


@dataclass
class Row:
    unit: OrgUnit | None  # None for the total and the node's own records
    label: str
    figure: Figure


# Children are ranked and summed within their kind, never across: an industrial union's figure
# also lies in the districts its units are in, so mixing them counts those units twice.
GROUPS = (
    ("districts", _l("区市县"), (OrgKind.DISTRICT,)),
    ("zones", _l("开放先导区"), (OrgKind.ZONE,)),
    ("units", _l("下级组织"), (OrgKind.TOWNSHIP, OrgKind.COMMUNITY, OrgKind.GRASSROOTS, OrgKind.JOINT)),
    ("industrial", _l("产业工会"), (OrgKind.INDUSTRIAL,)),
)


@dataclass
class Group:
    key: str
    label: str
    rows: list[Row]  # ranked within the group
    subtotal: Figure
    overlaps: bool = False  # its figures are also counted in the node's other groups
    note: str = ""


@dataclass
class Table:
    indicator: Indicator
    total: Figure
    groups: list[Group]
    own: Figure | None  # the node's own records beside its children's, when there are any
    month: datetime.date | None = None

    @property
    def rows(self) -> list[Row]:
        """Every child row, group after group (each group ranked in itself)."""
        return [r for g in self.groups for r in g.rows]


@dataclass(slots=True)
class Child:
    """A unit as the figure pages rank and tabulate it: what they read of it, without a model
    instance. An industrial union ranks its 1,800 linked units; building 1,800 ``OrgUnit``
    instances (even of a few fields) cost three times reading the same columns as rows."""

    id: int
    parent_id: int | None
    path: str
    ipath: str
    depth: int
    kind: str
    name: str
    code: str
    industrial_union_id: int | None
    status: str
    is_demo: bool
    as_of_status: str

    @property
    def pk(self) -> int:
        return self.id

    def get_kind_display(self) -> str:
        return str(OrgKind(self.kind).label)

    def __str__(self) -> str:
        return self.name


CHILD_FIELDS = tuple(f for f in Child.__dataclass_fields__ if f != "as_of_status")


def children_for(user, node: OrgUnit, month: datetime.date | None = None) -> list[Child]:
    """The units a node's figures break down into at the end of ``month`` (the as-of tree,
    ``orgs.queries.children_as_of``), inside the user's scope, as :class:`Child` rows.

    Territorial children for every node; for an industrial union, the units linked to it.
    """
    qs = org_queries.children_as_of(user, node, month, linked=node.kind == OrgKind.INDUSTRIAL)
    rows = qs.order_by("kind", "code", "pk").values_list(*CHILD_FIELDS, "as_of_status")
    return [Child(*row) for row in rows]


def ranked(indicator: Indicator, rows: list[Row]) -> list[Row]:
    def key(r: Row):
        v = r.figure.rate
        missing = v is None
        v = v or 0.0
        return (missing, -v if indicator.higher_is_better else v, r.label)

    return sorted(rows, key=key)


def group_key(node: OrgUnit, child: OrgUnit) -> str:
    if node.kind == OrgKind.INDUSTRIAL:
        return "units"  # an industrial union's linked units, wherever they lie
    for key, _label, kinds in GROUPS:
        if child.kind in kinds:
            return key
    return "units"


def overlaps(node: OrgUnit, key: str) -> bool:
    """Whether a node's group of children is also counted in its other groups (so it stays out
    of the total): a territorial node's industrial unions, whose units lie in its districts."""
    return key == "industrial" and node.kind != OrgKind.INDUSTRIAL


def overlap_count(node: OrgUnit, industrial_ids: list[int]) -> int:
    """Units of the node's subtree linked to one of these industrial unions: each is counted both
    in its territorial group and in its industrial union's."""
    if not industrial_ids:
        return 0
    return OrgUnit.objects.filter(
        industrial_union_id__in=industrial_ids, path__startswith=node.path, status=OrgStatus.ACTIVE
    ).count()


def grouped(node: OrgUnit, indicator: Indicator, pairs: list[tuple[OrgUnit, Figure]]) -> list[Group]:
    """(child, figure) pairs in groups by kind, ranked and subtotalled within each group."""
    by_key: dict[str, list[Row]] = {}
    for child, fig in pairs:
        by_key.setdefault(group_key(node, child), []).append(Row(child, child.name, fig))
    groups = []
    for key, label, _kinds in GROUPS:
        rows = by_key.get(key)
        if not rows:
            continue
        subtotal = sum((r.figure for r in rows), Figure(0, 0, indicator.unit))
        overlapping = overlaps(node, key)
        note = ""
        if overlapping:
            n = overlap_count(node, [r.unit.pk for r in rows])
            note = _(
                "产业工会的数字不另计入合计：其 %(n)s 个关联单位已按所在地计入上方各组，同一单位在两组各计一次。"
            ) % {"n": n}
        groups.append(Group(key, str(label), ranked(indicator, rows), subtotal, overlapping, note))
    return groups


def table(user, node: OrgUnit, indicator: Indicator, month: datetime.date | None = None) -> Table:
    children = children_for(user, node, month)
    total = indicators.value(indicator.key, node, month)
    groups = grouped(node, indicator, indicators.children_values(indicator.key, children, month))
    own = None
    if node.kind != OrgKind.INDUSTRIAL:
        summed = sum((g.subtotal for g in groups if not g.overlaps), Figure(0, 0, indicator.unit))
        rest = Figure(
            total.numerator - summed.numerator, total.denominator - summed.denominator, indicator.unit
        )
        own = rest if (rest.numerator or rest.denominator) else None
    return Table(indicator, total, groups, own, month)


def shown_indicators() -> list[Indicator]:
    """The indicators of the dashboard and of the statistical tables: every registered one except
    those a module keeps for the detail of its own pages (tag ``detail``)."""
    return [i for i in indicators.all_indicators() if "detail" not in i.tags]


def key_figures(node: OrgUnit, month=None) -> list[tuple[Indicator, Figure]]:
    shown = shown_indicators()
    figures = indicators.unit_values([ind.key for ind in shown], node, month)
    return [(ind, figures[ind.key]) for ind in shown]


def trends(
    node: OrgUnit, months: int = 12, until=None
) -> dict[str, list[tuple[datetime.date, Figure | None]]]:
    return {ind.key: indicators.trend(ind.key, node, months, until) for ind, _f in key_figures(node)}

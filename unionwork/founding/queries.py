"""Every read of enterprises, unions, targets and founding figures. All start from the scope.

Figures are set-based: a node's children are one ``GROUP BY`` over the child's path prefix
(the first segment of the record's path after the node's path), never one query per child.
The founding rule is applied in SQL (:func:`expected_q`), so a change of rule changes every
figure at once and nothing stored goes stale.

Public figure functions other modules (dashboard, assessment) may call:

* ``founding_rate(user, unit) -> Rate``: the node's subtree in the user's scope.
* ``rate_by_children(user, unit) -> ChildrenTable``: one row per child (and a direct row), a total.
* ``rate_by_ownership(user, unit) -> list[Rate]`` and ``rate_by_industry(user, unit) -> list[Rate]``
  (live; pages read ``kept_breakdowns(user, unit, month)``, the kept indicators of each group).
* ``target_overview(user, unit, year) -> TargetOverview`` and ``target_problems(user, unit, year)``.
* ``three_year_series(user, unit, year) -> dict``: monthly founded against target, for a chart.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from unionwork.core.scope import prefix_q
from unionwork.core.text import is_digits
from unionwork.founding.models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseStatus,
    Expectation,
    FoundingRule,
    FoundingTarget,
    GrassrootsUnion,
    IndustrialUnionScope,
    Industry,
    Ownership,
    UnionStatus,
)
from unionwork.orgs import queries as org_queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

TERRITORIAL_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
TARGET_CHILD_KINDS = (OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.INDUSTRIAL, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)


# -- scoped querysets ---------------------------------------------------------------------------
def enterprises(user, action: str = "view") -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user, action)


def unions(user, action: str = "view") -> QuerySet[GrassrootsUnion]:
    return GrassrootsUnion.objects.restrict(user, action)


def targets(user, action: str = "view") -> QuerySet[FoundingTarget]:
    return FoundingTarget.objects.restrict(user, action)


def enterprise_timeline(enterprise: Enterprise) -> list[EnterpriseEvent]:
    return list(EnterpriseEvent.objects.filter(enterprise=enterprise).order_by("-at", "-id")[:200])


def covered_enterprises(union: GrassrootsUnion) -> QuerySet[Enterprise]:
    """The enterprises a union covers now (the union is already known to be in scope)."""
    return Enterprise.objects.filter(union=union.unit).select_related("community").order_by("name")


def industries_of(unit: OrgUnit) -> list[str]:
    """The industries (GB/T 4754 sections) an industrial union looks after, if declared."""
    if unit.kind != OrgKind.INDUSTRIAL:
        return []
    row = IndustrialUnionScope.objects.filter(unit=unit).values_list("industries", flat=True).first()
    return list(row or [])


# -- what the pages show beside a record (the record itself already fetched in scope) ----------
def units_in_scope(user, units) -> set[int]:
    """The ids of ``units`` the user may open (to link only those)."""
    ids = [u.pk for u in units if u is not None]
    return set(OrgUnit.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))


def union_visible(user, pk: int | None) -> bool:
    """Whether the user may open the grassroots union record ``pk``."""
    return bool(pk) and GrassrootsUnion.objects.restrict(user).filter(pk=pk).exists()


def union_record_of(user, enterprise: Enterprise) -> GrassrootsUnion | None:
    """The record of the union covering ``enterprise``, if the user may open it."""
    if not enterprise.union_id:
        return None
    record = GrassrootsUnion.objects.filter(unit=enterprise.union).first()
    return record if record is not None and union_visible(user, record.pk) else None


def pending_submission_for(user, enterprise: Enterprise):
    """A founding of ``enterprise`` recorded and awaiting confirmation, in the user's scope."""
    from unionwork.founding.models import FoundingSubmission

    return FoundingSubmission.objects.restrict(user).pending().filter(enterprises=enterprise).first()


def submission_enterprises(user, submission) -> list[Enterprise]:
    return list(Enterprise.objects.restrict(user).filter(founding_submissions=submission).order_by("name"))


def union_enterprises(user, unit: OrgUnit, limit: int = 500) -> list[Enterprise]:
    """The enterprises a union's unit covers that the user sees, by name."""
    qs = Enterprise.objects.restrict(user).filter(union=unit).select_related("community")
    return list(qs.order_by("name")[:limit])


def enterprise_to_found(user, pk: str) -> Enterprise | None:
    """The enterprise named in a founding form's link, if the user may change it."""
    if not is_digits(str(pk)):
        return None
    return Enterprise.objects.restrict(user, "change").filter(pk=int(pk)).first()


def operating_in_own_area(user) -> int:
    """Operating enterprises of the user's own area (what a complete list would be checked against)."""
    qs = Enterprise.objects.restrict(user).filter(
        status=EnterpriseStatus.OPERATING, community__path__startswith=user.org_path
    )
    return qs.count()


def import_jobs(user, importers, limit: int = 10) -> list:
    """The user's recent jobs of the given importers (in scope)."""
    from unionwork.core.models import ImportJob

    return list(
        ImportJob.objects.restrict(user).filter(importer__in=importers).select_related("user")[:limit]
    )


def industrial_scopes() -> dict[int, list[str]]:
    """Every industrial union's declared industries, by unit id."""
    return {s.unit_id: s.industries for s in IndustrialUnionScope.objects.all()}


# -- the rule in SQL ----------------------------------------------------------------------------
def expected_q(rule: FoundingRule | None = None, prefix: str = "") -> Q:
    """Enterprises the rule expects to have a union (own or joint)."""
    rule = rule or FoundingRule.current()
    q = Q(**{f"{prefix}status": EnterpriseStatus.OPERATING}) & Q(
        **{f"{prefix}employees__gte": rule.joint_union_min_employees}
    )
    if rule.excluded_ownerships:
        q &= ~Q(**{f"{prefix}ownership__in": list(rule.excluded_ownerships)})
    if rule.joint_union_min_employees == 0:
        pass  # every operating enterprise counts
    return q


def own_expected_q(rule: FoundingRule | None = None, prefix: str = "") -> Q:
    rule = rule or FoundingRule.current()
    return expected_q(rule, prefix) & Q(**{f"{prefix}employees__gte": rule.own_union_min_employees})


def covered_q(prefix: str = "") -> Q:
    """Enterprises covered now by a union that is still active."""
    return Q(**{f"{prefix}union__isnull": False}) & Q(**{f"{prefix}union__status": OrgStatus.ACTIVE})


def expectation_filter(value: str, rule: FoundingRule | None = None) -> Q:
    rule = rule or FoundingRule.current()
    if value == Expectation.OWN:
        return own_expected_q(rule)
    if value == Expectation.JOINT:
        return expected_q(rule) & Q(employees__lt=rule.own_union_min_employees)
    return ~expected_q(rule)


def node_q(unit: OrgUnit) -> Q:
    """The enterprises of a node: where they lie, or for an industrial union its unions and industries."""
    if unit.kind == OrgKind.INDUSTRIAL:
        # Its linked unions read first, tested on the enterprise's own column: a join to the
        # union for its industrial path made the planner hash all 32,000 units of the city.
        q = Q(union_id__in=OrgUnit.objects.filter(prefix_q("ipath", unit.path)).values("pk"))
        industries = industries_of(unit)
        if industries:
            q |= Q(industry__in=industries)
        return q
    return Q(community__path__startswith=unit.path)


# -- figures ------------------------------------------------------------------------------------
@dataclass
class Rate:
    """A founding figure: numerators and denominators, so that parts add up to the whole."""

    key: str = ""
    label: str = ""
    unit: OrgUnit | None = None
    enterprises: int = 0  # all enterprises (operating or not)
    operating: int = 0
    expected: int = 0  # expected to have a union (own or joint)
    expected_own: int = 0
    founded: int = 0  # expected and covered by an active union
    founded_own: int = 0  # expected to found their own and covered
    employees_expected: int = 0
    employees_covered: int = 0

    @property
    def expected_joint(self) -> int:
        return self.expected - self.expected_own

    @property
    def missing(self) -> int:
        return self.expected - self.founded

    @property
    def rate(self) -> float | None:
        """Founding rate in percent (one decimal), None when nothing is expected."""
        return round(self.founded * 100.0 / self.expected, 1) if self.expected else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1f}%"

    def __add__(self, other: Rate) -> Rate:
        out = Rate(key=self.key, label=self.label, unit=self.unit)
        for name in _MEASURES:
            setattr(out, name, getattr(self, name) + getattr(other, name))
        return out


_MEASURES = (
    "enterprises",
    "operating",
    "expected",
    "expected_own",
    "founded",
    "founded_own",
    "employees_expected",
    "employees_covered",
)


def _measures(rule: FoundingRule) -> dict:
    exp, own, cov = expected_q(rule), own_expected_q(rule), covered_q()
    return {
        "enterprises": Count("pk"),
        "operating": Count("pk", filter=Q(status=EnterpriseStatus.OPERATING)),
        "expected": Count("pk", filter=exp),
        "expected_own": Count("pk", filter=own),
        "founded": Count("pk", filter=exp & cov),
        "founded_own": Count("pk", filter=own & cov),
        "employees_expected": Sum("employees", filter=exp),
        "employees_covered": Sum("employees", filter=exp & cov),
    }


def _rate_from(values: dict, **kwargs) -> Rate:
    return Rate(**kwargs, **{m: int(values.get(m) or 0) for m in _MEASURES})


def subtree_enterprises(user, unit: OrgUnit) -> QuerySet[Enterprise]:
    """The enterprises of a node's subtree that lie in the user's scope."""
    return Enterprise.objects.restrict(user).filter(node_q(unit))


def founding_rate(user, unit: OrgUnit, *, rule: FoundingRule | None = None) -> Rate:
    """The founding figure of a node's subtree (in the user's scope): one query."""
    rule = rule or FoundingRule.current()
    values = subtree_enterprises(user, unit).aggregate(**_measures(rule))
    return _rate_from(values, key=str(unit.pk), label=unit.name, unit=unit)


def live_groups(user, unit: OrgUnit, rule: FoundingRule | None = None) -> list[dict]:
    """The node's enterprises in scope counted by (child of the breakdown base, ownership,
    industry) in one scan. The live breakdowns by child, by ownership and by industry all fold
    these groups: a page that shows the three (an industrial union's, whose scope, an OR over its
    linked unions and industries, is the costly part) scans once and passes them on (``groups=``)."""
    rule = rule or FoundingRule.current()
    base, _by = _breakdown_base(unit)
    return list(
        subtree_enterprises(user, unit)
        .annotate(child=child_prefix("community__path", base.path))
        .order_by()
        .values("child", "ownership", "industry")
        .annotate(**_measures(rule))
    )


def rate_breakdowns(
    user, unit: OrgUnit, *, rule: FoundingRule | None = None, groups: list[dict] | None = None
) -> tuple[list[Rate], list[Rate]]:
    """The founding figure by ownership type and by GB/T 4754 section: one scan of the subtree
    (:func:`live_groups`, or the ``groups`` a page already has), folded in Python."""
    by_ownership: dict[str, Rate] = {}
    by_industry: dict[str, Rate] = {}
    for r in groups if groups is not None else live_groups(user, unit, rule):
        cell = _rate_from(r)
        by_ownership[r["ownership"]] = by_ownership.get(r["ownership"], Rate()) + cell
        by_industry[r["industry"]] = by_industry.get(r["industry"], Rate()) + cell
    ownership = []
    for value, label in Ownership.choices:
        if value in by_ownership:
            rate = by_ownership[value]
            rate.key, rate.label = value, str(label)
            ownership.append(rate)
    industry = []
    for value, label in Industry.choices:
        if value in by_industry:
            rate = by_industry[value]
            rate.key, rate.label = value, f"{value} {label}"
            industry.append(rate)
    return ownership, industry


def kept_breakdowns(user, unit: OrgUnit, month: datetime.date | None = None) -> tuple[list[Rate], list[Rate]]:
    """The founding figure by ownership type and by GB/T 4754 section, read from the kept
    indicators at ``month`` (``founding.ownership.<code>`` / ``founding.ownership_operating.<code>``
    and the same by industry: founded / expected and operating / all) in one indexed read,
    whatever the size; a group appears when the subtree registers any enterprise in it (as in
    :func:`rate_breakdowns`). Only ``operating``, ``enterprises``, ``expected`` and ``founded`` are
    filled. A node's kept figures are its whole subtree, as in :func:`kept_table`.

    An industrial union's enterprises are those of its linked unions or of its industries: its
    groups are the sums of its parts by district (:func:`industrial_parts`), the same figures as
    the live :func:`rate_breakdowns`.
    """
    from unionwork.core import indicators
    from unionwork.founding.indicators import INDUSTRY_KEYS, OWNERSHIP_KEYS

    keys = [k for pair in [*OWNERSHIP_KEYS.values(), *INDUSTRY_KEYS.values()] for k in pair]
    if unit.kind == OrgKind.INDUSTRIAL:
        got = indicators.sums_many(keys, industrial_parts(unit).values(), month)
    else:
        got = indicators.unit_values(keys, unit, month)

    def groups(pairs: dict, labels) -> list[Rate]:
        out = []
        for code, label in labels:
            rate_key, operating_key = pairs[code]
            r = Rate(key=code, label=label, unit=unit)
            r.operating, r.enterprises = got[operating_key].numerator, got[operating_key].denominator
            r.founded, r.expected = got[rate_key].numerator, got[rate_key].denominator
            if r.enterprises:
                out.append(r)
        return out

    return (
        groups(OWNERSHIP_KEYS, [(v, str(label)) for v, label in Ownership.choices]),
        groups(INDUSTRY_KEYS, [(v, f"{v} {label}") for v, label in Industry.choices]),
    )


def rate_by_ownership(user, unit: OrgUnit, *, rule: FoundingRule | None = None) -> list[Rate]:
    """The founding figure by ownership type, in the classification's order (one query)."""
    return rate_breakdowns(user, unit, rule=rule)[0]


def rate_by_industry(user, unit: OrgUnit, *, rule: FoundingRule | None = None) -> list[Rate]:
    """The founding figure by GB/T 4754 section (one query)."""
    return rate_breakdowns(user, unit, rule=rule)[1]


# The path of the child a record lies under, in SQL (one definition, in the tree's module).
child_prefix = org_queries.child_prefix


@dataclass
class ChildrenTable:
    unit: OrgUnit
    rows: list[Rate]
    total: Rate
    direct: Rate | None = None  # records at the node itself (not under any child)
    by: str = "children"  # or "districts" for an industrial union

    @property
    def all_rows(self) -> list[Rate]:
        return self.rows + ([self.direct] if self.direct else [])


def _breakdown_base(unit: OrgUnit) -> tuple[OrgUnit, str]:
    """Which node's children a table is by: the node itself, or the city for an industrial union."""
    if unit.kind == OrgKind.INDUSTRIAL:
        root_id = int(unit.path.strip("/").split("/")[0])
        return OrgUnit.objects.get(pk=root_id), "districts"
    return unit, "children"


def territorial_children(
    user, unit: OrgUnit, include_inactive: bool = False, month: datetime.date | None = None
) -> list[OrgUnit]:
    """The territorial children of a node at the end of ``month`` (``orgs.queries.children_as_of``)."""
    qs = org_queries.children_as_of(user, unit, month, include_inactive=include_inactive)
    return list(qs.filter(kind__in=TERRITORIAL_KINDS).order_by("code", "pinyin"))


def employees_by_child(user, unit: OrgUnit, *, rule: FoundingRule | None = None) -> dict[int, int]:
    """Employees of the expected enterprises covered by a union (``employees_covered`` of
    :func:`rate_by_children`), live, for each child of the node's breakdown (an industrial union:
    the districts) and for the node itself: unit id -> employees. One GROUP BY of that measure
    alone, for the members' 入会率 of an industrial union (its kept figures hold no district)."""
    rule = rule or FoundingRule.current()
    base, _by = _breakdown_base(unit)
    rows = (
        subtree_enterprises(user, unit)
        .filter(expected_q(rule) & covered_q())
        .annotate(child=child_prefix("community__path", base.path))
        .order_by()
        .values("child")
        .annotate(n=Sum("employees"))
    )
    out: dict[int, int] = {}
    total = 0
    for r in rows:
        n = int(r["n"] or 0)
        total += n
        if r["child"] != base.path:
            child_id = int(r["child"].strip("/").split("/")[-1])
            out[child_id] = out.get(child_id, 0) + n
    out[unit.pk] = total  # the node's own total (as rate_by_children's, whose row it replaces)
    return out


def rate_by_children(
    user, unit: OrgUnit, *, rule: FoundingRule | None = None, groups: list[dict] | None = None
) -> ChildrenTable:
    """The founding figure of each child of a node and their total: one GROUP BY query.

    For an industrial union the rows are the districts its enterprises lie in. Rows add up to
    the total (numerators and denominators), the direct row holding what lies at the node itself.
    """
    base, by = _breakdown_base(unit)
    sums: dict[str, Rate] = {}
    for r in groups if groups is not None else live_groups(user, unit, rule):
        sums[r["child"]] = sums.get(r["child"], Rate()) + _rate_from(r)
    grouped = {child: {m: getattr(rate, m) for m in _MEASURES} for child, rate in sums.items()}
    children = territorial_children(user, base) if by == "children" else []
    by_path = {c.path: c for c in children}
    unknown_ids = [int(p.strip("/").split("/")[-1]) for p in grouped if p not in by_path and p != base.path]
    if unknown_ids:  # merged or deregistered children that still hold records; districts of an IU
        for extra in OrgUnit.objects.filter(pk__in=unknown_ids).order_by("code", "pinyin"):
            by_path[extra.path] = extra
            children.append(extra)
    rows = []
    for child in children:
        values = grouped.get(child.path, {})
        if by == "districts" and not values:
            continue
        rows.append(_rate_from(values, key=str(child.pk), label=child.name, unit=child))
    direct = None
    if base.path in grouped:
        direct = _rate_from(grouped[base.path], key=str(base.pk), label=f"{base.name}（本级）", unit=base)
    total = Rate(key="total", label="合计", unit=unit)
    for r in rows + ([direct] if direct else []):
        total = total + r
    total.key, total.label, total.unit = "total", "合计", unit
    return ChildrenTable(unit=unit, rows=rows, total=total, direct=direct, by=by)


def industrial_parts(unit: OrgUnit) -> dict[int, int]:
    """The kept parts of an industrial union's enterprise figures: the id of the district (the
    root's child, or the root itself for what lies at the root) -> the part's id
    (``founding.indicators.IndustrialParts``). One indexed read."""
    from unionwork.core import indicators

    return {indicators.part_of(pid)[1]: pid for pid in indicators.parts_kept(unit.pk)}


def _parts_table(unit: OrgUnit, base: OrgUnit, month) -> ChildrenTable:
    """An industrial union's table by district, from its kept parts (see :func:`kept_table`)."""
    from unionwork.core import indicators
    from unionwork.founding.indicators import TABLE_KEYS

    parts = industrial_parts(unit)
    got = indicators.values_many(TABLE_KEYS, parts.values(), month)
    districts = OrgUnit.objects.filter(pk__in=[c for c in parts if c != base.pk]).order_by("code", "pinyin")
    rows = []
    for child in [*districts, base]:
        if child.pk not in parts:
            continue
        row = _kept_rate(got, parts[child.pk], key=str(child.pk), label=child.name, unit=child)
        if not any(getattr(row, name) for name in _MEASURES):
            continue  # no enterprise of the union there (a part that emptied)
        if child is base:
            row.label = f"{base.name}（本级）"
        rows.append(row)
    direct = rows.pop() if rows and rows[-1].unit is base else None
    total = Rate(key="total", label="合计", unit=unit)
    for r in rows + ([direct] if direct else []):
        total = total + r
    total.key, total.label, total.unit = "total", "合计", unit
    return ChildrenTable(unit=unit, rows=rows, total=total, direct=direct, by="districts")


def _kept_rate(got: dict, uid: int, **kwargs) -> Rate:
    """A row of a founding table from the kept figures of unit ``uid`` (``values_many`` of the
    table's keys)."""
    from unionwork.founding.indicators import EMPLOYEES_KEY, KEY, OPERATING_KEY, OWN_KEY

    def part(key: str) -> tuple[int, int]:
        f = got[key].get(uid)
        return (f.numerator, f.denominator) if f else (0, 0)

    out = Rate(**kwargs)
    out.founded, out.expected = part(KEY)
    out.founded_own, out.expected_own = part(OWN_KEY)
    out.employees_covered, out.employees_expected = part(EMPLOYEES_KEY)
    out.operating, out.enterprises = part(OPERATING_KEY)
    return out


def kept_table(user, unit: OrgUnit, month: datetime.date | None = None) -> ChildrenTable:
    """The children table of a node read from the kept indicators at ``month``: the founding rate
    (``founding.rate``: expected, founded), the own-union split (``founding.own``), employees
    (``founding.employees``) and enterprises (``founding.operating``) of the node and of each
    child, in a few indexed reads whatever the size: the same numbers as the dashboard, the
    statistical tables and the API. The node's own row (本级) is its total less its children's.

    An industrial union is not attributed a founding rate by the indicator (an uncovered
    enterprise has no union to link it to one): its table, by district, is the kept parts of its
    linked unions' and industries' enterprises (:func:`industrial_parts`), for reference; its
    page shows the indicator apart (:func:`kept_figure`).
    """
    from unionwork.core import indicators
    from unionwork.founding.indicators import TABLE_KEYS

    base, by = _breakdown_base(unit)
    if by != "children":
        return _parts_table(unit, base, month)
    children = territorial_children(user, unit, include_inactive=True, month=month)
    ids = [unit.pk, *[c.pk for c in children]]
    got = indicators.values_many(TABLE_KEYS, ids, month)
    total = _kept_rate(got, unit.pk, key="total", label="合计", unit=unit)
    rows = []
    rest = Rate(key=str(unit.pk), label=f"{unit.name}（本级）", unit=unit) + total
    for child in children:
        row = _kept_rate(got, child.pk, key=str(child.pk), label=child.name, unit=child)
        if child.as_of_status != OrgStatus.ACTIVE and not (row.enterprises or row.expected):
            continue  # merged or deregistered, holding nothing
        rows.append(row)
        for name in _MEASURES:
            setattr(rest, name, getattr(rest, name) - getattr(row, name))
    direct = rest if any(getattr(rest, name) for name in _MEASURES) else None
    if direct is not None:
        direct.key, direct.label, direct.unit = str(unit.pk), f"{unit.name}（本级）", unit
    return ChildrenTable(unit=unit, rows=rows, total=total, direct=direct, by=by)


def kept_employees(user, unit: OrgUnit, month=None) -> dict[int, int]:
    """Employees of the expected enterprises covered by a union (``founding.employees``'s
    numerator), for the node and each of its territorial children (an industrial union: each
    district its parts lie in, :func:`industrial_parts`): unit id -> employees."""
    from unionwork.core import indicators
    from unionwork.founding.indicators import EMPLOYEES_KEY

    if unit.kind == OrgKind.INDUSTRIAL:
        base, _by = _breakdown_base(unit)
        parts = industrial_parts(unit)
        got = indicators.values(EMPLOYEES_KEY, parts.values(), month)
        out = {child: got[pid].numerator for child, pid in parts.items() if pid in got}
        total = sum(out.values())  # what lies at the root itself too, as in employees_by_child
        out.pop(base.pk, None)
        out[unit.pk] = total
        return out
    ids = [unit.pk, *[c.pk for c in territorial_children(user, unit, include_inactive=True, month=month)]]
    return {uid: f.numerator for uid, f in indicators.values(EMPLOYEES_KEY, ids, month).items()}


def kept_figure(unit: OrgUnit, month=None, base: Rate | None = None) -> Rate:
    """The node's founding figure from the indicator, with the measures it does not hold (if any)
    from ``base``."""
    from unionwork.core import indicators
    from unionwork.founding.indicators import KEY

    kept = indicators.value(KEY, unit, month)
    out = Rate(key=str(unit.pk), label=unit.name, unit=unit)
    if base is not None:
        for name in _MEASURES:
            setattr(out, name, getattr(base, name))
    out.expected, out.founded = kept.denominator, kept.numerator
    return out


def kept_union_counts(unit: OrgUnit, children: list[OrgUnit], month=None) -> tuple[int, dict[int, int]]:
    """基层工会数 (indicator ``orgs.grassroots_units``) of the node and of each child, at ``month``."""
    from unionwork.core import indicators

    key = "orgs.grassroots_units"
    node = indicators.value(key, unit, month).numerator
    per_child = indicators.values(key, [c.pk for c in children], month)
    return node, {pk: f.numerator for pk, f in per_child.items()}


def linked_union_units_by_district(unit: OrgUnit) -> dict[str, int]:
    """An industrial union's 基层工会数 (the indicator's definition: active grassroots and joint
    unions linked to it) broken down by the district each lies in, by the district's path; the
    parts add up to the indicator's value."""
    from unionwork.orgs.indicators import UNION_KINDS

    base, _by = _breakdown_base(unit)
    rows = (
        OrgUnit.objects.filter(ipath__startswith=unit.path, kind__in=UNION_KINDS, status=OrgStatus.ACTIVE)
        .annotate(child=child_prefix("path", base.path))
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
    )
    return {r["child"]: r["n"] for r in rows}


def missing_q(rule: FoundingRule | None = None) -> Q:
    """Enterprises counted as 未建会 by the founding indicator: expected and not covered."""
    return expected_q(rule) & ~covered_q()


# -- unions -------------------------------------------------------------------------------------
def union_subtree(user, unit: OrgUnit) -> QuerySet[GrassrootsUnion]:
    """The founding records of a node's subtree (for an industrial union: the linked unions)."""
    qs = GrassrootsUnion.objects.restrict(user)
    if unit.kind == OrgKind.INDUSTRIAL:
        return qs.filter(unit__ipath__startswith=unit.path)
    return qs.filter(unit__path__startswith=unit.path)


@dataclass
class UnionCounts:
    active: int = 0
    joint: int = 0
    project: int = 0
    direct_election: int = 0
    founded_this_year: int = 0


def union_counts(user, unit: OrgUnit, year: int | None = None) -> UnionCounts:
    """Counts of the node's unions: active, joint, project unions, directly elected chairmen."""
    year = year or timezone.localdate().year
    active = Q(status=UnionStatus.ACTIVE)
    values = union_subtree(user, unit).aggregate(
        active=Count("pk", filter=active),
        joint=Count("pk", filter=active & Q(unit__kind=OrgKind.JOINT)),
        project=Count("pk", filter=active & Q(is_project_union=True)),
        direct_election=Count("pk", filter=active & Q(chairman_directly_elected=True)),
        founded_this_year=Count("pk", filter=~Q(status=UnionStatus.DISSOLVED) & Q(founded_on__year=year)),
    )
    return UnionCounts(**{k: int(v or 0) for k, v in values.items()})


def kept_union_card(unit: OrgUnit, month=None, founded_this_year: int = 0) -> UnionCounts:
    """The counts of a node's union card: joint unions, project unions and directly elected
    chairmen from the kept indicators at ``month`` (``founding.unions.*``: a node's whole subtree,
    for an industrial union its linked unions; one indexed read), ``active`` their denominator.
    The unions founded in the year are the caller's (the target overview counts them live)."""
    from unionwork.core import indicators
    from unionwork.founding.indicators import DIRECT_KEY, JOINT_KEY, PROJECT_KEY

    got = indicators.unit_values((JOINT_KEY, PROJECT_KEY, DIRECT_KEY), unit, month)
    return UnionCounts(
        active=got[JOINT_KEY].denominator,
        joint=got[JOINT_KEY].numerator,
        project=got[PROJECT_KEY].numerator,
        direct_election=got[DIRECT_KEY].numerator,
        founded_this_year=founded_this_year,
    )


def founded_by_child(user, unit: OrgUnit, year: int | None = None) -> dict[str, int]:
    """Unions founded in ``year`` (not dissolved) per child path of the node's breakdown: one
    GROUP BY over that year's records only (the founding page's 本年新建 column)."""
    year = year or timezone.localdate().year
    base, _by = _breakdown_base(unit)
    rows = (
        union_subtree(user, unit)
        .filter(founded_on__gte=datetime.date(year, 1, 1), founded_on__lte=datetime.date(year, 12, 31))
        .exclude(status=UnionStatus.DISSOLVED)
        .annotate(child=child_prefix("unit__path", base.path))
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
    )
    return {r["child"]: r["n"] for r in rows}


def union_counts_by_child(user, unit: OrgUnit, year: int | None = None) -> dict[str, UnionCounts]:
    """The same counts per child path of the node's breakdown (one GROUP BY)."""
    year = year or timezone.localdate().year
    base, _by = _breakdown_base(unit)
    active = Q(status=UnionStatus.ACTIVE)
    rows = (
        union_subtree(user, unit)
        .annotate(child=child_prefix("unit__path", base.path))
        .order_by()
        .values("child")
        .annotate(
            active=Count("pk", filter=active),
            joint=Count("pk", filter=active & Q(unit__kind=OrgKind.JOINT)),
            project=Count("pk", filter=active & Q(is_project_union=True)),
            direct_election=Count("pk", filter=active & Q(chairman_directly_elected=True)),
            founded_this_year=Count("pk", filter=~Q(status=UnionStatus.DISSOLVED) & Q(founded_on__year=year)),
        )
    )
    return {r.pop("child"): UnionCounts(**r) for r in rows}


# -- targets ------------------------------------------------------------------------------------
@dataclass
class TargetRow:
    unit: OrgUnit
    target: FoundingTarget | None
    children_sum: int = 0
    children_with_target: int = 0
    splittable: bool = False  # the node has children that can receive targets
    founded: int = 0  # founded in the year (not dissolved)
    founded_on_time: int = 0  # founded by the deadline

    @property
    def value(self) -> int | None:
        return self.target.target if self.target else None

    @property
    def deadline(self) -> datetime.date | None:
        return self.target.deadline if self.target else None

    @property
    def shortfall(self) -> int:
        """How much the children's targets fall short of the node's own (0 when they cover it)."""
        if self.value is None or not self.splittable or self.children_with_target == 0:
            return 0
        return max(self.value - self.children_sum, 0)

    @property
    def not_split(self) -> bool:
        return (
            self.value is not None and self.value > 0 and self.splittable and self.children_with_target == 0
        )

    @property
    def percent(self) -> float | None:
        if not self.value:
            return None
        return round(self.founded_on_time * 100.0 / self.value, 1)

    @property
    def bar_width(self) -> int:
        return int(min(self.percent or 0, 100))

    @property
    def remaining(self) -> int:
        return max((self.value or 0) - self.founded_on_time, 0)

    @property
    def overdue(self) -> bool:
        """Past the deadline and the target not met."""
        return bool(self.target and timezone.localdate() > self.target.deadline and self.remaining > 0)

    @property
    def days_left(self) -> int | None:
        if not self.target:
            return None
        return (self.target.deadline - timezone.localdate()).days


@dataclass
class TargetOverview:
    unit: OrgUnit
    year: int
    node: TargetRow
    rows: list[TargetRow]
    problems: list[str] = field(default_factory=list)
    # Unions founded in the year (not dissolved) under each child of the node, by the child's
    # path (the node's own path: those at the node itself), whatever the child's kind or status.
    founded_by_child: dict[str, int] = field(default_factory=dict)

    @property
    def children_total(self) -> int:
        return sum(r.value or 0 for r in self.rows)


def _target_children(user, unit: OrgUnit) -> list[OrgUnit]:
    kinds = TARGET_CHILD_KINDS if unit.kind != OrgKind.INDUSTRIAL else ()
    return list(
        OrgUnit.objects.restrict(user)
        .filter(parent=unit, kind__in=kinds, status=OrgStatus.ACTIVE)
        .order_by("kind", "code", "pinyin")
    )


def entered_by(deadline: datetime.date) -> Q:
    """Foundings credited by ``deadline``: stated on or before it and reached the platform by the
    end of that day (local time). A union registered on 30 November with a typed founding date of
    1 June is founded in June but not credited within a 30 September deadline (issue 12 item 4)."""
    end = timezone.make_aware(
        datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time.min)
    )
    return Q(founded_on__lte=deadline, created_at__lt=end)


def _founded_by_child(
    user, unit: OrgUnit, year: int, deadlines: set[datetime.date], node_deadline: datetime.date | None = None
) -> tuple[dict[str, dict], tuple[int, int]]:
    """Unions founded in the year under each child of ``unit`` (by path, and for industrial
    children by industrial path): ``{child path: (founded, {deadline: founded by it})}``; and the
    node's own ``(founded, founded by node_deadline)``, the sum of the groups by path (what
    :func:`_founded_in` counts for a territorial node; an industrial child's linked unions lie in
    the districts already). Two GROUP BYs at most."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    node_deadline = node_deadline or end
    names = {d: f"by_{i}" for i, d in enumerate(sorted({*deadlines, node_deadline}))}
    base = (
        GrassrootsUnion.objects.restrict(user)
        .exclude(status=UnionStatus.DISSOLVED)
        .filter(founded_on__gte=start, founded_on__lte=end)
    )
    measures = {"n": Count("pk"), **{name: Count("pk", filter=entered_by(d)) for d, name in names.items()}}
    out: dict[str, tuple[int, dict[datetime.date, int]]] = {}
    node = [0, 0]
    for field_name in ("unit__path", "unit__ipath"):
        qs = base.filter(**{f"{field_name}__startswith": unit.path}).annotate(
            child=child_prefix(field_name, unit.path)
        )
        for r in qs.order_by().values("child").annotate(**measures):
            counts = (int(r["n"] or 0), {d: int(r[name] or 0) for d, name in names.items()})
            if field_name == "unit__path":
                node[0] += counts[0]
                node[1] += counts[1][node_deadline]
            elif r["child"] in out:
                continue  # a territorial path never equals an industrial one; keep the first
            out.setdefault(r["child"], counts)
    return out, (node[0], node[1])


def _founded_in(user, unit: OrgUnit, year: int, deadline: datetime.date | None) -> tuple[int, int]:
    field_name = "unit__ipath" if unit.kind == OrgKind.INDUSTRIAL else "unit__path"
    qs = (
        GrassrootsUnion.objects.restrict(user)
        .exclude(status=UnionStatus.DISSOLVED)
        .filter(**{f"{field_name}__startswith": unit.path}, founded_on__year=year)
    )
    values = qs.aggregate(
        n=Count("pk"), on_time=Count("pk", filter=entered_by(deadline or datetime.date(year, 12, 31)))
    )
    return int(values["n"] or 0), int(values["on_time"] or 0)


def target_overview(user, unit: OrgUnit, year: int) -> TargetOverview:
    """A node's target and its children's: sums checked, progress by the deadline.

    Queries: the targets (node, children, grandchildren sums), and founded counts by child.
    """
    children = _target_children(user, unit)
    child_ids = [c.pk for c in children]
    tmap = {t.unit_id: t for t in FoundingTarget.objects.filter(year=year, unit_id__in=[unit.pk, *child_ids])}
    sums = {
        r["unit__parent"]: r
        for r in FoundingTarget.objects.filter(year=year, unit__parent_id__in=[unit.pk, *child_ids])
        .values("unit__parent")
        .annotate(s=Sum("target"), n=Count("pk"))
    }
    grandchildren = set(
        OrgUnit.objects.filter(parent_id__in=child_ids, kind__in=TARGET_CHILD_KINDS, status=OrgStatus.ACTIVE)
        .values_list("parent_id", flat=True)
        .distinct()
    )
    node_target = tmap.get(unit.pk)
    node_deadline = node_target.deadline if node_target else None
    deadlines = {t.deadline for t in tmap.values()}
    if unit.kind == OrgKind.INDUSTRIAL:
        # Its own unions are its linked ones, by industrial path; it has no children to count for
        # (its page counts its year's unions by district itself, ``founded_by_child``).
        founded, node_counts = {}, _founded_in(user, unit, year, node_deadline)
    else:
        founded, node_counts = _founded_by_child(user, unit, year, deadlines, node_deadline)

    def row_for(u: OrgUnit, splittable: bool, counts: tuple[int, int] | None = None) -> TargetRow:
        t = tmap.get(u.pk)
        s = sums.get(u.pk, {})
        row = TargetRow(
            unit=u,
            target=t,
            children_sum=int(s.get("s") or 0),
            children_with_target=int(s.get("n") or 0),
            splittable=splittable,
        )
        if counts is not None:
            row.founded, row.founded_on_time = counts
        else:
            n, by_deadline = founded.get(u.path, (0, {}))
            row.founded = n
            row.founded_on_time = by_deadline.get(t.deadline, 0) if t else n
        return row

    node = row_for(unit, splittable=bool(children), counts=node_counts)
    rows = [row_for(c, splittable=c.pk in grandchildren) for c in children]
    overview = TargetOverview(
        unit=unit,
        year=year,
        node=node,
        rows=rows,
        founded_by_child={path: n for path, (n, _by) in founded.items()},
    )
    # Children that keep their target whole (not split further) are normal at the lowest level
    # a district works with; only the node's own unsplit target is worth a warning here.
    overview.problems = [
        describe_problem(r) for r in [node, *rows] if r.shortfall or (r is node and r.not_split)
    ]
    return overview


def describe_problem(row: TargetRow) -> str:
    if row.not_split:
        return f"{row.unit.name}：本级目标 {row.value}，尚未分解到下级。"
    return (
        f"{row.unit.name}：下级目标合计 {row.children_sum}，少于本级目标 {row.value}，还差 {row.shortfall}。"
    )


@dataclass
class SplitProblem:
    unit: OrgUnit
    target: int
    children_sum: int

    @property
    def shortfall(self) -> int:
        return self.target - self.children_sum

    @property
    def not_split(self) -> bool:
        return self.children_sum == 0

    def __str__(self) -> str:
        if self.not_split:
            return f"{self.unit.name}：本级目标 {self.target}，尚未分解到下级。"
        return (
            f"{self.unit.name}：下级目标合计 {self.children_sum}，少于本级目标 {self.target}，"
            f"还差 {self.shortfall}。"
        )


def target_problems(user, unit: OrgUnit, year: int, *, include_unsplit: bool = False) -> list[SplitProblem]:
    """Every node in the subtree whose children's targets add up to less than its own.

    Three queries: the targets of the subtree, their sums by parent, which nodes have children.
    A node whose children have no target at all has not split its target yet; it is reported
    (short by the whole) only with ``include_unsplit``, as a level may keep its target whole.
    """
    scoped = FoundingTarget.objects.restrict(user).filter(year=year, unit__path__startswith=unit.path)
    own = {t.unit_id: t for t in scoped.select_related("unit")}
    sums = dict(scoped.values("unit__parent").annotate(s=Sum("target")).values_list("unit__parent", "s"))
    has_children = set(
        OrgUnit.objects.filter(parent_id__in=list(own), kind__in=TARGET_CHILD_KINDS, status=OrgStatus.ACTIVE)
        .values_list("parent_id", flat=True)
        .distinct()
    )
    problems = []
    for uid, t in own.items():
        if uid not in has_children or not t.target:
            continue
        s = int(sums.get(uid) or 0)
        if uid not in sums and not include_unsplit:
            continue
        if s < t.target:
            problems.append(SplitProblem(unit=t.unit, target=t.target, children_sum=s))
    return sorted(problems, key=lambda p: p.unit.path)


# -- the three-year task ------------------------------------------------------------------------
def three_year_series(user, unit: OrgUnit, year: int) -> dict:
    """Month by month over ``year - 2 .. year``: unions founded, cumulative, against the target.

    The target line climbs evenly from each year's January to its deadline, so a node that is
    behind is visibly below it. Two queries.
    """
    first = year - 2
    field_name = "unit__ipath" if unit.kind == OrgKind.INDUSTRIAL else "unit__path"
    qs = (
        GrassrootsUnion.objects.restrict(user)
        .exclude(status=UnionStatus.DISSOLVED)
        .filter(
            **{f"{field_name}__startswith": unit.path},
            founded_on__year__gte=first,
            founded_on__year__lte=year,
        )
        .annotate(y=ExtractYear("founded_on"), m=ExtractMonth("founded_on"))
        .order_by()
        .values("y", "m")
        .annotate(n=Count("pk"))
    )
    monthly = defaultdict(int)
    for r in qs:
        monthly[(r["y"], r["m"])] += r["n"]
    tmap = {t.year: t for t in FoundingTarget.objects.filter(unit=unit, year__gte=first, year__lte=year)}
    labels, founded, cumulative, plan = [], [], [], []
    total = planned_before = 0
    for y in range(first, year + 1):
        t = tmap.get(y)
        for m in range(1, 13):
            labels.append(f"{y}-{m:02d}")
            n = monthly.get((y, m), 0)
            total += n
            founded.append(n)
            cumulative.append(total)
            if t:
                months = max(t.deadline.month if t.deadline.year == y else 12, 1)
                share = t.target * min(m, months) / months
                plan.append(round(planned_before + share, 1))
            else:
                plan.append(planned_before or None)
        planned_before += tmap[y].target if y in tmap else 0
    return {
        "labels": labels,
        "founded": founded,
        "cumulative": cumulative,
        "plan": plan,
        "target_total": sum(t.target for t in tmap.values()),
        "founded_total": total,
        "years": [first, year],
    }


def recent_unions(user, unit: OrgUnit, limit: int = 10) -> list[GrassrootsUnion]:
    return list(
        union_subtree(user, unit)
        .select_related("unit", "unit__parent")
        .order_by("-founded_on", "-id")[:limit]
    )


def annotate_expectation(qs: QuerySet[Enterprise], rule: FoundingRule | None = None) -> QuerySet[Enterprise]:
    """Each enterprise with ``expectation`` (own / joint / out) computed by the rule in SQL."""
    from django.db.models import Case, CharField, When

    rule = rule or FoundingRule.current()
    return qs.annotate(
        expectation=Case(
            When(own_expected_q(rule), then=Value(Expectation.OWN)),
            When(expected_q(rule), then=Value(Expectation.JOINT)),
            default=Value(Expectation.OUT),
            output_field=CharField(),
        ),
        has_union=Case(When(covered_q(), then=Value(True)), default=Value(False)),
    )


__all__ = [
    "ChildrenTable",
    "Rate",
    "SplitProblem",
    "TargetOverview",
    "TargetRow",
    "UnionCounts",
    "annotate_expectation",
    "child_prefix",
    "covered_enterprises",
    "covered_q",
    "enterprise_timeline",
    "enterprises",
    "expected_q",
    "expectation_filter",
    "founding_rate",
    "founded_by_child",
    "kept_breakdowns",
    "kept_figure",
    "kept_table",
    "kept_union_card",
    "kept_union_counts",
    "missing_q",
    "node_q",
    "own_expected_q",
    "rate_by_children",
    "rate_breakdowns",
    "rate_by_industry",
    "rate_by_ownership",
    "recent_unions",
    "subtree_enterprises",
    "target_overview",
    "target_problems",
    "three_year_series",
    "union_counts",
    "union_counts_by_child",
    "unions",
    "targets",
]


def founding_pacing(unit: OrgUnit, children: list, year: int, month=None):
    """The node's founding target of ``year`` paced against its deadline (core/pacing.py), on the
    day the page shows (today, the end of a past month, or the end of a past year), and the
    children behind pace with their trend."""
    from unionwork.core import pacing
    from unionwork.founding.pacing import FOUNDING_KEY

    today = timezone.localdate()
    day = today
    if month is not None and (month.year, month.month) < (today.year, today.month):
        day = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    day = min(day, datetime.date(year, 12, 31))
    return pacing.for_node(FOUNDING_KEY, unit, children, day)

"""Every read of the assessment, scoped: schemes, rankings, score sheets, hard requirements.

Each read starts from a model's ``restrict(user)``: the assessing level sees every unit's scores;
an assessed unit its own score sheet and the totals of a published ranking; the levels below a
scheme read the published scheme and its hard requirements' countdown for their own node.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils import timezone

from unionwork.assessment import rules, scoring
from unionwork.assessment.models import (
    PUBLIC_STATES,
    Appeal,
    AppealState,
    Claim,
    Computation,
    ComputationKind,
    Item,
    ItemKind,
    ItemResult,
    Review,
    Rule,
    Scheme,
    SchemeState,
    Source,
    UnitResult,
)
from unionwork.core import indicators, pacing, scope
from unionwork.orgs.models import OrgUnit


def schemes(user):
    return Scheme.objects.restrict(user).select_related("org")


def scheme(user, pk) -> Scheme:
    return Scheme.objects.select_related("org", "previous").get_in_scope(user, pk=pk)


def may_manage(user, s: Scheme) -> bool:
    return scope.allows(user, "manage", s.org.path)


def may_claim(user, s: Scheme) -> bool:
    """Whether the user's own unit is assessed by the published scheme and the user may change."""
    org = user.org if user.org_id else None
    return (
        org is not None
        and s.state == SchemeState.PUBLISHED
        and org.parent_id == s.org_id
        and org.kind in s.kinds
        and user.may("change")
    )


def is_assessing(user, s: Scheme) -> bool:
    """Whether the user is of the assessing level (or above): sees every unit's items."""
    return scope.allows(user, "view", s.org.path)


def versions(user, s: Scheme) -> list[Scheme]:
    return list(Scheme.objects.restrict(user).filter(series=s.series).order_by("version"))


@dataclass
class SectionView:
    section: object
    items: list
    points: Decimal


def sections(s: Scheme) -> list[SectionView]:
    items = list(s.items.select_related("section").order_by("section__order", "order", "pk"))
    for i in items:
        i.indicator_name = indicator_label(i.indicator) if i.indicator else ""
        i.rule_text = rules.describe(i.rule, i.params)
    out = []
    for sec in s.sections.order_by("order", "pk"):
        own = [i for i in items if i.section_id == sec.pk]
        out.append(
            SectionView(sec, own, sum((i.points for i in own if i.kind == ItemKind.BASE), Decimal("0")))
        )
    return out


def indicator_label(key: str) -> str:
    try:
        return str(indicators.get(key).label)
    except KeyError:
        return key


def computations(user, s: Scheme):
    """The computations of the scheme's series the user may see (newest first)."""
    return (
        Computation.objects.restrict(user)
        .filter(scheme__series=s.series)
        .select_related("scheme")
        .order_by("-number")
    )


def shown_computation(user, s: Scheme, raw_id=None) -> Computation | None:
    qs = computations(user, s)
    if raw_id:
        try:
            return qs.get(pk=int(raw_id))
        except (ValueError, TypeError, Computation.DoesNotExist):
            raise Http404 from None
    return qs.first()


@dataclass
class RankingRow:
    result: UnitResult
    sections: list[Decimal] = field(default_factory=list)


def ranked_sections(section_list: list) -> list:
    """The sections a ranking has columns for: those with base points (bonus, deductions and
    vetoes have their own columns)."""
    return [sv for sv in section_list if sv.points]


def ranking(user, comp: Computation, section_list: list) -> list[RankingRow]:
    rows = list(
        UnitResult.objects.restrict(user)
        .filter(computation=comp)
        .select_related("unit")
        .order_by("disqualified", "rank", "unit__code")
    )
    out = []
    for r in rows:
        out.append(RankingRow(r, [Decimal(r.sections.get(str(sv.section.pk), "0")) for sv in section_list]))
    return out


def result(user, pk) -> UnitResult:
    return UnitResult.objects.select_related("unit", "computation__scheme__org").get_in_scope(user, pk=pk)


def sheet(user, res: UnitResult) -> list[ItemResult]:
    """The score sheet: each item's figure, rule, points and where they came from (scoped: the
    assessing level and the unit itself)."""
    return list(
        ItemResult.objects.restrict(user)
        .filter(computation=res.computation, unit=res.unit)
        .select_related("item__section", "review__reviewer", "appeal")
        .order_by("item__section__order", "item__order", "item__pk")
    )


def may_appeal(user, res: UnitResult) -> bool:
    return (
        res.computation.appeal_open()
        and res.computation.scheme.state == SchemeState.PUBLISHED
        and user.org_id == res.unit_id
        and scope.allows(user, "change", res.unit.path, res.unit.ipath)
    )


def claims(user):
    return Claim.objects.restrict(user).select_related("unit", "item", "scheme", "submitted_by")


def claim(user, pk) -> Claim:
    return claims(user).get_in_scope(user, pk=pk)


def reviews_of(user, c: Claim) -> list[Review]:
    return list(
        Review.objects.restrict(user)
        .filter(scheme__series=c.scheme.series, item__code=c.item.code, unit=c.unit)
        .select_related("reviewer")
        .order_by("-reviewed_at", "-pk")
    )


def appeals(user):
    return Appeal.objects.restrict(user).select_related("unit", "item", "computation__scheme", "filed_by")


def appeal(user, pk) -> Appeal:
    return appeals(user).get_in_scope(user, pk=pk)


def evidence_items(s: Scheme, claimable: bool = False):
    qs = s.items.filter(source=Source.EVIDENCE).order_by("section__order", "order")
    if claimable:
        qs = qs.filter(kind__in=[ItemKind.BASE, ItemKind.BONUS])
    return qs


def open_appeals(user, s: Scheme) -> int:
    return (
        Appeal.objects.restrict(user)
        .filter(computation__scheme__series=s.series, state=AppealState.OPEN)
        .count()
    )


def recompute_matches(comp: Computation) -> list[tuple[str, Decimal, Decimal]]:
    """Score the computation's scheme again on its day from the stored month figures: the units
    whose total differs (none, for a reproducible computation)."""
    stored = {r.unit_id: r for r in comp.results.select_related("unit")}
    again = scoring.score(comp.scheme, comp.day, [r.unit for r in stored.values()])
    return [
        (s.unit.name, stored[s.unit.pk].total, s.total) for s in again if stored[s.unit.pk].total != s.total
    ]


# -- hard requirements: the countdown every level sees -----------------------------------------------


@dataclass
class HardRow:
    unit: OrgUnit
    figure: indicators.Figure
    value: float | None
    pace: pacing.Pace


@dataclass
class HardRequirement:
    item: Item
    scheme: Scheme
    target: float
    deadline: datetime.date
    days_left: int
    rows: list[HardRow]

    @property
    def node_row(self) -> HardRow:
        return self.rows[0]

    @property
    def child_rows(self) -> list[HardRow]:
        """The children, those behind pace or past the deadline undone first."""
        return sorted(self.rows[1:], key=lambda r: (not r.pace.warning, -(r.pace.lag or 0)))

    @property
    def behind(self) -> int:
        return sum(1 for r in self.rows[1:] if r.pace.warning)

    @property
    def overdue(self) -> int:
        return -self.days_left


def _reaches(s: Scheme, node: OrgUnit) -> bool:
    """Whether the scheme's hard requirements concern ``node``: the assessing level itself, or an
    assessed unit of the scheme's group and everything under it."""
    if node.pk == s.org_id:
        return True
    if not node.path.startswith(s.org.path):
        return False
    below = node.path[len(s.org.path) :].strip("/").split("/")[0]
    if int(below) == node.pk:
        return node.kind in s.kinds
    return OrgUnit.objects.filter(pk=int(below), kind__in=s.kinds).exists()


def hard_requirements(user, node: OrgUnit, children: list[OrgUnit], day: datetime.date | None = None):
    """Each hard requirement of the published schemes that reach ``node`` (this year's), with the
    live figure, the days left and the pace of the node and of each child: read from the kept
    indicators through ``core.pacing`` (time gone against task done)."""
    day = day or timezone.localdate()
    visible = (
        Scheme.objects.restrict(user)
        .filter(state=SchemeState.PUBLISHED, year=day.year)
        .select_related("org")
        .order_by("group")
    )
    out = []
    for s in visible:
        if not _reaches(s, node):
            continue
        # At the assessing level, the units of the scheme's group; below it, the node's own children.
        units = [node, *(c for c in children if node.pk != s.org_id or c.kind in s.kinds)]
        for item in s.items.filter(is_hard=True, rule=Rule.DEADLINE).order_by("section__order", "order"):
            due = datetime.date.fromisoformat(item.params["deadline"])
            target = float(item.params["target"])
            pt = pacing.PacedTarget(
                key=f"assessment.{s.pk}.{item.code}",
                label=item.name,
                indicator=item.indicator,
                measure=pacing.LEVEL,
                target=target,
                start=(s.period_start.month, s.period_start.day),
                deadline=(due.month, due.day),
                module="assessment",
            )
            paces = pacing.paces(pt, units, day)
            figs = indicators.values(item.indicator, [u.pk for u in units], indicators.month_of(day))
            rows = []
            for u, p in zip(units, paces, strict=True):
                f = figs.get(u.pk, indicators.Figure(0, 0, indicators.get(item.indicator).unit))
                rows.append(HardRow(u, f, scoring.value_of(f), p))
            out.append(HardRequirement(item, s, target, due, (due - day).days, rows))
    return out


def public_schemes_for(user):
    return Scheme.objects.restrict(user).filter(state__in=PUBLIC_STATES)


def latest_final(user, s: Scheme) -> Computation | None:
    return computations(user, s).filter(kind=ComputationKind.FINAL).first()


# -- what awaits whom (notifications) -------------------------------------------------------------------


def appeals_to_decide(user):
    """Open appeals the user may decide: a reviewer of a level above the appealing unit."""
    from unionwork.core.scope import user_may

    if not user_may(user, "review"):
        return Appeal.objects.none()
    return (
        Appeal.objects.restrict(user, "review")
        .filter(state=AppealState.OPEN, computation__scheme__state=SchemeState.PUBLISHED)
        .exclude(unit_id=user.org_id)
        .select_related("unit", "item")
    )


def claims_to_review(user):
    """Claims of published schemes with no review since they were made, that the user may review."""
    from django.db.models import Exists, OuterRef

    from unionwork.core.scope import user_may

    if not user_may(user, "review"):
        return Claim.objects.none()
    reviewed = Review.objects.filter(
        scheme__series=OuterRef("scheme__series"),
        item__code=OuterRef("item__code"),
        unit_id=OuterRef("unit_id"),
        reviewed_at__gte=OuterRef("submitted_at"),
    )
    return (
        Claim.objects.restrict(user, "review")
        .filter(scheme__state=SchemeState.PUBLISHED)
        .exclude(unit_id=user.org_id)
        .exclude(unit__path__in=_ancestor_paths_of(user))
        .exclude(Exists(reviewed))
        .select_related("unit", "item")
    )


def _ancestor_paths_of(user) -> list[str]:
    from unionwork.assessment.models import ancestor_paths

    return ancestor_paths(user.org_path) if getattr(user, "org_path", "") else []


def open_appeal_windows(user, today: datetime.date | None = None):
    """The provisional rankings in which the user's own unit is ranked and may still appeal."""
    from unionwork.core.scope import user_may

    today = today or timezone.localdate()
    if not user_may(user, "change") or user.org_id is None:
        return UnitResult.objects.none()
    return (
        UnitResult.objects.restrict(user)
        .filter(
            unit_id=user.org_id,
            computation__kind=ComputationKind.PROVISIONAL,
            computation__appeal_until__gte=today,
            computation__scheme__state=SchemeState.PUBLISHED,
        )
        .select_related("computation__scheme", "unit")
    )

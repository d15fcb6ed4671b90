"""Every assessed unit's score for a scheme on a day, from the kept indicators and the reviews.

No figure is counted here: an item bound to an indicator reads the kept value of the month
(``core.indicators.values``, one query per indicator and month for all units), so a score is the
same number the dashboard and the module pages show, and recomputing a closed scheme reads the
same stored month figures again. Evidence items take the latest review; an upheld appeal's
points override what the rule or the review gave. :func:`score` is pure of writes: the action
``compute`` stores what it returns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from unionwork.assessment import rules
from unionwork.assessment.models import (
    Appeal,
    AppealState,
    Claim,
    Item,
    ItemKind,
    Review,
    Rule,
    Scheme,
    Source,
    VetoEffect,
)
from unionwork.core import indicators
from unionwork.orgs import queries as orgs_queries
from unionwork.orgs.models import OrgStatus, OrgUnit

ZERO = Decimal("0.00")


def assessed_units(scheme: Scheme, day: datetime.date | None = None) -> list[OrgUnit]:
    """The units the scheme assesses: the assessing level's children of the group's kinds, as the
    tree stood at the end of the figures' month (``orgs.queries.children_as_of``: a district merged
    after the period is still assessed for it, one founded after it is not)."""
    month = figure_month(scheme, day) if day is not None else indicators.month_of()
    if month >= indicators.month_of():
        qs = OrgUnit.objects.filter(parent_id=scheme.org_id, status=OrgStatus.ACTIVE)
    else:
        qs = orgs_queries.children_as_of(None, scheme.org, month)
    return list(qs.filter(kind__in=scheme.kinds).order_by("code", "pk"))


def figure_month(scheme: Scheme, day: datetime.date) -> datetime.date:
    """The month whose kept figures a computation on ``day`` reads: the day's, never past the period."""
    return indicators.month_of(min(day, scheme.period_end))


def value_of(fig: indicators.Figure | None) -> float | None:
    """What a rule compares: a rate's percentage (None without a denominator), a count's number."""
    if fig is None:
        return None
    if fig.unit == indicators.RATE:
        return fig.rate
    return float(fig.numerator)


def shown(fig: indicators.Figure | None) -> str:
    if fig is None:
        return "—"
    if fig.unit == indicators.RATE:
        return "—" if fig.rate is None else f"{rules.fmt(fig.rate)}%（{fig.numerator}/{fig.denominator}）"
    return str(fig.numerator)


@dataclass
class ItemScore:
    item: Item
    points: Decimal
    basis: str
    source: str  # "rule", "review", "appeal", "none"
    figure: indicators.Figure | None = None
    triggered: bool = False
    pending: bool = False
    review: Review | None = None
    appeal: Appeal | None = None
    claimed: bool = False

    @property
    def figure_text(self) -> str:
        return shown(self.figure) if self.figure is not None else ""


@dataclass
class UnitScore:
    unit: OrgUnit
    items: list[ItemScore] = field(default_factory=list)
    base: Decimal = ZERO
    bonus: Decimal = ZERO
    deduction: Decimal = ZERO
    total: Decimal = ZERO
    sections: dict[str, Decimal] = field(default_factory=dict)
    vetoed: bool = False
    disqualified: bool = False
    rank: int | None = None


def _latest_by(rows, key) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(key(row), row)
    return out


def _figures(items: list[Item], unit_ids: list[int], month: datetime.date, day: datetime.date) -> dict:
    """``{(key, month): {unit_id: Figure}}`` for every indicator and month the items read."""
    wanted: set[tuple[str, datetime.date]] = set()
    for item in items:
        if item.source != Source.INDICATOR:
            continue
        wanted.add((item.indicator, month))
        if item.rule == Rule.DEADLINE:
            due = datetime.date.fromisoformat(item.params["deadline"])
            wanted.add((item.indicator, indicators.month_of(due)))
            late = item.params.get("late_until")
            if late:
                wanted.add((item.indicator, indicators.month_of(min(day, datetime.date.fromisoformat(late)))))
    out = {}
    for key, m in sorted(wanted):
        got = indicators.values(key, unit_ids, m)
        empty = indicators.Figure(
            0, 0, indicators.get(key).unit
        )  # no row yet: nothing counted (as ``value``)
        out[key, m] = {uid: got.get(uid, empty) for uid in unit_ids}
    return out


def _rule_score(
    item: Item, uid: int, figs: dict, month: datetime.date, day: datetime.date, ranks
) -> ItemScore:
    fig = figs[item.indicator, month].get(uid)
    value = value_of(fig)
    p, points = item.params, item.points
    if item.rule == Rule.THRESHOLD:
        s = rules.threshold(value, points, p.get("steps", []))
    elif item.rule == Rule.LINEAR:
        s = rules.linear(value, points, p["low"], p["high"])
    elif item.rule == Rule.RANK:
        position, n = ranks[item.pk]
        s = rules.rank(position.get(uid), n, points)
    elif item.rule == Rule.DEADLINE:
        due = datetime.date.fromisoformat(p["deadline"])
        at_due = value_of(figs[item.indicator, indicators.month_of(due)].get(uid))
        at_late = None
        if p.get("late_until"):
            late_month = indicators.month_of(min(day, datetime.date.fromisoformat(p["late_until"])))
            at_late = value_of(figs[item.indicator, late_month].get(uid))
        s = rules.deadline(at_due, at_late, value, points, p, day)
    elif item.rule == Rule.PER_COUNT:
        s = rules.per_count(fig.numerator if fig else 0, points, p.get("each", 1))
    elif item.rule == Rule.OVER:
        s = rules.over(fig.numerator if fig else 0, points, p.get("over", 0))
    else:
        s = rules.Scored(ZERO, _("规则不适用于指标项"))
    return ItemScore(item, s.points, s.basis, "rule", fig, s.triggered, s.pending)


def _review_score(item: Item, review: Review | None, claimed: bool) -> ItemScore:
    if review is None:
        basis = _("已申报，待评审：暂计 0 分") if claimed else _("未申报、未评审：0 分")
        return ItemScore(item, ZERO, basis, "none", pending=claimed, claimed=claimed)
    pts = min(max(review.points, ZERO), item.points)
    who = review.reviewer.full_name or review.reviewer.username
    if item.kind == ItemKind.VETO:
        basis = (
            _("评审认定触发（%(who)s：%(c)s）") if review.triggered else _("评审认定未触发（%(who)s：%(c)s）")
        ) % {
            "who": who,
            "c": review.comment,
        }
        return ItemScore(
            item, ZERO, basis, "review", triggered=review.triggered, review=review, claimed=claimed
        )
    basis = _("评审 %(p)s 分（%(who)s：%(c)s）") % {"p": rules.fmt(pts), "who": who, "c": review.comment}
    return ItemScore(item, rules.q(pts), basis, "review", review=review, claimed=claimed)


def _apply_appeal(s: ItemScore, appeal: Appeal) -> ItemScore:
    before = rules.fmt(s.points)
    if s.item.kind == ItemKind.VETO:
        s.triggered = False
        s.basis = _("申诉成立，撤销否决（%(d)s）；原依据：%(b)s") % {"d": appeal.decision, "b": s.basis}
    else:
        s.points = rules.q(min(max(appeal.points or ZERO, ZERO), s.item.points))
        s.basis = _("申诉成立，由 %(a)s 分改为 %(b)s 分（%(d)s）；原依据：%(o)s") % {
            "a": before,
            "b": rules.fmt(s.points),
            "d": appeal.decision,
            "o": s.basis,
        }
    s.source, s.appeal = "appeal", appeal
    return s


def score(scheme: Scheme, day: datetime.date, units: list[OrgUnit] | None = None) -> list[UnitScore]:
    """Every assessed unit's score on ``day``, ranked (the disqualified after the others, unranked)."""
    units = assessed_units(scheme, day) if units is None else units
    items = list(scheme.items.select_related("section").order_by("section__order", "order", "pk"))
    ids = [u.pk for u in units]
    month = figure_month(scheme, day)
    figs = _figures(items, ids, month, day)
    codes = [i.code for i in items]
    reviews = _latest_by(
        Review.objects.filter(scheme__series=scheme.series, item__code__in=codes, unit_id__in=ids)
        .select_related("reviewer", "item")
        .order_by("-reviewed_at", "-pk"),
        lambda r: (r.item.code, r.unit_id),
    )
    claimed = set(
        Claim.objects.filter(scheme__series=scheme.series, item__code__in=codes, unit_id__in=ids).values_list(
            "item__code", "unit_id"
        )
    )
    appeals = _latest_by(
        Appeal.objects.filter(
            computation__scheme__series=scheme.series,
            state=AppealState.UPHELD,
            unit_id__in=ids,
            item__code__in=codes,
        )
        .select_related("item")
        .order_by("-decided_at", "-pk"),
        lambda a: (a.item.code, a.unit_id),
    )
    ranks = {}
    for item in items:
        if item.source == Source.INDICATOR and item.rule == Rule.RANK:
            key = indicators.get(item.indicator)
            vals = {uid: value_of(figs[item.indicator, month].get(uid)) for uid in ids}
            ranks[item.pk] = (
                rules.ranks(vals, key.higher_is_better),
                sum(v is not None for v in vals.values()),
            )
    out = []
    for unit in units:
        us = UnitScore(unit)
        for item in items:
            if item.source == Source.INDICATOR:
                s = _rule_score(item, unit.pk, figs, month, day, ranks)
            else:
                s = _review_score(item, reviews.get((item.code, unit.pk)), (item.code, unit.pk) in claimed)
            appeal = appeals.get((item.code, unit.pk))
            if appeal is not None:
                s = _apply_appeal(s, appeal)
            us.items.append(s)
        _total(scheme, us)
        out.append(us)
    _rank(out)
    return out


def _total(scheme: Scheme, us: UnitScore) -> None:
    base = bonus = deduction = ZERO
    sections: dict[str, Decimal] = {}
    for s in us.items:
        kind = s.item.kind
        if kind == ItemKind.BASE:
            base += s.points
            key = str(s.item.section_id)
            sections[key] = sections.get(key, ZERO) + s.points
        elif kind == ItemKind.BONUS:
            bonus += s.points
        elif kind == ItemKind.DEDUCTION:
            deduction += s.points
        elif kind == ItemKind.VETO and s.triggered:
            us.vetoed = True
            if s.item.veto_effect == VetoEffect.DISQUALIFY:
                us.disqualified = True
    us.base, us.bonus, us.deduction = base, min(bonus, scheme.bonus_cap), deduction
    total = max(base + us.bonus - deduction, ZERO)
    if us.vetoed and any(
        s.triggered and s.item.veto_effect == VetoEffect.FAIL
        for s in us.items
        if s.item.kind == ItemKind.VETO
    ):
        total = min(total, max(scheme.pass_mark - 1, ZERO))
    us.total = rules.q(total)
    us.sections = {k: rules.q(v) for k, v in sections.items()}


def _rank(rows: list[UnitScore]) -> None:
    ranked = [r for r in rows if not r.disqualified]
    totals = sorted((r.total for r in ranked), reverse=True)
    for r in ranked:
        r.rank = totals.index(r.total) + 1
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.code))

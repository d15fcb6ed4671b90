"""Bargaining figures as declared indicators, kept rolled up at every level as records change.

Five figures are counted per enterprise, where it lies (its community's path) and, through its
union's industrial path, in the industrial union it is linked to:

* ``bargaining.contract_coverage``: operating enterprises with an active union covered by a
  contract in force ÷ operating enterprises with an active union;
* ``bargaining.wage_contract_coverage``: the same with a special wage contract (工资专项集体合同);
* ``bargaining.congress_rate``: the same with a workers' congress established and not overdue;
* ``bargaining.three_at_once``: the same with all three together (三同时);
* ``bargaining.expiring``: a count of enterprises whose contract expires within the expiring
  window (90 days) with no successor.

``bargaining.instructor_team`` is counted per district, zone and industrial union: 1 of 1 when it
has a team of serving instructors (``UNIONWORK_INSTRUCTOR_TEAM_MIN``, 3), 0 of 1 otherwise.

The actions keep them with :class:`tracking` (enterprise figures) and :func:`team_tracking`.
Statuses also change with the passage of time (a contract comes into force, enters the expiring
window, expires; a congress becomes overdue) with no action: the daily job
(``tasks.recount_time_driven``) recounts, through the same tracker, the enterprises whose
contracts or congress changed status that day (yesterday's contributions against today's).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.bargaining.models import (
    Congress,
    Contract,
    ContractCoverage,
    ContractKind,
    Instructor,
    expiring_days,
    in_force_q,
    team_min,
)
from unionwork.core import indicators
from unionwork.core.indicators import COUNT, RATE, Indicator, register
from unionwork.founding.models import Enterprise, EnterpriseStatus
from unionwork.founding.queries import covered_q
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

COVERAGE = "bargaining.contract_coverage"
WAGE = "bargaining.wage_contract_coverage"
CONGRESS = "bargaining.congress_rate"
THREE = "bargaining.three_at_once"
EXPIRING = "bargaining.expiring"
TEAM = "bargaining.instructor_team"
KEYS = (COVERAGE, WAGE, CONGRESS, THREE, EXPIRING)
TAG = "集体协商"
TEAM_KINDS = (OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.INDUSTRIAL)


def _flag(q) -> Case:
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def contract_exists(today: datetime.date, kind: str | None = None) -> Exists:
    qs = ContractCoverage.objects.filter(Q(enterprise=OuterRef("pk")) & in_force_q(today, "contract__"))
    if kind:
        qs = qs.filter(contract__kind=kind)
    return Exists(qs)


def expiring_exists(today: datetime.date) -> Exists:
    renewal = Contract.objects.filter(renews=OuterRef("contract"), withdrawn_on__isnull=True)
    qs = ContractCoverage.objects.filter(
        Q(enterprise=OuterRef("pk"))
        & in_force_q(today, "contract__")
        & Q(contract__term_end__lte=today + datetime.timedelta(days=expiring_days()))
    ).filter(~Exists(renewal))
    return Exists(qs)


def congress_exists(today: datetime.date) -> Exists:
    return Exists(Congress.objects.filter(org=OuterRef("union"), next_due_on__gte=today))


def union_q() -> Q:
    """Enterprises counted at all: operating, covered by an active union."""
    return Q(status=EnterpriseStatus.OPERATING) & covered_q()


def annotate_flags(qs, today: datetime.date | None = None):
    """Each enterprise's flags on ``today``: has_union, has_contract, has_wage, has_congress,
    is_expiring, is_three (0/1, one query)."""
    today = today or timezone.localdate()
    qs = qs.annotate(
        has_union=_flag(union_q()),
        has_contract=_flag(contract_exists(today)),
        has_wage=_flag(contract_exists(today, ContractKind.WAGE)),
        has_congress=_flag(congress_exists(today)),
        is_expiring=_flag(Q(status=EnterpriseStatus.OPERATING) & expiring_exists(today)),
    )
    return qs.annotate(
        is_three=_flag(Q(has_union=1) & Q(has_contract=1) & Q(has_congress=1)),
    )


def _rows(qs, today):
    return annotate_flags(qs, today).values_list(
        "pk",
        "community__path",
        "union__ipath",
        "has_union",
        "has_contract",
        "has_wage",
        "has_congress",
        "is_three",
        "is_expiring",
    )


def _split(row, out: dict) -> None:
    pk, path, ipath, union, contract, wage, congress, three, expiring = row
    ipath = (ipath or "") if union else ""
    if union:
        out[COVERAGE][pk] = (path, ipath, contract, 1)
        out[WAGE][pk] = (path, ipath, wage, 1)
        out[CONGRESS][pk] = (path, ipath, congress, 1)
        out[THREE][pk] = (path, ipath, three, 1)
    if expiring:
        out[EXPIRING][pk] = (path, ipath, 1, 0)


def all_contributions(ids: Iterable[int], today: datetime.date | None = None) -> dict[str, dict]:
    """Each enterprise's (path, ipath, numerator, denominator) per enterprise figure, on ``today``."""
    ids = list(ids)
    out: dict[str, dict] = {k: {} for k in KEYS}
    for start in range(0, len(ids), 2000):
        for row in _rows(Enterprise.objects.filter(pk__in=ids[start : start + 2000]), today):
            _split(row, out)
    return out


class Tracker:
    """Keeps every enterprise figure right around a change (one read before, one after).

    ``before_day``/``after_day`` let the daily job compare yesterday's statuses with today's.
    """

    def __init__(self, ids: Iterable = (), before_day=None, after_day=None):
        self.ids = set(ids)
        self.after_day = after_day
        self.before = all_contributions(self.ids, before_day) if self.ids else {k: {} for k in KEYS}

    def add(self, *ids) -> None:
        self.ids.update(ids)

    def finish(self) -> int:
        after = all_contributions(self.ids, self.after_day) if self.ids else {k: {} for k in KEYS}
        moved = 0
        for key in KEYS:
            deltas = []
            for pk in self.ids:
                b, a = self.before[key].get(pk), after[key].get(pk)
                if b == a:
                    continue
                if b:
                    deltas.append((b[0], b[1], -b[2], -b[3]))
                if a:
                    deltas.append(a)
            if deltas:
                moved += indicators.bump_many(key, deltas)
        return moved


class tracking:  # noqa: N801 - used as a context manager, like transaction.atomic
    """Use around any change of contracts, coverage or congresses, with the enterprises touched."""

    def __init__(self, ids: Iterable[int] = (), before_day=None, after_day=None):
        self.tracker = Tracker(ids, before_day, after_day)

    def __enter__(self) -> Tracker:
        return self.tracker

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.tracker.finish()


def _all_rows():
    relevant = Enterprise.objects.filter(
        union_q() | Q(pk__in=ContractCoverage.objects.values("enterprise_id"))
    )
    out: dict[str, dict] = {k: {} for k in KEYS}
    for row in _rows(relevant, None).iterator(chunk_size=5000):
        _split(row, out)
    return out


def rebuild_all(month=None) -> None:
    """Recount this month's enterprise figures from the records (one scan for all of them)."""
    out = _all_rows()
    for key in KEYS:
        indicators.rebuild(key, month, counts=list(out[key].values()))


def _own_of(key: str):
    def own():
        return list(_all_rows()[key].values())

    return own


def _live_of(key: str):
    def live(path: str) -> tuple[int, int]:
        base = Enterprise.objects.filter(
            Q(community__path__startswith=path) | Q(union__ipath__startswith=path)
        )
        out: dict[str, dict] = {k: {} for k in KEYS}
        for row in _rows(base, None):
            _split(row, out)
        num = den = 0
        for _path, _ipath, n, d in out[key].values():
            num, den = num + n, den + d
        return num, den

    return live


def _enterprise_indicator(key, label, numerator_label, denominator_label="", unit=RATE, **kw) -> Indicator:
    return register(
        Indicator(
            key=key,
            label=label,
            numerator_label=numerator_label,
            denominator_label=denominator_label,
            unit=unit,
            module="bargaining",
            own_counts=_own_of(key),
            live_subtree=_live_of(key),
            tags=(TAG,),
            **kw,
        )
    )


CONTRACT_COVERAGE = _enterprise_indicator(
    COVERAGE,
    _("集体合同覆盖率"),
    _("有生效集体合同的已建会企业"),
    _("已建会企业"),
    target=90.0,
    description=_(
        "已建会的在营企业中，被生效中（含即将到期）的集体合同覆盖的比例；行业性、区域性合同覆盖的企业计入。"
    ),
)
WAGE_CONTRACT_COVERAGE = _enterprise_indicator(
    WAGE,
    _("工资专项集体合同覆盖率"),
    _("有生效工资专项集体合同的已建会企业"),
    _("已建会企业"),
    target=80.0,
    description=_("已建会的在营企业中，被生效中的工资专项集体合同覆盖的比例。"),
)
CONGRESS_RATE = _enterprise_indicator(
    CONGRESS,
    _("职代会建制率"),
    _("职代会按期召开的已建会企业"),
    _("已建会企业"),
    target=90.0,
    description=_("已建会的在营企业中，所在工会已建立职代会（含联合职代会）且未超过召开周期的比例。"),
)
THREE_AT_ONCE = _enterprise_indicator(
    THREE,
    _("三同时实现率"),
    _("建会、集体合同生效、职代会建制同时具备的企业"),
    _("已建会企业"),
    description=_(
        "已建会的在营企业中，同时有生效的集体合同和按期召开的职代会的比例；合同到期或职代会逾期即不再计入。"
    ),
)
EXPIRING_CONTRACTS = _enterprise_indicator(
    EXPIRING,
    _("集体合同即将到期企业"),
    _("合同 90 天内到期且未续签的企业"),
    unit=COUNT,
    higher_is_better=False,
    description=_("被生效中的集体合同覆盖、合同在到期提醒期内（默认 90 天）届满且尚未续签的在营企业数。"),
)


# --- instructor teams, per district, zone and industrial union ---------------------------------


def team_contributions(ids: Iterable[int]) -> dict[int, tuple[str, str, int, int]]:
    """Each district, zone or industrial union's (path, ipath, team present, 1)."""
    from django.db.models import Count

    units = (
        OrgUnit.objects.filter(pk__in=list(ids), kind__in=TEAM_KINDS, status=OrgStatus.ACTIVE)
        .annotate(n=Count("instructors", filter=Q(instructors__left_on__isnull=True)))
        .values_list("pk", "path", "n")
    )
    need = team_min()
    return {pk: (path, "", 1 if n >= need else 0, 1) for pk, path, n in units}


def team_tracking(unit_ids: Iterable[int]):
    return indicators.tracking(TEAM, team_contributions, unit_ids)


def _own_team():
    ids = OrgUnit.objects.filter(kind__in=TEAM_KINDS, status=OrgStatus.ACTIVE).values_list("pk", flat=True)
    return list(team_contributions(ids).values())


def _live_team(path: str) -> tuple[int, int]:
    ids = OrgUnit.objects.filter(
        Q(path__startswith=path), kind__in=TEAM_KINDS, status=OrgStatus.ACTIVE
    ).values_list("pk", flat=True)
    num = den = 0
    for _p, _i, n, d in team_contributions(ids).values():
        num, den = num + n, den + d
    return num, den


INSTRUCTOR_TEAM = register(
    Indicator(
        key=TEAM,
        label=_("工资协商指导员队伍"),
        numerator_label=_("有指导员队伍的区市县、先导区和产业工会"),
        denominator_label=_("区市县、先导区和产业工会"),
        unit=RATE,
        target=100.0,
        module="bargaining",
        own_counts=_own_team,
        live_subtree=_live_team,
        description=_(
            "硬性指标：每个区市县总工会、先导区总工会和产业工会都应建立工资协商指导员队伍（在任指导员不少于 3 人）。"
        ),
        tags=(TAG,),
    )
)


def serving_count(unit) -> int:
    return Instructor.objects.filter(org=unit, left_on__isnull=True).count()

"""Every read of the bargaining pages and API: each starts from ``restrict(user, action)``."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import (
    FOREIGN,
    BargainingRound,
    Congress,
    CongressSession,
    Contract,
    ContractCoverage,
    ContractStatus,
    Instructor,
    RoundSession,
    StandardCheck,
    StandardEnterprise,
    StandardItem,
    ThreeAtOnce,
    TripartiteMeeting,
    team_min,
)
from unionwork.core import indicators
from unionwork.core.scope import path_in_scope
from unionwork.core.scope import prefix_q as subtree_q
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


def contracts(user, action: str = "view", today: datetime.date | None = None) -> QuerySet[Contract]:
    """Contracts in scope with their status of today (``status``, filterable)."""
    return Contract.objects.restrict(user, action).with_status(today)


def contract_with_status(user, pk, action: str = "view") -> Contract:
    return contracts(user, action).select_related("org", "renews").get_in_scope(user, action, pk=pk)


def coverage_of(user, contract: Contract) -> QuerySet[ContractCoverage]:
    """The enterprises of ``contract`` the user may see: all of them for the signing union's
    scope, the ones in the user's subtree for a level that sees the contract through them."""
    return (
        ContractCoverage.objects.restrict(user)
        .filter(contract=contract)
        .select_related("enterprise", "enterprise__community")
        .order_by("enterprise__name", "pk")
    )


def successor_of(user, contract: Contract) -> Contract | None:
    return contracts(user).filter(renews=contract, withdrawn_on__isnull=True).first()


def expired_without_successor(user, node: OrgUnit | None = None) -> QuerySet[Contract]:
    """Expired contracts with no successor, in scope and (given a node) signed in its subtree or
    covering an enterprise of it: what stands out on every level above."""
    qs = contracts(user).filter(status=ContractStatus.EXPIRED)
    if node is not None:
        covering = ContractCoverage.objects.filter(subtree_q("path", node.path)).values("contract_id")
        qs = qs.filter(
            Q(org__path__startswith=node.path) | Q(org__ipath__startswith=node.path) | Q(pk__in=covering)
        )
    return qs.select_related("org").order_by("-term_end")


def congresses(user, action: str = "view") -> QuerySet[Congress]:
    return Congress.objects.restrict(user, action)


def sessions_of(congress: Congress) -> QuerySet[CongressSession]:
    return CongressSession.objects.filter(congress=congress).order_by("-number")


def instructors(user, action: str = "view") -> QuerySet[Instructor]:
    return Instructor.objects.restrict(user, action)


def assigned_of(user, instructor: Instructor) -> QuerySet[Enterprise]:
    return Enterprise.objects.restrict(user).filter(instructors=instructor).order_by("name")


def three_at_once_rows(user, today: datetime.date | None = None) -> QuerySet[Enterprise]:
    """Enterprises with an active union in scope, each with its flags (合同、职代会、三同时) and the
    day it first held 三同时."""
    qs = Enterprise.objects.restrict(user).filter(bi.union_q())
    return _with_first(bi.annotate_flags(qs, today))


def _with_first(qs):
    from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery

    first = ThreeAtOnce.objects.filter(enterprise=OuterRef("pk")).values("first_held_on")[:1]

    def yes(field):
        return ExpressionWrapper(Q(**{field: 1}), output_field=BooleanField())

    return qs.annotate(
        first_held_on=Subquery(first),
        contract_ok=yes("has_contract"),
        wage_ok=yes("has_wage"),
        congress_ok=yes("has_congress"),
        three_ok=yes("is_three"),
    )


def node_for(user, node_id) -> OrgUnit:
    """The unit a figure page is about: the one asked for (in scope, else 404), or the user's own."""
    if node_id:
        return OrgUnit.objects.get_in_scope(user, pk=node_id)
    if user.org_id is None:
        raise Http404
    return user.org


def ancestors_in_scope(user, node: OrgUnit) -> list[OrgUnit]:
    return [a for a in node.ancestors() if path_in_scope(user, a.path, a.ipath)]


FIGURES = (bi.COVERAGE, bi.WAGE, bi.CONGRESS, bi.THREE, bi.EXPIRING, bi.TEAM)


def node_figures(node: OrgUnit, month=None) -> list[tuple[indicators.Indicator, indicators.Figure]]:
    """The node's kept bargaining figures (one indexed row each)."""
    got = {k: indicators.value(k, node, month) for k in FIGURES}
    return [(indicators.get(k), got[k]) for k in FIGURES]


def child_table(node: OrgUnit, month=None) -> list[tuple[OrgUnit, dict]]:
    """The node's children, each with its kept figures (one query per figure)."""
    children = list(
        OrgUnit.objects.filter(parent=node, status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.GRASSROOTS)
        .order_by("kind", "code", "pk")
    )
    per = {k: indicators.values(k, [c.pk for c in children], month) for k in FIGURES}
    zero = {k: indicators.Figure(0, 0, indicators.get(k).unit) for k in FIGURES}
    return [(c, {k.replace(".", "_"): per[k].get(c.pk, zero[k]) for k in FIGURES}) for c in children]


def team_status(user, node: OrgUnit | None = None) -> list[tuple[OrgUnit, int, bool]]:
    """Each district, zone and industrial union in scope (in the node's subtree, or the one above
    it): serving instructors, team present."""
    from django.db.models import Count

    units = OrgUnit.objects.restrict(user).filter(kind__in=bi.TEAM_KINDS, status=OrgStatus.ACTIVE)
    if node is not None:
        above = [int(x) for x in node.path.strip("/").split("/") if x]
        units = units.filter(Q(path__startswith=node.path) | Q(pk__in=above))
    units = units.annotate(n=Count("instructors", filter=Q(instructors__left_on__isnull=True))).order_by(
        "kind", "code", "pk"
    )
    need = team_min()
    return [(u, u.n, u.n >= need) for u in units]


def rounds(user, action: str = "view") -> QuerySet[BargainingRound]:
    return BargainingRound.objects.restrict(user, action)


def round_sessions(r: BargainingRound) -> QuerySet[RoundSession]:
    return RoundSession.objects.filter(round=r).order_by("held_on", "pk")


def round_enterprises(user, r: BargainingRound) -> QuerySet[Enterprise]:
    """The enterprises represented in the round that the user may see."""
    return Enterprise.objects.restrict(user).filter(bargaining_rounds=r).order_by("name")


def round_instructors(user, r: BargainingRound) -> QuerySet[Instructor]:
    return Instructor.objects.restrict(user).filter(rounds=r).select_related("org").order_by("name")


def tripartite_meetings(user, action: str = "view") -> QuerySet[TripartiteMeeting]:
    return TripartiteMeeting.objects.restrict(user, action)


def standard_rows(user) -> QuerySet[StandardEnterprise]:
    """Foreign- and HMT-invested operating enterprises in scope, with how many active checklist
    items they meet of how many there are."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    total = StandardItem.objects.filter(active=True).count()
    # Counted for each shown row (a subquery), not by grouping every enterprise of the scope with
    # its checks before the page is cut (a district's list: 64 ms of SQL at city scale).
    met = (
        StandardCheck.objects.filter(enterprise=OuterRef("pk"), met=True, item__active=True)
        .order_by()
        .values("enterprise")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        StandardEnterprise.objects.restrict(user)
        .filter(ownership__in=FOREIGN, status="operating")
        .annotate(
            met_count=Coalesce(Subquery(met, output_field=IntegerField()), 0),
            items_total=Value(total, output_field=IntegerField()),
        )
    )


def standard_items(kind: str | None = None) -> QuerySet[StandardItem]:
    qs = StandardItem.objects.all()
    return qs.filter(kind=kind) if kind else qs


def checks_of(user, enterprise) -> dict[int, StandardCheck]:
    return {c.item_id: c for c in StandardCheck.objects.restrict(user).filter(enterprise_id=enterprise.pk)}


def today() -> datetime.date:
    return timezone.localdate()

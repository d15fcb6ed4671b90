"""Reads of the service stations. Lists start from ``Model.objects.restrict(user, action)``.

Eligibility is decided in one place: :func:`eligible_q` (the rule in force on a day, applied in
SQL to enterprises) and :func:`covered_q` (an open station hosted by the enterprise, or an open
radiating station that names it). Communities (村/社区 units) are always eligible; one is
covered by an open community station. The coverage indicator, the missing list and the
enterprise's page all use these, so the list's length is the figure's gap.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.founding.models import Enterprise, EnterpriseStatus
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stations.models import (
    DEFAULT_RULE,
    Consultation,
    EligibilityRule,
    HardshipFile,
    HostKind,
    Relief,
    ReliefStatus,
    ServiceRecord,
    Station,
    StationMode,
    StationStatus,
)

# -- eligibility -------------------------------------------------------------------------------


def rule_for(on: datetime.date | None = None) -> EligibilityRule:
    """The version of the rule in force on ``on`` (today by default); the default before any."""
    on = on or timezone.localdate()
    rule = EligibilityRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    return rule if rule is not None else EligibilityRule(**DEFAULT_RULE)


def rule_versions() -> list[EligibilityRule]:
    return list(EligibilityRule.objects.select_related("created_by").order_by("-effective_from"))


def eligible_q(rule: EligibilityRule | None = None, on: datetime.date | None = None, prefix: str = "") -> Q:
    """Enterprises that must have a station on ``on`` under ``rule`` (the rule in force then)."""
    on = on or timezone.localdate()
    rule = rule or rule_for(on)
    p = prefix
    q = (Q(**{f"{p}status": EnterpriseStatus.OPERATING}) | Q(**{f"{p}closed_on__gt": on})) & Q(
        **{f"{p}employees__gte": rule.min_employees}
    )
    if rule.requires_union:
        q &= Q(
            **{f"{p}union__isnull": False, f"{p}union__status": OrgStatus.ACTIVE, f"{p}union_since__lte": on}
        )
    return q


def _open_stations(on: datetime.date | None = None):
    qs = Station.objects.filter(status=StationStatus.OPEN)
    if on is not None:
        qs = qs.filter(opened_on__lte=on)
    return qs


def covered_q(on: datetime.date | None = None, prefix: str = "pk") -> Q:
    """Enterprises with an open station of their own, or named by an open radiating station."""
    own = _open_stations(on).filter(enterprise_id=OuterRef(prefix))
    radiated = _open_stations(on).filter(mode=StationMode.RADIATING, radiated=OuterRef(prefix))
    return Q(Exists(own)) | Q(Exists(radiated))


def community_covered_q(on: datetime.date | None = None) -> Q:
    return Q(Exists(_open_stations(on).filter(host_kind=HostKind.COMMUNITY, org_id=OuterRef("pk"))))


def communities():
    return OrgUnit.objects.filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE)


def eligible_enterprises(on=None):
    return Enterprise.objects.filter(eligible_q(on=on))


@dataclass
class Eligibility:
    eligible: bool
    reason: str
    covered: bool
    rule: EligibilityRule


def eligibility_of(enterprise: Enterprise, on: datetime.date | None = None) -> Eligibility:
    """Whether the enterprise must have a station, in words (“因已建会且职工 ≥ N 人”)."""
    on = on or timezone.localdate()
    rule = rule_for(on)
    eligible = Enterprise.objects.filter(eligible_q(rule, on), pk=enterprise.pk).exists()
    n = rule.min_employees
    if eligible:
        reason = (
            _("应建站：因已建会且职工 ≥ %(n)d 人（现有 %(e)d 人）")
            if rule.requires_union
            else _("应建站：因职工 ≥ %(n)d 人（现有 %(e)d 人）")
        ) % {"n": n, "e": enterprise.employees}
    else:
        why = []
        if enterprise.status != EnterpriseStatus.OPERATING and not (
            enterprise.closed_on and enterprise.closed_on > on
        ):
            why.append(_("已关闭"))
        if enterprise.employees < n:
            why.append(_("职工 %(e)d 人，不足 %(n)d 人") % {"e": enterprise.employees, "n": n})
        if rule.requires_union and not (
            enterprise.union_id
            and enterprise.union.status == OrgStatus.ACTIVE
            and enterprise.union_since
            and enterprise.union_since <= on
        ):
            why.append(_("尚未建立工会"))
        reason = _("不纳入建站范围：%(w)s") % {"w": "；".join(why)}
    covered = Enterprise.objects.filter(covered_q(on), pk=enterprise.pk).exists()
    return Eligibility(eligible, reason, covered, rule)


def stations_of_enterprise(user, enterprise: Enterprise) -> list[Station]:
    qs = Station.objects.restrict(user).select_related("org")
    return list(qs.filter(Q(enterprise=enterprise) | Q(radiated=enterprise)).distinct())


MISSING_PICKED = 10_000  # the work list's ids picked first up to this many (see ``missing``)


def missing(user, on: datetime.date | None = None):
    """Eligible enterprises in the user's scope without a station (directly or through radiating).

    The work list is short (245 enterprises in the city-scale demo), but asked for it in the
    order of the community tree the planner walks the tree's 26,000 communities against it (0.4 s
    for an industrial union's scope, 0.15 s for the city). So its ids are picked first, without
    order (40 ms), and the page reads and orders those (under 25 ms); a list longer than
    ``MISSING_PICKED`` is left to the planner as it is.
    """
    on = on or timezone.localdate()
    work = Enterprise.objects.restrict(user).filter(eligible_q(on=on)).exclude(covered_q(on))
    ids = list(work.order_by().values_list("pk", flat=True)[: MISSING_PICKED + 1])
    if len(ids) <= MISSING_PICKED:
        work = Enterprise.objects.restrict(user).filter(pk__in=ids)
    return work.select_related("community", "community__parent", "union")


def missing_communities(user, under: str = ""):
    """Communities in scope without an open community station (under a unit, by id or code)."""
    qs = (
        OrgUnit.objects.restrict(user)
        .filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE)
        .exclude(community_covered_q())
        .select_related("parent")
    )
    under = (under or "").strip()
    if under:
        units = OrgUnit.objects.restrict(user)
        unit = units.filter(code=under).first() or (
            units.filter(pk=under).first() if under.isdigit() else None
        )
        qs = qs.filter(path__startswith=unit.path) if unit is not None else qs.none()
    return qs.order_by("path")


# -- coverage: each subject's contribution (used by the indicator and its tracker) --------------


def enterprise_contributions(ids) -> dict:
    """``{("e", pk): (path, "", covered, 1)}`` for the eligible ones among enterprises ``ids``."""
    ids = list(ids)
    out = {}
    on = timezone.localdate()
    rule = rule_for(on)
    for start in range(0, len(ids), 2000):
        rows = (
            Enterprise.objects.filter(pk__in=ids[start : start + 2000])
            .filter(eligible_q(rule, on))
            .annotate(is_covered=covered_q(on))
            .values_list("pk", "community__path", "is_covered")
        )
        for pk, path, cov in rows:
            out[("e", pk)] = (path, "", 1 if cov else 0, 1)
    return out


def community_contributions(ids) -> dict:
    ids = list(ids)
    rows = (
        communities()
        .filter(pk__in=ids)
        .annotate(is_covered=community_covered_q())
        .values_list("pk", "path", "ipath", "is_covered")
    )
    return {("c", pk): (path, ipath or "", 1 if cov else 0, 1) for pk, path, ipath, cov in rows}


def coverage_contributions(keys) -> dict:
    keys = list(keys)
    out = enterprise_contributions([pk for kind, pk in keys if kind == "e"])
    out.update(community_contributions([pk for kind, pk in keys if kind == "c"]))
    return out


def subjects_of_station(station: Station) -> set:
    """The eligibility subjects whose coverage a station decides."""
    keys = set()
    if station.enterprise_id:
        keys.add(("e", station.enterprise_id))
    if station.host_kind == HostKind.COMMUNITY:
        keys.add(("c", station.org_id))
    keys.update(("e", pk) for pk in station.radiated.values_list("pk", flat=True))
    return keys


def coverage_own_counts():
    """Every eligible enterprise and community: (path, ipath, covered, 1), grouped per unit."""
    on = timezone.localdate()
    rule = rule_for(on)
    rows = (
        Enterprise.objects.filter(eligible_q(rule, on))
        .annotate(is_covered=covered_q(on))
        .values_list("community__path", "is_covered")
    )
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, cov in rows.iterator(chunk_size=5000):
        per[path][0] += 1 if cov else 0
        per[path][1] += 1
    for path, path_ipath, cov in (
        communities().annotate(is_covered=community_covered_q()).values_list("path", "ipath", "is_covered")
    ):
        yield path, path_ipath or "", 1 if cov else 0, 1
    for path, (n, d) in per.items():
        yield path, "", n, d


def coverage_live(path: str) -> tuple[int, int]:
    on = timezone.localdate()
    ent = Enterprise.objects.filter(community__path__startswith=path).filter(eligible_q(on=on))
    com = communities().filter(Q(path__startswith=path) | Q(ipath__startswith=path))
    return (
        ent.filter(covered_q(on)).count() + com.filter(community_covered_q()).count(),
        ent.count() + com.count(),
    )


# -- pages -----------------------------------------------------------------------------------


def node_for(user, raw) -> OrgUnit:
    """The unit a figure page shows: ``?node=`` if in scope, else the user's own."""
    if raw:
        try:
            return OrgUnit.objects.restrict(user).get(pk=int(raw))
        except (OrgUnit.DoesNotExist, ValueError, TypeError):
            pass
    return user.org


FIGURE_KEYS = (
    "stations.coverage",
    "stations.workers_covered",
    "stations.services",
    "stations.card_uses",
    "stations.hardship_open",
    "stations.relief_paid",
)


def node_figures(unit: OrgUnit, month=None) -> dict:
    return {key.split(".")[1]: indicators.value(key, unit, month) for key in FIGURE_KEYS}


def children_coverage(user, unit: OrgUnit, month=None) -> list:
    children = OrgUnit.objects.restrict(user).filter(parent=unit, status=OrgStatus.ACTIVE).order_by("path")
    rows = indicators.children_values("stations.coverage", children, month)
    return sorted(rows, key=lambda r: (-(r[1].rate or 0), r[0].path))


def station_detail(station: Station) -> dict:
    return {
        "history": list(station.history.all()[:50]),
        "photos": list(station.photos.defer("data").all()),
        "radiated": list(station.radiated.all()[:200]),
        "records": list(
            ServiceRecord.objects.filter(station=station)
            .select_related("kind", "card")
            .order_by("-on", "-id")[:20]
        ),
    }


def photo_in_scope(user, pk: int):
    from django.http import Http404

    from unionwork.stations.models import StationPhoto

    photo = StationPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404
    Station.objects.get_in_scope(user, pk=photo.station_id)
    return photo


def service_kinds():
    from unionwork.stations.models import ServiceKind

    return ServiceKind.objects.order_by("order", "name")


def monthly_summary(user, station: Station | None = None, months: int = 12) -> list[dict]:
    """Services and activities per month: entries, people served, card uses."""
    qs = ServiceRecord.objects.restrict(user)
    if station is not None:
        qs = qs.filter(station=station)
    since = (timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        qs.filter(on__gte=since)
        .annotate(m=TruncMonth("on"))
        .values("m", "entry")
        .annotate(n=Count("pk"), people=Sum("people"), cards=Count("card"))
        .order_by("-m", "entry")
    )
    out: dict = {}
    for r in rows:
        m = r["m"]
        row = out.setdefault(m, {"month": m, "services": 0, "activities": 0, "people": 0, "cards": 0})
        row["services" if r["entry"] == "service" else "activities"] += r["n"]
        row["people"] += r["people"] or 0
        row["cards"] += r["cards"]
    return list(out.values())


def hardship_totals(user, unit: OrgUnit | None = None) -> dict:
    """Paid relief by cause and by fund source, and open files by cause, in the user's scope."""
    files = HardshipFile.objects.restrict(user)
    reliefs = Relief.objects.restrict(user).filter(status=ReliefStatus.PAID)
    if unit is not None:
        files = files.filter(Q(org__path__startswith=unit.path) | Q(org__ipath__startswith=unit.path))
        reliefs = reliefs.filter(
            Q(file__org__path__startswith=unit.path) | Q(file__org__ipath__startswith=unit.path)
        )
    by_cause = {
        r["file__cause"]: (r["n"], r["total"] or Decimal(0))
        for r in reliefs.values("file__cause").annotate(n=Count("pk"), total=Sum("amount")).order_by()
    }
    by_source = {
        r["fund_source"]: (r["n"], r["total"] or Decimal(0))
        for r in reliefs.values("fund_source").annotate(n=Count("pk"), total=Sum("amount")).order_by()
    }
    open_by_cause = dict(
        files.open().values("cause").annotate(n=Count("pk")).order_by().values_list("cause", "n")
    )
    return {"by_cause": by_cause, "by_source": by_source, "open_by_cause": open_by_cause}


def reliefs_of(file: HardshipFile) -> list[Relief]:
    return list(file.reliefs.select_related("decided_by").order_by("-on", "-id"))


def reviews_of(file: HardshipFile) -> list:
    return list(file.reviews.order_by("-on", "-id"))


def pending_reliefs(user):
    return Relief.objects.restrict(user, "review").filter(status=ReliefStatus.PENDING).select_related("file")


def consultations(user):
    return Consultation.objects.restrict(user).select_related("org", "case")

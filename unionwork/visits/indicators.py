"""Indicators of the visits campaign, kept at once by the actions' trackers.

* ``visits.done_vs_planned``: visits made in campaigns ÷ visits planned (each paired cadre's
  monthly rule × the campaign's months), counted at the campaign's level;
* ``visits.enterprises_reached``: enterprises with at least one visit (not withdrawn), counted
  where the enterprise lies (its community), so each enterprise counts once at every level;
* ``visits.households_reached``: household visits made (not withdrawn), at the visiting level;
* ``visits.deeds_on_time``: deeds done by their promised date ÷ deeds due (done, or open past
  their promised date: ``Deed.counted_due``, set by the action that closes a deed or by the
  daily job the day after the promised date), at the requesting level.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.indicators import COUNT, RATE, Indicator, register, tracking
from unionwork.visits.models import Campaign, Deed, Pairing, Visit, VisitKind

__all__ = ["tracking"]

DONE_VS_PLANNED = "visits.done_vs_planned"
ENTERPRISES_REACHED = "visits.enterprises_reached"
HOUSEHOLDS_REACHED = "visits.households_reached"
DEEDS_ON_TIME = "visits.deeds_on_time"

LIVE = Q(withdrawn_at=None)


def _subtree(prefix: str, field: str = "org") -> Q:
    return Q(**{f"{field}__path__startswith": prefix}) | Q(**{f"{field}__ipath__startswith": prefix})


# -- done vs planned: one contribution per campaign ------------------------------------------------


def _campaign_rows(qs):
    cadres = dict(
        Pairing.objects.filter(campaign__in=qs, ended_on=None)
        .values_list("campaign")
        .annotate(n=Count("cadre", distinct=True))
        .order_by()
    )
    done = dict(
        Visit.objects.filter(LIVE, campaign__in=qs).values_list("campaign").annotate(n=Count("pk")).order_by()
    )
    for c in qs.select_related("org"):
        planned = cadres.get(c.pk, 0) * c.per_cadre_month * c.months
        yield c.pk, (c.org.path, c.org.ipath or "", done.get(c.pk, 0), planned)


def campaign_contributions(ids: Iterable[int]) -> dict:
    return dict(_campaign_rows(Campaign.objects.filter(pk__in=list(ids))))


def _own_campaigns():
    for _pk, row in _campaign_rows(Campaign.objects.all()):
        yield row


def _live_campaigns(path: str) -> tuple[int, int]:
    n = d = 0
    for _pk, (_p, _i, num, den) in _campaign_rows(Campaign.objects.filter(_subtree(path))):
        n, d = n + num, d + den
    return n, d


# -- enterprises reached: one contribution per enterprise ------------------------------------------


def enterprise_contributions(ids: Iterable[int]) -> dict:
    rows = (
        Visit.objects.filter(LIVE, enterprise_id__in=list(ids))
        .values_list("enterprise_id", "enterprise__community__path")
        .distinct()
        .order_by()
    )
    return {pk: (path, "", 1, 0) for pk, path in rows if path}


def _own_enterprises():
    rows = (
        Visit.objects.filter(LIVE, kind=VisitKind.ENTERPRISE)
        .values_list("enterprise__community__path")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    )
    for path, n in rows:
        if path:
            yield path, "", n, 0


def _live_enterprises(path: str) -> tuple[int, int]:
    n = (
        Visit.objects.filter(LIVE, kind=VisitKind.ENTERPRISE, enterprise__community__path__startswith=path)
        .values("enterprise")
        .distinct()
        .count()
    )
    return n, 0


# -- households reached: one contribution per household visit ---------------------------------------


def household_contributions(ids: Iterable[int]) -> dict:
    rows = Visit.objects.filter(LIVE, kind=VisitKind.HOUSEHOLD, pk__in=list(ids)).values_list(
        "pk", "org__path", "org__ipath"
    )
    return {pk: (path, ipath or "", 1, 0) for pk, path, ipath in rows}


def _own_households():
    rows = (
        Visit.objects.filter(LIVE, kind=VisitKind.HOUSEHOLD)
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, ipath, n in rows:
        yield path, ipath or "", n, 0


def _live_households(path: str) -> tuple[int, int]:
    return Visit.objects.filter(LIVE, _subtree(path), kind=VisitKind.HOUSEHOLD).count(), 0


# -- deeds on time: one contribution per deed --------------------------------------------------------

ON_TIME = Q(done_on__isnull=False, done_on__lte=F("promised_on"))


def deed_contributions(ids: Iterable[int]) -> dict:
    rows = Deed.objects.filter(pk__in=list(ids)).values_list(
        "pk", "org__path", "org__ipath", "done_on", "promised_on", "counted_due"
    )
    out = {}
    for pk, path, ipath, done_on, promised_on, due in rows:
        on_time = done_on is not None and done_on <= promised_on
        if due or on_time:
            out[pk] = (path, ipath or "", int(on_time), int(due))
    return out


def _own_deeds():
    rows = (
        Deed.objects.filter(counted_due=True)
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
        .order_by()
    )
    for path, ipath, n, d in rows:
        yield path, ipath or "", n, d


def _live_deeds(path: str) -> tuple[int, int]:
    got = Deed.objects.filter(_subtree(path), counted_due=True).aggregate(
        n=Count("pk", filter=ON_TIME), d=Count("pk")
    )
    return got["n"], got["d"]


register(
    Indicator(
        key=DONE_VS_PLANNED,
        label=_("走访计划完成率"),
        numerator_label=_("已走访（次）"),
        denominator_label=_("计划走访（次）"),
        unit=RATE,
        higher_is_better=True,
        module="visits",
        own_counts=_own_campaigns,
        live_subtree=_live_campaigns,
        description=_(
            "走访活动期间各联系干部已走访次数 ÷ 计划次数（每人每月走访企业数与家庭数之和 × 活动月数）。"
        ),
        tags=("双走双促",),
    )
)
register(
    Indicator(
        key=ENTERPRISES_REACHED,
        label=_("走访企业数"),
        numerator_label=_("至少走访过一次的企业"),
        unit=COUNT,
        module="visits",
        own_counts=_own_enterprises,
        live_subtree=_live_enterprises,
        description=_("按企业所在地统计，每家企业只计一次；撤回的走访记录不计。"),
        tags=("双走双促",),
    )
)
register(
    Indicator(
        key=HOUSEHOLDS_REACHED,
        label=_("走访职工家庭户次"),
        numerator_label=_("走访职工家庭（户次）"),
        unit=COUNT,
        module="visits",
        own_counts=_own_households,
        live_subtree=_live_households,
        description=_("按走访单位统计；撤回的走访记录不计。"),
        tags=("双走双促",),
    )
)
register(
    Indicator(
        key=DEEDS_ON_TIME,
        label=_("办实事按期办结率"),
        numerator_label=_("按期办结的实事"),
        denominator_label=_("应办结的实事（已办结或已过承诺日期）"),
        unit=RATE,
        higher_is_better=True,
        module="visits",
        own_counts=_own_deeds,
        live_subtree=_live_deeds,
        description=_("承诺日期当天或之前办结的为按期；过了承诺日期仍未办结的计入应办结。"),
        tags=("双走双促",),
    )
)

"""Figures of the service stations, kept rolled up per unit and month.

``stations.coverage``: eligible enterprises and communities with a station (directly, or through
an open radiating station) over eligible ones. An enterprise counts where it lies (its
community), a community at itself. Eligibility also follows the founding register (a union
founded, employees changed, an enterprise closed) and the date (a rule version coming into force),
which this module's actions do not see: founding sends no domain signal, so the figure is
recounted by the daily job ``stations.recount`` (``tasks.recount_coverage``) and at once when an
administrator saves a rule in force today. The station actions keep it right in between.

The others count this module's own records at the unit of the station or file:
``stations.workers_covered`` (workers covered by open stations), ``stations.services`` (service and
activity entries), ``stations.card_uses`` (entries with a member card), ``stations.hardship_open``
(open hardship files), ``stations.relief_paid`` (relief paid, in yuan).
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import COUNT, RATE, Indicator, register
from unionwork.stations import queries
from unionwork.stations.models import (
    FileStatus,
    HardshipFile,
    Relief,
    ReliefStatus,
    ServiceRecord,
    Station,
    StationStatus,
)

COVERAGE = "stations.coverage"
WORKERS = "stations.workers_covered"
SERVICES = "stations.services"
CARD_USES = "stations.card_uses"
HARDSHIP_OPEN = "stations.hardship_open"
RELIEF_PAID = "stations.relief_paid"


def _sub(field: str, path: str) -> Q:
    return Q(**{f"{field}__path__startswith": path}) | Q(**{f"{field}__ipath__startswith": path})


def _grouped(qs, org: str, value):
    rows = qs.values_list(f"{org}__path", f"{org}__ipath").annotate(n=value).order_by()
    for path, ipath, n in rows.iterator(chunk_size=5000):
        yield path, ipath or "", int(n or 0), 0


register(
    Indicator(
        key=COVERAGE,
        label=_("职工服务站覆盖率"),
        numerator_label=_("已建站（含辐射覆盖）的应建站单位"),
        denominator_label=_("应建站单位（企业及村、社区）"),
        unit=RATE,
        target=100.0,
        module="stations",
        own_counts=queries.coverage_own_counts,
        live_subtree=queries.coverage_live,
        description=_("按建站条件应建站的企业及全部村（社区）中，有运行中的服务站或由辐射服务站覆盖的比例。"),
        tags=("服务站",),
    )
)


def _open_stations():
    return Station.objects.filter(status=StationStatus.OPEN)


register(
    Indicator(
        key=WORKERS,
        label=_("服务站覆盖职工数"),
        numerator_label=_("运行中服务站覆盖的职工"),
        unit=COUNT,
        module="stations",
        own_counts=lambda: _grouped(_open_stations(), "org", Sum("workers_covered")),
        live_subtree=lambda path: (
            _open_stations().filter(_sub("org", path)).aggregate(n=Sum("workers_covered"))["n"] or 0,
            0,
        ),
        tags=("服务站",),
    )
)
register(
    Indicator(
        key=SERVICES,
        label=_("服务站服务次数"),
        numerator_label=_("登记的服务和活动"),
        unit=COUNT,
        module="stations",
        own_counts=lambda: _grouped(ServiceRecord.objects.all(), "station__org", Count("pk")),
        live_subtree=lambda path: (ServiceRecord.objects.filter(_sub("station__org", path)).count(), 0),
        tags=("服务站",),
    )
)
register(
    Indicator(
        key=CARD_USES,
        label=_("会员服务卡使用次数"),
        numerator_label=_("出示会员服务卡的服务"),
        unit=COUNT,
        module="stations",
        own_counts=lambda: _grouped(
            ServiceRecord.objects.filter(card__isnull=False), "station__org", Count("pk")
        ),
        live_subtree=lambda path: (
            ServiceRecord.objects.filter(_sub("station__org", path), card__isnull=False).count(),
            0,
        ),
        tags=("服务站",),
    )
)
register(
    Indicator(
        key=HARDSHIP_OPEN,
        label=_("在档困难职工"),
        numerator_label=_("在档的困难职工档案"),
        unit=COUNT,
        higher_is_better=False,
        module="stations",
        own_counts=lambda: _grouped(HardshipFile.objects.filter(status=FileStatus.OPEN), "org", Count("pk")),
        live_subtree=lambda path: (
            HardshipFile.objects.filter(_sub("org", path), status=FileStatus.OPEN).count(),
            0,
        ),
        tags=("服务站",),
    )
)


def _paid():
    return Relief.objects.filter(status=ReliefStatus.PAID)


register(
    Indicator(
        key=RELIEF_PAID,
        label=_("救助金额（元）"),
        numerator_label=_("已发放的救助（元）"),
        unit=COUNT,
        module="stations",
        own_counts=lambda: _grouped(_paid(), "file__org", Sum("amount")),
        live_subtree=lambda path: (
            _paid().filter(_sub("file__org", path)).aggregate(n=Sum("amount"))["n"] or 0,
            0,
        ),
        tags=("服务站",),
    )
)


# -- kept by the actions -----------------------------------------------------------------------


def coverage_tracking(keys=()):
    """``with coverage_tracking(subjects) as t:`` around a change of stations."""
    return indicators.tracking(COVERAGE, queries.coverage_contributions, keys)


def bump(key: str, org, amount: int) -> None:
    if amount:
        indicators.bump(key, org.path, org.ipath or "", numerator=amount)


def rebuild_coverage() -> int:
    return indicators.rebuild(COVERAGE)

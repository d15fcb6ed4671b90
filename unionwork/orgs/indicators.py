"""Indicators owned by the organisation module."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.indicators import COUNT, Indicator, register
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


def _counted(qs):
    return qs.filter(kind__in=UNION_KINDS, status=OrgStatus.ACTIVE)


def _own():
    for path, ipath in _counted(OrgUnit.objects.all()).values_list("path", "ipath").iterator(chunk_size=5000):
        yield path, ipath, 1, 0


def _live(path):
    n = _counted(OrgUnit.objects.filter(Q(path__startswith=path) | Q(ipath__startswith=path))).aggregate(
        n=Count("pk")
    )["n"]
    return n, 0


GRASSROOTS_UNITS = register(
    Indicator(
        key="orgs.grassroots_units",
        label=_("基层工会数"),
        numerator_label=_("正常状态的基层工会和联合工会"),
        unit=COUNT,
        module="orgs",
        own_counts=_own,
        live_subtree=_live,
    )
)


def counts_as_union(unit: OrgUnit) -> bool:
    return unit.kind in UNION_KINDS

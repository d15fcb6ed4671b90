"""Filter sets of the station lists (pages and API alike). A unit filter (``under``) takes its subtree."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.classifications import Industry
from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.founding.models import Enterprise
from unionwork.stations.models import (
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    FileStatus,
    HardshipCause,
    HardshipFile,
    HardshipLevel,
    HostKind,
    ServiceRecord,
    Station,
    StationMode,
    StationStatus,
)


class StationFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("名称"), method="search")
    under = SubtreeFilter(label=_("单位（含下级）"))
    host_kind = django_filters.ChoiceFilter(label=_("依托单位类型"), choices=HostKind.choices)
    mode = django_filters.ChoiceFilter(label=_("建站模式"), choices=StationMode.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=StationStatus.choices)

    class Meta:
        model = Station
        fields = []

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(enterprise__name__icontains=value)) if value else qs


class MissingFilter(StyledFilterSet):
    """The missing list: by street (a unit, with its subtree) and industry."""

    q = django_filters.CharFilter(label=_("企业名称"), method="search")
    under = SubtreeFilter(label=_("街道或社区（含下级）"), path_field="community__path")
    industry = django_filters.ChoiceFilter(label=_("行业门类"), choices=Industry.choices)

    class Meta:
        model = Enterprise
        fields = []

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper())) if value else qs


class ServiceRecordFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"), path_field="station__org__path")
    on_from = django_filters.DateFilter(label=_("服务日期起"), field_name="on", lookup_expr="gte")
    on_to = django_filters.DateFilter(label=_("服务日期止"), field_name="on", lookup_expr="lte")
    card = django_filters.BooleanFilter(
        label=_("出示会员卡"), field_name="card", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ServiceRecord
        fields = []


class ConsultationFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("职工或企业"), method="search")
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=ConsultationKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ConsultationStatus.choices)

    class Meta:
        model = Consultation
        fields = []

    def search(self, qs, name, value):
        return (
            qs.filter(Q(worker_name__icontains=value) | Q(enterprise_name__icontains=value)) if value else qs
        )


class HardshipFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("姓名"), method="search")
    under = SubtreeFilter(label=_("单位（含下级）"))
    cause = django_filters.ChoiceFilter(label=_("致困原因"), choices=HardshipCause.choices)
    level = django_filters.ChoiceFilter(label=_("困难程度"), choices=HardshipLevel.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=FileStatus.choices)

    class Meta:
        model = HardshipFile
        fields = []

    def search(self, qs, name, value):
        return qs.filter(name__icontains=value) if value else qs

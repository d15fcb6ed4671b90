import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.orgs import queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


class OrgUnitFilter(StyledFilterSet):
    """Filters of the unit list: one set for the page and the API."""

    q = django_filters.CharFilter(label=_("名称/拼音/代码"), method="search")
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrgKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OrgStatus.choices)
    under = SubtreeFilter(label=_("上级组织（含下级）"), path_field="path")
    is_demo = django_filters.BooleanFilter(label=_("演示数据"))

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "status", "under", "is_demo"]

    def search(self, qs, name, value):
        return queries.search_units(qs, value)

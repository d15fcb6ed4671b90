"""Filter sets of the visits lists. Filtering by a unit (``under``) includes its whole subtree."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.visits.models import (
    Deed,
    DeedState,
    Finding,
    FindingCategory,
    FindingSeverity,
    Visit,
    VisitKind,
)


class VisitFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("走访类型"), choices=VisitKind.choices)
    q = django_filters.CharFilter(label=_("企业名称"), method="filter_q")

    class Meta:
        model = Visit
        fields = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(enterprise__name__icontains=value) if value else qs


class DeedFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=DeedState.choices)
    overdue = django_filters.ChoiceFilter(
        label=_("逾期未办"), choices=[("1", _("是"))], method="filter_overdue"
    )
    q = django_filters.CharFilter(label=_("实事内容"), method="filter_q")

    class Meta:
        model = Deed
        fields = []

    def filter_overdue(self, qs, name, value):
        return qs.filter(state=DeedState.OPEN, promised_on__lt=timezone.localdate()) if value == "1" else qs

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(title__icontains=value)) if value else qs


class FindingFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    category = django_filters.ChoiceFilter(label=_("类别"), choices=FindingCategory.choices)
    severity = django_filters.ChoiceFilter(label=_("程度"), choices=FindingSeverity.choices)
    q = django_filters.CharFilter(label=_("情况"), method="filter_q")

    class Meta:
        model = Finding
        fields = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(text__icontains=value) | Q(enterprise__name__icontains=value)) if value else qs

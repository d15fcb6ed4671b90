"""Filter sets of the assessment lists. Filtering by a unit (``under``) includes its subtree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.assessment.models import Appeal, AppealState, Claim
from unionwork.core.filters import StyledFilterSet, SubtreeFilter


class ClaimFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"), path_field="unit__path")
    q = django_filters.CharFilter(label=_("项目或说明"), method="filter_q")

    class Meta:
        model = Claim
        fields = ["under", "q"]

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return (
            qs.filter(item__name__contains=value)
            | qs.filter(item__code=value)
            | qs.filter(text__contains=value)
        )


class AppealFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"), path_field="unit__path")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=AppealState.choices)

    class Meta:
        model = Appeal
        fields = ["under", "state"]

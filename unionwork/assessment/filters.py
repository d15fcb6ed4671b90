"""Filter sets of the assessment lists. Filtering by a unit (``under``) includes its subtree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.assessment.models import Appeal, AppealState, Claim
from unionwork.core.filters import SubtreeFilter


class _Styled(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.form.fields.values():
            css = "form-select form-select-sm" if hasattr(f, "choices") else "form-control form-control-sm"
            f.widget.attrs.setdefault("class", css)


class ClaimFilter(_Styled):
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


class AppealFilter(_Styled):
    under = SubtreeFilter(label=_("单位（含下级）"), path_field="unit__path")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=AppealState.choices)

    class Meta:
        model = Appeal
        fields = ["under", "state"]

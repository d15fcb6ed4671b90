"""Filter sets of the union-building lists. Filtering by a unit (``under``) includes its subtree."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.building.models import (
    ApplicationState,
    Campaign,
    Committee,
    ElectionMethod,
    GradeApplication,
    Survey,
    UnionProfile,
)
from unionwork.core.filters import StyledFilterSet, SubtreeFilter

YES_NO = [("1", _("是")), ("0", _("否"))]


class CommitteeFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    method = django_filters.ChoiceFilter(label=_("选举方式"), choices=ElectionMethod.choices)
    current = django_filters.ChoiceFilter(label=_("现任"), choices=YES_NO, method="filter_current")
    due = django_filters.NumberFilter(label=_("任期在几天内届满"), method="filter_due", min_value=0)

    class Meta:
        model = Committee
        fields = ["under", "method", "current", "due"]

    def filter_current(self, qs, name, value):
        return qs.filter(superseded_at__isnull=value == "1")

    def filter_due(self, qs, name, value):
        until = timezone.localdate() + datetime.timedelta(days=int(value))
        return qs.filter(superseded_at__isnull=True, term_end__lte=until)


class ProfileFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    subsidy_in_budget = django_filters.BooleanFilter(label=_("补贴列入财政预算"))
    grievance_agency = django_filters.BooleanFilter(label=_("建立诉求代理制度"))
    legal_adviser = django_filters.BooleanFilter(label=_("聘请法律顾问"))

    class Meta:
        model = UnionProfile
        fields = ["under", "subsidy_in_budget", "grievance_agency", "legal_adviser"]


class SurveyFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Survey
        fields = ["under", "year"]


class ApplicationFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    campaign = django_filters.ModelChoiceFilter(label=_("创建评级活动"), queryset=Campaign.objects.all())
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ApplicationState.choices)

    class Meta:
        model = GradeApplication
        fields = ["under", "campaign", "state"]

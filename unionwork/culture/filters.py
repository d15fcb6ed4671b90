"""Filter sets of the culture lists. Filtering by a unit (``under``) includes its subtree."""

import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.culture.models import (
    Base,
    BaseKind,
    Experience,
    Meeting,
    Nomination,
    NominationState,
    Position,
    PositionKind,
    Talent,
    TalentLevel,
    Team,
    TeamKind,
    Topic,
)

YES_NO = [("1", _("是")), ("0", _("否"))]


class _Open(StyledFilterSet):
    open = django_filters.ChoiceFilter(label=_("在用"), choices=YES_NO, method="filter_open")

    def filter_open(self, qs, name, value):
        return qs.filter(closed_on__isnull=value == "1")


class PositionFilter(_Open):
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=PositionKind.choices)

    class Meta:
        model = Position
        fields = ["under", "kind", "open"]


class TeamFilter(_Open):
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=TeamKind.choices)

    class Meta:
        model = Team
        fields = ["under", "kind", "open"]


class BaseFilter(_Open):
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=BaseKind.choices)

    class Meta:
        model = Base
        fields = ["under", "kind", "open"]


class NominationFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=NominationState.choices)

    class Meta:
        model = Nomination
        fields = ["under", "state", "round"]


class TalentFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    level = django_filters.ChoiceFilter(label=_("级别"), choices=TalentLevel.choices)

    class Meta:
        model = Talent
        fields = ["under", "level"]


class ExperienceFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    topic = django_filters.ChoiceFilter(label=_("主题"), choices=Topic.choices)
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Experience
        fields = ["under", "topic", "year"]


class MeetingFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    topic = django_filters.ChoiceFilter(label=_("主题"), choices=Topic.choices)
    year = django_filters.NumberFilter(label=_("年度"), field_name="held_on__year")

    class Meta:
        model = Meeting
        fields = ["under", "topic", "year"]

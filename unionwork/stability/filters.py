"""Filter sets of the stability lists: one per model, for the page and any API alike.
Filtering by a unit (``under``) includes its whole subtree."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.stability.models import (
    OPEN_STATES,
    AccountabilityDecision,
    AccountabilityKind,
    Case,
    CaseKind,
    CaseState,
    Incident,
    IncidentKind,
    Industry,
    PeriodKind,
    Petition,
    PetitionChannel,
    ReceptionDay,
    Report,
    Severity,
)

YES_NO = [("1", _("是")), ("0", _("否"))]


def _date_widget():
    from unionwork.core.forms import DateInput

    return DateInput()


def _day_start(value: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _day_end(value: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.max))


class ReportFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    period_kind = django_filters.ChoiceFilter(label=_("报告类型"), choices=PeriodKind.choices)
    month = django_filters.CharFilter(label=_("月份（如 2026-03）"), method="filter_month")
    is_nil = django_filters.ChoiceFilter(label=_("零报告"), choices=YES_NO, method="filter_bool")
    is_late = django_filters.ChoiceFilter(label=_("迟报"), choices=YES_NO, method="filter_bool")

    class Meta:
        model = Report
        fields = ["under", "period_kind", "month", "is_nil", "is_late"]

    def filter_month(self, qs, name, value):
        try:
            first = datetime.date.fromisoformat(value.strip() + "-01")
        except ValueError:
            return qs.none()
        last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
            days=1
        )
        return qs.filter(period_start__range=(first, last))

    def filter_bool(self, qs, name, value):
        return qs.filter(**{name: value == "1"})


class IncidentFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("企业名称"), field_name="enterprise_name", lookup_expr="icontains")
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=IncidentKind.choices)
    severity = django_filters.ChoiceFilter(label=_("等级"), choices=Severity.choices)
    industry = django_filters.ChoiceFilter(label=_("行业"), choices=Industry.choices)
    timeliness = django_filters.ChoiceFilter(
        label=_("报告及时性"),
        method="filter_timeliness",
        choices=[("on_time", _("按时")), ("late", _("迟报")), ("concealed", _("瞒报"))],
    )
    since = django_filters.DateFilter(label=_("报告日期起"), method="filter_since", widget=_date_widget())
    until = django_filters.DateFilter(label=_("报告日期止"), method="filter_until", widget=_date_widget())

    class Meta:
        model = Incident
        fields = ["q", "under", "kind", "severity", "industry", "timeliness", "since", "until"]

    def filter_timeliness(self, qs, name, value):
        return qs.filter(
            {
                "on_time": Q(is_late=False, concealed=False),
                "late": Q(is_late=True, concealed=False),
                "concealed": Q(concealed=True),
            }[value]
        )

    def filter_since(self, qs, name, value):
        return qs.filter(reported_at__gte=_day_start(value))

    def filter_until(self, qs, name, value):
        return qs.filter(reported_at__lte=_day_end(value))


class CaseFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("案件名称"), field_name="title", lookup_expr="icontains")
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("案件类型"), choices=CaseKind.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=CaseState.choices)
    severity = django_filters.ChoiceFilter(label=_("等级"), choices=Severity.choices)
    open = django_filters.ChoiceFilter(label=_("未办结"), choices=YES_NO, method="filter_open")
    overdue = django_filters.ChoiceFilter(label=_("逾期"), choices=YES_NO, method="filter_overdue")
    mine = django_filters.ChoiceFilter(label=_("我包案的"), choices=YES_NO, method="filter_mine")
    since = django_filters.DateFilter(label=_("立案日期起"), method="filter_since", widget=_date_widget())
    until = django_filters.DateFilter(label=_("立案日期止"), method="filter_until", widget=_date_widget())

    class Meta:
        model = Case
        fields = ["q", "under", "kind", "state", "severity", "open", "overdue", "mine", "since", "until"]

    def filter_open(self, qs, name, value):
        return qs.filter(state__in=OPEN_STATES) if value == "1" else qs.filter(state=CaseState.VERIFIED)

    def filter_overdue(self, qs, name, value):
        overdue = Q(state__in=OPEN_STATES, due_at__lt=timezone.now())
        return qs.filter(overdue) if value == "1" else qs.exclude(overdue)

    def filter_mine(self, qs, name, value):
        user = getattr(self.request, "user", None)
        return qs.filter(owner=user) if value == "1" else qs.exclude(owner=user)

    def filter_since(self, qs, name, value):
        return qs.filter(opened_at__gte=_day_start(value))

    def filter_until(self, qs, name, value):
        return qs.filter(opened_at__lte=_day_end(value))


class PetitionFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    channel = django_filters.ChoiceFilter(label=_("方式"), choices=PetitionChannel.choices)
    kind = django_filters.ChoiceFilter(label=_("诉求类型"), choices=IncidentKind.choices)
    is_first = django_filters.ChoiceFilter(label=_("初信初访"), choices=YES_NO, method="filter_first")
    since = django_filters.DateFilter(
        label=_("日期起"), field_name="received_on", lookup_expr="gte", widget=_date_widget()
    )
    until = django_filters.DateFilter(
        label=_("日期止"), field_name="received_on", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = Petition
        fields = ["under", "channel", "kind", "is_first", "since", "until"]

    def filter_first(self, qs, name, value):
        return qs.filter(is_first=value == "1")


class ReceptionFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    since = django_filters.DateFilter(
        label=_("日期起"), field_name="date", lookup_expr="gte", widget=_date_widget()
    )
    until = django_filters.DateFilter(
        label=_("日期止"), field_name="date", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = ReceptionDay
        fields = ["under", "since", "until"]


class AccountabilityFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("单位（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("处理方式"), choices=AccountabilityKind.choices)
    since = django_filters.DateFilter(
        label=_("日期起"), field_name="decided_on", lookup_expr="gte", widget=_date_widget()
    )
    until = django_filters.DateFilter(
        label=_("日期止"), field_name="decided_on", lookup_expr="lte", widget=_date_widget()
    )

    class Meta:
        model = AccountabilityDecision
        fields = ["under", "kind", "since", "until"]

"""Filter sets of the bargaining lists (pages and API alike). ``under`` includes the subtree."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import (
    FOREIGN,
    BargainingRound,
    Congress,
    CongressKind,
    Contract,
    ContractKind,
    ContractLevel,
    ContractStatus,
    Instructor,
    RoundOutcome,
    StandardEnterprise,
    TripartiteMeeting,
)
from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.founding.models import Enterprise, Ownership

YES_NO = [("1", _("是")), ("0", _("否"))]


class ContractFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("合同名称或企业方"), method="search")
    under = SubtreeFilter(label=_("签约工会（含下级）"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ContractStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("合同类型"), choices=ContractKind.choices)
    level = django_filters.ChoiceFilter(label=_("层级"), choices=ContractLevel.choices)

    class Meta:
        model = Contract
        fields = ["q", "under", "status", "kind", "level"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(title__icontains=value) | Q(employer_party__icontains=value)) if value else qs


class CongressFilter(StyledFilterSet):
    under = SubtreeFilter(label=_("工会（含下级）"))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CongressKind.choices)
    overdue = django_filters.ChoiceFilter(label=_("逾期未召开"), choices=YES_NO, method="filter_overdue")

    class Meta:
        model = Congress
        fields = ["under", "kind", "overdue"]

    def filter_overdue(self, qs, name, value):
        today = timezone.localdate()
        return qs.filter(next_due_on__lt=today) if value == "1" else qs.filter(next_due_on__gte=today)


class InstructorFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("姓名或工作单位"), method="search")
    under = SubtreeFilter(label=_("所属工会（含下级）"))
    serving = django_filters.ChoiceFilter(label=_("在任"), choices=YES_NO, method="filter_serving")

    class Meta:
        model = Instructor
        fields = ["q", "under", "serving"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        return qs.filter(Q(name__icontains=value) | Q(employer__icontains=value)) if value else qs

    def filter_serving(self, qs, name, value):
        return qs.filter(left_on__isnull=value == "1")


LACKING = [
    ("contract", _("缺生效集体合同")),
    ("wage", _("缺工资专项集体合同")),
    ("congress", _("缺职代会（或逾期）")),
    ("three", _("未实现三同时")),
    ("held", _("已实现三同时")),
]


def enterprise_search(qs, value):
    """Enterprises by a part of their name or the start of their unified social credit code."""
    value = (value or "").strip()
    return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper())) if value else qs


class StandardFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="search")
    under = SubtreeFilter(label=_("所在地区（含下级）"), path_field="community__path")
    ownership = django_filters.ChoiceFilter(
        label=_("登记注册类型"), choices=[c for c in Ownership.choices if c[0] in FOREIGN]
    )

    class Meta:
        model = StandardEnterprise
        fields = ["q", "under", "ownership"]

    def search(self, qs, name, value):
        return enterprise_search(qs, value)


class ThreeAtOnceFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("企业名称或信用代码"), method="search")
    under = SubtreeFilter(label=_("所在地区（含下级）"), path_field="community__path")
    lacking = django_filters.ChoiceFilter(label=_("情况"), choices=LACKING, method="filter_lacking")

    class Meta:
        model = Enterprise
        fields = ["q", "under", "lacking"]

    def search(self, qs, name, value):
        return enterprise_search(qs, value)

    def filter_lacking(self, qs, name, value):
        # On the conditions themselves (NOT EXISTS), not on the 0/1 flags the rows show: the
        # planner cannot estimate "CASE … = 0", took it for a few rows and sorted the city's
        # 35,000 enterprises by name for a page of them.
        today = timezone.localdate()
        contract, congress = bi.contract_exists(today), bi.congress_exists(today)
        lacking = {
            "contract": ~contract,
            "wage": ~bi.contract_exists(today, ContractKind.WAGE),
            "congress": ~congress,
            "three": ~contract | ~congress,  # the rows are the covered ones (three_at_once_rows)
        }
        if value == "held":
            return qs.filter(contract, congress)
        return qs.filter(lacking[value]) if value in lacking else qs


class RoundFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("协商事项"), field_name="subject", lookup_expr="icontains")
    under = SubtreeFilter(label=_("协商工会（含下级）"))
    level = django_filters.ChoiceFilter(label=_("层级"), choices=ContractLevel.choices)
    outcome = django_filters.ChoiceFilter(label=_("结果"), choices=RoundOutcome.choices)

    class Meta:
        model = BargainingRound
        fields = ["q", "under", "level", "outcome"]


class TripartiteFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("议题"), field_name="topics", lookup_expr="icontains")
    under = SubtreeFilter(label=_("工会（含下级）"))

    class Meta:
        model = TripartiteMeeting
        fields = ["q", "under"]

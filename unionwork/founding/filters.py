"""Filters of the enterprise and union lists: one set per model for the page and the API."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.founding import queries
from unionwork.founding.models import (
    Enterprise,
    EnterpriseStatus,
    Expectation,
    GrassrootsUnion,
    Industry,
    Ownership,
    UnionStatus,
)
from unionwork.orgs.models import OrgKind

_CODE_LIKE = re.compile(r"^[0-9A-Za-z]+$")
YES_NO = [("yes", _("是")), ("no", _("否"))]
# The three parts of the founding indicator (建会率): the lists its figures link to.
FOUNDING_CHOICES = [("expected", _("应建会")), ("founded", _("已建会")), ("missing", _("未建会"))]


class _Compact(StyledFilterSet):
    def filter_yes_no(self, qs, name, value):
        return qs.filter(**{name: value == "yes"}) if value in ("yes", "no") else qs


class EnterpriseFilter(_Compact):
    q = django_filters.CharFilter(label=_("名称/信用代码"), method="search")
    under = SubtreeFilter(label=_("所在地区（含下级）"), path_field="community__path")
    ownership = django_filters.ChoiceFilter(label=_("登记注册类型"), choices=Ownership.choices)
    industry = django_filters.ChoiceFilter(label=_("行业门类"), choices=Industry.choices)
    has_union = django_filters.ChoiceFilter(label=_("已建会"), choices=YES_NO, method="filter_has_union")
    expected = django_filters.ChoiceFilter(
        label=_("应建会情况"), choices=Expectation.choices, method="filter_expected"
    )
    founding = django_filters.ChoiceFilter(
        label=_("建会率口径"), choices=FOUNDING_CHOICES, method="filter_founding"
    )
    status = django_filters.ChoiceFilter(label=_("经营状态"), choices=EnterpriseStatus.choices)
    is_key_project = django_filters.ChoiceFilter(label=_("重点项目"), choices=YES_NO, method="filter_yes_no")

    class Meta:
        model = Enterprise
        fields = [
            "q",
            "under",
            "ownership",
            "industry",
            "has_union",
            "expected",
            "founding",
            "status",
            "is_key_project",
        ]

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        if not _CODE_LIKE.match(value):
            # Not the start of a credit code (those are digits and capital letters): the name
            # alone, which PostgreSQL answers from its trigram index (an OR would scan).
            return qs.filter(name__icontains=value)
        return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def filter_has_union(self, qs, name, value):
        if value == "yes":
            return qs.filter(queries.covered_q())
        if value == "no":
            return qs.exclude(queries.covered_q())
        return qs

    def filter_founding(self, qs, name, value):
        """Exactly the founding indicator's definition, so a list opened from a figure has its length."""
        if value == "expected":
            return qs.filter(queries.expected_q())
        if value == "founded":
            return qs.filter(queries.expected_q() & queries.covered_q())
        if value == "missing":
            return qs.filter(queries.expected_q()).exclude(queries.covered_q())
        return qs

    def filter_expected(self, qs, name, value):
        return qs.filter(queries.expectation_filter(value)) if value else qs


class GrassrootsUnionFilter(_Compact):
    q = django_filters.CharFilter(label=_("名称/主席"), method="search")
    under = SubtreeFilter(label=_("所属组织（含下级）"), path_field="unit__path")
    kind = django_filters.ChoiceFilter(
        label=_("类型"),
        field_name="unit__kind",
        choices=[
            (OrgKind.GRASSROOTS.value, OrgKind.GRASSROOTS.label),
            (OrgKind.JOINT.value, OrgKind.JOINT.label),
        ],
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=UnionStatus.choices)
    is_project_union = django_filters.ChoiceFilter(
        label=_("项目工会"), choices=YES_NO, method="filter_yes_no"
    )
    chairman_directly_elected = django_filters.ChoiceFilter(
        label=_("主席直选"), choices=YES_NO, method="filter_yes_no"
    )
    year = django_filters.NumberFilter(label=_("建会年度"), field_name="founded_on", lookup_expr="year")

    class Meta:
        model = GrassrootsUnion
        fields = ["q", "under", "kind", "status", "is_project_union", "chairman_directly_elected", "year"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(unit__name__icontains=value) | Q(chairman_name__icontains=value))

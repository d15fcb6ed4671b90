"""The filters of the member list (one set for the page and the export)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import SubtreeFilter as CoreSubtreeFilter
from unionwork.members import queries
from unionwork.members.models import CardStatus, EmploymentForm, Member, MemberStatus


class SubtreeFilter(CoreSubtreeFilter):
    """A unit by code or id, in the user's scope, with its subtree (an index range on org_path)."""

    def filter(self, qs, value):
        if not value:
            return qs
        unit = self.unit(value, getattr(self.parent.request, "user", None))
        return qs.none() if unit is None else qs.under(unit)


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名/拼音/身份证号"), method="search")
    under = SubtreeFilter(label=_("所属组织（含下级）"))
    status = django_filters.ChoiceFilter(label=_("会籍状态"), choices=MemberStatus.choices)
    employment_form = django_filters.ChoiceFilter(label=_("用工形式"), choices=EmploymentForm.choices)
    card_status = django_filters.ChoiceFilter(label=_("会员卡"), choices=CardStatus.choices)

    class Meta:
        model = Member
        fields = ["q", "under", "status", "employment_form", "card_status"]

    def search(self, qs, name, value):
        return queries.search_members(qs, value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

"""The filters of the member list (one set for the page and the export)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet
from unionwork.core.filters import SubtreeFilter as CoreSubtreeFilter
from unionwork.members import queries
from unionwork.members.models import CardStatus, EmploymentForm, Member, MemberStatus, Transit, TransitStatus


class SubtreeFilter(CoreSubtreeFilter):
    """A unit by code or id, in the user's scope, with its subtree (an index range on org_path)."""

    def filter(self, qs, value):
        if not value:
            return qs
        unit = self.unit(value, getattr(self.parent.request, "user", None))
        return qs.none() if unit is None else qs.under(unit)


class MemberFilter(StyledFilterSet):
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


class TransitSubtreeFilter(CoreSubtreeFilter):
    """Transfers released from a unit's subtree (an index range on the releasing union's path)."""

    def filter(self, qs, value):
        if not value:
            return qs
        from unionwork.core.scope import prefix_q

        unit = self.unit(value, getattr(self.parent.request, "user", None))
        return qs.none() if unit is None else qs.filter(prefix_q("from_path", unit.path))


class TransitFilter(StyledFilterSet):
    """Members in transit and floating: by state, releasing subtree, age, and what awaits us."""

    q = django_filters.CharFilter(label=_("姓名/拼音"), method="search")
    under = TransitSubtreeFilter(label=_("转出组织（含下级）"))
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=TransitStatus.choices,
        method="by_status",
        empty_label=_("未办结（途中和流动）"),
    )
    min_age = django_filters.NumberFilter(label=_("转出天数不少于"), method="by_age")
    pending = django_filters.ChoiceFilter(
        label=_("待本单位接收"),
        choices=[("1", _("仅看待本单位接收"))],
        method="by_pending",
        empty_label=_("全部"),
    )

    class Meta:
        model = Transit
        fields = ["q", "under", "status", "min_age", "pending"]

    def search(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        ids = queries.search_members(Member.objects.all(), value).values("pk")
        return qs.filter(member__in=ids)

    def by_status(self, qs, name, value):
        return qs.filter(status=value) if value else qs

    def by_age(self, qs, name, value):
        if value in (None, ""):
            return qs
        import datetime

        from django.utils import timezone

        return qs.filter(released_on__lte=timezone.localdate() - datetime.timedelta(days=int(value)))

    def by_pending(self, qs, name, value):
        if not value:
            return qs
        user = getattr(self.request, "user", None)
        return qs.filter(pk__in=queries.pending_acceptances(user).values("pk"))

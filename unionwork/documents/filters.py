"""Filter sets of the documents lists (pages and API alike)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.documents.models import Dispatch, DocKind, DocState, Document, SupervisionItem


class DocumentFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("文号或标题"), method="filter_q")
    under = SubtreeFilter(label=_("发文机关（含下级）"), path_field="issuer__path")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=DocState.choices)
    kind = django_filters.ChoiceFilter(label=_("文种"), choices=DocKind.choices)
    year = django_filters.NumberFilter(label=_("年份"), field_name="year")

    class Meta:
        model = Document
        fields = ["q", "under", "state", "kind", "year"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value))


class DispatchFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("文号或标题"), method="filter_q")
    status = django_filters.ChoiceFilter(
        label=_("签收情况"),
        choices=[("unread", _("未读")), ("read", _("已阅未签收")), ("acknowledged", _("已签收"))],
        method="filter_status",
    )

    own = django_filters.ChoiceFilter(
        label=_("范围"), choices=[("1", _("仅本单位")), ("0", _("下级单位"))], method="filter_own"
    )

    class Meta:
        model = Dispatch
        fields = ["q", "status", "own"]

    def filter_own(self, qs, name, value):
        org_id = getattr(getattr(self.request, "user", None), "org_id", None)
        return qs.filter(recipient_id=org_id) if value == "1" else qs.exclude(recipient_id=org_id)

    def filter_q(self, qs, name, value):
        return qs.filter(Q(document__number__icontains=value) | Q(document__title__icontains=value))

    def filter_status(self, qs, name, value):
        if value == "unread":
            return qs.filter(read_at__isnull=True)
        if value == "read":
            return qs.filter(read_at__isnull=False, acknowledged_at__isnull=True)
        return qs.filter(acknowledged_at__isnull=False)


class ItemFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("事项或文号"), method="filter_q")
    open = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("1", _("办理中")), ("0", _("已关闭"))], method="filter_open"
    )

    class Meta:
        model = SupervisionItem
        fields = ["q", "open"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(document__number__icontains=value))

    def filter_open(self, qs, name, value):
        return qs.filter(closed_at__isnull=value == "1")

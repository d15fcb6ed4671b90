import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.conf import settings as filter_settings

from unionwork.core.filters import StyledFilterSet, SubtreeFilter
from unionwork.core.forms import DateInput
from unionwork.core.models import AuditEvent, SecurityEvent


class _EventFilter(StyledFilterSet):
    """The period and the subtree, shared by the audit trail and the security events."""

    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("起始日期"), widget=DateInput()
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("截止日期"), widget=DateInput()
    )
    under = SubtreeFilter(path_field="org_path")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in Meta.fields' order (declared here, the shared ones would come first)
        order = [n for n in self._meta.fields if n in self.filters]
        self.filters = {n: self.filters[n] for n in [*order, *(n for n in self.filters if n not in order)]}


class AuditEventFilter(_EventFilter):
    actor = django_filters.CharFilter(field_name="actor_label", lookup_expr="icontains", label=_("操作人"))
    q = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains", label=_("对象"))
    # Chosen by their Chinese names; the choices are filled in __init__ (modules add verbs and models).
    model = django_filters.ChoiceFilter(field_name="model", label=_("对象类型"))
    verb = django_filters.ChoiceFilter(field_name="verb", label=_("操作"))
    source = django_filters.CharFilter(field_name="source", lookup_expr="startswith", label=_("来源"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "q", "model", "verb", "source", "since", "until", "under"]

    def __init__(self, *args, **kwargs):
        from django.apps import apps

        from unionwork.core.audit.labels import verb_choices

        super().__init__(*args, **kwargs)
        self.filters["verb"].extra["choices"] = verb_choices()
        self.filters["model"].extra["choices"] = sorted(
            (
                (m._meta.label_lower, str(m._meta.verbose_name))
                for m in apps.get_models()
                if m._meta.app_label != "auth" and m.__module__.startswith("unionwork.")
            ),
            key=lambda c: c[1],
        )
        unset = ("", filter_settings.EMPTY_CHOICE_LABEL)  # 全部, as on every list
        self.form.fields["verb"].choices = [unset, *self.filters["verb"].extra["choices"]]
        self.form.fields["model"].choices = [unset, *self.filters["model"].extra["choices"]]


class SecurityEventFilter(_EventFilter):
    kind = django_filters.ChoiceFilter(field_name="kind", choices=SecurityEvent.Kind.choices, label=_("事件"))
    username = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label=_("用户名"))
    ip = django_filters.CharFilter(field_name="ip", lookup_expr="startswith", label=_("客户端地址"))
    path = django_filters.CharFilter(field_name="path", lookup_expr="icontains", label=_("请求地址"))

    class Meta:
        model = SecurityEvent
        fields = ["kind", "username", "ip", "path", "since", "until", "under"]

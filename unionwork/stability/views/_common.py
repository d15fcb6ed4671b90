"""What the stability pages share: the parameters they read, the list and form bases."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from unionwork.core.views import ActionFormView, ScopedListView
from unionwork.stability import actions, queries


def _date_param(request, name: str, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _month_param(request, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return default


def _node_context(request):
    node = queries.node_for(request.user, request.GET.get("node"))
    return node, queries.ancestors_in_scope(request.user, node)


class StabilityList(ScopedListView):
    template_name = "stability/list.html"
    links: list[tuple[str, str]] = []  # (url name, label) shown beside the title

    def extra_context(self) -> dict:
        return {"links": [(reverse(name), label) for name, label in self.links]}


class StabilityForm(ActionFormView):
    """Stability's forms: its own template (the ``intro`` above the form), and the acting user
    given to the form (the units it offers)."""

    template_name = "stability/form.html"

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}


class CityAdminForm(StabilityForm):
    action = "manage"
    success = "stability:rules"

    def check_role(self):
        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以设置此项。"))

    def form_kwargs(self):
        return {}

    def success_url(self, result):
        return reverse(self.success)


class AmendView(StabilityForm):
    """A correction of a record, with its reason: the form (an ``ActionModelForm``) names the model
    and the fields that may be corrected; ``amend`` is the action. Only changed fields are sent."""

    amend = None  # staticmethod(actions.amend_…)

    object_action = "change"

    @property
    def model(self):
        return self.form_class._meta.model

    def form_kwargs(self):
        return {}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in self.form_class._meta.fields}

    def perform(self, form):
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        changes = {k: v for k, v in d.items() if getattr(self.object, k) != v}
        return self.amend(self.request.user, self.object, reason=reason, **changes)

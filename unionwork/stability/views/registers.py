"""Petitions, reception days, emergency handling, accountability and the leading group
(as `stability.actions.registers`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from unionwork.core.errors import ActionError
from unionwork.core.views import Column, history_of
from unionwork.orgs.models import OrgUnit
from unionwork.stability import actions, forms, queries
from unionwork.stability.filters import (
    AccountabilityFilter,
    PetitionFilter,
    ReceptionFilter,
)
from unionwork.stability.models import (
    AccountabilityDecision,
    EmergencyResponse,
    Incident,
    LeadingGroupMember,
    Petition,
    ReceptionDay,
)
from unionwork.stability.views._common import StabilityForm, StabilityList, _node_context

_lazy = gettext_lazy


class PetitionListView(StabilityList):
    model = Petition
    filterset_class = PetitionFilter
    title = _lazy("信访")
    select_related = ("org", "case")
    default_sort = "-registered_at"
    create_url = reverse_lazy("stability:petition-create")
    columns = [
        Column("pk", _lazy("编号"), sort="id"),
        Column("received_on", _lazy("日期"), sort="received_on"),
        Column("get_channel_display", sort="channel"),
        Column("first_display", _lazy("初信初访"), sort="is_first"),
        Column("org.name", sort="org__path"),
        Column("petitioner"),
        Column("people", sort="people"),
        Column("get_kind_display", sort="kind"),
        Column("enterprise_name"),
        Column("case.get_state_display", _lazy("办理状态")),
    ]


class PetitionCreateView(StabilityForm):
    form_class = forms.PetitionForm
    title = _lazy("信访登记")
    intro = _lazy("同一信访人此前未信访过的，系统自动标记为初信、初访。力争把矛盾化解在初信初访阶段。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.register_petition(self.request.user, d.pop("org"), **d)


@require_safe
def petition_detail(request, pk):
    petition = Petition.objects.select_related("org", "case").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "stability/petition_detail.html",
        {
            "petition": petition,
            "history": history_of(petition),
            "may_change": request.user.may("change"),
        },
    )


@require_POST
def petition_open_case(request, pk):
    petition = Petition.objects.get_in_scope(request.user, "change", pk=pk)
    try:
        actions.open_case_from_petition(request.user, petition)
    except ActionError as exc:
        messages.error(request, " ".join(exc.messages))
    petition.refresh_from_db()
    return redirect(petition.case.get_absolute_url() if petition.case_id else petition.get_absolute_url())


class ReceptionListView(StabilityList):
    model = ReceptionDay
    filterset_class = ReceptionFilter
    title = _lazy("主席接待日")
    select_related = ("org",)
    default_sort = "-date"
    create_url = reverse_lazy("stability:reception-create")
    columns = [
        Column("date", sort="date"),
        Column("org.name", sort="org__path"),
        Column("host"),
        Column("place"),
        Column("note"),
    ]


class ReceptionCreateView(StabilityForm):
    form_class = forms.ReceptionForm
    title = _lazy("安排主席接待日")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.schedule_reception(self.request.user, d.pop("org"), **d)


@require_safe
def reception_detail(request, pk):
    day = ReceptionDay.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "stability/reception_detail.html",
        {
            "day": day,
            "visits": queries.visits_of(day),
            "history": history_of(day),
            "may_change": request.user.may("change"),
            "form": forms.VisitForm(),
            "is_past": day.date <= timezone.localdate(),
        },
    )


class ReceptionVisitView(StabilityForm):
    form_class = forms.VisitForm
    title = _lazy("登记接待记录")

    model = ReceptionDay
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        actions.record_reception_visit(self.request.user, self.object, **form.cleaned_data)
        return self.object


# ---------------------------------------------------------------------------------------------
# Emergencies


class EmergencyStartView(StabilityForm):
    form_class = forms.EmergencyStartForm
    title = _lazy("启动应急处置")

    model = Incident
    object_action = "change"

    def form_kwargs(self):
        return {}

    def get_context_data(self, **kwargs):
        plan = actions.plan_in_force_for(self.object.org)
        intro = _("依据预案：%(p)s") % {"p": plan.title} if plan else _("本单位及上级均未设置现行应急预案。")
        return super().get_context_data(**kwargs) | {"intro": intro}

    def perform(self, form):
        return actions.start_emergency_response(self.request.user, self.object, **form.cleaned_data)


@require_safe
def emergency(request):
    user = request.user
    plans = queries.plans_in_force(user)
    responses = queries.emergency_responses(user)
    own_plan = actions.plan_in_force_for(user.org) if user.org_id else None
    return render(
        request,
        "stability/emergency.html",
        {
            "plans": plans,
            "responses": responses,
            "own_plan": own_plan,
            "may_manage": user.may("manage"),
        },
    )


class PlanAdoptView(StabilityForm):
    form_class = forms.PlanForm
    title = _lazy("启用应急预案")
    action = "manage"
    intro = _lazy("新预案启用后，本单位原有预案自动停用并留存。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        actions.adopt_emergency_plan(self.request.user, d.pop("org"), **d)
        return None

    def success_url(self, result):
        return reverse("stability:emergency")


@require_safe
def emergency_detail(request, pk):
    response = EmergencyResponse.objects.select_related("org", "incident", "plan").get_in_scope(
        request.user, pk=pk
    )
    return render(
        request,
        "stability/emergency_detail.html",
        {
            "response": response,
            "log": queries.log_of(response),
            "history": history_of(response),
            "may_change": request.user.may("change"),
            "log_form": forms.LogForm(),
            "close_form": forms.CloseEmergencyForm(),
        },
    )


class EmergencyLogView(StabilityForm):
    form_class = forms.LogForm
    title = _lazy("记录处置情况")
    submit_label = _lazy("记录")

    model = EmergencyResponse
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        actions.log_emergency(self.request.user, self.object, **form.cleaned_data)
        return self.object


class EmergencyCloseView(EmergencyLogView):
    form_class = forms.CloseEmergencyForm
    title = _lazy("结束应急处置")
    submit_label = _lazy("结束")

    def perform(self, form):
        return actions.close_emergency_response(self.request.user, self.object, **form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# Accountability and the leading group


class AccountabilityListView(StabilityList):
    model = AccountabilityDecision
    filterset_class = AccountabilityFilter
    title = _lazy("问责登记")
    select_related = ("org", "decided_by")
    default_sort = "-decided_on"
    create_url = reverse_lazy("stability:accountability-pick")
    columns = [
        Column("decided_on", sort="decided_on"),
        Column("org.name", sort="org__path"),
        Column("get_kind_display", sort="kind"),
        Column("decided_by.name"),
        Column("document_number"),
        Column("persons"),
        Column("reason"),
    ]


@require_safe
def accountability_pick(request):
    """Choose the lower unit a decision is about, then fill in the decision."""
    if not request.user.may("manage"):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    form = forms.UnitPickForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        return redirect("stability:accountability-create", org_id=form.cleaned_data["org"].pk)
    return render(
        request,
        "stability/form.html",
        {
            "form": form,
            "title": _("登记问责：选择单位"),
            "submit_label": _("下一步"),
            "method": "get",
            "intro": _("问责由上级作出：选择本单位的下级单位。"),
        },
    )


# Read by core.views.may_open: links to this page show to managers only.
accountability_pick.required_action = "manage"


class AccountabilityCreateView(StabilityForm):
    form_class = forms.AccountabilityForm
    title = _lazy("登记问责")
    action = "manage"

    model = OrgUnit
    object_action = "manage"
    pk_url_kwarg = "org_id"

    def form_kwargs(self):
        return {"unit": self.object}

    def get_initial(self):
        return {"decided_on": timezone.localdate()}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_accountability(self.request.user, self.object, **d)


@require_safe
def accountability_detail(request, pk):
    decision = AccountabilityDecision.objects.select_related("org", "decided_by").get_in_scope(
        request.user, pk=pk
    )
    causes = queries.causes_of(decision)
    return render(
        request,
        "stability/accountability_detail.html",
        {
            "decision": decision,
            "causes": causes,
            "history": history_of(decision),
        },
    )


@require_safe
def group(request):
    """The leading group of a unit (the user's own by default)."""
    node, ancestors = _node_context(request)
    return render(
        request,
        "stability/group.html",
        {
            "node": node,
            "ancestors": ancestors,
            "members": queries.group_of(request.user, node),
            "may_manage": request.user.may("manage"),
            "children": queries.active_children(request.user, node),
        },
    )


class GroupAddView(StabilityForm):
    form_class = forms.GroupMemberForm
    title = _lazy("增加领导小组成员")
    action = "manage"

    model = OrgUnit
    object_action = "manage"
    pk_url_kwarg = "org_id"

    def form_kwargs(self):
        return {"unit": self.object}

    def perform(self, form):
        actions.add_group_member(self.request.user, self.object, **form.cleaned_data)
        return self.object

    def success_url(self, result):
        return reverse("stability:group") + f"?node={result.pk}"


class GroupEndView(StabilityForm):
    form_class = forms.ReasonForm
    title = _lazy("成员离任")
    action = "manage"
    submit_label = _lazy("确认离任")

    model = LeadingGroupMember
    object_action = "manage"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.end_group_membership(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, result):
        return reverse("stability:group") + f"?node={result.org_id}"

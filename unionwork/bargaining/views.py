"""The bargaining pages: thin views over ``queries`` (reads) and ``actions`` (writes)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from unionwork.bargaining import actions, forms, queries
from unionwork.bargaining.filters import (
    CongressFilter,
    ContractFilter,
    InstructorFilter,
    RoundFilter,
    StandardFilter,
    ThreeAtOnceFilter,
    TripartiteFilter,
)
from unionwork.bargaining.models import (
    BargainingRound,
    Congress,
    Contract,
    Instructor,
    StandardEnterprise,
    TripartiteMeeting,
)
from unionwork.core import indicators
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.founding.models import Enterprise


class BargainingForm(ActionFormView):
    template_name = "bargaining/form.html"

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}


# --- home: the node's figures and its children -------------------------------------------------


@require_safe
def home(request):
    node = queries.node_for(request.user, request.GET.get("node"))
    month = indicators.month_from_request(request)
    return render(
        request,
        "bargaining/home.html",
        {
            "node": node,
            "ancestors": queries.ancestors_in_scope(request.user, node),
            "month": month,
            "figures": queries.node_figures(node, month),
            "children": queries.child_table(node, month),
            "expired": queries.expired_without_successor(request.user, node)[:20],
            "teams": queries.team_status(request.user, node),
        },
    )


home.required_action = "view"


# --- contracts ----------------------------------------------------------------------------------


class ContractListView(ScopedListView):
    model = Contract
    filterset_class = ContractFilter
    title = _lazy("集体合同")
    select_related = ("org",)
    default_sort = "-term_end"
    create_url = reverse_lazy("bargaining:contract-create")
    importer_name = "bargaining.contracts"
    columns = [
        Column("title", link=True, sort="title"),
        Column("get_kind_display", sort="kind"),
        Column("get_level_display", sort="level"),
        Column("org.name", sort="org__path"),
        Column("term_start", sort="term_start"),
        Column("term_end", sort="term_end"),
        Column("get_status_display", _lazy("状态"), sort="status"),
        Column("workers_covered", sort="workers_covered"),
        Column("wage_increase"),
        Column("filed_on"),
    ]

    def base_queryset(self):
        return queries.contracts(self.request.user, self.action)


@require_safe
def contract_detail(request, pk):
    contract = queries.contract_with_status(request.user, pk)
    return render(
        request,
        "bargaining/contract_detail.html",
        {
            "contract": contract,
            "coverage": queries.coverage_of(request.user, contract),
            "successor": queries.successor_of(request.user, contract),
            "history": history_of(contract),
        },
    )


class ContractCreateView(BargainingForm):
    form_class = forms.ContractForm
    title = _lazy("登记集体合同")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_contract(self.request.user, d.pop("org"), **d)


class ContractRenewView(ContractCreateView):
    """A new contract that renews the one of the URL (续签)."""

    title = _lazy("续签集体合同")
    model = Contract
    object_action = "change"

    def get_initial(self):
        c = self.object
        initial = {
            f: getattr(c, f)
            for f in forms.TERMS
            if f
            not in ("signed_on", "term_start", "term_end", "filed_on", "filing_department", "filing_result")
        }
        initial.update(
            org=c.org_id, level=c.level, enterprises=list(c.coverages.values_list("enterprise_id", flat=True))
        )
        return initial

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_contract(self.request.user, d.pop("org"), renews=self.object, **d)


class ContractEditView(BargainingForm):
    form_class = forms.ContractEditForm
    title = _lazy("修改集体合同")
    model = Contract
    object_action = "change"

    def get_initial(self):
        return {f: getattr(self.object, f) for f in forms.TERMS}

    def perform(self, form):
        d = dict(form.cleaned_data)
        document = d.pop("document", None)
        changes = {
            k: v
            for k, v in d.items()
            if getattr(self.object, k) != v and not (k == "workers_covered" and v is None)
        }
        return actions.update_contract(self.request.user, self.object, document=document, **changes)


class ContractWithdrawView(BargainingForm):
    form_class = forms.WithdrawForm
    title = _lazy("撤回集体合同")
    intro = _lazy("撤回的合同保留记录并注明原因，不再计入覆盖率。")
    model = Contract
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        d = form.cleaned_data
        return actions.withdraw_contract(self.request.user, self.object, reason=d["reason"], on=d["on"])


class ContractCoverView(BargainingForm):
    form_class = forms.CoverForm
    title = _lazy("增加覆盖企业")
    model = Contract
    object_action = "change"

    def perform(self, form):
        actions.cover_enterprises(self.request.user, self.object, form.cleaned_data["enterprises"])
        return self.object


# --- congresses ---------------------------------------------------------------------------------


class CongressListView(ScopedListView):
    model = Congress
    filterset_class = CongressFilter
    title = _lazy("职工代表大会")
    select_related = ("org",)
    default_sort = "next_due_on"
    create_url = reverse_lazy("bargaining:congress-create")
    importer_name = "bargaining.congresses"
    columns = [
        Column("org.name", link=True, sort="org__path"),
        Column("get_kind_display", sort="kind"),
        Column("established_on", sort="established_on"),
        Column("last_session_on", sort="last_session_on"),
        Column("next_due_on", sort="next_due_on"),
        Column("is_overdue", _lazy("逾期未召开")),
        Column("open_affairs"),
    ]

    def base_queryset(self):
        return queries.congresses(self.request.user, self.action)


@require_safe
def congress_detail(request, pk):
    congress = Congress.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "bargaining/congress_detail.html",
        {"congress": congress, "sessions": queries.sessions_of(congress), "history": history_of(congress)},
    )


class CongressCreateView(BargainingForm):
    form_class = forms.CongressForm
    title = _lazy("登记职代会建制")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_congress(self.request.user, d.pop("org"), **d)


class SessionCreateView(BargainingForm):
    form_class = forms.SessionForm
    title = _lazy("登记职代会会议")
    model = Congress
    object_action = "change"

    def perform(self, form):
        actions.record_session(self.request.user, self.object, **form.cleaned_data)
        return self.object


# --- three at once ------------------------------------------------------------------------------


class ThreeAtOnceListView(ScopedListView):
    model = Enterprise
    filterset_class = ThreeAtOnceFilter
    title = _lazy("三同时")
    select_related = ("community", "union")
    default_sort = "name"
    columns = [
        Column("name", sort="name"),
        Column("uscc"),
        Column("community.name", _lazy("所在村（社区）")),
        Column("union.name", _lazy("所在工会")),
        Column("contract_ok", _lazy("生效集体合同")),
        Column("wage_ok", _lazy("工资专项合同")),
        Column("congress_ok", _lazy("职代会")),
        Column("three_ok", _lazy("三同时"), sort="is_three", sort_at_scale=False),  # computed per row
        Column("first_held_on", _lazy("首次实现日期")),
    ]

    def base_queryset(self):
        return queries.three_at_once_rows(self.request.user)


# --- instructors --------------------------------------------------------------------------------


class InstructorListView(ScopedListView):
    model = Instructor
    filterset_class = InstructorFilter
    title = _lazy("工资协商指导员")
    select_related = ("org",)
    default_sort = "org__path"
    create_url = reverse_lazy("bargaining:instructor-create")
    importer_name = "bargaining.instructors"
    columns = [
        Column("name", link=True, sort="name"),
        Column("org.name", sort="org__path"),
        Column("employer"),
        Column("qualification"),
        Column("trained_on", sort="trained_on"),
        Column("rounds_attended", sort="rounds_attended"),
        Column("is_serving", _lazy("在任")),
    ]

    def base_queryset(self):
        return queries.instructors(self.request.user, self.action)


@require_safe
def instructor_detail(request, pk):
    instructor = Instructor.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "bargaining/instructor_detail.html",
        {
            "instructor": instructor,
            "assigned": queries.assigned_of(request.user, instructor),
            "history": history_of(instructor),
        },
    )


class InstructorCreateView(BargainingForm):
    form_class = forms.InstructorForm
    title = _lazy("登记工资协商指导员")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_instructor(self.request.user, d.pop("org"), **d)


class InstructorEndView(BargainingForm):
    form_class = forms.InstructorEndForm
    title = _lazy("指导员离任")
    model = Instructor
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        d = form.cleaned_data
        return actions.end_instructor(self.request.user, self.object, reason=d["reason"], on=d["on"])


def success_home():
    return reverse("bargaining:home")


# --- bargaining rounds and tripartite meetings --------------------------------------------------


class RoundListView(ScopedListView):
    model = BargainingRound
    filterset_class = RoundFilter
    title = _lazy("集体协商过程")
    select_related = ("org", "contract")
    default_sort = "-offered_on"
    create_url = reverse_lazy("bargaining:round-create")
    columns = [
        Column("subject", link=True, sort="subject"),
        Column("org.name", sort="org__path"),
        Column("get_level_display", sort="level"),
        Column("offered_on", sort="offered_on"),
        Column("get_offered_by_display"),
        Column("get_outcome_display", sort="outcome"),
        Column("contract.title", _lazy("签订的合同")),
        Column("failure_reason"),
    ]

    def base_queryset(self):
        return queries.rounds(self.request.user, self.action)


@require_safe
def round_detail(request, pk):
    r = BargainingRound.objects.select_related("org", "contract").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "bargaining/round_detail.html",
        {
            "round": r,
            "sessions": queries.round_sessions(r),
            "enterprises": queries.round_enterprises(request.user, r),
            "instructors": queries.round_instructors(request.user, r),
            "history": history_of(r),
        },
    )


class RoundCreateView(BargainingForm):
    form_class = forms.RoundForm
    title = _lazy("发出协商要约")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.open_round(self.request.user, d.pop("org"), **d)


class RoundSessionView(BargainingForm):
    form_class = forms.RoundSessionForm
    title = _lazy("登记协商会议")
    model = BargainingRound
    object_action = "change"

    def perform(self, form):
        actions.record_round_session(self.request.user, self.object, **form.cleaned_data)
        return self.object


class RoundConcludeView(BargainingForm):
    form_class = forms.ConcludeForm
    title = _lazy("协商结束")
    intro = _lazy("达成协议的选择签订的集体合同（先登记合同）；协商未果的写明原因。")
    model = BargainingRound
    object_action = "change"

    def perform(self, form):
        return actions.conclude_round(self.request.user, self.object, **form.cleaned_data)


class TripartiteListView(ScopedListView):
    model = TripartiteMeeting
    filterset_class = TripartiteFilter
    title = _lazy("三方协商会议")
    select_related = ("org",)
    default_sort = "-held_on"
    create_url = reverse_lazy("bargaining:tripartite-create")
    columns = [
        Column("held_on", link=True, sort="held_on"),
        Column("org.name", sort="org__path"),
        Column("topics"),
        Column("decisions"),
        Column("follow_up"),
    ]

    def base_queryset(self):
        return queries.tripartite_meetings(self.request.user, self.action)


@require_safe
def tripartite_detail(request, pk):
    m = TripartiteMeeting.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return render(request, "bargaining/tripartite_detail.html", {"meeting": m, "history": history_of(m)})


class TripartiteCreateView(BargainingForm):
    form_class = forms.TripartiteForm
    title = _lazy("登记三方协商会议")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_tripartite(self.request.user, d.pop("org"), **d)


# --- standardisation checklist of foreign-invested enterprises ---------------------------------


class StandardListView(ScopedListView):
    model = StandardEnterprise
    title = _lazy("外资企业规范化")
    filterset_class = StandardFilter
    select_related = ("community", "union")
    default_sort = "name"
    columns = [
        Column("name", link=True, sort="name"),
        Column("get_ownership_display", sort="ownership", sort_at_scale=False),
        Column("community.name", _lazy("所在村（社区）")),
        Column("union.name", _lazy("所在工会")),
        Column("met_count", _lazy("已达标项目"), sort="met_count", sort_at_scale=False),  # counted per row
        Column("items_total", _lazy("检查项目")),
    ]

    def base_queryset(self):
        return queries.standard_rows(self.request.user)

    def extra_context(self) -> dict:
        return {"title_note": ""}


@require_safe
def standard_detail(request, pk):
    e = StandardEnterprise.objects.select_related("community", "union").get_in_scope(request.user, pk=pk)
    checks = queries.checks_of(request.user, e)
    items = [(item, checks.get(item.pk)) for item in queries.standard_items().filter(active=True)]
    return render(request, "bargaining/standard_detail.html", {"enterprise": e, "items": items})


class StandardCheckView(BargainingForm):
    form_class = forms.StandardCheckForm
    title = _lazy("职代会规范化和工资集体协商标准化检查")
    intro = _lazy("逐项勾选已达标的项目；检查项目由市总工会管理员设置。")
    model = StandardEnterprise
    object_action = "view"

    def form_kwargs(self):
        return {
            "user": self.request.user,
            "items": queries.standard_items().filter(active=True),
            "checks": queries.checks_of(self.request.user, self.object),
        }

    def perform(self, form):
        d = form.cleaned_data
        met = {item.pk: bool(d.get(f"item_{item.pk}")) for item in form.items}
        actions.record_standard_checks(
            self.request.user, self.object, met=met, checked_on=d["checked_on"], note=d["note"]
        )
        return self.object

    def success_url(self, result):
        return reverse("bargaining:standard-detail", args=[result.pk])


class StandardItemCreateView(BargainingForm):
    form_class = forms.StandardItemForm
    title = _lazy("增加规范化检查项目")
    action = "manage"

    def check_role(self):
        from django.core.exceptions import PermissionDenied

        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_lazy("只有市总工会管理员可以设置检查项目。"))

    def perform(self, form):
        return actions.add_standard_item(self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("bargaining:standard-list")

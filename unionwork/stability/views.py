"""Pages of stability work: thin views that parse, call an action or a query, and render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.orgs.models import OrgUnit
from unionwork.stability import actions, forms, queries
from unionwork.stability import periods as P
from unionwork.stability.filters import (
    AccountabilityFilter,
    CaseFilter,
    IncidentFilter,
    PetitionFilter,
    ReceptionFilter,
    ReportFilter,
)
from unionwork.stability.indicators import OPEN_CASES
from unionwork.stability.models import (
    AccountabilityDecision,
    Case,
    CaseMove,
    EmergencyPlan,
    EmergencyResponse,
    HeightenedPeriod,
    Incident,
    IncidentKind,
    Industry,
    LeadingGroupMember,
    Notification,
    Petition,
    ReceptionDay,
    Report,
    Severity,
    SeverityRule,
)

_lazy = gettext_lazy


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


# ---------------------------------------------------------------------------------------------
# Home and figures


@require_safe
def home(request):
    """Reminders, the figures of the user's node (or a node below) with charts, and the links."""
    user = request.user
    node, ancestors = _node_context(request)
    today = timezone.localdate()
    since = _date_param(request, "since", today.replace(month=1, day=1))
    until = _date_param(request, "until", today)
    now = timezone.now()
    month = indicators.month_from_request(request)
    # 在办案件 is the kept indicator (as on the dashboard), at the chosen month's end.
    open_cases = indicators.value(OPEN_CASES.key, node, month)
    by_kind = queries.incidents_by(node, since, until, "kind", IncidentKind.choices)
    by_industry = [r for r in queries.incidents_by(node, since, until, "industry", Industry.choices) if r[2]]
    severity_table = queries.open_cases_by_severity(user, node, now)
    ages = queries.open_cases_by_age(node, now)
    charts = {
        "kind": {"labels": [r[1] for r in by_kind], "values": [r[2] for r in by_kind]},
        "industry": {"labels": [r[1] for r in by_industry], "values": [r[2] for r in by_industry]},
        "severity": {
            "labels": [str(label) for _v, label in Severity.choices],
            "values": [severity_table.total.get(s) for s in Severity.values],
        },
        "age": {
            "labels": [a[0] for a in ages],
            "series": [
                {"name": str(label), "values": [a[1][s] for a in ages]} for s, label in Severity.choices
            ],
        },
    }
    context = {
        "node": node,
        "ancestors": ancestors,
        "since": since,
        "until": until,
        "reminders": queries.reminders_for(user, now) if node.pk == user.org_id else [],
        "notifications": queries.notifications_for(user, unread_only=True, limit=5),
        "unread": queries.unread_count(user),
        "summary": queries.summary(node, since, until, now),
        "open_cases": open_cases.numerator,
        "month": month,
        "is_current_month": month == indicators.month_of(),
        # The severity table's total counts open cases by the territorial path only: for an
        # industrial union that is not the indicator (which also counts its linked units).
        "severity_total_is_indicator": node.kind != "industrial" and month == indicators.month_of(),
        "severity_table": severity_table,
        "kind_table": queries.incidents_by_kind(user, node, since, until),
        "charts": charts,
        "heightened": HeightenedPeriod.objects.filter(cancelled=False, ends_on__gte=today)
        .order_by("starts_on")
        .first(),
        "is_city_admin": actions.is_city_admin(user),
    }
    return render(request, "stability/home.html", context)


@require_safe
def timeliness(request):
    """Completeness and timeliness of reports (and incident reporting) per child, rolled up."""
    user = request.user
    node, ancestors = _node_context(request)
    today = timezone.localdate()
    month = P.month_start(
        _month_param(request, P.month_start(P.month_start(today) - datetime.timedelta(days=1)))
    )
    last = P.next_month(month) - datetime.timedelta(days=1)
    reports = queries.report_timeliness(user, node, month)
    chart_rows = reports.body
    chart = {
        "labels": [r.label for r in chart_rows],
        "series": [
            {"name": _("按时报送"), "values": [r.get("on_time") for r in chart_rows], "color": "#2e7d32"},
            {"name": _("迟报"), "values": [r.get("late") for r in chart_rows], "color": "#f9a825"},
            {"name": _("漏报"), "values": [r.get("missing") for r in chart_rows], "color": "#c62828"},
        ],
    }
    context = {
        "node": node,
        "ancestors": ancestors,
        "month": month,
        "prev_month": P.month_start(month - datetime.timedelta(days=1)),
        "next_month": P.next_month(month) if P.next_month(month) <= today else None,
        "reports": reports,
        "incidents": queries.incident_timeliness(user, node, month, last),
        "policy": P.get_policy(),
        "chart": chart,
    }
    return render(request, "stability/timeliness.html", context)


# ---------------------------------------------------------------------------------------------
# Shared bases


class StabilityList(ScopedListView):
    template_name = "stability/list.html"
    links: list[tuple[str, str]] = []  # (url name, label) shown beside the title

    def extra_context(self) -> dict:
        return {"links": [(reverse(name), label) for name, label in self.links]}


class StabilityForm(ActionFormView):
    template_name = "stability/form.html"
    intro = ""

    def get_form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def render_form(self, form, status=200):
        ctx = {
            "form": form,
            "title": self.title,
            "object": self.object,
            "submit_label": self.submit_label,
            "intro": self.intro,
        }
        return render(self.request, self.template_name, ctx, status=status)


class CityAdminForm(StabilityForm):
    action = "manage"
    success = "stability:rules"

    def check_role(self):
        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以设置此项。"))

    def get_form_kwargs(self):
        return {}

    def success_url(self, result):
        return reverse(self.success)


# ---------------------------------------------------------------------------------------------
# Reports


class ReportListView(StabilityList):
    model = Report
    filterset_class = ReportFilter
    title = _lazy("维稳信息报告")
    select_related = ("org", "filed_by")
    default_sort = "-filed_at"
    create_url = reverse_lazy("stability:report-file")
    links = [("stability:report-nil", _lazy("报零报告")), ("stability:timeliness", _lazy("及时率统计"))]
    columns = [
        Column("period_label", _lazy("报告期")),
        Column("org.name", _lazy("报送单位"), sort="org__path"),
        Column("nil_display", _lazy("情况")),
        Column("disputes_found", _lazy("排查纠纷"), sort="disputes_found"),
        Column("disputes_resolved", _lazy("化解纠纷")),
        Column("deadline", _lazy("截止时间"), sort="deadline"),
        Column("filed_at", _lazy("报送时间"), sort="filed_at"),
        Column("timeliness_display", _lazy("及时性"), sort="is_late"),
    ]


class ReportFileView(StabilityForm):
    form_class = forms.ReportForm
    title = _lazy("报送维稳信息报告")
    intro = _lazy("报送时间由系统按服务器时间记录；截止时间之后报送的记为迟报。本期无情况请报零报告。")

    def perform(self, form):
        d = form.cleaned_data
        kind, start = d["period"]
        return actions.file_report(
            self.request.user,
            d["org"],
            kind,
            start,
            summary=d["summary"],
            disputes_found=d["disputes_found"],
            disputes_resolved=d["disputes_resolved"],
            workers_involved=d["workers_involved"],
        )


class NilReportView(StabilityForm):
    form_class = forms.NilReportForm
    title = _lazy("报送零报告")
    intro = _lazy("零报告：本期未发现需要报告的矛盾纠纷和不稳定因素。没有情况也要按时报告。")
    submit_label = _lazy("报送零报告")

    def perform(self, form):
        d = form.cleaned_data
        kind, start = d["period"]
        return actions.file_nil_report(self.request.user, d["org"], kind, start, summary=d["summary"])


@require_safe
def report_detail(request, pk):
    report = Report.objects.select_related("org", "filed_by").get_in_scope(request.user, pk=pk)
    return render(
        request,
        "stability/report_detail.html",
        {
            "report": report,
            "amendments": queries.amendments_of(report),
            "history": history_of(report),
            "may_change": request.user.may("change"),
        },
    )


class ReportAmendView(StabilityForm):
    form_class = forms.ReportAmendForm
    title = _lazy("更正报告")
    intro = _lazy("报告期和报送时间不能更正；更正的内容与原因会留存。")

    def get_object(self):
        return Report.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        r = self.object
        return {"initial": {f: getattr(r, f) for f in actions.reports.REPORT_AMENDABLE}}

    def perform(self, form):
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        changes = {k: v for k, v in d.items() if getattr(self.object, k) != v}
        return actions.amend_report(self.request.user, self.object, reason=reason, **changes)


# ---------------------------------------------------------------------------------------------
# Incidents


class IncidentListView(StabilityList):
    model = Incident
    filterset_class = IncidentFilter
    title = _lazy("矛盾纠纷事件")
    select_related = ("org", "case")
    default_sort = "-reported_at"
    create_url = reverse_lazy("stability:incident-create")
    links = [("stability:incident-concealed", _lazy("登记下级瞒报事件"))]
    columns = [
        Column("number", _lazy("编号"), sort="id"),
        Column("enterprise_name", _lazy("企业"), sort="enterprise_name"),
        Column("org.name", _lazy("责任单位"), sort="org__path"),
        Column("get_kind_display", _lazy("类型"), sort="kind"),
        Column("get_severity_display", _lazy("等级"), sort="severity"),
        Column("get_industry_display", _lazy("行业"), sort="industry"),
        Column("workers_involved", _lazy("涉及职工"), sort="workers_involved"),
        Column("amount_at_stake", _lazy("涉及金额（元）"), sort="amount_at_stake"),
        Column("learned_at", _lazy("知情时间"), sort="learned_at"),
        Column("reported_at", _lazy("报告时间"), sort="reported_at"),
        Column("timeliness_display", _lazy("及时性")),
        Column("case.get_state_display", _lazy("案件状态")),
    ]


class IncidentCreateView(StabilityForm):
    form_class = forms.IncidentForm
    title = _lazy("报告矛盾纠纷事件")
    intro = _lazy(
        "第一知情人、第一报告人：得知后立即报告。报告时间由系统记录，超过该等级的报告时限记为迟报；重大及以上事件即时通知上级领导。"
    )
    submit_label = _lazy("报告")

    def perform(self, form):
        d = dict(form.cleaned_data)
        org = d.pop("org")
        action = actions.record_concealed_incident if form.concealed else actions.report_incident
        return action(self.request.user, org, **d)


class ConcealedIncidentView(IncidentCreateView):
    form_class = forms.ConcealedIncidentForm
    title = _lazy("登记下级瞒报事件")
    intro = _lazy("上级得知、下级未报告的事件在此登记：事件记入下级单位，并标记该单位瞒报。")
    submit_label = _lazy("登记")


@require_safe
def incident_detail(request, pk):
    incident = Incident.objects.select_related("org", "recorder_org", "reported_by").get_in_scope(
        request.user, pk=pk
    )
    case = Case.objects.filter(incident=incident).select_related("owner", "handling_org").first()
    return render(
        request,
        "stability/incident_detail.html",
        {
            "incident": incident,
            "case": case,
            "emergency": EmergencyResponse.objects.filter(incident=incident).first(),
            "amendments": queries.amendments_of(incident),
            "history": history_of(incident),
            "may_change": request.user.may("change"),
            "rule": actions.incidents.rule_for(incident.severity),
        },
    )


class IncidentAmendView(StabilityForm):
    form_class = forms.IncidentAmendForm
    title = _lazy("更正事件信息")
    intro = _lazy("知情时间、报告时间和迟报、瞒报标记不能更正；更正的内容与原因会留存。")

    def get_object(self):
        return Incident.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"initial": {f: getattr(self.object, f) for f in actions.incidents.INCIDENT_AMENDABLE}}

    def perform(self, form):
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        changes = {k: v for k, v in d.items() if getattr(self.object, k) != v}
        return actions.amend_incident(self.request.user, self.object, reason=reason, **changes)


class EmergencyStartView(StabilityForm):
    form_class = forms.EmergencyStartForm
    title = _lazy("启动应急处置")

    def get_object(self):
        return Incident.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        plan = actions.plan_in_force_for(self.object.org)
        self.intro = (
            _("依据预案：%(p)s") % {"p": plan.title} if plan else _("本单位及上级均未设置现行应急预案。")
        )
        return {}

    def perform(self, form):
        return actions.start_emergency_response(self.request.user, self.object, **form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# Cases


class CaseListView(StabilityList):
    model = Case
    filterset_class = CaseFilter
    title = _lazy("案件")
    select_related = ("org", "handling_org", "owner")
    default_sort = "-opened_at"
    create_url = reverse_lazy("stability:grievance-create")
    links = [("stability:petition-list", _lazy("信访")), ("stability:reception-list", _lazy("主席接待日"))]
    columns = [
        Column("number", _lazy("编号"), sort="id"),
        Column("title", _lazy("案件名称"), sort="title"),
        Column("get_kind_display", _lazy("类型"), sort="kind"),
        Column("get_severity_display", _lazy("等级"), sort="severity"),
        Column("get_state_display", _lazy("状态"), sort="state"),
        Column("org.name", _lazy("发生单位"), sort="org__path"),
        Column("handling_org.name", _lazy("承办单位")),
        Column("owner.full_name", _lazy("包案领导")),
        Column("opened_at", _lazy("立案时间"), sort="opened_at"),
        Column("due_at", _lazy("办结时限"), sort="due_at"),
        Column("overdue_display", _lazy("逾期")),
    ]

    def extra_context(self):
        return super().extra_context() | {"create_label": _("新建诉求代理案件")}


@require_safe
def case_detail(request, pk):
    user = request.user
    case = Case.objects.select_related("org", "handling_org", "owner", "incident").get_in_scope(user, pk=pk)
    moves = [(m, CaseMove(m).label) for m in case.allowed_moves() if actions.user_may_move(user, case, m)]
    return render(
        request,
        "stability/case_detail.html",
        {
            "case": case,
            "timeline": queries.case_timeline(case),
            "sessions": list(case.sessions.all()),
            "moves": moves,
            "amendments": queries.amendments_of(case),
            "history": history_of(case),
            "petition": Petition.objects.filter(case=case).first(),
            "may_change": user.may("change"),
            "watch_only": not actions.may_act_on(user, case),
        },
    )


MOVE_FORMS = {
    CaseMove.ASSESS: (forms.AssessForm, _lazy("研判")),
    CaseMove.OWN: (forms.OwnForm, _lazy("领导包案")),
    CaseMove.MEDIATE: (forms.MediateForm, _lazy("登记调处")),
    CaseMove.RESOLVE: (forms.ResolveForm, _lazy("化解")),
    CaseMove.VERIFY: (forms.NoteForm, _lazy("核实办结")),
    CaseMove.REOPEN: (forms.NoteForm, _lazy("退回重办")),
    CaseMove.ESCALATE: (forms.NoteForm, _lazy("上报上级")),
}


class CaseMoveView(StabilityForm):
    """One view for every move of the workflow; the action checks the table."""

    move = CaseMove.ASSESS

    @property
    def action(self):
        # A property, not set in dispatch: core.views.may_open asks it before any request runs.
        return "review" if self.move in (CaseMove.VERIFY, CaseMove.REOPEN) else "change"

    def dispatch(self, request, *args, **kwargs):
        self.form_class, self.title = MOVE_FORMS[self.move]
        self.submit_label = self.title
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return Case.objects.select_related("handling_org", "org").get_in_scope(
            self.request.user, pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        if self.move == CaseMove.OWN:
            return {"user": self.request.user, "case": self.object}
        if self.move == CaseMove.ASSESS:
            return {"initial": {"severity": self.object.severity}}
        if self.move == CaseMove.MEDIATE:
            return {"initial": {"held_on": timezone.localdate()}}
        return {}

    def perform(self, form):
        return actions.move_case(self.request.user, self.object, self.move, **form.cleaned_data)


class GrievanceCreateView(StabilityForm):
    form_class = forms.GrievanceForm
    title = _lazy("诉求代理：新建案件")
    intro = _lazy("工会代理职工的合法诉求，立案后研判、包案、调处直至办结。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.open_grievance_case(self.request.user, d.pop("org"), **d)


class CaseAmendView(StabilityForm):
    form_class = forms.CaseAmendForm
    title = _lazy("更正案件信息")

    def get_object(self):
        return Case.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {"initial": {f: getattr(self.object, f) for f in actions.cases.CASE_AMENDABLE}}

    def perform(self, form):
        d = dict(form.cleaned_data)
        reason = d.pop("reason")
        changes = {k: v for k, v in d.items() if getattr(self.object, k) != v}
        return actions.amend_case(self.request.user, self.object, reason=reason, **changes)


# ---------------------------------------------------------------------------------------------
# Petitions and reception days


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
        Column("get_channel_display", _lazy("方式"), sort="channel"),
        Column("first_display", _lazy("初信初访"), sort="is_first"),
        Column("org.name", _lazy("受理单位"), sort="org__path"),
        Column("petitioner", _lazy("信访人")),
        Column("people", _lazy("人数"), sort="people"),
        Column("get_kind_display", _lazy("诉求类型"), sort="kind"),
        Column("enterprise_name", _lazy("涉及企业")),
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
        Column("date", _lazy("接待日期"), sort="date"),
        Column("org.name", _lazy("单位"), sort="org__path"),
        Column("host", _lazy("接待领导")),
        Column("place", _lazy("地点")),
        Column("note", _lazy("说明")),
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
            "visits": list(day.visits.select_related("case")),
            "history": history_of(day),
            "may_change": request.user.may("change"),
            "form": forms.VisitForm(),
            "is_past": day.date <= timezone.localdate(),
        },
    )


class ReceptionVisitView(StabilityForm):
    form_class = forms.VisitForm
    title = _lazy("登记接待记录")

    def get_object(self):
        return ReceptionDay.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {}

    def perform(self, form):
        actions.record_reception_visit(self.request.user, self.object, **form.cleaned_data)
        return self.object


# ---------------------------------------------------------------------------------------------
# Emergencies


@require_safe
def emergency(request):
    user = request.user
    plans = (
        EmergencyPlan.objects.restrict(user).filter(in_force=True).select_related("org").order_by("org__path")
    )
    responses = EmergencyResponse.objects.restrict(user).select_related("org", "incident", "plan")[:100]
    own_plan = actions.plan_in_force_for(user.org) if user.org_id else None
    return render(
        request,
        "stability/emergency.html",
        {
            "plans": list(plans),
            "responses": list(responses),
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
            "log": list(response.log.all()),
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

    def get_object(self):
        return EmergencyResponse.objects.get_in_scope(self.request.user, "change", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
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
        Column("decided_on", _lazy("决定日期"), sort="decided_on"),
        Column("org.name", _lazy("被问责单位"), sort="org__path"),
        Column("get_kind_display", _lazy("处理方式"), sort="kind"),
        Column("decided_by.name", _lazy("决定单位")),
        Column("document_number", _lazy("文号")),
        Column("persons", _lazy("责任人")),
        Column("reason", _lazy("事由")),
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

    def get_object(self):
        return OrgUnit.objects.get_in_scope(self.request.user, "manage", pk=self.kwargs["org_id"])

    def get_form_kwargs(self):
        return {"unit": self.object, "initial": {"decided_on": timezone.localdate()}}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_accountability(self.request.user, self.object, **d)


@require_safe
def accountability_detail(request, pk):
    decision = AccountabilityDecision.objects.select_related("org", "decided_by").get_in_scope(
        request.user, pk=pk
    )
    causes = list(decision.causes.select_related("report", "incident", "report__org"))
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
            "children": list(
                OrgUnit.objects.restrict(request.user)
                .filter(parent=node, status="active")
                .order_by("kind", "code")[:200]
            ),
        },
    )


class GroupAddView(StabilityForm):
    form_class = forms.GroupMemberForm
    title = _lazy("增加领导小组成员")
    action = "manage"

    def get_object(self):
        return OrgUnit.objects.get_in_scope(self.request.user, "manage", pk=self.kwargs["org_id"])

    def get_form_kwargs(self):
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

    def get_object(self):
        return LeadingGroupMember.objects.get_in_scope(self.request.user, "manage", pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.end_group_membership(self.request.user, self.object, **form.cleaned_data)

    def success_url(self, result):
        return reverse("stability:group") + f"?node={result.org_id}"


# ---------------------------------------------------------------------------------------------
# Rules and heightened periods (city administrators)


def _rules():
    return {s: actions.incidents.rule_for(s) for s in Severity.values}


@require_safe
def rules(request):
    return render(
        request,
        "stability/rules.html",
        {
            "policy": P.get_policy(),
            "rules": list(_rules().values()),
            "is_city_admin": actions.is_city_admin(request.user),
            "stored": SeverityRule.objects.exists(),
        },
    )


class PolicyEditView(CityAdminForm):
    form_class = forms.PolicyForm
    title = _lazy("报送规则")

    def get_form_kwargs(self):
        p = P.get_policy()
        return {
            "initial": {
                "reporting_kinds": p.kinds,
                "monthly_deadline_day": p.monthly_deadline_day,
                "monthly_deadline_time": p.monthly_deadline_time,
                "daily_deadline_time": p.daily_deadline_time,
                "remind_days_before": p.remind_days_before,
            }
        }

    def perform(self, form):
        return actions.save_policy(self.request.user, **form.cleaned_data)


class SeverityRulesView(CityAdminForm):
    form_class = forms.SeverityRulesForm
    title = _lazy("事件等级规则")
    intro = _lazy(
        "知情后多少小时内必须报告（超过记为迟报），案件多少天内化解办结，以及是否即时通知上级领导。"
    )

    def get_form_kwargs(self):
        return {"rules": _rules()}

    def perform(self, form):
        d = form.cleaned_data
        for sev in Severity.values:
            actions.save_severity_rule(
                self.request.user,
                sev,
                report_within_hours=d[f"{sev}_hours"],
                resolve_within_days=d[f"{sev}_days"],
                notify_upper=d[f"{sev}_notify"],
            )


@require_safe
def heightened(request):
    return render(
        request,
        "stability/heightened.html",
        {
            "periods": list(HeightenedPeriod.objects.select_related("set_by")[:100]),
            "is_city_admin": actions.is_city_admin(request.user),
            "today": timezone.localdate(),
        },
    )


class HeightenedCreateView(CityAdminForm):
    form_class = forms.HeightenedForm
    title = _lazy("设置敏感时期")
    intro = _lazy("敏感时期内，各须报送单位每日报送日报（无情况报零报告），月报照常报送。")
    success = "stability:heightened"

    def perform(self, form):
        return actions.set_heightened_period(self.request.user, **form.cleaned_data)


class HeightenedCancelView(CityAdminForm):
    form_class = forms.ReasonForm
    title = _lazy("撤销敏感时期")
    submit_label = _lazy("确认撤销")
    success = "stability:heightened"

    def get_object(self):
        try:
            return HeightenedPeriod.objects.get(pk=self.kwargs["pk"])
        except HeightenedPeriod.DoesNotExist as exc:
            raise Http404 from exc

    def perform(self, form):
        return actions.cancel_heightened_period(self.request.user, self.object, **form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# Notifications


@require_safe
def notifications(request):
    return render(
        request,
        "stability/notifications.html",
        {
            "notifications": queries.notifications_for(request.user, limit=200),
        },
    )


@require_POST
def notification_read(request, pk):
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404
    actions.mark_read(request.user, pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("stability:notifications")


@require_POST
def notifications_read_all(request):
    actions.mark_read(request.user)
    return redirect("stability:notifications")

"""Incidents: the list, reporting (and recording a concealed one), an incident and its amendment."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core.views import Column, history_of
from unionwork.stability import actions, forms, queries
from unionwork.stability.filters import (
    IncidentFilter,
)
from unionwork.stability.models import (
    Incident,
)
from unionwork.stability.views._common import AmendView, StabilityForm, StabilityList

_lazy = gettext_lazy


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
        Column("org.name", sort="org__path"),
        Column("get_kind_display", sort="kind"),
        Column("get_severity_display", sort="severity"),
        Column("get_industry_display", sort="industry"),
        Column("workers_involved", _lazy("涉及职工"), sort="workers_involved"),
        Column("amount_at_stake", sort="amount_at_stake"),
        Column("learned_at", sort="learned_at"),
        Column("reported_at", sort="reported_at"),
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
    case = queries.case_of_incident(incident)
    return render(
        request,
        "stability/incident_detail.html",
        {
            "incident": incident,
            "case": case,
            "emergency": queries.emergency_of_incident(incident),
            "amendments": queries.amendments_of(incident),
            "history": history_of(incident),
            "may_change": request.user.may("change"),
            "rule": actions.incidents.rule_for(incident.severity),
        },
    )


class IncidentAmendView(AmendView):
    form_class = forms.IncidentAmendForm
    title = _lazy("更正事件信息")
    intro = _lazy("知情时间、报告时间和迟报、瞒报标记不能更正；更正的内容与原因会留存。")
    amend = staticmethod(actions.amend_incident)

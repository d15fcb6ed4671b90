"""Periodic reports: the list, filing (and nil reports), a report and its amendment."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core.views import Column, history_of
from unionwork.stability import actions, forms, queries
from unionwork.stability.filters import (
    ReportFilter,
)
from unionwork.stability.models import (
    Report,
)
from unionwork.stability.views._common import AmendView, StabilityForm, StabilityList

_lazy = gettext_lazy


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
        Column("org.name", sort="org__path"),
        Column("nil_display", _lazy("情况")),
        Column("disputes_found", _lazy("排查纠纷"), sort="disputes_found"),
        Column("disputes_resolved", _lazy("化解纠纷")),
        Column("deadline", sort="deadline"),
        Column("filed_at", sort="filed_at"),
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


class ReportAmendView(AmendView):
    form_class = forms.ReportAmendForm
    title = _lazy("更正报告")
    intro = _lazy("报告期和报送时间不能更正；更正的内容与原因会留存。")
    amend = staticmethod(actions.amend_report)

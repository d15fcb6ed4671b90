"""Pages of the visits campaign: thin, on the generic scoped views; reads in queries, writes in actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core import indicators
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.visits import actions, documents, forms, queries
from unionwork.visits.filters import DeedFilter, FindingFilter, VisitFilter
from unionwork.visits.models import (
    Campaign,
    ChecklistTemplate,
    Deed,
    DeedState,
    Finding,
    Pairing,
    ResearchReport,
    Visit,
    VisitKind,
)


class VisitsForm(ActionFormView):
    template_name = "visits/form.html"


class VisitsList(ScopedListView):
    template_name = "visits/list.html"


# ---------------------------------------------------------------------------------------------
# Home: kept figures, campaigns (planned vs done), deeds


@require_safe
def home(request):
    user = request.user
    node = queries.node_for(user, request.GET.get("node"))
    month = indicators.month_from_request(request)
    figures = queries.kept_figures(node, month)
    table = queries.campaign_table(user, node)
    chart = [
        {
            "label": str(r.campaign.org.name),
            "done": r.done,
            "planned": r.planned,
            "pct": min(100, round(100 * r.done / r.planned)) if r.planned else 0,
        }
        for r in table
    ]
    return render(
        request,
        "visits/home.html",
        {
            "node": node,
            "ancestors": queries.ancestors_in_scope(user, node),
            "month": month,
            "figures": figures,
            "children": queries.kept_children(user, node, month),
            "keys": queries.KEYS,
            "campaigns": table,
            "chart": chart,
            "deeds": queries.deed_summary(user, node),
            "overdue_mine": queries.owned_overdue(user)[:10],
        },
    )


# ---------------------------------------------------------------------------------------------
# Campaigns and pairings


class CampaignListView(VisitsList):
    model = Campaign
    title = gettext_lazy("走访活动")
    columns = [
        Column("name", link=True, sort="name"),
        Column("org.name"),
        Column("starts_on", sort="starts_on"),
        Column("ends_on"),
        Column("enterprises_per_month"),
        Column("households_per_month"),
        Column("closed_on"),
    ]
    select_related = ("org",)
    default_sort = "-starts_on"
    create_url = reverse_lazy("visits:campaign-create")
    importer_name = "visits.pairings"  # the contact-point roster


class CampaignCreateView(VisitsForm):
    form_class = forms.CampaignForm
    title = gettext_lazy("设定走访活动")
    action = "manage"
    intro = gettext_lazy("本级设定活动期间和规则：每名联系干部每月至少走访企业 N 家、职工家庭 M 户。")

    def perform(self, form):
        return actions.set_campaign(self.request.user, self.request.user.org, **form.cleaned_data)


@require_safe
def campaign_detail(request, pk):
    campaign = Campaign.objects.select_related("org").get_in_scope(request.user, pk=pk)
    rows = queries.campaign_cadres(campaign)
    return render(
        request,
        "visits/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "behind": sum(1 for r in rows if r.behind),
            "pairings": queries.pairings(request.user)
            .filter(campaign=campaign, ended_on=None)
            .order_by("cadre__username", "pk"),
            "history": history_of(campaign),
        },
    )


class CampaignPairView(VisitsForm):
    model = Campaign
    form_class = forms.PairForm
    title = gettext_lazy("确定联系点")
    intro = gettext_lazy("一名干部可联系多家企业。联系干部须是本活动设定单位的账号。")

    def form_kwargs(self):
        return {
            "campaign": self.object,
            "user": self.request.user,
            "cadres": queries.cadre_choices(self.object),
        }

    def perform(self, form):
        actions.pair(
            self.request.user,
            self.object,
            cadre=form.cleaned_data["cadre"],
            enterprises=form.cleaned_data["enterprises"],
        )
        return self.object


class CampaignCloseView(VisitsForm):
    model = Campaign
    form_class = forms.ReasonForm
    title = gettext_lazy("结束走访活动")
    action = "manage"

    def perform(self, form):
        return actions.close_campaign(self.request.user, self.object, reason=form.cleaned_data["reason"])


class PairingEndView(VisitsForm):
    model = Pairing
    form_class = forms.ReasonForm
    title = gettext_lazy("解除联系点")
    select_related = ("campaign", "cadre", "enterprise")

    def perform(self, form):
        return actions.unpair(self.request.user, self.object, reason=form.cleaned_data["reason"])

    def success_url(self, result):
        return result.campaign.get_absolute_url()


# ---------------------------------------------------------------------------------------------
# Checklists


@require_safe
def checklists(request):
    return render(
        request,
        "visits/checklists.html",
        {"versions": queries.checklist_versions(), "may_edit": actions.is_checklist_admin(request.user)},
    )


@require_safe
def checklist_detail(request, pk):
    template = queries.checklist(pk)  # the checklists are the same for every level
    return render(
        request,
        "visits/checklist_detail.html",
        {"template": template, "items": template.items.order_by("position")},
    )


class ChecklistNewView(VisitsForm):
    form_class = forms.ChecklistForm
    title = gettext_lazy("修订走访清单（发布新版本）")
    action = "manage"
    intro = gettext_lazy("发布后新的走访使用新版本；已登记的走访保留原版本的回答。")

    def check_role(self):
        if not actions.is_checklist_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以修订走访清单。"))

    def get_initial(self):
        kind = self.request.GET.get("kind", "six")
        current = ChecklistTemplate.objects.filter(kind=kind, is_current=True).first()
        return {"kind": kind, "items": forms.items_as_lines(current) if current else ""}

    def perform(self, form):
        d = form.cleaned_data
        return actions.new_checklist_version(self.request.user, d["kind"], items=d["items"], note=d["note"])


# ---------------------------------------------------------------------------------------------
# Visits


class VisitListView(VisitsList):
    model = Visit
    title = gettext_lazy("走访记录")
    filterset_class = VisitFilter
    columns = [
        Column("__str__", label=gettext_lazy("走访"), link=True),
        Column("get_kind_display"),
        Column("visited_on", sort="visited_on"),
        Column("org.name"),
        Column("campaign.name"),
        Column("people_met"),
        Column("withdrawn_at"),
    ]
    select_related = ("org", "enterprise", "campaign")
    default_sort = "-visited_on"
    create_url = reverse_lazy("visits:visit-create")


class FindingListView(VisitsList):
    """Findings in scope: the level's own, and those about enterprises in its subtree (whoever visited)."""

    model = Finding
    title = gettext_lazy("走访发现")
    filterset_class = FindingFilter
    columns = [
        Column("found_on", sort="found_on"),
        Column("get_category_display"),
        Column("get_severity_display", sort="severity"),
        Column("enterprise.name"),
        Column("text"),
        Column("org.name"),
    ]
    select_related = ("org", "enterprise")
    default_sort = "-found_on"


class VisitCreateView(VisitsForm):
    form_class = forms.VisitForm
    title = gettext_lazy("登记走访")
    template_name = "visits/visit_form.html"

    def form_kwargs(self):
        templates = {k: actions.current_checklist(k) for k in ("six", "eight")}
        return {"user": self.request.user, "templates": templates}

    def perform(self, form):
        d = form.cleaned_data
        findings = []
        if d.get("finding_category") and (d.get("finding_text") or "").strip():
            findings.append(
                {
                    "category": d["finding_category"],
                    "severity": d.get("finding_severity") or 1,
                    "text": d["finding_text"],
                }
            )
        return actions.record_visit(
            self.request.user,
            kind=d["kind"],
            visited_on=d["visited_on"],
            cadres=d["cadres"],
            people_met=d["people_met"],
            answers=form.answers(d["kind"]),
            enterprise=d.get("enterprise"),
            household_name=d.get("household_name", ""),
            household_address=d.get("household_address", ""),
            household_phone=d.get("household_phone", ""),
            id_number=d.get("id_number", ""),
            notes=d.get("notes", ""),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            findings=findings,
            photos=self.request.FILES.getlist("photos"),
            client_key=d.get("client_key", ""),
        )


@require_safe
def visit_detail(request, pk):
    visit = Visit.objects.select_related("org", "enterprise", "campaign", "template", "member").get_in_scope(
        request.user, pk=pk
    )
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "unmasked": visit.kind == VisitKind.HOUSEHOLD and actions.may_see_pii(request.user),
            **queries.visit_detail(visit),
            "history": history_of(visit),
        },
    )


class VisitWithdrawView(VisitsForm):
    model = Visit
    form_class = forms.ReasonForm
    title = gettext_lazy("撤回走访记录")

    def perform(self, form):
        return actions.withdraw_visit(self.request.user, self.object, reason=form.cleaned_data["reason"])


class PhotoAddView(VisitsForm):
    model = Visit
    form_class = forms.PhotoForm
    title = gettext_lazy("补传走访照片")
    intro = gettext_lazy("离线草稿不保存照片，联网提交后在这里补传。")
    template_name = "visits/form_upload.html"

    def perform(self, form):
        actions.add_photo(self.request.user, self.object, form.cleaned_data["photo"])
        return self.object


@require_safe
def photo(request, pk):
    p = queries.photo_in_scope(request.user, pk)
    response = HttpResponse(actions.photo_bytes(request.user, p), content_type=p.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


class FindingCreateView(VisitsForm):
    model = Visit
    form_class = forms.FindingForm
    title = gettext_lazy("登记走访发现")

    def perform(self, form):
        return actions.record_finding(self.request.user, self.object, **form.cleaned_data)


class FindingCaseView(VisitsForm):
    model = Finding
    form_class = forms.CaseFromFindingForm
    title = gettext_lazy("转为维稳案件")
    intro = gettext_lazy("劳动争议等矛盾纠纷报告为维稳事件并立案，案件在维稳模块办理，这里只保留链接。")
    select_related = ("visit", "enterprise", "org")

    def perform(self, form):
        return actions.open_case_for_finding(self.request.user, self.object, **form.cleaned_data)


class FindingHardshipView(VisitsForm):
    model = Finding
    form_class = forms.HardshipFromFindingForm
    title = gettext_lazy("建立困难职工档案")
    select_related = ("visit", "org")

    def get_initial(self):
        visit = self.object.visit
        return {"name": visit.household_name} if actions.may_see_pii(self.request.user) else {}

    def get_context_data(self, **kwargs):
        visit = self.object.visit
        shown = actions.may_see_pii(self.request.user)
        name = visit.household_name if shown else visit.subject_masked
        address = visit.household_address if shown else visit.address_masked()
        kwargs.setdefault(
            "intro",
            _(
                "走访对象：%(n)s，家庭住址：%(a)s。档案建在职工服务站模块（%(u)s），身份证号只在那里加密保存；"
                "该身份证号已有在档档案时直接关联，不重复建档。"
            )
            % {"n": name, "a": address or "—", "u": self.object.org.name},
        )
        return super().get_context_data(**kwargs)

    def perform(self, form):
        return actions.open_hardship_file_from_visit(self.request.user, self.object, **form.cleaned_data)


class DeedCreateView(VisitsForm):
    model = Finding
    form_class = forms.DeedForm
    title = gettext_lazy("转为办实事")
    select_related = ("org",)

    def form_kwargs(self):
        return {"owners": actions.owner_candidates(self.request.user, self.object.org).select_related("org")}

    def get_initial(self):
        return {"title": self.object.text[:300]}

    def perform(self, form):
        return actions.promise_deed(self.request.user, self.object, **form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# Deeds


class DeedListView(VisitsList):
    model = Deed
    title = gettext_lazy("办实事")
    filterset_class = DeedFilter
    columns = [
        Column("__str__", label=gettext_lazy("实事"), link=True),
        Column("org.name"),
        Column("owner.full_name", label=gettext_lazy("责任人")),
        Column("promised_on", sort="promised_on"),
        Column("get_state_display"),
        Column("done_on"),
        Column("timeliness_display", label=gettext_lazy("时效")),
    ]
    select_related = ("org", "owner")
    default_sort = "promised_on"


@require_safe
def deed_detail(request, pk):
    deed = Deed.objects.select_related("org", "owner", "finding__visit", "verified_by").get_in_scope(
        request.user, pk=pk
    )
    user = request.user
    return render(
        request,
        "visits/deed_detail.html",
        {
            "deed": deed,
            "log": queries.deed_log(deed),
            "may_work": deed.state == DeedState.OPEN and (deed.owner_id == user.pk or user.may("change")),
            "may_review": deed.state == DeedState.DONE and user.may("review") and deed.owner_id != user.pk,
            "overdue": deed.is_overdue(),
            "history": history_of(deed),
        },
    )


class DeedWorkView(VisitsForm):
    """A form of the deed's owner (or the requesting level): progress or done."""

    model = Deed
    action = "view"

    def check_role(self):
        # Asked by dispatch (object fetched) and by may_open for links (object not fetched yet).
        deed = getattr(self, "object", None)
        if deed is None:
            try:
                deed = self.get_object()
            except Http404:
                raise PermissionDenied from None
        if deed.owner_id != self.request.user.pk and not self.request.user.may("change"):
            raise PermissionDenied(_("只有责任人或提出单位可以办理。"))


class DeedProgressView(DeedWorkView):
    form_class = forms.ProgressForm
    title = gettext_lazy("登记办理进展")

    def perform(self, form):
        return actions.record_progress(self.request.user, self.object, note=form.cleaned_data["note"])


class DeedDoneView(DeedWorkView):
    form_class = forms.DeedDoneForm
    title = gettext_lazy("办结")

    def perform(self, form):
        return actions.mark_deed_done(self.request.user, self.object, **form.cleaned_data)


class DeedVerifyView(VisitsForm):
    model = Deed
    form_class = forms.NoteForm
    title = gettext_lazy("核实办结")
    action = "review"

    def perform(self, form):
        return actions.verify_deed(self.request.user, self.object, note=form.cleaned_data["note"])


class DeedReopenView(DeedVerifyView):
    title = gettext_lazy("退回重办")

    def perform(self, form):
        return actions.reopen_deed(self.request.user, self.object, note=form.cleaned_data["note"])


# ---------------------------------------------------------------------------------------------
# Research reports


class ReportListView(VisitsList):
    model = ResearchReport
    title = gettext_lazy("调研报告")
    columns = [
        Column("title", link=True),
        Column("org.name"),
        Column("period_start", sort="period_start"),
        Column("period_end"),
        Column("updated_at"),
    ]
    select_related = ("org",)
    default_sort = "-period_end"
    create_url = reverse_lazy("visits:report-create")


class ReportCreateView(VisitsForm):
    form_class = forms.ReportDraftForm
    title = gettext_lazy("起草调研报告")
    intro = gettext_lazy(
        "按本单位及下级在所选期间的走访数据自动起草“情况、分析”两部分，建议部分由起草人撰写。"
    )

    def perform(self, form):
        return actions.draft_report(self.request.user, self.request.user.org, **form.cleaned_data)


def _report(request, pk) -> ResearchReport:
    return ResearchReport.objects.select_related("org", "author").get_in_scope(request.user, pk=pk)


@require_safe
def report_detail(request, pk):
    report = _report(request, pk)
    return render(
        request,
        "visits/report_detail.html",
        {
            "report": report,
            "fig": report.figures,
            "recommendations": queries.recommendations(report),
            "chart": documents.chart_rows(report.figures),
            "history": history_of(report),
        },
    )


class ReportEditView(VisitsForm):
    model = ResearchReport
    form_class = forms.ReportEditForm
    title = gettext_lazy("修改调研报告")

    def get_initial(self):
        return {f: getattr(self.object, f) for f in ("title", "situation", "analysis")}

    def perform(self, form):
        return actions.edit_report(self.request.user, self.object, **form.cleaned_data)


class RecommendationCreateView(VisitsForm):
    model = ResearchReport
    form_class = forms.RecommendationForm
    title = gettext_lazy("增加建议")

    def form_kwargs(self):
        return {"findings": queries.report_findings(self.request.user, self.object)}

    def perform(self, form):
        actions.add_recommendation(self.request.user, self.object, **form.cleaned_data)
        return self.object


@require_safe
def report_docx(request, pk):
    report = _report(request, pk)
    response = HttpResponse(
        documents.report_docx(report, queries.recommendations(report)),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.docx"'
    return response


@require_safe
def report_pdf(request, pk):
    report = _report(request, pk)
    response = HttpResponse(
        documents.report_pdf(report, queries.recommendations(report)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.pdf"'
    return response


def _url(name, *args):
    return reverse(name, args=args)

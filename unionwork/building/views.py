"""Pages of union building: thin views that parse, call an action or a query, and render."""

from __future__ import annotations

import segno
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from unionwork.building import actions, forms, queries
from unionwork.building.filters import ApplicationFilter, CommitteeFilter, ProfileFilter, SurveyFilter
from unionwork.building.indicators import DIRECT_ELECTIONS, GRADED, SATISFACTION
from unionwork.building.models import (
    MIN_RESPONSES,
    SATISFACTION_THRESHOLD,
    ApplicationMove,
    Campaign,
    Committee,
    GradeApplication,
    Survey,
    UnionProfile,
)
from unionwork.core import indicators
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.orgs.models import OrgUnit

_lazy = gettext_lazy
DUE_DAYS = 90


class BuildingList(ScopedListView):
    template_name = "building/list.html"


class BuildingForm(ActionFormView):
    template_name = "building/form.html"

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}


# -- home ---------------------------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    node = queries.node_for(user, request.GET.get("node"))
    month = indicators.month_from_request(request)
    rows = queries.figures(user, node, month)
    total = rows[-1]
    grassroots = indicators.value("orgs.grassroots_units", node, month)
    context = {
        "node": node,
        "ancestors": queries.ancestors_in_scope(user, node),
        "month": month,
        "rows": rows,
        "total": total,
        "keys": {"direct": DIRECT_ELECTIONS, "graded": GRADED, "satisfaction": SATISFACTION},
        "due": queries.elections_due(user, DUE_DAYS)[:20],
        "due_days": DUE_DAYS,
        "flagged": queries.flagged_surveys(user)[:20],
        "threshold": SATISFACTION_THRESHOLD,
        "min_responses": MIN_RESPONSES,
        "grades_by_level": queries.grades_by_level(node),
        "grassroots": grassroots,
        # Grades in force per hundred grassroots unions: two kept figures, no count of its own.
        "graded_share": round(total.graded.numerator * 100.0 / grassroots.numerator, 1)
        if grassroots.numerator
        else None,
    }
    return render(request, "building/home.html", context)


home.required_action = "view"


@require_safe
def unit(request, org_id):
    org = OrgUnit.objects.get_in_scope(request.user, pk=org_id)
    page = queries.unit_page(request.user, org)
    profile = page["profile"]
    profile_url = (
        reverse("building:profile-edit", args=[profile.pk])
        if profile
        else f"{reverse('building:profile-create')}?org={org.pk}"
    )
    context = {"unit": org, "profile_url": profile_url, **page}
    return render(request, "building/unit.html", context)


# -- committees -----------------------------------------------------------------------------------------


class CommitteeListView(BuildingList):
    model = Committee
    filterset_class = CommitteeFilter
    title = _lazy("工会委员会与换届选举")
    select_related = ("org",)
    default_sort = "term_end"
    create_url = reverse_lazy("building:committee-create")
    importer_name = "building.committees"
    columns = [
        Column("org.name", sort="org__path"),
        Column("chairman"),
        Column("get_method_display", sort="method"),
        Column("term_start", sort="term_start"),
        Column("term_end", sort="term_end"),
        Column("elected_on"),
        Column("candidates"),
        Column("turnout_display", _lazy("参选率")),
        Column("is_current", _lazy("现任")),
    ]


class CommitteeCreateView(BuildingForm):
    form_class = forms.CommitteeForm
    title = _lazy("登记工会委员会（换届选举）")
    intro = _lazy("登记新一届委员会后，上一届自动转为往届。会员直选须登记选举日期、候选人数和票数。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_committee(self.request.user, d.pop("org"), **d)


@require_safe
def committee_detail(request, pk):
    committee = Committee.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return render(
        request, "building/committee_detail.html", {"committee": committee, "history": history_of(committee)}
    )


# -- cadres and systems ---------------------------------------------------------------------------------


class ProfileListView(BuildingList):
    model = UnionProfile
    filterset_class = ProfileFilter
    title = _lazy("工会干部与制度")
    select_related = ("org",)
    default_sort = "org__path"
    importer_name = "building.cadres"
    create_url = reverse_lazy("building:profile-create")
    columns = [
        Column("org.name", sort="org__path"),
        Column("full_time_cadres", sort="full_time_cadres"),
        Column("full_time_required"),
        Column("part_time_cadres"),
        Column("subsidy_in_budget"),
        Column("subsidy_amount"),
        Column("grievance_agency"),
        Column("legal_adviser"),
        Column("legal_adviser_name"),
        Column("legal_adviser_firm"),
        Column("welfare_facilities"),
    ]


class ProfileCreateView(BuildingForm):
    form_class = forms.ProfileCreateForm
    title = _lazy("登记工会干部与制度")
    intro = _lazy("乡镇（街道）工会请填写专职干部在岗与应配人数、补贴是否列入财政预算及金额。")

    def get_initial(self):
        return {"org": self.request.GET.get("org")} if self.request.GET.get("org") else {}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.save_profile(self.request.user, d.pop("org"), **d)


class ProfileEditView(BuildingForm):
    form_class = forms.ProfileForm
    title = _lazy("修改工会干部与制度")
    model = UnionProfile
    object_action = "change"
    select_related = ("org",)

    def form_kwargs(self):
        return {}

    def get_initial(self):
        return {f: getattr(self.object, f) for f in actions.PROFILE_FIELDS}

    def perform(self, form):
        return actions.save_profile(self.request.user, self.object.org, **form.cleaned_data)


# -- surveys ---------------------------------------------------------------------------------------------


class SurveyListView(BuildingList):
    model = Survey
    filterset_class = SurveyFilter
    title = _lazy("会员评家")
    select_related = ("org",)
    default_sort = "-year"
    create_url = reverse_lazy("building:survey-create")
    columns = [
        Column("org.name", sort="org__path"),
        Column("year", sort="year"),
        Column("opens_on"),
        Column("closes_on", sort="closes_on"),
        Column("is_latest"),
    ]


class SurveyCreateView(BuildingForm):
    form_class = forms.SurveyForm
    title = _lazy("发起会员评家")
    intro = _lazy("会员扫码或打开短链接，凭姓名和身份证号后 6 位验证在册身份后匿名评价，每人一次。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.open_survey(self.request.user, d.pop("org"), **d)


def _qr_svg(url: str) -> str:
    """The short link as an inline SVG QR code, drawn here as the two-factor page draws its own."""
    return segno.make(url, error="m").svg_inline(scale=4, title=_("会员评家二维码"))


@require_safe
def survey_detail(request, pk):
    survey = Survey.objects.select_related("org").get_in_scope(request.user, pk=pk)
    link = request.build_absolute_uri(survey.public_path())
    return render(
        request,
        "building/survey_detail.html",
        {
            "survey": survey,
            "result": queries.survey_result(survey),
            "link": link,
            "qr": _qr_svg(link),
            "threshold": SATISFACTION_THRESHOLD,
            "history": history_of(survey),
        },
    )


class SurveyCloseView(BuildingForm):
    form_class = forms.ReasonForm
    title = _lazy("结束会员评家")
    submit_label = _lazy("结束")
    model = Survey
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.close_survey(self.request.user, self.object, **form.cleaned_data)


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@login_not_required
@require_http_methods(["GET", "POST"])
def survey_answer(request, slug):
    """The public page members answer on, phone first; no account."""
    survey = queries.survey_by_slug(slug)
    questions = queries.questions_of(survey)
    done = False
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.answer_survey(
                survey,
                name=d["name"],
                id_tail=d["id_tail"],
                ratings=form.ratings(),
                comment=d.get("comment", ""),
                client=_client(request),
            )
            done = True
        except actions.SurveyRefusal as exc:
            for message in exc.messages:
                form.add_error(None, message)
    status = 400 if request.method == "POST" and not done else 200
    return render(
        request,
        "building/survey_answer.html",
        {"survey": survey, "form": form, "done": done, "open": survey.is_open()},
        status=status,
    )


# -- campaigns and grades ---------------------------------------------------------------------------------


class CampaignListView(BuildingList):
    model = Campaign
    title = _lazy("创建评级活动")
    default_sort = "kind"
    create_url = reverse_lazy("building:campaign-create")
    columns = [
        Column("name", sort="name"),
        Column("get_kind_display", sort="kind"),
        Column("levels_display", _lazy("等级")),
        Column("validity_years"),
        Column("is_active"),
    ]

    def base_queryset(self):
        return queries.campaigns()


class CampaignFormView(BuildingForm):
    form_class = forms.CampaignForm
    title = _lazy("创建评级活动")
    action = "manage"

    def check_role(self):
        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以设置此项。"))

    def get_object(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(Campaign, pk=pk) if pk else None

    def form_kwargs(self):
        return {"instance": self.object} if self.object else {}

    def get_initial(self):
        return {"levels_text": "、".join(self.object.levels)} if self.object else {}

    def perform(self, form):
        d = dict(form.cleaned_data)
        d["levels"] = d.pop("levels_text")
        return actions.save_campaign(self.request.user, self.object, **d)

    def success_url(self, result):
        return reverse("building:campaign-list")


class ApplicationListView(BuildingList):
    model = GradeApplication
    filterset_class = ApplicationFilter
    title = _lazy("创建评级申报与等级")
    select_related = ("org", "campaign")
    default_sort = "-submitted_at"
    create_url = reverse_lazy("building:application-create")
    columns = [
        Column("org.name", sort="org__path"),
        Column("campaign.name"),
        Column("level_sought"),
        Column("get_state_display", sort="state"),
        Column("grade", sort="grade"),
        Column("valid_from"),
        Column("valid_until", sort="valid_until"),
        Column("submitted_at", sort="submitted_at"),
    ]


class ApplicationCreateView(BuildingForm):
    form_class = forms.ApplicationForm
    title = _lazy("申报创建评级")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.apply_grade(self.request.user, d.pop("campaign"), d.pop("org"), **d)


@require_safe
def application_detail(request, pk):
    user = request.user
    app = GradeApplication.objects.select_related("org", "campaign", "reviewer").get_in_scope(user, pk=pk)
    moves = [
        (m, ApplicationMove(m).label) for m in app.allowed_moves() if actions.user_may_move(user, app, m)
    ]
    return render(
        request, "building/application_detail.html", {"app": app, "moves": moves, "history": history_of(app)}
    )


USER_MOVES = [m for m in ApplicationMove.values if m != ApplicationMove.EXPIRE]


class ApplicationMoveView(BuildingForm):
    """One view for every move of the grading workflow; the action checks the table."""

    move = ApplicationMove.AWARD
    model = GradeApplication
    select_related = ("org", "campaign")

    @property
    def action(self):
        from unionwork.building.models import MOVE_ACTION

        return MOVE_ACTION[self.move]

    @property
    def title(self):
        return ApplicationMove(self.move).label

    @property
    def submit_label(self):
        return ApplicationMove(self.move).label

    def get_form_class(self):
        return forms.AwardForm if self.move == ApplicationMove.AWARD else forms.MoveForm

    def form_kwargs(self):
        return {"application": self.object} if self.move == ApplicationMove.AWARD else {}

    def perform(self, form):
        return actions.move_application(self.request.user, self.object, self.move, **form.cleaned_data)

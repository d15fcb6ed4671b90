"""Pages of workers' culture: thin views that parse, call an action or a query, and render.

The record pages share one template (``culture/detail.html``): the record's fields by their
labels, the buttons the user may follow, the related lists and the audit history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core import indicators
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of, resolve
from unionwork.culture import actions, filters, forms, queries
from unionwork.culture.models import (
    AwardRound,
    Base,
    Experience,
    Meeting,
    Nomination,
    NominationMove,
    Position,
    Talent,
    Team,
    Topic,
)

_lazy = gettext_lazy


class CultureList(ScopedListView):
    template_name = "culture/list.html"


class CultureForm(ActionFormView):
    template_name = "culture/form.html"

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}


def _fields(obj, names) -> list[tuple[str, object]]:
    """(label, value as shown) of the record's fields, for the shared detail template."""
    out = []
    for name in names:
        field = obj._meta.get_field(name)
        value = resolve(obj, f"get_{name}_display") if field.choices else getattr(obj, name)
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        out.append((str(field.verbose_name), "" if value is None else value))
    return out


def _detail(request, obj, names, *, buttons=(), sections=()):
    """``buttons``: (url, label); ``sections``: (title, [(text, url or "")])."""
    return render(
        request,
        "culture/detail.html",
        {
            "object": obj,
            "fields": _fields(obj, names),
            "buttons": list(buttons),
            "sections": list(sections),
            "history": history_of(obj),
        },
    )


# -- home -------------------------------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    node = queries.node_for(user, request.GET.get("node"))
    month = indicators.month_from_request(request)
    context = {
        "node": node,
        "ancestors": queries.ancestors_in_scope(user, node),
        "month": month,
        "labels": [indicators.get(k).label for k in queries.KEYS],
        "rows": queries.figures(user, node, month),
        "topics": Topic.labels,
        "experiences": queries.experiences_by(node),
        "meetings": queries.meetings_by(node),
        "awaiting": list(queries.awaiting(user)[:20]) if user.org_id else [],
    }
    return render(request, "culture/home.html", context)


home.required_action = "view"


# -- positions, teams, bases --------------------------------------------------------------------------------


class PositionListView(CultureList):
    model = Position
    filterset_class = filters.PositionFilter
    title = _lazy("文化阵地")
    select_related = ("org",)
    default_sort = "org__path"
    create_url = reverse_lazy("culture:position-create")
    importer_name = "culture.positions"
    columns = [
        Column("name", sort="name"),
        Column("get_kind_display", sort="kind"),
        Column("org.name", sort="org__path"),
        Column("area_sqm", sort="area_sqm"),
        Column("opening_hours"),
        Column("closed_on"),
    ]


class PositionCreateView(CultureForm):
    form_class = forms.PositionForm
    title = _lazy("登记文化阵地")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_position(self.request.user, d.pop("org"), **d)


def _close_button(request, name, obj):
    if obj.closed_on is None and request.user.may("change"):
        return [(reverse(name, args=[obj.pk]), _("停用"))]
    return []


@require_safe
def position_detail(request, pk):
    obj = Position.objects.select_related("org").get_in_scope(request.user, pk=pk)
    names = ("name", "kind", "org", "area_sqm", "opening_hours", "address", "opened_on", "closed_on")
    return _detail(request, obj, names, buttons=_close_button(request, "culture:position-close", obj))


class TeamListView(CultureList):
    model = Team
    filterset_class = filters.TeamFilter
    title = _lazy("文化团队")
    select_related = ("org",)
    default_sort = "org__path"
    create_url = reverse_lazy("culture:team-create")
    importer_name = "culture.teams"
    columns = [
        Column("name", sort="name"),
        Column("get_kind_display", sort="kind"),
        Column("org.name", sort="org__path"),
        Column("members_count", sort="members_count"),
        Column("leader"),
        Column("closed_on"),
    ]


class TeamCreateView(CultureForm):
    form_class = forms.TeamForm
    title = _lazy("登记文化团队")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_team(self.request.user, d.pop("org"), **d)


@require_safe
def team_detail(request, pk):
    obj = Team.objects.select_related("org").get_in_scope(request.user, pk=pk)
    buttons = _close_button(request, "culture:team-close", obj)
    if request.user.may("change"):
        buttons.insert(0, (reverse("culture:performance-create", args=[obj.pk]), _("登记演出活动")))
    perf = [(f"{p.held_on:%Y-%m-%d} {p.title}（{p.audience}）", "") for p in queries.performances_of(obj)]
    names = ("name", "kind", "org", "members_count", "leader", "founded_on", "closed_on")
    return _detail(request, obj, names, buttons=buttons, sections=[(_("演出活动"), perf)])


class PerformanceCreateView(CultureForm):
    form_class = forms.PerformanceForm
    title = _lazy("登记演出活动")
    model = Team
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        actions.record_performance(self.request.user, self.object, **form.cleaned_data)
        return self.object


class BaseListView(CultureList):
    model = Base
    filterset_class = filters.BaseFilter
    title = _lazy("品牌与示范基地")
    select_related = ("org", "named_by")
    default_sort = "-named_on"
    create_url = reverse_lazy("culture:base-create")
    columns = [
        Column("name", sort="name"),
        Column("get_kind_display", sort="kind"),
        Column("org.name", sort="org__path"),
        Column("named_by.name"),
        Column("named_on", sort="named_on"),
        Column("closed_on"),
    ]


class BaseCreateView(CultureForm):
    form_class = forms.BaseForm
    title = _lazy("命名品牌/示范基地")
    intro = _lazy("命名单位为您所在的单位。")
    action = "review"

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.name_base(self.request.user, d.pop("org"), **d)


@require_safe
def base_detail(request, pk):
    obj = Base.objects.select_related("org", "named_by").get_in_scope(request.user, pk=pk)
    names = ("name", "kind", "org", "named_by", "named_on", "description", "closed_on")
    return _detail(request, obj, names, buttons=_close_button(request, "culture:base-close", obj))


class CloseView(CultureForm):
    form_class = forms.CloseForm
    title = _lazy("停用")
    submit_label = _lazy("停用")
    object_action = "change"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.close(self.request.user, self.object, **form.cleaned_data)


# -- the 金纽带 award ----------------------------------------------------------------------------------------


class RoundListView(CultureList):
    model = AwardRound
    title = _lazy("金纽带职工文化奖评选")
    default_sort = "-year"
    create_url = reverse_lazy("culture:round-create")
    columns = [
        Column("year", sort="year"),
        Column("title"),
        Column("organiser.name"),
        Column("nominations_close"),
    ]

    def base_queryset(self):
        return queries.rounds()


class RoundCreateView(CultureForm):
    form_class = forms.RoundForm
    title = _lazy("发起金纽带评选")
    action = "manage"

    def check_role(self):
        if not actions.is_city_admin(self.request.user):
            raise PermissionDenied(_("只有市总工会管理员可以发起评选。"))

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.open_round(self.request.user, **form.cleaned_data)


@require_safe
def round_detail(request, pk):
    obj = get_object_or_404(queries.rounds(), pk=pk)
    noms = [
        (
            f"{n.nominee}（{n.org.name}）— {n.get_state_display()}，{_('当前审核单位')}：{n.held_by.name}",
            n.get_absolute_url(),
        )
        for n in queries.nominations_of_round(request.user, obj)[:200]
    ]
    buttons = []
    if request.user.may("change"):
        buttons.append((reverse("culture:nomination-create", args=[obj.pk]), _("推荐")))
    return _detail(
        request,
        obj,
        ("year", "title", "organiser", "nominations_close"),
        buttons=buttons,
        sections=[(_("推荐"), noms)],
    )


class NominationListView(CultureList):
    model = Nomination
    filterset_class = filters.NominationFilter
    title = _lazy("金纽带推荐")
    select_related = ("org", "held_by", "round")
    default_sort = "-submitted_at"
    columns = [
        Column("nominee", sort="nominee"),
        Column("get_category_display", sort="category"),
        Column("org.name", sort="org__path"),
        Column("round.title"),
        Column("held_by.name"),
        Column("get_state_display", sort="state"),
        Column("submitted_at", sort="submitted_at"),
    ]


class NominationCreateView(CultureForm):
    form_class = forms.NominationForm
    title = _lazy("金纽带推荐")
    intro = _lazy("推荐后由本单位审核，逐级报送至主办单位评定。")
    pk_url_kwarg = "round_id"

    def get_object(self):
        return get_object_or_404(queries.rounds(), pk=self.kwargs["round_id"])

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.nominate(self.request.user, self.object, d.pop("org"), **d)


@require_safe
def nomination_detail(request, pk):
    obj = Nomination.objects.select_related("org", "held_by", "round").get_in_scope(request.user, pk=pk)
    buttons = [
        (reverse(f"culture:nomination-{m}", args=[obj.pk]), NominationMove(m).label)
        for m in NominationMove.values
        if actions.user_may_move(request.user, obj, m)
    ]
    trail = [(f"{when} {unit}：{label}", "") for unit, label, when in obj.trail]
    names = (
        "round",
        "category",
        "nominee",
        "org",
        "merits",
        "held_by",
        "state",
        "submitted_at",
        "decided_at",
    )
    return _detail(request, obj, names, buttons=buttons, sections=[(_("推荐经过"), trail)])


class NominationMoveView(CultureForm):
    """One view for every move of a nomination; the action checks the table and the holder."""

    move = NominationMove.FORWARD
    form_class = forms.NoteForm
    model = Nomination
    action = "review"
    select_related = ("round", "held_by")

    @property
    def title(self):
        return NominationMove(self.move).label

    @property
    def submit_label(self):
        return NominationMove(self.move).label

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.move_nomination(self.request.user, self.object, self.move, **form.cleaned_data)


# -- talent pool ---------------------------------------------------------------------------------------------


class TalentListView(CultureList):
    model = Talent
    filterset_class = filters.TalentFilter
    title = _lazy("文化人才库")
    select_related = ("org",)
    default_sort = "org__path"
    create_url = reverse_lazy("culture:talent-create")
    columns = [
        Column("name", sort="name"),
        Column("talent"),
        Column("get_level_display", sort="level"),
        Column("org.name", sort="org__path"),
        Column("consent_on"),
    ]


class TalentCreateView(CultureForm):
    form_class = forms.TalentForm
    title = _lazy("文化人才入库")
    intro = _lazy("须经本人同意方可入库：请登记同意日期和方式（如本人签字的入库申请表）。")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_talent(self.request.user, d.pop("org"), **d)


@require_safe
def talent_detail(request, pk):
    obj = Talent.objects.select_related("org").get_in_scope(request.user, pk=pk)
    return _detail(
        request, obj, ("name", "talent", "level", "org", "consent_on", "consent_note", "withdrawn_on")
    )


# -- model experiences and on-site meetings -----------------------------------------------------------------


class ExperienceListView(CultureList):
    model = Experience
    filterset_class = filters.ExperienceFilter
    title = _lazy("典型经验")
    select_related = ("org", "adopted_by")
    default_sort = "-year"
    create_url = reverse_lazy("culture:experience-create")
    columns = [
        Column("title", sort="title"),
        Column("get_topic_display", sort="topic"),
        Column("year", sort="year"),
        Column("org.name", sort="org__path"),
        Column("adopted_by.name"),
        Column("adopted_on"),
    ]


class ExperienceCreateView(CultureForm):
    form_class = forms.ExperienceForm
    title = _lazy("登记典型经验")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_experience(self.request.user, d.pop("org"), **d)


@require_safe
def experience_detail(request, pk):
    obj = Experience.objects.select_related("org", "adopted_by").get_in_scope(request.user, pk=pk)
    buttons = []
    if obj.adopted_by_id is None and request.user.may("review") and request.user.org_id != obj.org_id:
        buttons.append((reverse("culture:experience-adopt", args=[obj.pk]), _("推广")))
    meetings = [(str(m), m.get_absolute_url()) for m in queries.meetings_of_experience(request.user, obj)]
    names = ("title", "topic", "year", "org", "write_up", "attachment_note", "adopted_by", "adopted_on")
    return _detail(request, obj, names, buttons=buttons, sections=[(_("现场会"), meetings)])


class ExperienceAdoptView(CultureForm):
    form_class = forms.AdoptForm
    title = _lazy("推广典型经验")
    submit_label = _lazy("推广")
    model = Experience
    action = "review"

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.adopt_experience(self.request.user, self.object, **form.cleaned_data)


class MeetingListView(CultureList):
    model = Meeting
    filterset_class = filters.MeetingFilter
    title = _lazy("现场会")
    select_related = ("org", "convened_by", "experience")
    default_sort = "-held_on"
    create_url = reverse_lazy("culture:meeting-create")
    columns = [
        Column("held_on", sort="held_on"),
        Column("title"),
        Column("get_topic_display", sort="topic"),
        Column("org.name", sort="org__path"),
        Column("convened_by.name"),
        Column("attendance"),
    ]


class MeetingCreateView(CultureForm):
    form_class = forms.MeetingForm
    title = _lazy("登记现场会")

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.record_meeting(self.request.user, d.pop("org"), **d)


@require_safe
def meeting_detail(request, pk):
    obj = Meeting.objects.select_related("org", "convened_by").get_in_scope(request.user, pk=pk)
    seen, others = queries.attending_of(request.user, obj)
    experience = queries.experience_of(request.user, obj)
    units = [(u.name, "") for u in seen]
    if others:
        units.append((_("及您管辖范围以外的 %(n)d 个单位") % {"n": others}, ""))
    names = ("held_on", "title", "topic", "org", "convened_by", "attendance", "follow_up")
    shown = [(str(experience), experience.get_absolute_url())] if experience else []
    if obj.experience_id and experience is None:
        shown = [(_("（您管辖范围以外单位的经验）"), "")]
    return _detail(request, obj, names, sections=[(_("交流经验"), shown), (_("参会单位"), units)])

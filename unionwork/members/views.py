"""Pages of the member register: thin, each parses, calls a query or an action, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from unionwork.core import export_jobs, exports, indicators, masking
from unionwork.core.errors import ActionError
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.members import actions, queries
from unionwork.members.filters import MemberFilter, TransitFilter
from unionwork.members.forms import (
    MOVE_LABELS,
    AcceptForm,
    CardActionForm,
    CardIssueForm,
    LeaveForm,
    MemberEditForm,
    MemberForm,
    ReleaseForm,
    TransferForm,
    TransferInForm,
)
from unionwork.members.models import (
    CARD_HELD,
    CARD_MOVES,
    IN_TRANSFER,
    OPEN_TRANSIT,
    Member,
    MemberCard,
    Transit,
)
from unionwork.orgs.models import OrgUnit

ROSTER_IMPORTER = "members.roster"


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _node_context(request, unit: OrgUnit) -> dict:
    user = request.user
    month = indicators.month_from_request(request)
    table = queries.kept_figures(user, unit, month)
    figures = table.total
    pace, behind = queries.card_pacing(unit, [r.unit for r in table.rows if r.unit is not None], month)
    return {
        "pace": pace,
        "behind": behind,
        "unit": unit,
        "month": month,
        "is_current_month": month == indicators.month_of(),
        "figures": figures,
        "table": table,
        "deadline_rows": queries.card_deadline_table(user, month=month) if unit.pk == user.org_id else [],
        "deadline": queries.card_deadline(),
        "target": queries.CARD_COVERAGE_TARGET,
        "may_change": user.may("change"),
        "ancestors": [a for a in unit.ancestors() if a.path.startswith(user.org_path)],
        "importer": ROSTER_IMPORTER,
        "transit": queries.kept_transit_figures(unit, month),
    }


def home(request):
    """The figures of the user's own node."""
    unit = request.user.org
    if unit is None:
        raise PermissionDenied(_("您的账号没有所属组织。"))
    return render(request, "members/home.html", _node_context(request, unit))


def node(request, pk):
    """The figures of a node in the user's scope, with its children."""
    unit = OrgUnit.objects.get_in_scope(request.user, pk=pk)
    return render(request, "members/home.html", _node_context(request, unit))


def node_export(request, pk):
    """The statistical table of a node: its children and a total, with coverage and membership rate."""
    unit = OrgUnit.objects.get_in_scope(request.user, pk=pk)
    month = indicators.month_from_request(request)
    table = queries.kept_figures(request.user, unit, month)
    rows = table.all_rows + [table.total]
    columns = [
        (_("组织"), "label"),
        (_("在会会员"), "members"),
        (_("持有效会员卡"), "carded"),
        (_("已激活"), "activated"),
        (_("会员卡覆盖率"), lambda f: _pct(f.coverage)),
        (_("职工人数（已建会企业）"), lambda f: "—" if f.employees is None else f.employees),
        (_("入会率"), lambda f: _pct(f.membership_rate)),
        (_("已离会（退休、退会、转出）"), "inactive"),
    ]
    title = _("%(n)s会员统计表（截至 %(m)s 末）") % {"n": unit.name, "m": month.strftime("%Y-%m")}
    return exports.xlsx_response(f"{title}-{timezone.localdate():%Y%m%d}.xlsx", title, columns, rows)


class MemberListView(ScopedListView):
    model = Member
    filterset_class = MemberFilter
    title = gettext_lazy("会员名册")
    select_related = ("union",)
    default_sort = "-pk"
    importer_name = ROSTER_IMPORTER
    template_name = "members/list.html"
    columns = [
        Column("name", sort="pinyin", link=True),
        Column("id_masked", gettext_lazy("身份证号")),
        Column("get_sex_display"),
        Column("age_band", gettext_lazy("年龄段"), sort="birth_year"),
        Column("union.name"),
        # A few values each over millions of rows: sorted only once filters leave 10,000 rows or
        # fewer (the filters select by them; an index for each order would slow every import).
        Column("get_employment_form_display", sort="employment_form", sort_at_scale=False),
        Column("get_status_display", sort="status", sort_at_scale=False),
        Column("get_card_status_display", sort="card_status", sort_at_scale=False),
        Column("joined_on_text", gettext_lazy("入会日期"), sort="joined_on"),
        Column("phone"),
    ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Those who do not keep the register (viewers, reviewers) see phone numbers masked.
        if not request.user.may("change"):
            self.columns = [
                Column("phone_masked", c.label) if c.accessor == "phone" else c for c in type(self).columns
            ]

    @property
    def create_url(self):
        return reverse("members:add") if self.request.user.may("change") else None

    def export_spec(self):
        """With ``pii=1`` (administrators only), the export shows full ID numbers and every member
        it shows is audited, just before the file is written (``actions.export_with_ids``)."""
        spec = super().export_spec()
        if self.request.GET.get("pii") != "1":
            return spec
        user, query = self.request.user, export_jobs.list_query(self.request)
        if not actions.may_see_pii(user):
            raise PermissionDenied(_("只有管理员可以导出完整身份证号。"))
        cols = list(spec.columns)
        cols[1] = (_("身份证号"), lambda m: m.id_number)
        spec.columns = cols
        spec.prepare = lambda qs: actions.export_with_ids(user, qs, query)
        spec.max_rows = actions.PII_EXPORT_MAX
        spec.max_rows_message = _("含完整身份证号的导出一次最多 %(n)s 人，请先按组织或条件筛选后再导出。") % {
            "n": f"{actions.PII_EXPORT_MAX:,}"
        }
        return spec

    def extra_context(self):
        return {"may_see_pii": actions.may_see_pii(self.request.user)}


def detail(request, pk):
    member = Member.objects.select_related("union").get_in_scope(request.user, pk=pk)
    return render(request, "members/detail.html", _detail_context(request, member))


def card_moves(card: MemberCard) -> list[tuple[str, str]]:
    """The steps a card's status allows now, with their Chinese labels (for its buttons)."""
    return [(k, MOVE_LABELS[k]) for k, (allowed, _target) in CARD_MOVES.items() if card.status in allowed]


def _history(member: Member, keeper: bool) -> list:
    """The member's audit trail; phone numbers masked for those who do not keep the register."""
    events = history_of(member)
    if not keeper:
        label = str(Member._meta.get_field("phone").verbose_name)
        for ev in events:
            ev.rows = [
                (k, a and masking.mask_phone(a), b and masking.mask_phone(b)) if k == label else (k, a, b)
                for k, a, b in ev.rows
            ]
    return events


def _detail_context(request, member: Member, revealed: str = "") -> dict:
    user = request.user
    cards = queries.cards_of(member)
    for c in cards:
        c.moves = card_moves(c)
    return {
        "member": member,
        "stints": queries.stints_of(member),
        "cards": cards,
        "history": _history(member, keeper=user.may("change")),
        "may_change": user.may("change"),
        "phone": member.phone if user.may("change") else member.phone_masked,
        "may_see_pii": actions.may_see_pii(user),
        "revealed": revealed,
        "card_form": CardActionForm(),
        "move_labels": MOVE_LABELS,
        "may_issue_card": member.is_active and member.card_status not in CARD_HELD,
        "transits": queries.transits_of(member),
    }


@require_POST
def reveal(request, pk):
    """Show the full ID number (administrators); the look is an audit event."""
    member = Member.objects.select_related("union").get_in_scope(request.user, pk=pk)
    try:
        number = actions.reveal_id(request.user, member)
    except ActionError as exc:
        raise PermissionDenied(exc.messages[0]) from None
    return render(request, "members/detail.html", _detail_context(request, member, revealed=number))


class MemberCreateView(ActionFormView):
    form_class = MemberForm
    title = gettext_lazy("登记会员")

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        member = actions.register_member(
            self.request.user,
            d["union"],
            name=d["name"],
            id_number=d["id_number"],
            phone=d["phone"],
            education=d["education"],
            employment_form=d["employment_form"],
            joined_on=d["joined_on"],
            birth_date=d["birth_date"],
            sex=d["sex"] or None,
        )
        if member.status in IN_TRANSFER:
            self.offered = queries.open_transit_of(member)
            messages.info(
                self.request,
                _(
                    "该身份证号的会员已由“%(u)s”办理转出，尚无工会接收：已作为待接收转入提交给“%(t)s”，请确认接收。"
                )
                % {"u": self.offered.from_union.name, "t": d["union"].name},
            )
        return member

    def success_url(self, result):
        offered = getattr(self, "offered", None)
        if offered is not None:
            return reverse("members:accept", args=[offered.pk])
        return super().success_url(result)


class MemberActionView(ActionFormView):
    model = Member
    select_related = ("union",)


class MemberEditView(MemberActionView):
    form_class = MemberEditForm
    title = gettext_lazy("修改会员信息")

    def form_kwargs(self):
        return {"member": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.update_member(
            self.request.user,
            self.object,
            name=d["name"],
            phone=d["phone"],
            education=d["education"],
            employment_form=d["employment_form"],
            joined_on=d["joined_on"],
            id_number=d["id_number"] or None,
        )


class MemberTransferView(MemberActionView):
    form_class = TransferForm
    title = gettext_lazy("转会")
    submit_label = gettext_lazy("确认转会")

    def form_kwargs(self):
        return {"user": self.request.user, "member": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.transfer_member(
            self.request.user, self.object, d["to_union"], on=d["on"], note=d["note"]
        )


class MemberLeaveView(MemberActionView):
    form_class = LeaveForm
    title = gettext_lazy("办理离会")
    submit_label = gettext_lazy("确认离会")

    def perform(self, form):
        d = form.cleaned_data
        return actions.end_membership(self.request.user, self.object, d["status"], on=d["on"], note=d["note"])


class TransferInView(ActionFormView):
    """Receive a member active in another union (possibly outside the scope) by ID number."""

    form_class = TransferInForm
    title = gettext_lazy("接收转入会员")
    submit_label = gettext_lazy("确认转入")

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        cid = actions.check_identity(d["id_number"])
        member = actions.find_by_id(cid.number)
        if member is not None and member.status in IN_TRANSFER:
            # Released by its union (or floating): offered to the chosen union, which accepts next.
            self.offered = actions.offer_to(self.request.user, member, d["to_union"])
            messages.info(self.request, _("该会员已办理转出，尚无工会接收：请确认接收。"))
            return member
        if member is None or not member.is_active:
            raise ActionError(_("登记册中没有这个身份证号的在会会员，请直接登记入会。"))
        member = actions.transfer_member(self.request.user, member, d["to_union"], on=d["on"], note=d["note"])
        messages.info(self.request, _("已转入“%(u)s”。") % {"u": d["to_union"].name})
        return member

    def success_url(self, result):
        offered = getattr(self, "offered", None)
        if offered is not None:
            return reverse("members:accept", args=[offered.pk])
        return super().success_url(result)


class CardListView(ScopedListView):
    model = MemberCard
    title = gettext_lazy("会员服务卡")
    select_related = ("member", "union")
    default_sort = "-pk"
    template_name = "members/cards.html"
    columns = [
        Column("number", sort="number"),
        Column("member.name", gettext_lazy("持卡人")),
        Column("member.id_masked", gettext_lazy("身份证号")),
        Column("union.name"),
        Column("get_status_display", sort="status"),
        Column("issued_at", sort="issued_at"),
        Column("activated_at"),
    ]

    def extra_context(self):
        batches = queries.recent_card_batches(self.request.user)
        return {"batches": batches, "may_change": self.request.user.may("change")}


class CardIssueView(ActionFormView):
    """Bulk issue: the first submission shows what will happen (how many issued, skipped and why),
    the second (``confirm``) issues."""

    form_class = CardIssueForm
    title = gettext_lazy("批量发卡")
    submit_label = gettext_lazy("预览")
    template_name = "members/card_issue.html"

    def form_kwargs(self):
        return {"user": self.request.user}

    def form_valid(self, form):
        if not form.cleaned_data["confirm"]:
            preview = queries.card_issue_preview(self.request.user, form.cleaned_data["unit"])
            return self.render_to_response(self.get_context_data(form=form, preview=preview))
        return super().form_valid(form)

    def perform(self, form):
        batch = actions.issue_cards(self.request.user, form.cleaned_data["unit"])
        messages.info(self.request, _("已发卡 %(n)d 张。") % {"n": batch.count})
        return batch

    def success_url(self, result):
        return reverse("members:cards")


@require_POST
def card_issue_one(request, pk):
    """Issue a card to one member, from the member's page."""
    member = Member.objects.select_related("union").get_in_scope(request.user, pk=pk)
    if not request.user.may("change"):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    try:
        card = actions.issue_card(request.user, member, note=request.POST.get("note", "")[:200])
    except ActionError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已发卡 %(n)s。") % {"n": card.number})
    return redirect(member.get_absolute_url())


@require_POST
def card_action(request, pk):
    """One step of a card's workflow (activate, report lost, found, replace, cancel)."""
    card = queries.card_in_scope(request.user, pk)
    if not request.user.may("change"):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    form = CardActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择操作。"))
        return redirect(card.member.get_absolute_url())
    move, note = form.cleaned_data["move"], form.cleaned_data["note"]
    try:
        if move == "replace":
            new = actions.replace_card(request.user, card, note)
            messages.success(request, _("已补换新卡 %(n)s。") % {"n": new.number})
        else:
            actions.change_card(request.user, card, move, note)
            messages.success(request, _("卡 %(n)s：%(m)s。") % {"n": card.number, "m": MOVE_LABELS[move]})
    except ActionError as exc:
        messages.error(request, exc.messages[0])
    return redirect(card.member.get_absolute_url())


# -- transfers: release (转出), accept (转入), members in transit and floating ---------------------


class MemberReleaseView(MemberActionView):
    form_class = ReleaseForm
    title = gettext_lazy("办理转出")
    submit_label = gettext_lazy("确认转出")
    intro = gettext_lazy(
        "转出后该会员不再计入本工会的在会会员，由转入工会确认接收；超过接收期限无人接收的，"
        "转由原工会所在乡镇（街道）工会作为流动会员管理。"
    )

    def form_kwargs(self):
        return {"user": self.request.user, "member": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.release_member(
            self.request.user, self.object, on=d["on"], destination=d["destination"], note=d["note"]
        )


def transit_detail(request, pk):
    """One transfer: who, from where, since when (its age), to where, and what happened."""
    transit = queries.transit_in_scope(request.user, pk)
    return render(
        request,
        "members/transit.html",
        {
            "transit": transit,
            "age": transit.age(),
            "handover_days": actions.handover_days(),
            "history": history_of(transit),
        },
    )


class TransitAcceptView(ActionFormView):
    """The receiving union's half of a transfer: a member in transit or floating begins a stint."""

    model = Transit
    object_action = "change"
    select_related = ("member", "from_union", "destination", "offered_to", "holder")
    form_class = AcceptForm
    title = gettext_lazy("接收转入会员")
    submit_label = gettext_lazy("确认接收")
    template_name = "members/accept.html"

    def form_kwargs(self):
        return {"user": self.request.user, "transit": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"transit": self.object, "age": self.object.age()}

    def perform(self, form):
        if self.object.status not in OPEN_TRANSIT:
            raise ActionError(_("该转会已办结。"))
        d = form.cleaned_data
        actions.accept_member(self.request.user, self.object.member, d["union"], on=d["on"])
        messages.info(self.request, _("已转入“%(u)s”。") % {"u": d["union"].name})
        return self.object

    def success_url(self, result):
        return reverse("members:transit", args=[result.pk])


class TransitListView(ScopedListView):
    """Members in transit and floating, at every level, with their age; accepted ones on request."""

    model = Transit
    title = gettext_lazy("转会途中与流动会员")
    filterset_class = TransitFilter
    select_related = ("member", "from_union", "destination", "offered_to", "holder", "accepted_union")
    default_sort = "released_on"
    columns = [
        Column("member.name", gettext_lazy("姓名"), link=True),
        Column("member.id_masked", gettext_lazy("身份证号")),
        Column("from_union.name"),
        Column("get_status_display", sort="status"),
        Column("released_on", sort="released_on"),
        Column("age_days", gettext_lazy("转出天数")),
        Column("destination_label", gettext_lazy("拟转入/待接收工会")),
        Column("holder_label", gettext_lazy("流动会员所在工会")),
        Column("accepted_union_label", gettext_lazy("转入工会")),
    ]

    def base_queryset(self):
        qs = queries.transits(self.request.user)
        return qs if self.request.GET.get("status") else qs.open()

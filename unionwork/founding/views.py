"""Pages of enterprises and union founding. Thin: parse, call a query or an action, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from unionwork.core import exports, indicators, scope
from unionwork.core.errors import ActionError
from unionwork.core.text import is_digits
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.founding import actions, forms, queries
from unionwork.founding.filters import EnterpriseFilter, GrassrootsUnionFilter
from unionwork.founding.models import (
    Enterprise,
    Expectation,
    FoundingRule,
    FoundingSubmission,
    FoundingTarget,
    GrassrootsUnion,
    Industry,
    SubmissionMove,
    SubmissionState,
)
from unionwork.orgs import queries as org_queries
from unionwork.orgs.models import OrgUnit

IMPORTERS = ("founding.enterprises", "founding.enterprises_full")


# -- helpers ------------------------------------------------------------------------------------
def _node(request, pk: int | None) -> OrgUnit:
    """The node a page is about: the user's own, or one in the user's scope (404 outside it)."""
    if pk is None:
        if request.user.org is None:
            raise Http404
        return request.user.org
    return OrgUnit.objects.get_in_scope(request.user, pk=pk)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _trail(request, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors that the user may open (for breadcrumbs)."""
    user = request.user
    return [a for a in unit.ancestors() if a.path.startswith(user.org_path)]


# -- home: figures of a node --------------------------------------------------------------------
EXPORT_COLUMNS = [
    (gettext_lazy("单位"), "label"),
    (gettext_lazy("企业数"), "enterprises"),
    (gettext_lazy("在营企业"), "operating"),
    (gettext_lazy("应建会企业"), "expected"),
    (gettext_lazy("其中应单独建会"), "expected_own"),
    (gettext_lazy("其中应建联合工会"), "expected_joint"),
    (gettext_lazy("已建会企业"), "founded"),
    (gettext_lazy("其中单独建会"), "founded_own"),
    (gettext_lazy("未建会"), "missing"),
    (gettext_lazy("建会率（%）"), "rate"),
    (gettext_lazy("应建会企业职工数"), "employees_expected"),
    (gettext_lazy("已建会企业职工数"), "employees_covered"),
]


@require_GET
def home(request, pk: int | None = None):
    """A node's founding page: figures, its children table, charts; ``?export=xlsx`` the table."""
    user = request.user
    unit = _node(request, pk)
    year = _year(request)
    month = indicators.month_from_request(request)
    rule = FoundingRule.current()
    # Every figure is the kept indicators' (as on the dashboard); an industrial union's table and
    # breakdowns are the sums of its kept parts by district (see kept_table).
    table = queries.kept_table(user, unit, month)
    if request.GET.get("export") == "xlsx":
        title = _("%(n)s 基层工会组建情况（截至 %(d)s 末）") % {"n": unit.name, "d": month.strftime("%Y-%m")}
        if table.by != "children":  # an industrial union: by district, for reference (see kept_table)
            table.total.label = _("合计（参考，不计入建会率指标）")
        return exports.xlsx_response(f"{title}.xlsx", title, EXPORT_COLUMNS, [*table.all_rows, table.total])
    overview = queries.target_overview(user, unit, year)
    child_units = [r.unit for r in table.rows if r.unit is not None]
    unions_total, unions_kept = queries.kept_union_counts(unit, child_units, month)
    linkable = queries.units_in_scope(user, [r.unit for r in table.rows])
    by_children = table.by == "children"
    # Unions founded in the year (live: a count of that year's records), by child: the target
    # overview's for a node's children; an industrial union's rows are the city's districts.
    founded_by_child = (
        overview.founded_by_child if by_children else queries.founded_by_child(user, unit, year)
    )
    linked = {} if by_children else queries.linked_union_units_by_district(unit)
    rows = [
        (
            r,
            founded_by_child.get(r.unit.path, 0),
            r.unit.pk in linkable,
            # An industrial union's rows: its linked unions in each district (they add up to its figure).
            unions_kept.get(r.unit.pk, 0) if by_children else linked.get(r.unit.path, 0),
            by_children,
        )
        for r in table.rows
    ]
    if table.direct:
        direct_unions = unions_total - sum(unions_kept.get(u.pk, 0) for u in child_units)
        rows.append(
            (table.direct, founded_by_child.get(table.direct.unit.path, 0), False, direct_unions, False)
        )
    series = queries.three_year_series(user, unit, year)
    # Kept by group at the month (an industrial union's: its parts' groups, see kept_breakdowns).
    by_ownership, by_industry = queries.kept_breakdowns(user, unit, month)
    charts = {
        "children": {
            "labels": [r.label for r in table.all_rows],
            "rates": [r.rate for r in table.all_rows],
            "expected": [r.expected for r in table.all_rows],
            "founded": [r.founded for r in table.all_rows],
        },
        "ownership": {
            "labels": [r.label for r in by_ownership],
            "rates": [r.rate for r in by_ownership],
            "expected": [r.expected for r in by_ownership],
            "founded": [r.founded for r in by_ownership],
        },
        "industry": {
            "labels": [r.label for r in by_industry],
            "short": [r.key for r in by_industry],
            "rates": [r.rate for r in by_industry],
            "expected": [r.expected for r in by_industry],
            "founded": [r.founded for r in by_industry],
        },
        "three_year": series,
    }
    pace, behind = queries.founding_pacing(unit, child_units, year, month)
    context = {
        "pace": pace,
        "behind": behind,
        "unit": unit,
        "trail": _trail(request, unit),
        "year": year,
        "rule": rule,
        "total": table.total if by_children else queries.kept_figure(unit, month, table.total),
        "table": table,
        "rows": rows,
        "unions": queries.kept_union_card(unit, month, founded_this_year=overview.node.founded),
        "unions_total": unions_total,
        "month": month,
        "is_current_month": month == indicators.month_of(),
        "by_children": by_children,
        "target": overview.node,
        "by_ownership": by_ownership,
        "by_industry": by_industry,
        "charts": charts,
        "series": series,
        "recent": queries.recent_unions(user, unit, 8),
        "years": range(timezone.localdate().year, 2009, -1),
        "may_change": user.may("change"),
        "may_manage": user.may("manage"),
    }
    return render(request, "founding/home.html", context)


# -- enterprises --------------------------------------------------------------------------------
class EnterpriseListView(ScopedListView):
    model = Enterprise
    filterset_class = EnterpriseFilter
    title = gettext_lazy("企业名录")
    template_name = "founding/enterprise_list.html"
    select_related = ("community", "union")
    default_sort = "name"
    importer_name = "founding.enterprises"
    columns = [
        Column("name", sort="name", link=True),
        # A credit code carries its region: a district's enterprises lie together in its order, so
        # the index walked for another district's sort passes the city's (2.1-3.4 s for 甘井子区).
        Column("uscc", sort="uscc", sort_at_scale=False),
        # Eleven and twenty values, each a filter of the list.
        Column("get_ownership_display", sort="ownership", sort_at_scale=False),
        Column("get_industry_display", sort="industry", sort_at_scale=False),
        Column("employees", gettext_lazy("从业人员"), sort="employees"),
        Column("community.name"),
        Column("union_name", gettext_lazy("所在工会")),
        Column("expectation_label", gettext_lazy("应建会情况")),
        Column("is_key_project"),
        Column("get_status_display", sort="status", sort_at_scale=False),  # two values: a filter
    ]

    def base_queryset(self):
        return queries.annotate_expectation(super().base_queryset())

    @property
    def create_url(self):
        return reverse("founding:enterprise-new") if self.request.user.may("change") else None

    def extra_context(self):
        return {"rule": FoundingRule.current()}


@require_GET
def enterprise_detail(request, pk: int):
    user = request.user
    enterprise = Enterprise.objects.select_related("community", "union").get_in_scope(user, pk=pk)
    rule = FoundingRule.current()
    context = {
        "e": enterprise,
        "rule": rule,
        "expectation": Expectation(
            rule.expectation_of(enterprise.employees, enterprise.ownership, enterprise.status)
        ),
        "record": queries.union_record_of(user, enterprise),
        "trail": _trail(request, enterprise.community) + [enterprise.community],
        "timeline": queries.enterprise_timeline(enterprise),
        "history": history_of(enterprise),
        "may_change": scope.allows_on(user, "change", enterprise),
        "may_manage": scope.allows_on(user, "manage", enterprise),
        "pending_founding": queries.pending_submission_for(user, enterprise),
    }
    return render(request, "founding/enterprise_detail.html", context)


class EnterpriseCreateView(ActionFormView):
    form_class = forms.EnterpriseForm
    title = gettext_lazy("登记企业")

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.register_enterprise(
            self.request.user,
            uscc=d["uscc"],
            name=d["name"],
            ownership=d["ownership"],
            industry=d["industry"],
            community=d["community"],
            employees=d["employees"],
            registered_capital=d["registered_capital"],
            is_key_project=d["is_key_project"],
            address=d["address"],
        )


class EnterpriseActionView(ActionFormView):
    model = Enterprise
    select_related = ("community",)


class EnterpriseEditView(EnterpriseActionView):
    form_class = forms.EnterpriseForm
    title = gettext_lazy("修改企业信息")

    def form_kwargs(self):
        return {"user": self.request.user, "enterprise": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.update_enterprise(
            self.request.user,
            self.object,
            name=d["name"],
            ownership=d["ownership"],
            industry=d["industry"],
            employees=d["employees"],
            registered_capital=d["registered_capital"],
            is_key_project=d["is_key_project"],
            address=d["address"],
            community=d["community"],
        )


class EnterpriseCloseView(EnterpriseActionView):
    form_class = forms.ReasonDateForm
    title = gettext_lazy("标记企业关闭")
    submit_label = gettext_lazy("确认关闭")

    def perform(self, form):
        d = form.cleaned_data
        return actions.close_enterprise(self.request.user, self.object, closed_on=d["on"], reason=d["reason"])


class EnterpriseReopenView(EnterpriseActionView):
    form_class = forms.OptionalReasonForm
    title = gettext_lazy("恢复经营")
    submit_label = gettext_lazy("确认恢复")

    def perform(self, form):
        return actions.reopen_enterprise(self.request.user, self.object, form.cleaned_data["reason"])


@require_GET
def enterprise_import(request):
    """Where the statistics bureau's list is imported: both importers, their recent jobs."""
    user = request.user
    jobs = queries.import_jobs(user, IMPORTERS)
    operating = queries.operating_in_own_area(user)
    context = {"jobs": jobs, "operating": operating, "may_import": user.may("change"), "unit": user.org}
    return render(request, "founding/enterprise_import.html", context)


# -- grassroots unions --------------------------------------------------------------------------
class UnionListView(ScopedListView):
    model = GrassrootsUnion
    filterset_class = GrassrootsUnionFilter
    title = gettext_lazy("基层工会建会名册")
    template_name = "founding/union_list.html"
    select_related = ("unit", "unit__parent", "unit__industrial_union")
    default_sort = "-founded_on"
    columns = [
        Column("unit.name", gettext_lazy("工会名称"), sort="unit__pinyin", link=True),
        Column("unit.get_kind_display", gettext_lazy("类型"), sort="unit__kind", sort_at_scale=False),
        Column("unit.parent.name", gettext_lazy("所在组织")),
        Column("founded_on", sort="founded_on"),
        Column("entered_on", gettext_lazy("录入平台日期"), sort="created_at"),
        Column("chairman_name"),
        Column("chairman_directly_elected"),
        Column("is_project_union"),
        Column("unit.industrial_union.name", gettext_lazy("所属产业工会")),
        # A count of each union's enterprises: every union counted before the first page.
        Column("n_enterprises", gettext_lazy("覆盖企业"), sort="n_enterprises", sort_at_scale=False),
        # Four values over 30,000 unions: the (status, founded_on) index orders the status, not its
        # ties (250-310 ms for the city).
        Column("get_status_display", sort="status", sort_at_scale=False),
    ]

    def base_queryset(self):
        # A count per shown row (a subquery on the enterprises' union index), not a GROUP BY of
        # every union of the scope joined to its enterprises before the page is cut.
        covered = (
            Enterprise.objects.filter(union_id=OuterRef("unit_id"))
            .order_by()
            .values("union_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().base_queryset().annotate(n_enterprises=Coalesce(Subquery(covered), 0))

    @property
    def create_url(self):
        return reverse("founding:union-new") if self.request.user.may("change") else None


# -- foundings recorded by data-entry clerks, waiting for confirmation ------------------------------
class SubmissionListView(ScopedListView):
    model = FoundingSubmission
    title = gettext_lazy("建会登记确认")
    template_name = "founding/submission_list.html"
    select_related = ("parent", "level", "recorded_by")
    default_sort = "-recorded_at"
    columns = [
        Column("name", sort="name", link=True),
        Column("parent.name"),
        Column("founded_on", sort="founded_on"),
        Column("recorded_by"),
        Column("recorded_at", sort="recorded_at"),
        Column("level.name"),
        Column("get_state_display", sort="state"),
    ]

    def base_queryset(self):
        qs = super().base_queryset()
        state = self.request.GET.get("state", "pending")
        return qs.filter(state=state) if state in SubmissionState.values else qs

    def extra_context(self):
        return {"states": SubmissionState.choices, "state": self.request.GET.get("state", "pending")}


@require_GET
def submission_detail(request, pk: int):
    user = request.user
    sub = FoundingSubmission.objects.select_related(
        "parent", "level", "recorded_by", "decided_by", "industrial_union", "union"
    ).get_in_scope(user, pk=pk)
    context = {
        "s": sub,
        "enterprises": queries.submission_enterprises(user, sub),
        "may_decide": actions.may_decide(user, sub),
        "may_record_again": sub.state == SubmissionState.RETURNED and sub.recorded_by_id == user.pk,
        "history": history_of(sub),
        "union_visible": queries.union_visible(user, sub.union_id),
    }
    return render(request, "founding/submission_detail.html", context)


def _move_submission(request, pk: int, move: str):
    """Confirm or return a recorded founding (one action each; the refusal shown on its page)."""
    sub = FoundingSubmission.objects.get_in_scope(request.user, pk=pk)
    if request.method != "POST":  # a link followed by hand: the page with the buttons
        return redirect(sub.get_absolute_url())
    if not request.user.may("review"):
        raise PermissionDenied(_("您的角色无权执行此操作。"))
    try:
        actions.move_submission(request.user, sub, move, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if move == SubmissionMove.CONFIRM:
            messages.success(request, _("已确认建会，已计入建会数和建会率。"))
        else:
            messages.success(request, _("已退回填报员。"))
    return redirect(sub.get_absolute_url())


@require_http_methods(["GET", "POST"])
def submission_confirm(request, pk: int):
    return _move_submission(request, pk, SubmissionMove.CONFIRM)


@require_http_methods(["GET", "POST"])
def submission_return(request, pk: int):
    return _move_submission(request, pk, SubmissionMove.RETURN)


@require_GET
def union_detail(request, pk: int):
    user = request.user
    record = GrassrootsUnion.objects.select_related(
        "unit", "unit__parent", "unit__industrial_union", "merged_into__unit"
    ).get_in_scope(user, pk=pk)
    in_territory = record.unit.path.startswith(user.org_path)
    context = {
        "u": record,
        "unit": record.unit,
        "enterprises": queries.union_enterprises(user, record.unit),
        "events": org_queries.unit_history(record.unit),
        "history": history_of(record),
        "trail": _trail(request, record.unit),
        "may_change": user.may("change") and in_territory and record.is_active,
        "may_manage": user.may("manage")
        and in_territory
        and record.is_active
        and record.unit.pk != user.org_id,
        "merged_into_visible": queries.union_visible(user, record.merged_into_id),
    }
    return render(request, "founding/union_detail.html", context)


class UnionFoundView(ActionFormView):
    form_class = forms.FoundUnionForm
    title = gettext_lazy("组建基层工会")
    # Data-entry clerks record foundings too; where the rule asks, theirs wait for confirmation.
    action = "change"
    template_name = "founding/found_form.html"
    submit_label = gettext_lazy("登记建会")

    def form_kwargs(self):
        return {"user": self.request.user}

    def get_initial(self):
        initial = {"founded_on": timezone.localdate()}
        e = queries.enterprise_to_found(self.request.user, self.request.GET.get("enterprise", ""))
        if e is not None:
            initial["enterprises"] = [e.pk]
            initial["is_project_union"] = e.is_key_project
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "rule": FoundingRule.current(),
            "needs_confirmation": actions.needs_confirmation(self.request.user),
        }

    def success_url(self, result):
        if isinstance(result, FoundingSubmission):
            messages.info(
                self.request, _("建会已登记，等待本级管理员或审核员确认；确认后计入建会数和建会率。")
            )
        return result.get_absolute_url()

    def perform(self, form):
        d = form.cleaned_data
        return actions.record_founding(
            self.request.user,
            enterprises=d["enterprises"],
            kind=d["kind"],
            name=d["name"],
            founded_on=d["founded_on"],
            chairman_name=d["chairman_name"],
            chairman_directly_elected=d["chairman_directly_elected"],
            chairman_elected_on=d["chairman_elected_on"],
            is_project_union=d["is_project_union"],
            industrial_union=d["industrial_union"],
            reason=d["reason"],
        )


class UnionActionView(ActionFormView):
    action = "manage"

    model = GrassrootsUnion
    select_related = ("unit",)


class UnionEditView(UnionActionView):
    form_class = forms.UnionEditForm
    title = gettext_lazy("修改工会信息")
    action = "change"

    def form_kwargs(self):
        return {"union": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.update_union(
            self.request.user,
            self.object,
            name=d["name"],
            chairman_name=d["chairman_name"],
            chairman_directly_elected=d["chairman_directly_elected"],
            chairman_elected_on=d["chairman_elected_on"],
            is_project_union=d["is_project_union"],
            industrial_union=d["industrial_union"],
            reason=d["reason"],
        )


class UnionMergeView(UnionActionView):
    form_class = forms.MergeUnionForm
    title = gettext_lazy("合并工会")

    def form_kwargs(self):
        return {"user": self.request.user, "union": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.merge_unions(
            self.request.user, self.object, d["target"], on=d["on"], reason=d["reason"]
        )


class UnionDissolveView(UnionActionView):
    form_class = forms.ReasonDateForm
    title = gettext_lazy("撤销工会")
    submit_label = gettext_lazy("确认撤销")

    def perform(self, form):
        d = form.cleaned_data
        return actions.dissolve_union(self.request.user, self.object, on=d["on"], reason=d["reason"])


class UnionCoverView(UnionActionView):
    form_class = forms.CoverForm
    title = gettext_lazy("企业加入联合工会")
    action = "change"

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.cover_enterprises(self.request.user, self.object, d["enterprises"], on=d["on"])


# -- targets ------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def targets(request, pk: int | None = None):
    """A node's founding target for a year, its split among its children, sums and progress."""
    user = request.user
    unit = _node(request, pk)
    year = _year(request)
    if request.method == "POST":
        return _save_targets(request, unit, year)
    overview = queries.target_overview(user, unit, year)
    deeper = [
        p
        for p in queries.target_problems(user, unit, year)
        if p.unit.pk != unit.pk and p.unit.parent_id != unit.pk
    ]
    context = {
        "unit": unit,
        "trail": _trail(request, unit),
        "year": year,
        "o": overview,
        "deeper": deeper,
        "may_set_own": actions.may_set_target(user, unit),
        "may_split": user.may("manage") and any(actions.may_set_target(user, r.unit) for r in overview.rows),
        "may_letter": user.may("change"),
        "years": range(timezone.localdate().year + 1, 2009, -1),
        "today": timezone.localdate(),
    }
    return render(request, "founding/targets.html", context)


def _save_targets(request, unit: OrgUnit, year: int):
    user = request.user
    if not user.may("manage"):
        raise PermissionDenied(_("您的角色无权下达目标。"))
    values: dict[int, int | None] = {}
    errors = []
    for key, raw in request.POST.items():
        if not key.startswith("target_"):
            continue
        raw = raw.strip()
        pk = key.removeprefix("target_")
        if not is_digits(pk):
            continue
        if raw == "":
            continue
        if not is_digits(raw):
            errors.append(_("目标数应为不小于 0 的整数（“%(v)s”）。") % {"v": raw[:20]})
            continue
        values[int(pk)] = int(raw)
    deadline = None
    if request.POST.get("deadline"):
        import datetime

        try:
            deadline = datetime.date.fromisoformat(request.POST["deadline"])
        except ValueError:
            errors.append(_("完成期限的日期格式不对。"))
    if not errors:
        try:
            actions.save_target_sheet(user, unit=unit, year=year, targets=values, deadline=deadline)
        except ActionError as exc:
            errors.extend(exc.messages)
    if errors:
        for e in errors:
            messages.error(request, e)
        return redirect(f"{request.path}?year={year}")
    messages.success(request, _("目标已保存。"))
    return redirect(f"{request.path}?year={year}")


class LetterView(ActionFormView):
    form_class = forms.LetterForm
    title = gettext_lazy("登记目标任务责任状")
    template_name = "founding/form_upload.html"

    model = FoundingTarget
    select_related = ("unit",)

    def get_initial(self):
        t = self.object
        return {"signed_on": t.letter_signed_on or timezone.localdate(), "signatories": t.letter_signatories}

    def perform(self, form):
        d = form.cleaned_data
        return actions.attach_letter(
            self.request.user,
            self.object,
            signed_on=d["signed_on"],
            signatories=d["signatories"],
            file=d["file"],
        )

    def success_url(self, result):
        return (
            reverse("founding:targets-unit", args=[result.unit.parent_id or result.unit_id])
            + f"?year={result.year}"
        )


@require_GET
def letter_file(request, pk: int):
    """The scan of a responsibility letter, to those who see the target."""
    target = FoundingTarget.objects.get_in_scope(request.user, pk=pk)
    if not target.letter_file:
        raise Http404
    try:
        fh = target.letter_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(fh, as_attachment=False, filename=target.letter_file.name.rsplit("/", 1)[-1])


# -- the rule -----------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def rule(request):
    """The founding rule (everyone reads it; the city's administrators change it)."""
    user = request.user
    current = FoundingRule.current()
    may_edit = actions.may_edit_rule(user)
    initial = {
        "own_union_min_employees": current.own_union_min_employees,
        "joint_union_min_employees": current.joint_union_min_employees,
        "excluded_ownerships": current.excluded_ownerships,
        "confirmation_required": current.confirmation_required,
        "note": current.note,
    }
    rule_form = forms.RuleForm(initial=initial)
    industries_form = forms.IndustriesForm()
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("应建会规则由市总工会管理员设定。"))
        which = request.POST.get("form")
        if which == "industries":
            industries_form = forms.IndustriesForm(request.POST)
            form = industries_form
        else:
            rule_form = forms.RuleForm(request.POST)
            form = rule_form
        if form.is_valid():
            d = form.cleaned_data
            try:
                if which == "industries":
                    actions.set_industries(user, d["unit"], d["industries"])
                else:  # a recount left to the background is told on the page it returns to
                    actions.update_rule(user, **d)
            except ActionError as exc:
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, _("已保存。"))
                return redirect("founding:rule")
        status = 400
    scopes = queries.industrial_scopes()
    labels = dict(Industry.choices)
    industrial = [
        (u, [f"{i} {labels[i]}" for i in scopes.get(u.pk, []) if i in labels])
        for u in forms.industrial_unions()
    ]
    context = {
        "rule": current,
        "may_edit": may_edit,
        "rule_form": rule_form,
        "industries_form": industries_form,
        "industrial": industrial,
    }
    return render(request, "founding/rule.html", context, status=status)

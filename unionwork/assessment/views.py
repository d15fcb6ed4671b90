"""Pages of the assessment: thin views that parse, call an action or a query, and render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.assessment import actions, forms, queries, scoring
from unionwork.assessment.filters import AppealFilter, ClaimFilter
from unionwork.assessment.models import (
    Appeal,
    Claim,
    ClaimFile,
    Item,
    Scheme,
    SchemeState,
)
from unionwork.core import exports
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.orgs.models import OrgUnit
from unionwork.orgs.queries import children_of

_lazy = gettext_lazy


class AssessmentForm(ActionFormView):
    template_name = "assessment/form.html"


def _node(request) -> OrgUnit:
    raw = request.GET.get("node")
    if raw:
        try:
            return OrgUnit.objects.get_in_scope(request.user, pk=int(raw))
        except (TypeError, ValueError):
            raise Http404 from None
    if request.user.org_id is None:
        raise Http404
    return request.user.org


# -- home ---------------------------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    node = _node(request)
    kids = children_of(user, node)
    context = {
        "node": node,
        "schemes": list(queries.schemes(user).order_by("-year", "group", "-version")[:40]),
        "hard": queries.hard_requirements(user, node, kids),
        "today": timezone.localdate(),
        "may_create": user.may("manage"),
    }
    return render(request, "assessment/home.html", context)


home.required_action = "view"


# -- schemes ------------------------------------------------------------------------------------------


class SchemeCreateView(AssessmentForm):
    form_class = forms.SchemeForm
    title = _lazy("起草考核方案")
    intro = _lazy(
        "方案属于本级（考核单位），考核本级下属的区市县（先导区）总工会或产业工会。起草后添加部分和项目，基本分合计 100 分方可发布。"
    )
    action = "manage"

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, form):
        return actions.create_scheme(self.request.user, self.request.user.org, **form.cleaned_data)


class SchemeEditView(AssessmentForm):
    form_class = forms.SchemeEditForm
    title = _lazy("修改方案设置")
    action = "manage"
    model = Scheme
    select_related = ("org",)

    def get_initial(self):
        return {f: getattr(self.object, f) for f in actions.SCHEME_FIELDS}

    def perform(self, form):
        d = {
            k: v for k, v in form.cleaned_data.items() if v is not None or k in ("period_start", "period_end")
        }
        d["period_start"] = d.get("period_start") or self.object.period_start
        d["period_end"] = d.get("period_end") or self.object.period_end
        return actions.update_scheme(self.request.user, self.object, **d)


@require_safe
def scheme_detail(request, pk):
    user = request.user
    s = queries.scheme(user, pk)
    manage = queries.may_manage(user, s)
    context = {
        "scheme": s,
        "sections": queries.sections(s),
        "sums": actions.points_summary(s),
        "versions": queries.versions(user, s),
        "computations": list(queries.computations(user, s)[:20]),
        "may_manage": manage,
        "assessing": queries.is_assessing(user, s),
        # Only the buttons the role can use: reviewers of the assessing level; the assessed unit's
        # administrators and data-entry clerks.
        "may_review": queries.is_assessing(user, s) and user.may("review"),
        "may_claim": queries.may_claim(user, s),
        "indicator_label": queries.indicator_label,
        "open_appeals": queries.open_appeals(user, s),
        "history": history_of(s) if manage else [],
    }
    return render(request, "assessment/scheme_detail.html", context)


class SchemeChildForm(AssessmentForm):
    action = "manage"
    model = Scheme
    object_action = "manage"
    select_related = ("org",)


class SectionCreateView(SchemeChildForm):
    form_class = forms.SectionForm
    title = _lazy("添加考核部分")

    def perform(self, form):
        actions.add_section(self.request.user, self.object, **form.cleaned_data)
        return self.object


class ItemFormView(SchemeChildForm):
    """Add an item to a draft (``schemes/<pk>/items/new/``); :class:`ItemEditView` changes one."""

    form_class = forms.SchemeItemForm
    title = _lazy("考核项目")
    intro = _lazy(
        "绑定平台指标的项目按规则自动计分：分档、线性、同组排名、时限（硬性指标）、按数量计分（加分或扣分）、超过即触发（扣分或一票否决）。"
        "佐证材料评审的项目由被考核单位申报、考核单位评审人打分。"
    )
    item = None

    def scheme(self) -> Scheme:
        return self.object

    def form_kwargs(self):
        return {"scheme": self.scheme()}

    def get_initial(self):
        return forms.item_initial(self.item) if self.item else {}

    def perform(self, form):
        actions.save_item(self.request.user, self.scheme(), self.item, **form.item_fields())
        return self.scheme()


class ItemEditView(ItemFormView):
    model = Item
    select_related = ("scheme__org", "section")

    def get_object(self):
        self.item = super().get_object()
        return self.item

    def scheme(self) -> Scheme:
        return self.item.scheme


class SchemeMoveView(SchemeChildForm):
    """Publish, revise, close or compute: one form each, one action each."""

    move = ""
    MOVES = {
        "publish": (
            forms.ConfirmForm,
            _lazy("发布考核方案"),
            _lazy("发布后方案冻结；修改须生成新版本并说明原因。"),
        ),
        "revise": (
            forms.ReasonForm,
            _lazy("修订考核方案（生成新版本）"),
            _lazy("新版本发布前，当前版本继续有效。"),
        ),
        "close": (forms.ConfirmForm, _lazy("结束考核方案"), _lazy("结束后不再申报、评审、申诉和计分。")),
        "copy": (
            forms.CopyForm,
            _lazy("沿用为新年度方案"),
            _lazy("复制全部部分和项目为新年度的草稿，时限项的日期顺延相应年数；修改后再发布。"),
        ),
        "compute": (
            forms.ComputeForm,
            _lazy("计分与排名"),
            _lazy(
                "试算不公布；初步排名公布给被考核单位并进入申诉期；申诉期满、申诉裁定完毕后公布最终排名并冻结。"
            ),
        ),
    }

    def get_form_class(self):
        return self.MOVES[self.move][0]

    def get_context_data(self, **kwargs):
        _form, title, intro = self.MOVES[self.move]
        kwargs.setdefault("title", title)
        kwargs.setdefault("intro", intro)
        return super().get_context_data(**kwargs)

    def perform(self, form):
        user, s = self.request.user, self.object
        if self.move == "publish":
            return actions.publish_scheme(user, s)
        if self.move == "revise":
            return actions.revise_scheme(user, s, reason=form.cleaned_data["reason"])
        if self.move == "close":
            return actions.close_scheme(user, s)
        if self.move == "copy":
            return actions.copy_scheme(
                user, s, year=form.cleaned_data["year"], name=form.cleaned_data["name"]
            )
        comp = actions.compute(user, s, kind=form.cleaned_data["kind"])
        return comp


SCHEME_MOVES = tuple(SchemeMoveView.MOVES)


# -- rankings and score sheets -------------------------------------------------------------------------


def _ranking_context(request, s: Scheme):
    comp = queries.shown_computation(request.user, s, request.GET.get("computation"))
    sections = queries.ranked_sections(queries.sections(s if comp is None else comp.scheme))
    rows = queries.ranking(request.user, comp, sections) if comp else []
    return comp, sections, rows


@require_safe
def ranking(request, pk):
    user = request.user
    s = queries.scheme(user, pk)
    comp, sections, rows = _ranking_context(request, s)
    export = request.GET.get("export")
    title = f"{s.name} {comp.get_kind_display() if comp else ''}"
    if export == "xlsx" and comp is not None:
        columns = [
            (_("名次"), lambda r: r.result.rank if r.result.rank else _("取消评比资格")),
            (_("单位"), lambda r: r.result.unit.name),
            *[(sv.section.name, (lambda r, i=i: float(r.sections[i]))) for i, sv in enumerate(sections)],
            (_("加分"), lambda r: float(r.result.bonus)),
            (_("扣分"), lambda r: float(r.result.deduction)),
            (_("总分"), lambda r: float(r.result.total)),
            (_("一票否决"), lambda r: _("是") if r.result.vetoed else ""),
            (_("名次变化"), lambda r: r.result.rank_change if r.result.rank_change is not None else ""),
        ]
        return exports.xlsx_response(f"{s.name}-排名-{comp.number}.xlsx", title, columns, rows)
    if export == "pdf" and comp is not None:
        return _pdf(
            request,
            "assessment/print_ranking.html",
            {"scheme": s, "comp": comp, "sections": sections, "rows": rows},
            f"{s.name}-排名",
        )
    chart = {
        "units": [r.result.unit.name for r in rows],
        "sections": [
            {"name": sv.section.name, "data": [float(r.sections[i]) for r in rows]}
            for i, sv in enumerate(sections)
        ],
        "bonus": [float(r.result.bonus) for r in rows],
        "deduction": [-float(r.result.deduction) for r in rows],
    }
    context = {
        "scheme": s,
        "comp": comp,
        "sections": sections,
        "rows": rows,
        "computations": list(queries.computations(user, s)[:20]),
        "chart": chart,
        "assessing": queries.is_assessing(user, s),
        "may_manage": queries.may_manage(user, s),
    }
    if comp is not None and request.GET.get("verify") and queries.may_manage(user, s):
        context["mismatches"] = queries.recompute_matches(comp)
        context["verified"] = True
    return render(request, "assessment/ranking.html", context)


def _pdf(request, template: str, context: dict, name: str) -> HttpResponse:
    from unionwork.core import pdf

    resp = HttpResponse(
        pdf.render(render_to_string(template, context, request=request)), content_type="application/pdf"
    )
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(name + '.pdf')}"
    return resp


@require_safe
def result_detail(request, pk):
    user = request.user
    res = queries.result(user, pk)
    items = queries.sheet(user, res)
    if not items:
        # The totals of a published ranking are public to its units; the items are the unit's own.
        raise Http404
    s = res.computation.scheme
    export = request.GET.get("export")
    if export == "xlsx":
        columns = [
            (_("编号"), lambda r: r.item.code),
            (_("部分"), lambda r: r.item.section.name),
            (_("考核内容"), lambda r: r.item.name),
            (_("类别"), lambda r: r.item.get_kind_display()),
            (_("分值"), lambda r: float(r.item.points)),
            (_("指标值"), lambda r: r.figure),
            (_("得分"), lambda r: float(r.points)),
            (_("计分依据"), lambda r: r.basis),
        ]
        return exports.xlsx_response(
            f"{res.unit.name}-评分表.xlsx", f"{s.name} {res.unit.name}", columns, items
        )
    if export == "pdf":
        return _pdf(
            request,
            "assessment/print_sheet.html",
            {"res": res, "items": items, "scheme": s},
            f"{res.unit.name}-评分表",
        )
    context = {
        "res": res,
        "scheme": s,
        "items": items,
        "may_appeal": queries.may_appeal(user, res),
        "appeals": list(queries.appeals(user).filter(computation=res.computation, unit=res.unit)),
        "indicator_label": queries.indicator_label,
    }
    return render(request, "assessment/result_detail.html", context)


class AppealCreateView(AssessmentForm):
    form_class = forms.AppealForm
    title = _lazy("对初步排名提出申诉")
    intro = _lazy("在申诉期内就一个项目提出申诉并说明理由；考核单位逐件裁定并说明理由。")

    def get_object(self):
        # The result belongs to the assessing level (the unit cannot change it); the appeal is the
        # unit's own record: the view checks the window and the unit, the action checks again.
        self.result = queries.result(self.request.user, self.kwargs["pk"])
        if not queries.may_appeal(self.request.user, self.result):
            raise PermissionDenied(_("不在申诉期内，或您不是该被考核单位的用户。"))
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("object", self.result)
        return super().get_context_data(**kwargs)

    def form_kwargs(self):
        return {"items": queries.sheet(self.request.user, self.result)}

    def perform(self, form):
        item = Item.objects.get(pk=form.cleaned_data["item"])
        return actions.file_appeal(self.request.user, self.result, item, reason=form.cleaned_data["reason"])


# -- claims and reviews ----------------------------------------------------------------------------------


class ClaimListView(ScopedListView):
    model = Claim
    template_name = "assessment/list.html"
    filterset_class = ClaimFilter
    title = _lazy("自评申报")
    select_related = ("unit", "item", "scheme")
    default_sort = "-submitted_at"
    columns = [
        Column("unit.name", sort="unit__path"),
        Column("scheme.name", _lazy("方案")),
        Column("item", sort="item__code"),
        Column("submitted_at", sort="submitted_at"),
        Column("link"),
    ]


class ClaimCreateView(AssessmentForm):
    form_class = forms.ClaimForm
    title = _lazy("自评申报")
    intro = _lazy(
        "被考核单位就佐证材料评审的项目申报：说明、文件（PDF、Word、Excel、图片）和本平台记录的链接。"
    )

    def get_object(self):
        # The scheme is the assessing level's (read-only to the unit); the claim is the unit's own.
        self.scheme = queries.scheme(self.request.user, self.kwargs["pk"])
        if not queries.may_claim(self.request.user, self.scheme):
            raise PermissionDenied(_("只有本方案被考核单位的管理员和填报员可以自评申报。"))
        return None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("object", self.scheme)
        return super().get_context_data(**kwargs)

    def form_kwargs(self):
        return {"items": list(queries.evidence_items(self.scheme, claimable=True))}

    def get_initial(self):
        return {"item": self.request.GET.get("item")} if self.request.GET.get("item") else {}

    def perform(self, form):
        d = form.cleaned_data
        item = Item.objects.get(scheme=self.scheme, pk=d["item"])
        uploads = self.request.FILES.getlist("files")[: actions.MAX_FILES + 1]
        actions.check_sizes([(f.name, f.size) for f in uploads])  # before reading any into memory
        files = [(f.name, f.read()) for f in uploads]
        return actions.claim(
            self.request.user,
            self.scheme,
            item,
            self.request.user.org,
            text=d["text"],
            link=d["link"],
            files=files,
        )


@require_safe
def claim_detail(request, pk):
    user = request.user
    c = queries.claim(user, pk)
    context = {
        "claim": c,
        "files": list(ClaimFile.objects.restrict(user).filter(claim=c).defer("data")),
        "reviews": queries.reviews_of(user, c),
        "may_review": actions.may_review(user, c.unit) and c.scheme.state == SchemeState.PUBLISHED,
        "history": history_of(c),
    }
    return render(request, "assessment/claim_detail.html", context)


@require_safe
def claim_file(request, pk):
    f = ClaimFile.objects.get_in_scope(request.user, pk=pk)
    resp = HttpResponse(bytes(f.data), content_type=f.content_type)
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(f.name)}"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


class ReviewView(AssessmentForm):
    """The reviewer's bench: every evidence item × unit with its claim and latest review, and the form."""

    form_class = forms.ReviewForm
    template_name = "assessment/reviews.html"
    title = _lazy("评审")
    action = "review"
    model = Scheme
    select_related = ("org",)
    submit_label = _lazy("提交评审")

    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        return [u for u in scoring.assessed_units(self.object) if actions.may_review(self.request.user, u)]

    def form_kwargs(self):
        return {"items": list(queries.evidence_items(self.object)), "units": self.units()}

    def get_initial(self):
        return {k: self.request.GET[k] for k in ("item", "unit") if self.request.GET.get(k)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        s, units = self.object, self.units()
        items = list(queries.evidence_items(s))
        claimed = {}
        for c in queries.claims(self.request.user).filter(scheme__series=s.series).order_by("submitted_at"):
            claimed[c.item.code, c.unit_id] = c
        scores = {
            (i.item.code, u.unit.pk): i
            for u in scoring.score(s, timezone.localdate(), units)
            for i in u.items
        }
        context["matrix"] = [
            (item, [(u, claimed.get((item.code, u.pk)), scores.get((item.code, u.pk))) for u in units])
            for item in items
        ]
        context["scheme"] = s
        return context

    def perform(self, form):
        d = form.cleaned_data
        item = Item.objects.get(scheme=self.object, pk=d["item"])
        unit = next((u for u in self.units() if u.pk == d["unit"]), None)
        if unit is None:
            raise Http404
        claim = (
            Claim.objects.filter(scheme__series=self.object.series, item__code=item.code, unit=unit)
            .order_by("-submitted_at")
            .first()
        )
        actions.review(
            self.request.user,
            self.object,
            item,
            unit,
            points=d.get("points") or 0,
            comment=d["comment"],
            triggered=d.get("triggered", False),
            claim_obj=claim,
        )
        return self.object

    def success_url(self, result):
        return reverse("assessment:reviews", args=[result.pk])


# -- appeals --------------------------------------------------------------------------------------------


class AppealListView(ScopedListView):
    model = Appeal
    template_name = "assessment/list.html"
    filterset_class = AppealFilter
    title = _lazy("申诉")
    select_related = ("unit", "item", "computation__scheme")
    default_sort = "-filed_at"
    columns = [
        Column("unit.name", sort="unit__path"),
        Column("item", sort="item__code"),
        Column("get_state_display", sort="state"),
        Column("points_before"),
        Column("points"),
        Column("filed_at", sort="filed_at"),
        Column("decided_at"),
    ]


@require_safe
def appeal_detail(request, pk):
    user = request.user
    a = queries.appeal(user, pk)
    context = {
        "appeal": a,
        "may_decide": a.state == "open" and actions.may_review(user, a.unit),
        "history": history_of(a),
    }
    return render(request, "assessment/appeal_detail.html", context)


class DecideView(AssessmentForm):
    form_class = forms.DecideForm
    title = _lazy("裁定申诉")
    action = "review"
    model = Appeal
    object_action = "review"
    select_related = ("unit", "item")
    submit_label = _lazy("裁定")

    def perform(self, form):
        d = form.cleaned_data
        return actions.decide_appeal(
            self.request.user, self.object, upheld=d["upheld"], decision=d["decision"], points=d.get("points")
        )

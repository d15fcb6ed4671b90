"""Pages of the organisation tree: browser, list, detail and the actions of dynamic management."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.orgs import actions, queries
from unionwork.orgs.filters import OrgUnitFilter
from unionwork.orgs.forms import (
    CorrectionForm,
    MergeForm,
    MoveForm,
    ReasonForm,
    RezoneForm,
    UnitCreateForm,
    UnitEditForm,
)
from unionwork.orgs.models import OrgUnit, Rezoning


def browser(request):
    """The tree from the user's own node down, children loaded on demand, with search."""
    root = request.user.org
    q = request.GET.get("q", "").strip()
    results = None
    if q:
        results = queries.search_in_scope(request.user, q)
    children = queries.children_of(request.user, root) if root else []
    return render(
        request, "orgs/browser.html", {"root": root, "children": children, "q": q, "results": results}
    )


def children(request, pk):
    """A fragment: one unit's children, for the tree browser."""
    unit = OrgUnit.objects.get_in_scope(request.user, pk=pk)
    return render(request, "orgs/_children.html", {"children": queries.children_of(request.user, unit)})


class UnitListView(ScopedListView):
    model = OrgUnit
    filterset_class = OrgUnitFilter
    title = _("组织列表")
    select_related = ("parent", "industrial_union")
    default_sort = "path"
    importer_name = "orgs.units"
    columns = [
        Column("name", sort="pinyin"),
        Column("code", _("代码"), sort="code"),
        Column("get_kind_display", sort="kind"),
        Column("parent.name"),
        Column("industrial_union.name"),
        Column("get_status_display", sort="status"),
        Column("is_demo"),
    ]


def detail(request, pk):
    """A unit: its facts, its children (at the end of ``?month=``), its timeline with the kept
    figures before and after each event, its audit trail."""
    unit = OrgUnit.objects.get_in_scope(request.user, pk=pk)
    user = request.user
    month = indicators.month_from_request(request)
    context = {
        "unit": unit,
        "ancestors": [a for a in unit.ancestors() if a.path.startswith(user.org_path) or a.pk == user.org_id],
        "children": queries.children_of(user, unit, include_inactive=True, month=month),
        "month": month,
        "is_past": month < indicators.month_of(),
        "timeline": list(reversed(queries.timeline(unit))),
        "history": history_of(unit),
        "may_manage": user.may("manage"),
        "is_own": unit.pk == user.org_id,
    }
    return render(request, "orgs/detail.html", context)


class UnitActionView(ActionFormView):
    action = "manage"

    model = OrgUnit

    def form_kwargs(self):
        return {"user": self.request.user, "unit": self.object}


class UnitEditView(UnitActionView):
    form_class = UnitEditForm
    title = _("修改组织信息")

    def perform(self, form):
        d = form.cleaned_data
        return actions.update_unit(
            self.request.user,
            self.object,
            name=d["name"],
            code=d["code"],
            industrial_union=d["industrial_union"],
            reason=d["reason"],
        )


class UnitCreateView(UnitActionView):
    form_class = UnitCreateForm
    title = _("设立下级组织")

    def form_kwargs(self):
        return {"user": self.request.user, "parent": self.object}

    def perform(self, form):
        d = form.cleaned_data
        return actions.create_unit(
            self.request.user,
            parent=self.object,
            name=d["name"],
            kind=d["kind"],
            code=d["code"],
            industrial_union=d["industrial_union"],
            reason=d["reason"],
        )


class UnitMoveView(UnitActionView):
    form_class = MoveForm
    title = _("调整隶属关系")

    def perform(self, form):
        return actions.move_unit(
            self.request.user, self.object, form.cleaned_data["new_parent"], form.cleaned_data["reason"]
        )


class UnitMergeView(UnitActionView):
    form_class = MergeForm
    title = _("合并到其他组织")

    def perform(self, form):
        return actions.merge_units(
            self.request.user, self.object, form.cleaned_data["target"], form.cleaned_data["reason"]
        )


class UnitDeregisterView(UnitActionView):
    form_class = ReasonForm
    title = _("注销组织")
    submit_label = _("确认注销")

    def form_kwargs(self):
        return {}

    def perform(self, form):
        return actions.deregister_unit(self.request.user, self.object, form.cleaned_data["reason"])


class UnitReactivateView(UnitDeregisterView):
    title = _("恢复组织")
    submit_label = _("确认恢复")

    def perform(self, form):
        return actions.reactivate_unit(self.request.user, self.object, form.cleaned_data["reason"])


class UnitRezoneView(UnitActionView):
    """Step 1 of a re-zoning: choose the children that move and their new parent; recorded to
    preview (nothing moves until it is confirmed)."""

    form_class = RezoneForm
    template_name = "orgs/rezone_form.html"
    title = _("区划调整")
    submit_label = _("预览")
    success_message = ""
    intro = _(
        "选择要整体调整的下级组织（其下级随之调整）和新的上级组织。下一步预览调整前后的数字，确认后执行。"
    )

    def perform(self, form):
        d = form.cleaned_data
        return actions.prepare_rezoning(self.request.user, list(d["units"]), d["new_parent"], d["reason"])


def rezoning(request, pk):
    """Step 2: the preview (which units move, their figures, the parents' figures before and
    after) with the confirm button; once confirmed, its progress and outcome."""
    rz = Rezoning.objects.get_in_scope(request.user, pk=pk)
    if rz.status == Rezoning.Status.PENDING:
        preview = queries.rezoning_preview(request.user, rz.units, rz.new_parent)
    else:
        preview = queries.rezoning_outcome(request.user, rz)
    context = {
        "rz": rz,
        "preview": preview,
        "may_confirm": rz.status == Rezoning.Status.PENDING and request.user.may("manage"),
        "title": _("区划调整"),
    }
    return render(request, "orgs/rezoning.html", context)


@require_POST
def rezoning_confirm(request, pk):
    rz = Rezoning.objects.get_in_scope(request.user, "manage", pk=pk)
    try:
        rz = actions.confirm_rezoning(request.user, rz)
    except ActionError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if rz.status == Rezoning.Status.DONE:
            messages.success(request, _("区划调整已完成：%(n)d 个组织。") % {"n": rz.done})
        else:
            messages.info(request, _("区划调整已在后台执行，本页显示进度。"))
    return redirect(rz.get_absolute_url())


class UnitCorrectView(UnitActionView):
    """An audited correction of a closed month's kept figure of the unit, by the level above."""

    form_class = CorrectionForm
    title = _("更正已结账月份的数字")
    submit_label = _("确认更正")
    success_message = _("已更正，并记入审计。")
    intro = _(
        "月份结账后，业务操作不再改变该月的数字（迟报的记录从录入当月起计）。"
        "确需更正的，由上级组织填写增减和原因；更正只改变该月，并在各数字页面标明。"
    )

    def perform(self, form):
        d = form.cleaned_data
        actions.correct_figure(
            self.request.user,
            self.object,
            d["indicator"],
            d["month"],
            d["numerator"] or 0,
            d["denominator"] or 0,
            d["reason"],
        )
        return self.object

    def success_url(self, result) -> str:
        return f"{result.get_absolute_url()}?month={self.request.POST.get('month', '')}"

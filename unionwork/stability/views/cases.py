"""Cases: the list, grievance cases, a case with its timeline, the moves of the workflow."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core.views import Column, history_of
from unionwork.stability import actions, forms, queries
from unionwork.stability.filters import (
    CaseFilter,
)
from unionwork.stability.models import (
    Case,
    CaseMove,
)
from unionwork.stability.views._common import AmendView, StabilityForm, StabilityList

_lazy = gettext_lazy


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
        Column("title", sort="title"),
        Column("get_kind_display", _lazy("类型"), sort="kind"),
        Column("get_severity_display", sort="severity"),
        Column("get_state_display", sort="state"),
        Column("org.name", sort="org__path"),
        Column("handling_org.name"),
        Column("owner.full_name"),
        Column("opened_at", sort="opened_at"),
        Column("due_at", sort="due_at"),
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
            "sessions": queries.sessions_of(case),
            "moves": moves,
            "amendments": queries.amendments_of(case),
            "history": history_of(case),
            "petition": queries.petition_of_case(case),
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

    model = Case
    select_related = ("handling_org", "org")

    def form_kwargs(self):
        if self.move == CaseMove.OWN:
            return {"user": self.request.user, "case": self.object}
        return {}

    def get_initial(self):
        if self.move == CaseMove.ASSESS:
            return {"severity": self.object.severity}
        if self.move == CaseMove.MEDIATE:
            return {"held_on": timezone.localdate()}
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


class CaseAmendView(AmendView):
    form_class = forms.CaseAmendForm
    title = _lazy("更正案件信息")
    amend = staticmethod(actions.amend_case)

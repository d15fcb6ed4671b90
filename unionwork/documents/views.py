"""The documents pages: thin views over ``queries`` and ``actions``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.core import indicators, scope
from unionwork.core.views import ActionFormView, Column, ScopedListView, history_of
from unionwork.documents import actions, forms, layout, queries
from unionwork.documents.filters import DispatchFilter, DocumentFilter, ItemFilter
from unionwork.documents.models import (
    MOVE_ACTION,
    WORKFLOW,
    Dispatch,
    DispatchRole,
    DocMove,
    DocState,
    Document,
    DocumentSeries,
    ProgressReport,
    SupervisionItem,
    SupervisionTarget,
)

_lazy = gettext_lazy


class DocumentsList(ScopedListView):
    template_name = "documents/list.html"


class DocumentsForm(ActionFormView):
    template_name = "documents/form.html"


def _own_unit(request):
    unit = getattr(request.user, "org", None)
    if unit is None:
        raise PermissionDenied(_("您的账号未关联工会组织。"))
    return unit


# -- home -------------------------------------------------------------------------------------------


@require_safe
def home(request):
    user = request.user
    return render(
        request,
        "documents/home.html",
        {
            "awaiting_ack": queries.awaiting_ack(user)[:20],
            "awaiting_report": queries.awaiting_report(user)[:20],
            "awaiting_decision": queries.awaiting_decision(user)[:20],
            "figures": queries.kept_figures(user),
            "unit": getattr(user, "org", None),
            "now_time": timezone.now(),
        },
    )


@require_safe
def figures(request):
    month = indicators.month_from_request(request)
    keys = ("documents.acknowledged_on_time", "documents.supervision_on_time", "documents.overdue")
    tables = [(indicators.get(k), queries.children_ranked(request.user, k, month)) for k in keys]
    return render(
        request,
        "documents/figures.html",
        {
            "tables": tables,
            "month": month,
            "own": queries.kept_figures(request.user, month),
            "unit": request.user.org,
        },
    )


# -- lists ------------------------------------------------------------------------------------------


class InboxView(DocumentsList):
    model = Dispatch
    title = _lazy("收文与签收")
    filterset_class = DispatchFilter
    default_sort = "-sent_at"
    columns = [
        Column("recipient.name", sort="recipient__path"),
        Column("document.number", _lazy("文号")),
        Column("document.title", _lazy("标题")),
        Column("document.signing_body", _lazy("发文机关")),
        Column("get_role_display", _lazy("主送/抄送")),
        Column("sent_at", sort="sent_at"),
        Column("ack_due"),
        Column("status_display", _lazy("签收情况")),
        Column("acknowledged_at", sort="acknowledged_at"),
    ]

    def base_queryset(self):
        return queries.receipts(self.request.user)


class DocumentListView(DocumentsList):
    model = Document
    title = _lazy("公文")
    filterset_class = DocumentFilter
    select_related = ("issuer", "series")
    default_sort = "-pk"
    create_url = reverse_lazy("documents:draft")
    columns = [
        Column("number_display", _lazy("文号"), sort="number"),
        Column("title"),
        Column("get_kind_display", _lazy("文种")),
        Column("issuer.name", sort="issuer__path"),
        Column("get_state_display", _lazy("状态"), sort="state"),
        Column("issue_date", sort="issue_date"),
        Column("sent_at", sort="sent_at"),
    ]


class SeriesListView(DocumentsList):
    model = DocumentSeries
    title = _lazy("发文字号")
    select_related = ("issuer",)
    default_sort = "prefix"
    create_url = reverse_lazy("documents:series-create")
    importer_name = "documents.series"
    columns = [
        Column("prefix", sort="prefix"),
        Column("issuer.name", sort="issuer__path"),
        Column("department"),
        Column("name"),
    ]


class ItemListView(DocumentsList):
    model = SupervisionItem
    title = _lazy("督办事项")
    filterset_class = ItemFilter
    select_related = ("document", "document__issuer")
    default_sort = "deadline"
    columns = [
        Column("title"),
        Column("document.number", _lazy("来源公文")),
        Column("document.issuer.name", _lazy("督办单位")),
        Column("deadline", sort="deadline"),
        Column("get_reporting_display", _lazy("报送方式")),
        Column("closed_at", _lazy("关闭时间")),
    ]


# -- one document -----------------------------------------------------------------------------------


def _doc(request, pk, action="view"):
    return Document.objects.select_related(
        "issuer", "series", "series__issuer", "forwarded_from"
    ).get_in_scope(request.user, action, pk=pk)


@require_safe
def document_detail(request, pk):
    user = request.user
    doc = _doc(request, pk)
    own = queries.own_dispatch(user, doc)
    if own is not None and own.read_at is None and user.org_id == own.recipient_id:
        own = actions.mark_read(user, own)
    rows = list(queries.recipients_of(user, doc))
    moves = [
        (m, DocMove(m).label)
        for m in WORKFLOW.get(doc.state, {})
        if scope.allows_on(user, MOVE_ACTION[m], doc)
    ]
    return render(
        request,
        "documents/document_detail.html",
        {
            "doc": doc,
            "own": own,
            "rows": rows,
            "summary": queries.receipt_summary(rows),
            "moves": moves,
            "may_change": scope.allows_on(user, "change", doc),
            "main_text": doc.main_text or actions.recipients_text(doc, DispatchRole.MAIN),
            "copy_text": doc.copy_text or actions.recipients_text(doc, DispatchRole.COPY),
            "body": layout.paragraphs(doc.body),
            "attachments": queries.attachments_of(user, doc),
            "items": queries.items_of(user, doc),
            "forwards": queries.forwards_of(user, doc),
            "history": history_of(doc),
            "sent": doc.state == DocState.SENT,
        },
    )


def _printed(request, pk):
    doc = _doc(request, pk)
    main = doc.main_text or actions.recipients_text(doc, DispatchRole.MAIN)
    copy = doc.copy_text or actions.recipients_text(doc, DispatchRole.COPY)
    return doc, main, copy


def _filename(doc, ext):
    return f"{doc.number or doc.title}.{ext}"


@require_safe
def document_pdf(request, pk):
    doc, main, copy = _printed(request, pk)
    resp = HttpResponse(layout.render_pdf(doc, main, copy), content_type="application/pdf")
    resp["Content-Disposition"] = content_disposition_header(False, _filename(doc, "pdf"))
    return resp


@require_safe
def document_docx(request, pk):
    doc, main, copy = _printed(request, pk)
    resp = HttpResponse(
        layout.render_docx(doc, main, copy),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    resp["Content-Disposition"] = content_disposition_header(True, _filename(doc, "docx"))
    return resp


@require_safe
def attachment(request, pk):
    att = queries.attachment_in_scope(request.user, pk)
    resp = HttpResponse(bytes(att.data), content_type=att.content_type)
    resp["Content-Disposition"] = content_disposition_header(True, att.name)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


class DraftView(DocumentsForm):
    form_class = forms.DocumentForm
    title = _lazy("拟稿")
    intro = _lazy("拟稿后送审核，审核通过后由领导签发；签发时编排文号，分发时按组织树确定收文单位。")

    def form_kwargs(self):
        return {"user": self.request.user, "unit": _own_unit(self.request)}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.draft_document(self.request.user, _own_unit(self.request), **d)


class EditView(DocumentsForm):
    form_class = forms.DocumentForm
    title = _lazy("修改公文")
    model = Document
    select_related = ("issuer",)

    def form_kwargs(self):
        return {"user": self.request.user, "unit": self.object.issuer, "instance": self.object}

    def perform(self, form):
        return actions.edit_document(self.request.user, self.object, **form.cleaned_data)


MOVE_FORMS = {
    DocMove.RETURN: forms.ReasonForm,
    DocMove.REVOKE: forms.ReasonForm,
    DocMove.SIGN: forms.SignForm,
}
MOVE_INTRO = {
    DocMove.SIGN: _lazy("签发即编排文号（发文字号按年度连续编号，不跳号、不重号），签发人记为您本人。"),
    DocMove.SEND: _lazy("分发后公文立即进入每个收文单位的收文箱；收文单位按组织树当前的单位确定。"),
    DocMove.REVOKE: _lazy("撤销不删除公文：收文单位会收到撤销通知，公文与文号保留。"),
    DocMove.WITHDRAW: _lazy("撤回的草稿不再办理；已编的文号保留，不再使用。"),
}


class MoveView(DocumentsForm):
    """One page per move of the workflow; the action is the one ``move_document``."""

    model = Document
    move = ""
    select_related = ("issuer", "series")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.action = MOVE_ACTION[self.move]
        self.form_class = MOVE_FORMS.get(self.move, forms.ConfirmForm)
        self.title = DocMove(self.move).label
        self.submit_label = DocMove(self.move).label
        self.intro = MOVE_INTRO.get(self.move, "")

    def perform(self, form):
        return actions.move_document(self.request.user, self.object, self.move, **form.cleaned_data)


class RemindView(DocumentsForm):
    model = Document
    action = "change"
    form_class = forms.ConfirmForm
    title = _lazy("催办签收")
    submit_label = _lazy("催办未签收单位")
    intro = _lazy("向尚未签收的收文单位发送提醒。")

    def perform(self, form):
        actions.remind(self.request.user, self.object)
        return self.object


class AttachView(DocumentsForm):
    model = Document
    form_class = forms.AttachmentForm
    title = _lazy("上传附件")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"files": self.request.FILES or None}

    def perform(self, form):
        f = form.cleaned_data["file"]
        actions.attach(self.request.user, self.object, name=f.name, data=f.read())
        return self.object


class AcknowledgeView(DocumentsForm):
    model = Dispatch
    form_class = forms.ConfirmForm
    title = _lazy("签收")
    submit_label = _lazy("签收")
    select_related = ("document", "recipient")
    intro = _lazy("签收即确认本单位已收到该公文；签收人和签收时间由系统记录。")

    def perform(self, form):
        return actions.acknowledge(self.request.user, self.object)


class ForwardView(DocumentsForm):
    model = Dispatch
    form_class = forms.ForwardForm
    title = _lazy("转发")
    select_related = ("document", "recipient")
    intro = _lazy("转发即以本单位名义拟一份新公文（引用来文），经审核、签发后发至本单位下级。")

    def form_kwargs(self):
        return {"user": self.request.user, "unit": self.object.recipient}

    def perform(self, form):
        d = form.cleaned_data
        return actions.forward(
            self.request.user,
            self.object,
            series=d["series"],
            title=d["title"],
            body=d["body"],
            groups=d["groups"],
        )


# -- supervision ------------------------------------------------------------------------------------


class ItemCreateView(DocumentsForm):
    model = Document
    form_class = forms.ItemForm
    title = _lazy("设立督办事项")

    def form_kwargs(self):
        units = queries.recipient_units(self.object)
        choices = [(i.key, f"{i.label}（{i.key}）") for i in indicators.listed()]
        return {"recipients": units, "indicator_choices": choices}

    def perform(self, form):
        d = dict(form.cleaned_data)
        return actions.add_item(self.request.user, self.object, **d)


@require_safe
def item_detail(request, pk):
    item = SupervisionItem.objects.select_related("document", "document__issuer").get_in_scope(
        request.user, pk=pk
    )
    targets = list(queries.targets_of(request.user, item))
    live = queries.live_figures(item, [t.recipient for t in targets])
    today = queries.today()
    rows = [(t, live.get(t.recipient_id), t.is_overdue(today)) for t in targets]
    return render(
        request,
        "documents/item_detail.html",
        {
            "item": item,
            "rows": rows,
            "indicator_label": queries.indicator_label(item.indicator_key),
            "may_change": scope.allows_on(request.user, "change", item),
            "history": history_of(item),
        },
    )


class ItemCloseView(DocumentsForm):
    model = SupervisionItem
    form_class = forms.ReasonForm
    title = _lazy("关闭督办事项")

    def perform(self, form):
        return actions.close_item(self.request.user, self.object, reason=form.cleaned_data["reason"])


@require_safe
def target_detail(request, pk):
    target = SupervisionTarget.objects.select_related("item", "item__document", "recipient").get_in_scope(
        request.user, pk=pk
    )
    reports = list(queries.reports_of(request.user, target))
    files: dict[int, list] = {}
    for a in queries.report_attachments(request.user, [r.pk for r in reports]):
        files.setdefault(a.report_id, []).append(a)
    live = queries.live_figures(target.item, [target.recipient]).get(target.recipient_id)
    return render(
        request,
        "documents/target_detail.html",
        {
            "target": target,
            "reports": [(r, files.get(r.pk, [])) for r in reports],
            "live": live,
            "indicator_label": queries.indicator_label(target.item.indicator_key),
            "may_report": scope.allows_on(request.user, "change", target)
            and request.user.org_id == target.recipient_id,
            "may_decide": scope.allows_on(request.user, "review", target.item),
            "overdue": target.is_overdue(queries.today()),
            "next_due": target.next_due(queries.today()),
            "history": history_of(target),
        },
    )


class ProgressView(DocumentsForm):
    model = SupervisionTarget
    form_class = forms.ProgressForm
    title = _lazy("报送进展")
    select_related = ("item", "recipient")

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"files": self.request.FILES or None}

    def perform(self, form):
        d = form.cleaned_data
        files = [(d["file"].name, d["file"].read())] if d.get("file") else []
        report = actions.report_progress(
            self.request.user, self.object, text=d["text"], is_final=d["is_final"], files=files
        )
        return report.target


class DecideView(DocumentsForm):
    model = ProgressReport
    form_class = forms.DecisionForm
    action = "review"
    title = _lazy("审核进展")
    select_related = ("target",)

    def perform(self, form):
        d = form.cleaned_data
        report = actions.decide_report(
            self.request.user, self.object, accept=d["decision"] == "accept", comment=d["comment"]
        )
        return report.target


class SeriesCreateView(DocumentsForm):
    form_class = forms.SeriesForm
    action = "manage"
    title = _lazy("设置发文字号")
    intro = _lazy(
        "发文字号 = 发文机关代字 +〔年份〕+ 序号 + 号，例如 大工发〔2012〕57号。序号按年度由平台编排。"
    )

    def perform(self, form):
        actions.add_series(self.request.user, _own_unit(self.request), **form.cleaned_data)
        return None

    def success_url(self, result):
        return reverse("documents:series")

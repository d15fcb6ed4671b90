"""Official documents over the API: /api/v1/documents/.

Thin handlers: every read starts from the model's ``restrict`` (one record through
``get_in_scope``: outside the caller's scope a 404), every write is an action of
:mod:`unionwork.documents.actions`. Nothing is deleted over the API either.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from unionwork.core import indicators
from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination, filtered
from unionwork.documents import actions, queries
from unionwork.documents.filters import DispatchFilter, DocumentFilter, ItemFilter
from unionwork.documents.models import Dispatch, Document, SupervisionItem

router = Router(tags=["公文督办"])
PAGE_SIZE = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}


class DocumentOut(Schema):
    id: int
    number: str = Field(description="发文字号，如 大工发〔2012〕57号；签发前为空")
    title: str
    kind: str
    state: str
    issuer_id: int
    issuer_name: str
    signing_body: str
    issue_date: datetime.date | None
    printer: str
    printed_on: datetime.date | None
    main_text: str
    copy_text: str
    sent_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    revoke_reason: str
    forwarded_from_id: int | None

    @staticmethod
    def resolve_issuer_name(obj: Document) -> str:
        return obj.issuer.name


class DispatchOut(Schema):
    id: int
    document_id: int
    document_number: str
    document_title: str
    recipient_id: int
    recipient_name: str
    role: str
    sent_at: datetime.datetime
    ack_due: datetime.datetime
    read_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None
    status: str

    @staticmethod
    def resolve_document_number(obj: Dispatch) -> str:
        return obj.document.number

    @staticmethod
    def resolve_document_title(obj: Dispatch) -> str:
        return obj.document.title

    @staticmethod
    def resolve_recipient_name(obj: Dispatch) -> str:
        return obj.recipient.name

    @staticmethod
    def resolve_status(obj: Dispatch) -> str:
        return obj.status_display()


class ItemOut(Schema):
    id: int
    document_id: int
    title: str
    requirement: str
    deadline: datetime.date
    reporting: str
    indicator_key: str
    closed_at: datetime.datetime | None
    close_reason: str


class FigureOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    rate: float | None


class DocumentQuery(Schema):
    q: str | None = Field(None, description="文号或标题")
    under: str | None = Field(None, description="发文机关（组织编号或代码，含下级）")
    state: str | None = None
    kind: str | None = None
    year: int | None = None


class InboxQuery(Schema):
    q: str | None = None
    status: str | None = Field(None, description="unread 未读，read 已阅未签收，acknowledged 已签收")


class ItemQuery(Schema):
    q: str | None = None
    open: str | None = Field(None, description="1 办理中，0 已关闭")


@router.get("/documents", response={200: list[DocumentOut], **LIST_ERRORS}, summary="公文列表")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_documents(request: HttpRequest, filters: Query[DocumentQuery]):
    """本单位及下级发出的公文（含草稿），以及发给本单位或下级的公文。"""
    return filtered(DocumentFilter, filters, queries.documents(request.user), request).order_by("-pk")


@router.get("/documents/{int:pk}", response={200: DocumentOut, **ONE_READ_ERRORS}, summary="公文详情")
def get_document(request: HttpRequest, pk: int):
    return queries.documents(request.user).get_in_scope(request.user, pk=pk)


@router.get(
    "/documents/{int:pk}/recipients",
    response={200: list[DispatchOut], **ONE_READ_ERRORS},
    summary="分发与签收情况",
)
def document_recipients(request: HttpRequest, pk: int):
    """发文机关看全部收文单位；收文单位看本单位及下级。"""
    doc = queries.documents(request.user).get_in_scope(request.user, pk=pk)
    return list(queries.recipients_of(request.user, doc))


@router.get("/inbox", response={200: list[DispatchOut], **LIST_ERRORS}, summary="收文")
@paginate(Pagination, page_size=PAGE_SIZE)
def inbox(request: HttpRequest, filters: Query[InboxQuery]):
    return filtered(DispatchFilter, filters, queries.inbox(request.user), request).order_by("-sent_at", "pk")


@router.post("/inbox/{int:pk}/acknowledge", response={200: DispatchOut, **WRITE_ERRORS}, summary="签收")
def acknowledge(request: HttpRequest, pk: int):
    """本单位签收一份收文；签收人和时间由服务器记录。"""
    dispatch = queries.dispatches(request.user).get_in_scope(request.user, "change", pk=pk)
    actions.acknowledge(request.user, dispatch)
    return queries.dispatches(request.user).get(pk=pk)


@router.get("/items", response={200: list[ItemOut], **LIST_ERRORS}, summary="督办事项")
@paginate(Pagination, page_size=PAGE_SIZE)
def list_items(request: HttpRequest, filters: Query[ItemQuery]):
    return filtered(ItemFilter, filters, queries.items(request.user), request).order_by("deadline", "pk")


@router.get("/items/{int:pk}", response={200: ItemOut, **ONE_READ_ERRORS}, summary="督办事项详情")
def get_item(request: HttpRequest, pk: int):
    return SupervisionItem.objects.get_in_scope(request.user, pk=pk)


@router.get("/figures", response={200: list[FigureOut], **READ_ERRORS}, summary="公文督办指标")
def figures(request: HttpRequest):
    """本单位（含下级）的按时签收率、督办按时办结率、逾期未办结数（指标库中的数）。"""
    return [
        {
            "key": ind.key,
            "label": str(ind.label),
            "numerator": f.numerator,
            "denominator": f.denominator,
            "rate": f.rate if ind.unit == indicators.RATE else None,
        }
        for ind, f in queries.kept_figures(request.user)
    ]

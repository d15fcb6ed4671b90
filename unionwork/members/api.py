"""The member register over the API: /api/v1/members/.

Thin handlers, as in :mod:`unionwork.orgs.api`: parse, then a query of
:mod:`unionwork.members.queries` (every read starts from ``Member.objects.restrict``; one record
is fetched with ``get_in_scope``, so one outside the caller's scope is a 404) or an action of
:mod:`unionwork.members.actions` (role and scope check, write, audit, in one transaction).

Personal data: an ID number is shown masked exactly as on the pages (``id_masked``), never in
full, with an age band instead of the birth date, and phone numbers masked for those who may not
change the register (the same rules as the pages, :mod:`unionwork.core.masking`); a full number is accepted in a request (to register, correct or search) and is looked up
through its keyed hash (:mod:`unionwork.members.pii`), never echoed back.

Lists are paged by key (``after`` = the last id of the previous page, ``limit`` at most 200):
no count over two million rows, and a page stays right while records are added.
"""

import datetime
from typing import Any, Literal

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, filtered
from unionwork.core.errors import ActionError
from unionwork.core.scope import user_may
from unionwork.members import actions, queries
from unionwork.members.filters import MemberFilter, SubtreeFilter
from unionwork.members.models import (
    CardStatus,
    Education,
    EmploymentForm,
    Member,
    MemberCard,
    Membership,
    MemberStatus,
    Sex,
)
from unionwork.orgs import queries as orgs_queries

router = Router(tags=["会员"])

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, **READ_ERRORS}
MEMBER_RELATED = ("union",)
CARD_RELATED = ("member", "union")


def _choices_help(label: str, choices) -> str:
    return f"{label}：" + "，".join(f"{value} {name}" for value, name in choices)


# --- schemas -------------------------------------------------------------------------------------


class MemberOut(Schema):
    """A member as the register's list page shows them: the ID number masked."""

    id: int
    name: str
    id_masked: str = Field(description="身份证号（脱敏，与网页相同；完整号码不经接口提供）")
    sex: Sex
    sex_display: str
    age_band: str = Field(description="年龄段（如 30–39岁）；出生日期不经接口提供，与身份证号同样加密保存")
    phone: str = Field(description="联系电话；查看员、审核员得到脱敏号码（如 138****5678）")
    education: str
    education_display: str
    employment_form: EmploymentForm
    employment_form_display: str
    union_id: int
    union_name: str
    status: MemberStatus
    status_display: str
    joined_on: datetime.date
    left_on: datetime.date | None
    card_status: CardStatus
    card_status_display: str
    is_demo: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_sex_display(obj: Member) -> str:
        return str(obj.get_sex_display())

    @staticmethod
    def resolve_phone(obj: Member, context) -> str:
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) or getattr(request, "user", None)
        return obj.phone if user is not None and user_may(user, "change") else obj.phone_masked

    @staticmethod
    def resolve_education_display(obj: Member) -> str:
        return str(obj.get_education_display()) if obj.education else ""

    @staticmethod
    def resolve_employment_form_display(obj: Member) -> str:
        return str(obj.get_employment_form_display())

    @staticmethod
    def resolve_union_name(obj: Member) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_display(obj: Member) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_card_status_display(obj: Member) -> str:
        return str(obj.get_card_status_display())


class StintOut(Schema):
    """One stint in a union (会籍记录)."""

    id: int
    union_id: int
    union_name: str
    status: MemberStatus
    status_display: str
    started_on: datetime.date
    ended_on: datetime.date | None
    end_note: str
    source: str
    source_display: str

    @staticmethod
    def resolve_union_name(obj: Membership) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_display(obj: Membership) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_source_display(obj: Membership) -> str:
        return str(obj.get_source_display())


class CardOut(Schema):
    """A member service card (会员服务卡); its holder's ID number masked."""

    id: int
    number: str
    member_id: int
    member_name: str
    member_id_masked: str = Field(description="持卡人身份证号（脱敏）")
    union_id: int
    union_name: str
    status: CardStatus
    status_display: str
    replaces_id: int | None = Field(description="补换时被替换的卡")
    batch_id: int | None
    issued_at: datetime.datetime
    activated_at: datetime.datetime | None
    lost_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    note: str

    @staticmethod
    def resolve_member_name(obj: MemberCard) -> str:
        return obj.member.name

    @staticmethod
    def resolve_member_id_masked(obj: MemberCard) -> str:
        return obj.member.id_masked

    @staticmethod
    def resolve_union_name(obj: MemberCard) -> str:
        return obj.union.name

    @staticmethod
    def resolve_status_display(obj: MemberCard) -> str:
        return str(obj.get_status_display())


class MemberDetailOut(MemberOut):
    stints: list[StintOut] = Field(description="会籍记录，新的在前")
    cards: list[CardOut] = Field(description="会员服务卡，新的在前")

    @staticmethod
    def resolve_stints(obj: Member) -> list[Membership]:
        return queries.stints_of(obj)

    @staticmethod
    def resolve_cards(obj: Member) -> list[MemberCard]:
        cards = queries.cards_of(obj)
        for card in cards:
            card.member = obj  # the holder is the member at hand: no query per card
        return cards


class MemberPage(Schema):
    items: list[MemberOut]
    next_after: int | None = Field(description="下一页：把它作为 after 再请求；null 表示已是最后一页")


class CardPage(Schema):
    items: list[CardOut]
    next_after: int | None = Field(description="下一页：把它作为 after 再请求；null 表示已是最后一页")


class BatchOut(Schema):
    """One bulk issue of cards."""

    id: int
    unit_id: int
    count: int
    first_number: str
    last_number: str
    actor_label: str
    created_at: datetime.datetime


class PageQuery(Schema):
    after: int | None = Field(None, ge=0, description="上一页最后一条的编号（按编号升序分页）")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数，最多 {MAX_LIMIT}")


class MemberQuery(Schema):
    q: str | None = Field(None, description="姓名（或开头）、拼音或首字母，或完整身份证号")
    id_number: str | None = Field(
        None, description="按完整身份证号精确查找（经密钥摘要比对，号码不落日志、不回显）"
    )
    under: str | None = Field(None, description="组织编号或代码：该组织及其全部下级的会员")
    status: MemberStatus | None = Field(None, description=_choices_help("会籍状态", MemberStatus.choices))
    employment_form: EmploymentForm | None = Field(
        None, description=_choices_help("用工形式", EmploymentForm.choices)
    )
    card_status: CardStatus | None = Field(None, description=_choices_help("会员卡", CardStatus.choices))


class CardQuery(Schema):
    under: str | None = Field(None, description="组织编号或代码：该组织及其全部下级发的卡")
    status: CardStatus | None = Field(None, description=_choices_help("状态", CardStatus.choices))
    number: str | None = Field(None, description="卡号（精确匹配）")
    member_id: int | None = Field(None, description="持卡会员编号")


class CardFilter(django_filters.FilterSet):
    """The card list's filters (the page lists cards without filters yet)."""

    under = SubtreeFilter()
    status = django_filters.ChoiceFilter(choices=CardStatus.choices)
    number = django_filters.CharFilter(field_name="number")
    member_id = django_filters.NumberFilter(field_name="member_id")

    class Meta:
        model = MemberCard
        fields = ["under", "status", "number", "member_id"]


class MemberCreateIn(Schema):
    union_id: int = Field(description="所在工会编号（基层工会或联合工会，在管辖范围内）")
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=40, description="身份证号（18 位，或旧的 15 位）")
    employment_form: EmploymentForm = Field(description=_choices_help("用工形式", EmploymentForm.choices))
    joined_on: datetime.date | None = Field(None, description="入会日期，默认今天")
    phone: str = Field("", max_length=40)
    education: Education | None = Field(None, description=_choices_help("文化程度", Education.choices))
    birth_date: datetime.date | None = Field(None, description="可选：给出时须与身份证号一致")
    sex: Sex | None = Field(None, description="可选：给出时须与身份证号一致（M 男，F 女）")


class MemberUpdateIn(Schema):
    """Only the fields sent are changed; ``id_number`` corrects the ID number itself."""

    name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=40)
    education: Education | None = None
    employment_form: EmploymentForm | None = None
    joined_on: datetime.date | None = None
    id_number: str | None = Field(None, max_length=40, description="更正身份证号（录错时）")


class TransferIn(Schema):
    to_union_id: int = Field(description="转入的工会编号（在管辖范围内）")
    on: datetime.date | None = Field(None, description="转会日期，默认今天")
    note: str = Field("", max_length=300)


class LeaveIn(Schema):
    status: MemberStatus = Field(description="离会类型：transferred 转出，retired 退休，left 退会")
    on: datetime.date | None = Field(None, description="离会日期，默认今天")
    note: str = Field("", max_length=300)


class IssueIn(Schema):
    unit_id: int = Field(description="发卡范围：该组织及其全部下级尚未持卡的在会会员")


class NoteIn(Schema):
    note: str = Field("", max_length=300)


# --- helpers -------------------------------------------------------------------------------------


def _member(request: HttpRequest, member_id: int) -> Member:
    """The member in the path, in the user's scope, or 404."""
    return Member.objects.select_related(*MEMBER_RELATED).get_in_scope(request.user, "view", pk=member_id)


def _card(request: HttpRequest, card_id: int) -> MemberCard:
    return MemberCard.objects.select_related(*CARD_RELATED).get_in_scope(request.user, "view", pk=card_id)


def _keyset(qs: QuerySet, page: PageQuery) -> dict:
    """One page in id order after ``page.after``, and the key of the next page."""
    qs = qs.order_by("pk")
    if page.after is not None:
        qs = qs.filter(pk__gt=page.after)
    items = list(qs[: page.limit + 1])
    more = len(items) > page.limit
    items = items[: page.limit]
    return {"items": items, "next_after": items[-1].pk if more else None}


def _fresh_member(member: Member) -> Member:
    return Member.objects.select_related(*MEMBER_RELATED).get(pk=member.pk)


def _fresh_card(card: MemberCard) -> MemberCard:
    return MemberCard.objects.select_related(*CARD_RELATED).get(pk=card.pk)


# --- members -------------------------------------------------------------------------------------


@router.get(
    "/",
    response={200: MemberPage, **LIST_ERRORS},
    summary="会员列表",
    description="管辖范围内的会员（各种会籍状态），按编号分页；id_number 按完整身份证号精确查找。",
)
def list_members(request: HttpRequest, filters: Query[MemberQuery], page: Query[PageQuery]):
    """The members in the caller's scope, filtered, paged by key."""
    qs = queries.members(request.user).select_related(*MEMBER_RELATED)
    if filters.id_number:
        cid = actions.check_identity(filters.id_number)
        qs = queries.with_id_number(qs, cid.number)
    qs = filtered(MemberFilter, filters, qs, request)
    return _keyset(qs, page)


@router.get(
    "/{int:member_id}",
    response={200: MemberDetailOut, **ONE_READ_ERRORS},
    summary="会员详情",
    description="会员信息、会籍记录和会员服务卡；身份证号脱敏。",
)
def get_member(request: HttpRequest, member_id: int):
    return _member(request, member_id)


@router.post(
    "/",
    response={201: MemberDetailOut, **WRITE_ERRORS},
    summary="登记会员",
    description="在管辖范围内的基层工会或联合工会登记会员；已在别处在会的，请办理转会。需管理员或填报员角色。",
)
def create_member(request: HttpRequest, payload: MemberCreateIn):
    member = actions.register_member(
        request.user,
        orgs_queries.referenced_unit(request.user, payload.union_id, _("所在工会")),
        name=payload.name,
        id_number=payload.id_number,
        employment_form=payload.employment_form.value,
        joined_on=payload.joined_on,
        phone=payload.phone,
        education=payload.education.value if payload.education else "",
        birth_date=payload.birth_date,
        sex=payload.sex.value if payload.sex else None,
    )
    return Status(201, _fresh_member(member))


@router.patch(
    "/{int:member_id}",
    response={200: MemberDetailOut, **WRITE_ERRORS},
    summary="修改会员信息",
    description="只修改请求中给出的字段；id_number 用于更正录错的身份证号。需管理员或填报员角色。",
)
def update_member(request: HttpRequest, member_id: int, payload: MemberUpdateIn):
    member = _member(request, member_id)
    sent = payload.model_fields_set

    def value(field: str, current: Any) -> Any:
        new = getattr(payload, field)
        if field not in sent:
            return current
        return getattr(new, "value", new) if new is not None else ""

    joined_on = payload.joined_on if "joined_on" in sent and payload.joined_on else member.joined_on
    member = actions.update_member(
        request.user,
        member,
        name=value("name", member.name),
        phone=value("phone", member.phone),
        education=value("education", member.education),
        employment_form=value("employment_form", member.employment_form) or member.employment_form,
        joined_on=joined_on,
        id_number=payload.id_number if "id_number" in sent else None,
    )
    return _fresh_member(member)


@router.post(
    "/{int:member_id}/transfer",
    response={200: MemberDetailOut, **WRITE_ERRORS},
    summary="转会",
    description="把在会会员转入管辖范围内的另一工会：原会籍结束，新会籍开始，持有的卡随之转入。",
)
def transfer_member(request: HttpRequest, member_id: int, payload: TransferIn):
    member = _member(request, member_id)
    to_union = orgs_queries.referenced_unit(request.user, payload.to_union_id, _("转入的工会"))
    member = actions.transfer_member(request.user, member, to_union, on=payload.on, note=payload.note)
    return _fresh_member(member)


@router.post(
    "/{int:member_id}/leave",
    response={200: MemberDetailOut, **WRITE_ERRORS},
    summary="办理离会",
    description="退休、退会或转出本市登记册；持有的会员卡随之注销。",
)
def leave(request: HttpRequest, member_id: int, payload: LeaveIn):
    member = _member(request, member_id)
    member = actions.end_membership(
        request.user, member, payload.status.value, on=payload.on, note=payload.note
    )
    return _fresh_member(member)


# --- cards ---------------------------------------------------------------------------------------


@router.get(
    "/cards/",
    response={200: CardPage, **LIST_ERRORS},
    summary="会员服务卡列表",
    description="管辖范围内的会员服务卡，按编号分页；持卡人身份证号脱敏。",
)
def list_cards(request: HttpRequest, filters: Query[CardQuery], page: Query[PageQuery]):
    qs = MemberCard.objects.restrict(request.user).select_related(*CARD_RELATED)
    return _keyset(filtered(CardFilter, filters, qs, request), page)


@router.get("/cards/{int:card_id}", response={200: CardOut, **ONE_READ_ERRORS}, summary="会员服务卡详情")
def get_card(request: HttpRequest, card_id: int):
    return _card(request, card_id)


@router.post(
    "/{int:member_id}/cards",
    response={201: CardOut, **WRITE_ERRORS},
    summary="为一名会员发卡",
    description="为尚未持卡的在会会员发一张会员服务卡。需管理员或填报员角色。",
)
def issue_card(request: HttpRequest, member_id: int):
    member = _member(request, member_id)
    batch = actions.issue_cards(request.user, member.union, member_ids=[member.pk])
    card = MemberCard.objects.select_related(*CARD_RELATED).filter(batch=batch, member=member).first()
    if card is None:
        raise ActionError(
            _("%(n)s 已持有会员卡（已发放、已激活或已挂失），或不是在会会员，未发卡。") % {"n": member.name},
            code="card_state",
        )
    return Status(201, card)


@router.post(
    "/cards/issue",
    response={201: BatchOut, **WRITE_ERRORS},
    summary="批量发卡",
    description="为组织及其全部下级中尚未持卡的在会会员发卡，返回发卡批次（张数、起止卡号）。",
)
def issue_cards(request: HttpRequest, payload: IssueIn):
    unit = orgs_queries.referenced_unit(request.user, payload.unit_id, _("发卡范围"))
    return Status(201, actions.issue_cards(request.user, unit))


@router.post(
    "/cards/{int:card_id}/replace",
    response={201: CardOut, **WRITE_ERRORS},
    summary="补换会员卡",
    description="原卡结束为“已补换”，发一张新卡号的卡；返回新卡。",
)
def replace_card(request: HttpRequest, card_id: int, payload: NoteIn | None = None):
    card = _card(request, card_id)
    new = actions.replace_card(request.user, card, payload.note if payload else "")
    return Status(201, _fresh_card(new))


@router.post(
    "/cards/{int:card_id}/cancel",
    response={200: CardOut, **WRITE_ERRORS},
    summary="注销会员卡",
    description="注销已发放、已激活或已挂失的卡。",
)
def cancel_card(request: HttpRequest, card_id: int, payload: NoteIn | None = None):
    card = _card(request, card_id)
    actions.change_card(request.user, card, "cancel", payload.note if payload else "")
    return _fresh_card(card)


# --- transfers by handshake: release (转出), accept (转入), members in transit and floating --------


class TransitOut(Schema):
    id: int
    member_id: int
    member_name: str
    id_masked: str = Field(description="脱敏身份证号")
    status: str = Field(description="in_transit 转出待接收，floating 流动会员，accepted 已转入")
    from_union_id: int
    from_union_name: str
    released_on: datetime.date
    age_days: int = Field(description="转出至今天数")
    destination_id: int | None
    offered_to_id: int | None = Field(description="登记该身份证号时发现的工会（待其接收）")
    holder_id: int | None = Field(description="流动会员所在乡镇（街道）工会")
    holder_name: str
    floated_on: datetime.date | None
    accepted_union_id: int | None
    accepted_on: datetime.date | None
    note: str


class TransitPage(Schema):
    items: list[TransitOut]
    next_after: int | None


class TransitQuery(Schema):
    status: Literal["in_transit", "floating", "accepted"] | None = Field(
        None, description="in_transit、floating、accepted；默认未办结（途中和流动）"
    )
    pending: bool = Field(False, description="仅看待本单位接收的")


class ReleaseIn(Schema):
    on: datetime.date | None = Field(None, description="转出日期，默认今天")
    destination_id: int | None = Field(None, description="拟转入的工会编号（在管辖范围内，可不填）")
    note: str = Field("", max_length=200)


class AcceptIn(Schema):
    union_id: int = Field(description="转入的工会编号（在管辖范围内）")
    on: datetime.date | None = Field(None, description="转入日期，默认今天，不早于转出日期")


TRANSIT_RELATED = ("member", "from_union", "holder")


def _transit_out(t) -> dict:
    return {
        "id": t.pk,
        "member_id": t.member_id,
        "member_name": t.member.name,
        "id_masked": t.member.id_masked,
        "status": t.status,
        "from_union_id": t.from_union_id,
        "from_union_name": t.from_union.name,
        "released_on": t.released_on,
        "age_days": t.age(),
        "destination_id": t.destination_id,
        "offered_to_id": t.offered_to_id,
        "holder_id": t.holder_id,
        "holder_name": t.holder.name if t.holder_id else "",
        "floated_on": t.floated_on,
        "accepted_union_id": t.accepted_union_id,
        "accepted_on": t.accepted_on,
        "note": t.note,
    }


@router.get(
    "/transits",
    response={200: TransitPage, **LIST_ERRORS},
    summary="转会途中与流动会员",
    description="管辖范围内转出、拟转入、待接收或由本级作为流动会员管理的转会记录，按编号分页；默认未办结的。",
)
def list_transits(request: HttpRequest, filters: Query[TransitQuery], page: Query[PageQuery]):
    qs = queries.pending_acceptances(request.user) if filters.pending else queries.transits(request.user)
    qs = qs.filter(status=filters.status) if filters.status else qs.open()
    got = _keyset(qs.select_related(*TRANSIT_RELATED), page)
    return {"items": [_transit_out(t) for t in got["items"]], "next_after": got["next_after"]}


@router.post(
    "/{int:member_id}/release",
    response={200: TransitOut, **WRITE_ERRORS},
    summary="办理转出",
    description="原工会办理转出：会籍结束，会员处于转会途中（不计入任何工会的在会会员），待转入工会接收。",
)
def release_member(request: HttpRequest, member_id: int, payload: ReleaseIn):
    member = _member(request, member_id)
    destination = (
        orgs_queries.referenced_unit(request.user, payload.destination_id, _("拟转入的工会"))
        if payload.destination_id
        else None
    )
    t = actions.release_member(
        request.user, member, on=payload.on, destination=destination, note=payload.note
    )
    return _transit_out(queries.transits(request.user).select_related(*TRANSIT_RELATED).get(pk=t.pk))


@router.post(
    "/transits/{int:transit_id}/accept",
    response={200: TransitOut, **WRITE_ERRORS},
    summary="接收转入",
    description="转入工会接收转会途中或流动的会员：新的会籍开始。",
)
def accept_member(request: HttpRequest, transit_id: int, payload: AcceptIn):
    transit = queries.transit_in_scope(request.user, transit_id, "view")
    union = orgs_queries.referenced_unit(request.user, payload.union_id, _("转入的工会"))
    actions.accept_member(request.user, transit.member, union, on=payload.on)
    return _transit_out(queries.transits(request.user).select_related(*TRANSIT_RELATED).get(pk=transit.pk))

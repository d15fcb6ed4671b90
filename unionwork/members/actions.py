"""Every change of the member register: one function per thing a user does, in a transaction, audited.

``user`` is the acting account (``None`` for the system: commands, demo data, signal handlers;
the actor context still names the source). Refusals raise :class:`ActionError` in Chinese.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, identifiers, scope, security
from unionwork.core.errors import ActionError
from unionwork.core.scope import ADMINISTRATOR
from unionwork.members import indicators as members_indicators
from unionwork.members import pii
from unionwork.members.models import (
    CARD_HELD,
    CARD_MOVES,
    IN_TRANSFER,
    CardBatch,
    CardNumberSequence,
    CardStatus,
    EmploymentForm,
    Member,
    MemberCard,
    Membership,
    MemberStatus,
    Sex,
    Transit,
    TransitStatus,
)
from unionwork.members.people import clean_name, clean_phone, person_pinyin
from unionwork.orgs.models import OrgKind, OrgUnit

security_log = logging.getLogger("unionwork.security")

MEMBER_UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)
ENDINGS = (MemberStatus.TRANSFERRED, MemberStatus.RETIRED, MemberStatus.LEFT)
BULK = 5000


# -- permissions -----------------------------------------------------------------------------


def may_see_pii(user) -> bool:
    """Whether the user may see full ID numbers (administrators; each look is audited)."""
    return bool(user is not None and getattr(user, "is_active", False) and ADMINISTRATOR in user.role_names())


def _check_may(user, unit: OrgUnit, action: str = "change") -> None:
    """A record to be written in ``unit`` (not created yet): the path rule."""
    scope.check(user, unit.path, unit.ipath, action, what=f"“{unit.name}”")


def _check_member(user, member: Member, action: str = "change") -> None:
    """A member that exists: asked of ``Member.objects.restrict`` (the rule the pages read by)."""
    scope.check_record(user, member, action, what=_("该会员"))


def check_union(union: OrgUnit) -> None:
    """Members are kept by grassroots and joint unions that are active."""
    if union.kind not in MEMBER_UNION_KINDS:
        raise ActionError(
            _("会员只能登记在基层工会或联合工会；“%(n)s”是%(k)s。")
            % {"n": union.name, "k": union.get_kind_display()},
            code="union_kind",
        )
    if not union.is_active:
        raise ActionError(_("“%(n)s”已注销或合并，不能登记会员。") % {"n": union.name}, code="union_inactive")


# -- identity --------------------------------------------------------------------------------


def check_identity(
    id_number: Any, birth_date: datetime.date | None = None, sex: str | None = None
) -> identifiers.CitizenId:
    """The checked ID number; the birth date and sex given must match those it holds."""
    try:
        cid = identifiers.parse_id(id_number)
    except identifiers.IdentifierError as exc:
        raise ActionError(exc.message, code="id_number") from None
    if birth_date and birth_date != cid.birth_date:
        raise ActionError(
            _("出生日期 %(a)s 与身份证号中的 %(b)s 不一致，请核对。")
            % {"a": birth_date, "b": cid.birth_date},
            code="birth_date",
        )
    if sex and sex != cid.sex:
        raise ActionError(
            _("性别“%(a)s”与身份证号（第 17 位）表示的“%(b)s”不一致，请核对。")
            % {"a": Sex(sex).label, "b": Sex(cid.sex).label},
            code="sex",
        )
    return cid


def active_elsewhere_message(user, member: Member) -> str:
    """Where a person is already an active member: masked ID; outside the scope only the union's name."""
    union = member.union
    if user is None or scope.record_in_scope(user, member):
        return _("身份证号 %(id)s（%(name)s）已是“%(u)s”的在会会员。") % {
            "id": member.id_masked,
            "name": member.name,
            "u": union.name,
        }
    return _("身份证号 %(id)s 已是“%(u)s”的在会会员（不在您的管辖范围内）。") % {
        "id": member.id_masked,
        "u": union.name,
    }


def find_by_id(id_number: str, *, for_update: bool = False) -> Member | None:
    """The register's record of a (checked, 18-character) ID number under any configured key."""
    qs = Member.objects.select_related("union")
    if for_update:
        qs = qs.select_for_update()
    return qs.filter(id_hash__in=pii.id_hashes(id_number)).first()


# -- the register's handling of ID numbers, for other registers of persons (hardship files) ---


def seal_id(number: str) -> tuple[bytes, str, str]:
    """A checked ID number as the register stores it: (cipher, keyed hash, key id)."""
    key = pii.current_key()
    return pii.encrypt(number, key), pii.id_hash(number, key), key.key_id


def open_id(cipher, key_id: str = "") -> str:
    """The number of a stored cipher (show it only through an audited unmask)."""
    return pii.decrypt(cipher, key_id)


def id_hashes(number: str) -> list[str]:
    """The keyed hashes of a number under every configured key (exact search, duplicates)."""
    return pii.id_hashes(number)


def record_unmask(user, obj, number_owner_label: str = "") -> None:
    """A full ID number of ``obj`` shown to ``user`` (an administrator): audited as view_pii and
    recorded as a security event, as :func:`reveal_id` does for members. The caller checks scope."""
    if not may_see_pii(user):
        raise ActionError(_("只有管理员可以查看完整身份证号。"), code="forbidden")
    with transaction.atomic():
        audit.record(obj, "view_pii", note=number_owner_label or _("查看完整身份证号"))
    security.record("unmask", user=user, model=obj._meta.label_lower, record=obj.pk)


def _now() -> datetime.datetime:
    return timezone.now()


def _snapshot(obj) -> dict:
    return audit.snapshot(obj)


def _open_stint(
    member: Member, union: OrgUnit, started_on: datetime.date, source: str, job_id=None
) -> Membership:
    stint = Membership.objects.create(
        member=member,
        union=union,
        org_path=union.path,
        id_hash=member.id_hash,
        status=MemberStatus.ACTIVE,
        started_on=started_on,
        source=source,
        job_id=job_id,
        created_at=_now(),
    )
    audit.record(stint, "create", None, _snapshot(stint))
    return stint


def _close_stint(member: Member, status: str, on: datetime.date, note: str) -> Membership | None:
    stint = Membership.objects.select_for_update().filter(member=member, status=MemberStatus.ACTIVE).first()
    if stint is None:
        return None
    before = _snapshot(stint)
    stint.status, stint.ended_on, stint.end_note = status, max(on, stint.started_on), note[:300]
    stint.save(update_fields=["status", "ended_on", "end_note"])
    audit.record(stint, "update", before, _snapshot(stint))
    return stint


# -- members ---------------------------------------------------------------------------------


@transaction.atomic
def register_member(
    user,
    union: OrgUnit,
    *,
    name: str,
    id_number: Any,
    employment_form: str,
    joined_on: datetime.date | None = None,
    phone: str = "",
    education: str = "",
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    is_demo: bool = False,
) -> Member:
    """Register a person as a member of ``union`` (in the user's scope).

    A person already active in another union is refused with where they are: transfer them in
    (:func:`transfer_member`) instead. A person who left earlier rejoins on the same record. A
    person in transit or floating is offered to ``union`` as a pending acceptance
    (:func:`offer_transit`): the member is returned unchanged, still in transfer, and the union
    accepts them with :func:`accept_member`.
    """
    _check_may(user, union)
    check_union(union)
    cid = check_identity(id_number, birth_date, sex)
    name, phone = _clean_person(name, phone)
    if employment_form not in EmploymentForm.values:
        raise ActionError(_("请选择用工形式。"), code="employment_form")
    joined_on = joined_on or timezone.localdate()
    existing = find_by_id(cid.number, for_update=True)
    if existing is not None:
        if existing.status in IN_TRANSFER:
            # Released by another union and not accepted yet (or floating): offered to this union
            # as a pending acceptance, never refused (the caller sees the member still in transfer).
            offer_transit(existing, union)
            return existing
        if existing.is_active:
            raise ActionError(
                active_elsewhere_message(user, existing) + _("如需转入本工会，请办理转会。"),
                code="active_elsewhere",
            )
        return _rejoin(
            existing,
            union,
            name=name,
            phone=phone,
            education=education,
            employment_form=employment_form,
            joined_on=joined_on,
        )
    now = _now()
    full, initials = person_pinyin(name)
    key = pii.current_key()
    member = Member(
        name=name,
        pinyin=full,
        initials=initials,
        id_cipher=pii.encrypt(cid.number, key),
        id_hash=pii.id_hash(cid.number, key),
        pii_key=key.key_id,
        birth_year=cid.birth_date.year,
        sex=cid.sex,
        phone=phone,
        education=education,
        employment_form=employment_form,
        union=union,
        org_path=union.path,
        org_ipath=union.ipath,
        status=MemberStatus.ACTIVE,
        joined_on=joined_on,
        is_demo=is_demo,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic(), members_indicators.tracking() as tracked:
            member.save()
            tracked.add(member.pk)
    except IntegrityError:
        raise ActionError(_("该身份证号刚刚被登记，请刷新后重试。"), code="active_elsewhere") from None
    audit.record(member, "create", None, _snapshot(member))
    _open_stint(member, union, joined_on, Membership.Source.DEMO if is_demo else Membership.Source.FORM)
    return member


def _clean_person(name: str, phone: str) -> tuple[str, str]:
    try:
        name = clean_name(name)
    except ValueError as exc:
        raise ActionError(str(exc), code="name") from None
    try:
        phone = clean_phone(phone)
    except ValueError as exc:
        raise ActionError(str(exc), code="phone") from None
    return name, phone


def _rejoin(member: Member, union: OrgUnit, **fields) -> Member:
    before = _snapshot(member)
    for k, v in fields.items():
        setattr(member, k, v)
    member.pinyin, member.initials = person_pinyin(member.name)
    member.place_in(union)
    member.status, member.left_on, member.updated_at = MemberStatus.ACTIVE, None, _now()
    with members_indicators.tracking([member.pk]):
        member.save()
    audit.record(member, "rejoin", before, _snapshot(member))
    _open_stint(member, union, fields.get("joined_on") or timezone.localdate(), Membership.Source.FORM)
    return member


@transaction.atomic
def update_member(
    user,
    member: Member,
    *,
    name: str,
    phone: str = "",
    education: str = "",
    employment_form: str,
    joined_on: datetime.date,
    id_number: Any = None,
) -> Member:
    """Correct a member's details; ``id_number`` (when given) corrects the ID number itself."""
    _check_member(user, member)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    before = _snapshot(member)
    member.name, member.phone = _clean_person(name, phone)
    member.pinyin, member.initials = person_pinyin(member.name)
    member.education, member.employment_form, member.joined_on = education, employment_form, joined_on
    if id_number not in (None, ""):
        cid = check_identity(id_number)
        key = pii.current_key()
        new_hash = pii.id_hash(cid.number, key)
        if new_hash != member.id_hash:
            other = find_by_id(cid.number)
            if other is not None and other.pk != member.pk:
                raise ActionError(
                    _("身份证号 %(id)s 已登记在另一条会员记录上，不能改成它。") % {"id": other.id_masked},
                    code="id_number",
                )
            member.id_cipher, member.id_hash, member.pii_key = (
                pii.encrypt(cid.number, key),
                new_hash,
                key.key_id,
            )
            member.birth_year, member.sex = cid.birth_date.year, cid.sex
            Membership.objects.filter(member=member).update(id_hash=new_hash)
    member.updated_at = _now()
    member.save()
    audit.record(member, "update", before, _snapshot(member))
    return member


def check_transfer_from(user, member: Member) -> None:
    """Refuse to take a member who is active in a union outside the user's scope.

    Taking a member from another scope never happens in one step: until the transfer handshake
    (a request the other union accepts) exists, the other union releases the member first (离会：
    转出), and the receiving union then registers them. Each refused attempt is logged.
    """
    if user is None or not member.is_active:
        return
    union = member.union
    if scope.record_in_scope(user, member):
        return
    security_log.warning(
        "refused transfer-in: user=%s member=%s from union=%s (%s) outside the user's scope",
        user.get_username(),
        member.pk,
        union.pk,
        member.org_path,
    )
    security.record("forbidden", user=user, action="transfer_in", member=member.pk, union=union.pk)
    raise ActionError(
        _(
            "%(id)s 是“%(u)s”的在会会员，该工会不在您的管辖范围内，不能直接转入。"
            "请联系“%(u)s”先为其办理转出，再在本工会登记该身份证号，确认接收即可转入。"
        )
        % {"id": member.id_masked, "u": union.name},
        code="held_elsewhere",
    )


@transaction.atomic
def transfer_member(
    user, member: Member, to_union: OrgUnit, *, on: datetime.date | None = None, note: str = ""
) -> Member:
    """Move an active member to another union (转会) in one step: release and accept together.

    For a user who holds both unions in scope: the releasing union's release (:func:`release_member`)
    and the receiving union's acceptance (:func:`accept_member`) are done at once, the handshake
    kept as an accepted :class:`Transit`. A member active elsewhere is released there first
    (:func:`check_transfer_from`), and the other union then accepts.
    """
    _check_may(user, to_union)
    check_union(to_union)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not member.is_active:
        raise ActionError(
            _("%(n)s 当前不是在会会员，请直接登记入会。") % {"n": member.name}, code="not_active"
        )
    check_transfer_from(user, member)
    if member.union_id == to_union.pk:
        raise ActionError(
            _("%(n)s 已经是“%(u)s”的会员。") % {"n": member.name, "u": to_union.name}, code="same_union"
        )
    on = on or timezone.localdate()
    from_union = member.union
    before = _snapshot(member)
    with members_indicators.tracking([member.pk]):
        transit = _release(member, on, to_union, note)
        _accept(member, transit, to_union, on)
    audit.record(
        member,
        "transfer",
        before,
        _snapshot(member),
        note=_("由“%(a)s”转入“%(b)s”") % {"a": from_union.name, "b": to_union.name},
    )
    return member


# -- the transfer handshake: release (转出), accept (转入), hand-over to the street (流动会员) --------


def handover_days() -> int:
    """Days a released member waits for a union to accept them before the street keeps them."""
    return int(getattr(settings, "UNIONWORK_TRANSIT_HANDOVER_DAYS", 90))


def handover_due(released_on: datetime.date, today: datetime.date) -> bool:
    """Whether a release of ``released_on`` is handed over on ``today``: it may be accepted up to
    and including the ``handover_days()``-th day after the release, and is handed over the day after."""
    return (today - released_on).days > handover_days()


def street_of(union: OrgUnit) -> OrgUnit:
    """The township or street union above ``union`` (the nearest one); where there is none, the
    nearest unit above it that is not a grassroots or joint union (a district, a zone)."""
    above = [u for u in union.ancestors() if u.pk != union.pk]  # from the city down
    for u in reversed(above):
        if u.kind == OrgKind.TOWNSHIP:
            return u
    for u in reversed(above):
        if u.kind not in MEMBER_UNION_KINDS:
            return u
    return union


def open_transit(member: Member, *, for_update: bool = False) -> Transit | None:
    qs = Transit.objects.select_related("from_union", "destination", "offered_to", "holder")
    if for_update:
        qs = qs.select_for_update(of=("self",))  # PostgreSQL locks no nullable side of a join
    return qs.filter(member=member, status__in=(TransitStatus.IN_TRANSIT, TransitStatus.FLOATING)).first()


def _release(member: Member, on: datetime.date, destination: OrgUnit | None, note: str) -> Transit:
    """Close the member's stint and open the handshake (inside a tracker of the caller)."""
    from_union = member.union
    end = _("转出") + (_("，拟转入“%(u)s”") % {"u": destination.name} if destination else "")
    _close_stint(member, MemberStatus.TRANSFERRED, on, end + (f"；{note}" if note else ""))
    member.status, member.left_on, member.updated_at = MemberStatus.IN_TRANSIT, on, _now()
    member.save()
    transit = Transit.objects.create(
        member=member,
        from_union=from_union,
        from_path=member.org_path,
        destination=destination,
        to_path=destination.path if destination else "",
        released_on=on,
        note=note[:300],
        created_at=_now(),
    )
    audit.record(transit, "create", None, _snapshot(transit), note=end)
    return transit


def _accept(member: Member, transit: Transit, union: OrgUnit, on: datetime.date) -> None:
    before = _snapshot(transit)
    member.place_in(union)
    member.status, member.left_on, member.updated_at = MemberStatus.ACTIVE, None, _now()
    member.save()
    _open_stint(member, union, on, Membership.Source.TRANSFER)
    MemberCard.objects.filter(member=member, status__in=CARD_HELD).update(org_path=union.path)
    transit.status, transit.accepted_on, transit.accepted_union = TransitStatus.ACCEPTED, on, union
    transit.to_path = union.path
    transit.save()
    audit.record(transit, "accept", before, _snapshot(transit))


def _not_future_date(on: datetime.date, what: str) -> None:
    if on > timezone.localdate():
        raise ActionError(_("%(w)s不能晚于今天。") % {"w": what}, code="on")


@transaction.atomic
def release_member(
    user,
    member: Member,
    *,
    on: datetime.date | None = None,
    destination: OrgUnit | None = None,
    note: str = "",
) -> Transit:
    """The releasing union's half of a transfer (转出): the stint closes and the member is in transit.

    Counted in neither union's ``members.active`` but in ``members.in_transit`` at the releasing
    union's district, until a union accepts them (:func:`accept_member`) or, after
    :func:`handover_days`, the street union above keeps them as a floating member. ``destination``
    (optional, any union of the platform) sees the member as a pending acceptance.
    """
    _check_member(user, member)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not member.is_active:
        raise ActionError(_("%(n)s 当前不是在会会员，不能办理转出。") % {"n": member.name}, code="not_active")
    on = on or timezone.localdate()
    _not_future_date(on, _("转出日期"))
    if destination is not None:
        check_union(destination)
        if destination.pk == member.union_id:
            raise ActionError(_("转入的工会不能是本工会。"), code="same_union")
    before = _snapshot(member)
    with members_indicators.tracking([member.pk]):
        transit = _release(member, on, destination, note)
    audit.record(member, "release", before, _snapshot(member), note=note)
    return transit


def may_accept_into(transit: Transit, union: OrgUnit) -> bool:
    """A named destination or the union the member was offered to accepts them; with neither, or
    once floating, any union whose scope sees the transfer."""
    named = {transit.destination_id, transit.offered_to_id} - {None}
    return not named or union.pk in named or transit.status == TransitStatus.FLOATING


@transaction.atomic
def accept_member(user, member: Member, union: OrgUnit, *, on: datetime.date | None = None) -> Member:
    """The receiving union's half (转入): a member in transit or floating begins a stint in ``union``.

    The transfer must be in the user's scope (as its releasing union, its named destination, the
    union it was offered to, or the street union keeping a floating member) and ``union`` too;
    where a destination was named (or an offer made), only that union accepts until the member
    floats.
    """
    _check_may(user, union)
    check_union(union)
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    transit = open_transit(member, for_update=True)
    if transit is None or member.status not in IN_TRANSFER:
        raise ActionError(_("%(n)s 没有待接收的转出记录。") % {"n": member.name}, code="not_in_transit")
    scope.check_record(user, transit, "change", what=_("该转会记录"))
    if not may_accept_into(transit, union):
        named = transit.offered_to or transit.destination
        raise ActionError(
            _("该会员已转往“%(u)s”，只有该工会可以接收。") % {"u": named.name}, code="other_destination"
        )
    on = on or timezone.localdate()
    _not_future_date(on, _("转入日期"))
    if on < transit.released_on:
        raise ActionError(_("转入日期不能早于转出日期 %(d)s。") % {"d": transit.released_on}, code="on")
    before = _snapshot(member)
    with members_indicators.tracking([member.pk]):
        _accept(member, transit, union, on)
    audit.record(
        member,
        "accept",
        before,
        _snapshot(member),
        note=_("由“%(a)s”转入“%(b)s”") % {"a": transit.from_union.name, "b": union.name},
    )
    return member


def offer_transit(member: Member, union: OrgUnit) -> Transit | None:
    """A registration in ``union`` found this person in transfer: offer them to it (pending
    acceptance). Inside the registering action's transaction and checks."""
    transit = open_transit(member, for_update=True)
    if transit is None or transit.offered_to_id == union.pk:
        return transit
    before = _snapshot(transit)
    transit.offered_to, transit.offer_path = union, union.path
    transit.save(update_fields=["offered_to", "offer_path"])
    audit.record(
        transit, "offer", before, _snapshot(transit), note=_("登记时发现，待“%(u)s”接收") % {"u": union.name}
    )
    return transit


@transaction.atomic
def offer_to(user, member: Member, union: OrgUnit) -> Transit:
    """A union of the user's scope asks for a member in transfer it found by ID number (the
    transfer-in page): offered to it, as a registration would (:func:`offer_transit`)."""
    _check_may(user, union)
    check_union(union)
    member = Member.objects.select_for_update().get(pk=member.pk)
    transit = offer_transit(member, union)
    if transit is None:
        raise ActionError(_("%(n)s 没有待接收的转出记录。") % {"n": member.name}, code="not_in_transit")
    return transit


def hand_over_floating(today: datetime.date | None = None) -> int:
    """Members released more than :func:`handover_days` ago and not accepted become floating
    members of the street union above their last union (a system action, run daily; idempotent:
    only members still in transit are taken). Returns how many were handed over."""
    today = today or timezone.localdate()
    last_day = today - datetime.timedelta(days=handover_days() + 1)
    done = 0
    ids = list(
        Transit.objects.filter(status=TransitStatus.IN_TRANSIT, released_on__lte=last_day)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            transits = list(
                Transit.objects.select_for_update()
                .select_related("from_union", "member")
                .filter(pk__in=ids[start : start + 500], status=TransitStatus.IN_TRANSIT)
            )
            member_ids = [t.member_id for t in transits]
            with members_indicators.tracking(member_ids):
                for t in transits:
                    _float(t, today)
                    done += 1
    return done


def _float(transit: Transit, today: datetime.date) -> None:
    holder = street_of(transit.from_union)
    member = transit.member
    before_m, before_t = _snapshot(member), _snapshot(transit)
    member.place_in(holder)
    member.status, member.updated_at = MemberStatus.FLOATING, _now()
    member.save()
    MemberCard.objects.filter(member=member, status__in=CARD_HELD).update(org_path=holder.path)
    transit.status, transit.holder, transit.holder_path, transit.floated_on = (
        TransitStatus.FLOATING,
        holder,
        holder.path,
        today,
    )
    transit.save()
    note = _("转出 %(n)d 天未被接收，转由“%(u)s”管理（流动会员）") % {
        "n": (today - transit.released_on).days,
        "u": holder.name,
    }
    audit.record(transit, "float", before_t, _snapshot(transit), note=note)
    audit.record(member, "float", before_m, _snapshot(member), note=note)


@transaction.atomic
def end_membership(
    user, member: Member, status: str, *, on: datetime.date | None = None, note: str = ""
) -> Member:
    """A member retires, leaves, or transfers out of the register (to a union elsewhere).

    Cards the member still holds are cancelled.
    """
    _check_member(user, member)
    if status not in ENDINGS:
        raise ActionError(_("请选择离会类型。"), code="status")
    member = Member.objects.select_for_update().select_related("union").get(pk=member.pk)
    if not member.is_active:
        raise ActionError(_("%(n)s 已经不是在会会员。") % {"n": member.name}, code="not_active")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ActionError(_("离会日期不能晚于今天。"), code="on")
    before = _snapshot(member)
    with members_indicators.tracking([member.pk]):
        _close_stint(member, status, on, note)
        for card in MemberCard.objects.select_for_update().filter(member=member, status__in=CARD_HELD):
            _set_card(card, CardStatus.CANCELLED, _("随离会注销"))
        member.status, member.left_on, member.updated_at = status, on, _now()
        member.save()
    audit.record(member, "leave", before, _snapshot(member), note=note)
    return member


def reveal_id(user, member: Member) -> str:
    """The full ID number, for an administrator whose scope holds the member; audited as view_pii."""
    _check_member(user, member, "view")
    if not may_see_pii(user):
        raise ActionError(_("只有管理员可以查看完整身份证号。"), code="forbidden")
    number = member.id_number
    with transaction.atomic():
        audit.record(member, "view_pii", note=_("查看完整身份证号"))
    security.record("unmask", user=user, member=member.pk, union=member.union_id)
    return number


def record_pii_export(user, members: Iterable[Member], note: str) -> int:
    """An export showing full ID numbers: one view_pii event per member shown."""
    with transaction.atomic():
        shown = audit.record_many(((m, "view_pii", None, None) for m in members), note=note)
    # One security event for the whole export (each member is in the audit trail).
    security.record("unmask", user=user, export=str(note), count=shown)
    return shown


def move_members_on_merge(source: OrgUnit, target: OrgUnit) -> int:
    """The active members of a merged union become members of the target (system action)."""
    moved = 0
    ids = list(Member.objects.filter(union=source, status=MemberStatus.ACTIVE).values_list("pk", flat=True))
    with members_indicators.tracking(ids):
        moved = _move_members(source, target)
    return moved


def _move_members(source: OrgUnit, target: OrgUnit) -> int:
    moved = 0
    for member in Member.objects.filter(union=source, status=MemberStatus.ACTIVE).select_related("union"):
        before = _snapshot(member)
        _close_stint(
            member,
            MemberStatus.TRANSFERRED,
            timezone.localdate(),
            _("“%(s)s”并入“%(t)s”") % {"s": source.name, "t": target.name},
        )
        member.place_in(target)
        member.updated_at = _now()
        member.save()
        _open_stint(member, target, timezone.localdate(), Membership.Source.MERGE)
        MemberCard.objects.filter(member=member, status__in=CARD_HELD).update(org_path=target.path)
        audit.record(member, "transfer", before, _snapshot(member), note=_("组织合并"))
        moved += 1
    return moved


# -- cards -----------------------------------------------------------------------------------


def card_prefix() -> str:
    """The city's division code (the root unit's code), so numbers differ between cities."""
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").values_list("code", flat=True).first()
    return (root or "0000")[:4].ljust(4, "0")


def allocate_card_numbers(count: int) -> list[str]:
    """``count`` new card numbers: prefix, 9-digit serial, Luhn check digit (never repeated).

    The sequence row is locked and only moves up; a rolled-back issue gives its numbers back
    together with the cards that carried them, so no number is ever held by two cards.
    """
    if count <= 0:
        return []
    prefix = card_prefix()
    with transaction.atomic():
        seq, _created = CardNumberSequence.objects.select_for_update().get_or_create(prefix=prefix)
        start = seq.last + 1
        seq.last += count
        if seq.last >= 10**9:
            raise ActionError(_("卡号已用尽，请联系管理员。"))
        seq.save(update_fields=["last"])
    out = []
    for serial in range(start, start + count):
        body = f"{prefix}{serial:09d}"
        out.append(body + identifiers.card_check_digit(body))
    return out


@transaction.atomic
def issue_cards(user, unit: OrgUnit, *, member_ids: Iterable[int] | None = None) -> CardBatch:
    """Issue cards to every active member of ``unit``'s subtree (or those given) who holds none."""
    _check_may(user, unit)
    qs = Member.objects.under(unit).filter(status=MemberStatus.ACTIVE).exclude(card_status__in=CARD_HELD)
    if user is not None:
        qs = qs.restrict(user, "change")
    if member_ids is not None:
        qs = qs.filter(pk__in=list(member_ids))
    members = list(qs.order_by("org_path", "pinyin", "pk").values_list("pk", "union_id", "org_path"))
    batch = CardBatch.objects.create(unit=unit, org_path=unit.path, actor_label=audit.current_actor().label)
    if not members:
        audit.record(batch, "create", None, _snapshot(batch), note=_("没有需要发卡的会员"))
        return batch
    numbers = allocate_card_numbers(len(members))
    now = _now()
    cards = [
        MemberCard(
            number=num,
            member_id=mid,
            union_id=uid,
            org_path=path,
            status=CardStatus.ISSUED,
            batch=batch,
            issued_at=now,
        )
        for num, (mid, uid, path) in zip(numbers, members, strict=True)
    ]
    MemberCard.objects.bulk_create(cards, batch_size=BULK)
    ids = [m[0] for m in members]
    with members_indicators.tracking(ids):
        for i in range(0, len(ids), BULK):
            Member.objects.filter(pk__in=ids[i : i + BULK]).update(
                card_status=CardStatus.ISSUED, updated_at=now
            )
    batch.count, batch.first_number, batch.last_number = len(cards), numbers[0], numbers[-1]
    batch.save(update_fields=["count", "first_number", "last_number"])
    audit.record(batch, "create", None, _snapshot(batch))
    if cards[0].pk is None:  # backends that do not return ids from bulk inserts
        cards = list(MemberCard.objects.filter(batch=batch))
    audit.record_many(((c, "issue_card", None, _snapshot(c)) for c in cards), note=_("批量发卡"))
    return batch


@transaction.atomic
def issue_card(user, member: Member, note: str = "") -> MemberCard:
    """Issue a card to one member from the member's page (a batch of one, audited like a batch)."""
    _check_member(user, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ActionError(_("%(n)s 已不是在会会员，不能发卡。") % {"n": member.name}, code="not_active")
    held = MemberCard.objects.filter(member=member, status__in=CARD_HELD).first()
    if held is not None:
        raise ActionError(
            _("%(n)s 已有会员卡 %(c)s（%(s)s），如需换卡请使用“补换新卡”。")
            % {"n": member.name, "c": held.number, "s": held.get_status_display()},
            code="card_held",
        )
    union = OrgUnit.objects.get(pk=member.union_id)
    batch = issue_cards(user, union, member_ids=[member.pk])
    card = MemberCard.objects.get(batch=batch, member=member)
    if note:
        card.note = note[:300]
        card.save(update_fields=["note"])
    return card


def _set_card(card: MemberCard, status: str, note: str = "") -> MemberCard:
    before = _snapshot(card)
    now = _now()
    card.status = status
    if status == CardStatus.ACTIVE and card.activated_at is None:
        card.activated_at = now
    if status == CardStatus.LOST:
        card.lost_at = now
    if status in (CardStatus.REPLACED, CardStatus.CANCELLED):
        card.ended_at = now
    if note:
        card.note = note[:300]
    card.save()
    Member.objects.filter(pk=card.member_id).update(card_status=status, updated_at=now)
    audit.record(card, "card", before, _snapshot(card), note=note)
    return card


@transaction.atomic
def change_card(user, card: MemberCard, move: str, note: str = "") -> MemberCard:
    """One step of the card workflow: activate, report_lost, found, cancel (see ``CARD_MOVES``).

    ``replace`` is :func:`replace_card`.
    """
    card = MemberCard.objects.select_for_update().select_related("member__union").get(pk=card.pk)
    _check_member(user, card.member)
    if move not in CARD_MOVES or move == "replace":
        raise ActionError(_("不支持的操作。"))
    allowed, target = CARD_MOVES[move]
    if card.status not in allowed:
        raise ActionError(
            _("卡 %(n)s 当前为“%(s)s”，不能执行此操作。")
            % {"n": card.number, "s": card.get_status_display()},
            code="card_state",
        )
    if target == CardStatus.ACTIVE and not card.member.is_active:
        raise ActionError(_("持卡人已不是在会会员，不能激活。"), code="not_active")
    with members_indicators.tracking([card.member_id]):
        return _set_card(card, target, note)


@transaction.atomic
def replace_card(user, card: MemberCard, note: str = "") -> MemberCard:
    """Replace a card (lost or damaged): the old one ends as replaced, a new number is issued."""
    card = MemberCard.objects.select_for_update().select_related("member__union").get(pk=card.pk)
    _check_member(user, card.member)
    allowed, target = CARD_MOVES["replace"]
    if card.status not in allowed:
        raise ActionError(
            _("卡 %(n)s 当前为“%(s)s”，不能补换。") % {"n": card.number, "s": card.get_status_display()},
            code="card_state",
        )
    if not card.member.is_active:
        raise ActionError(_("持卡人已不是在会会员，不能补换。"), code="not_active")
    with members_indicators.tracking([card.member_id]):
        _set_card(card, target, note or _("补换新卡"))
        member = card.member
        new = MemberCard.objects.create(
            number=allocate_card_numbers(1)[0],
            member=member,
            union=member.union,
            org_path=member.org_path,
            status=CardStatus.ISSUED,
            replaces=card,
            issued_at=_now(),
            note=note[:300],
        )
        Member.objects.filter(pk=member.pk).update(card_status=CardStatus.ISSUED)
    audit.record(new, "issue_card", None, _snapshot(new), note=_("补换 %(n)s") % {"n": card.number})
    return new


# -- full ID numbers and keys ----------------------------------------------------------------


# An export with full ID numbers names every member in one audit event: at most this many at once.
PII_EXPORT_MAX = 100_000


def export_with_ids(user, members: Iterable[Member], query: str = "") -> list[Member]:
    """The members of an export that shows full ID numbers, audited as one ``view_pii`` event.

    Administrators only; every member must lie in the user's scope (the list restricts already:
    this is the write's own check). The event names every member shown and the query that chose
    them, in one transaction; one ``unmask`` security event names the export.
    """
    from unionwork.core.imports import fast

    if not may_see_pii(user):
        raise ActionError(_("只有管理员可以导出完整身份证号。"), code="forbidden")
    members = list(members)
    for m in members:
        _check_member(user, m, "view")
    with transaction.atomic():
        fast.record_groups(
            "members.member",
            "view_pii",
            [
                {
                    "object_id": "",
                    "object_repr": _("导出含完整身份证号的名册 %(n)d 人") % {"n": len(members)},
                    "org_path": user.org_path,
                    "after": {
                        "query": query,
                        "count": len(members),
                        "members": " ".join(str(m.pk) for m in members),
                    },
                }
            ],
            note=_("导出完整身份证号"),
        )
    security.record("unmask", user=user, export=_("导出完整身份证号"), count=len(members))
    return members


ROTATE_BATCH = 5000


def rotate_id_keys_batch(user=None, batch: int = ROTATE_BATCH) -> tuple[int, str]:
    """Re-encrypt and re-hash up to ``batch`` members' ID numbers under the current key.

    One transaction per batch, audited as one ``rotate_key`` event naming every member, so a
    rotation of the whole register can stop and resume (``manage.py members_rotate_keys`` calls
    this until it returns 0). The system (``user=None``) or a city administrator only: keys are
    the platform's, not a district's. Returns (members done, key id).
    """
    from unionwork.core.imports import fast

    org = getattr(user, "org", None)
    if user is not None and not (may_see_pii(user) and org is not None and org.parent_id is None):
        raise ActionError(_("只有市总工会管理员可以更换身份证号密钥。"), code="forbidden")
    key = pii.current_key()
    enc, h = pii.encryptor(key), pii.hasher(key)
    with transaction.atomic():
        rows = list(
            Member.objects.exclude(pii_key=key.key_id)
            .order_by("pk")
            .select_for_update()
            .only("pk", "id_cipher", "id_hash", "pii_key")[:batch]
        )
        if not rows:
            return 0, key.key_id
        for m in rows:
            number = pii.decrypt(m.id_cipher, m.pii_key)
            old_hash = m.id_hash
            m.id_cipher, m.id_hash, m.pii_key = enc(number), h(number), key.key_id
            Membership.objects.filter(member_id=m.pk, id_hash=old_hash).update(id_hash=m.id_hash)
        Member.objects.bulk_update(rows, ["id_cipher", "id_hash", "pii_key"])
        fast.record_groups(
            "members.member",
            "rotate_key",
            [
                {
                    "object_repr": f"身份证号改用密钥 {key.key_id}：{len(rows)} 人",
                    "after": {"key": key.key_id, "members": " ".join(str(m.pk) for m in rows)},
                }
            ],
        )
    return len(rows), key.key_id

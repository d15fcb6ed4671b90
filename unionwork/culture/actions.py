"""Every change of workers' culture: one function per thing a user does, in one transaction,
role- and scope-checked, audited, keeping the indicators.

:func:`move_nomination` is the one action that moves a 金纽带 nomination along
:data:`~unionwork.culture.models.NOMINATION_WORKFLOW`: the level holding it forwards it to the
level above, or, at the round's organiser, decides it.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, indicators, scope
from unionwork.core.errors import ActionError
from unionwork.core.scope import user_may
from unionwork.culture import indicators as ind
from unionwork.culture.models import (
    NOMINATION_WORKFLOW,
    AwardRound,
    Base,
    BaseKind,
    Experience,
    Meeting,
    Nomination,
    NominationCategory,
    NominationMove,
    Performance,
    Position,
    PositionKind,
    Talent,
    TalentLevel,
    Team,
    TeamKind,
    Topic,
)
from unionwork.orgs.models import OrgStatus, OrgUnit


def _check_unit(user, org: OrgUnit, action: str = "change") -> None:
    scope.check(user, org.path, org.ipath, action, what=_("该单位"))
    if org.status != OrgStatus.ACTIVE:
        raise ActionError(_("该单位已撤销或合并，不能登记。"))


def _text(value, label, required=True, max_length=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s过长，最多 %(n)d 个字。") % {"f": label, "n": max_length})
    return value


def _choice(value, choices, label) -> str:
    if value not in choices.values:
        raise ActionError(_("请选择%(f)s。") % {"f": label})
    return value


def _not_future(day: datetime.date | None, label) -> None:
    if day is not None and day > timezone.localdate():
        raise ActionError(_("%(f)s不能晚于今天。") % {"f": label})


def is_city_admin(user) -> bool:
    if user is None:
        return True
    return user_may(user, "manage") and getattr(user, "org", None) is not None and user.org.parent_id is None


# ---------------------------------------------------------------------------------------------
# Positions, teams, brands and bases


@transaction.atomic
def add_position(
    user, org: OrgUnit, *, name, kind, area_sqm=0, opening_hours="", address="", opened_on=None, is_demo=False
) -> Position:
    _check_unit(user, org)
    _not_future(opened_on, _("建成日期"))
    with indicators.tracking(ind.POSITIONS, ind.position_contributions) as t:
        p = Position.objects.create(
            org=org,
            name=_text(name, _("名称"), max_length=100),
            kind=_choice(kind, PositionKind, _("类型")),
            area_sqm=area_sqm or 0,
            opening_hours=_text(opening_hours, _("开放时间"), False, 100),
            address=_text(address, _("地址"), False, 200),
            opened_on=opened_on,
            is_demo=is_demo,
        )
        t.add(p.pk)
    audit.record(p, "add_position", None, audit.snapshot(p))
    return p


@transaction.atomic
def add_team(
    user, org: OrgUnit, *, name, kind, leader, members_count=0, founded_on=None, is_demo=False
) -> Team:
    _check_unit(user, org)
    _not_future(founded_on, _("成立日期"))
    with indicators.tracking(ind.TEAMS, ind.team_contributions) as t:
        team = Team.objects.create(
            org=org,
            name=_text(name, _("名称"), max_length=100),
            kind=_choice(kind, TeamKind, _("类型")),
            leader=_text(leader, _("负责人"), max_length=50),
            members_count=members_count or 0,
            founded_on=founded_on,
            is_demo=is_demo,
        )
        t.add(team.pk)
    audit.record(team, "add_team", None, audit.snapshot(team))
    return team


@transaction.atomic
def record_performance(user, team: Team, *, held_on, title, audience=0) -> Performance:
    scope.check_record(user, team, "change", what=_("该团队"))
    _not_future(held_on, _("日期"))
    p = Performance.objects.create(
        team=team, held_on=held_on, title=_text(title, _("名称"), max_length=200), audience=audience or 0
    )
    audit.record(p, "record_performance", None, audit.snapshot(p))
    return p


_CLOSABLE = {Position: ind.POSITIONS, Team: ind.TEAMS, Base: None}
_CONTRIB = {Position: ind.position_contributions, Team: ind.team_contributions}


@transaction.atomic
def close(user, obj, *, reason: str, closed_on: datetime.date | None = None):
    """Close a position, a team or a base (停用/撤销), with a reason; it leaves the counts."""
    model = type(obj)
    if model not in _CLOSABLE:
        raise ActionError(_("该记录不能停用。"))
    scope.check_record(user, obj, "change")
    obj = model.objects.select_for_update().get(pk=obj.pk)
    if obj.closed_on is not None:
        raise ActionError(_("已停用。"))
    closed_on = closed_on or timezone.localdate()
    _not_future(closed_on, _("停用日期"))
    before = audit.snapshot(obj)
    key = _CLOSABLE[model]
    if key:
        with indicators.tracking(key, _CONTRIB[model], [obj.pk]):
            obj.closed_on = closed_on
            obj.save(update_fields=["closed_on"])
    else:
        obj.closed_on = closed_on
        obj.save(update_fields=["closed_on"])
    audit.record(obj, "close", before, audit.snapshot(obj), note=_text(reason, _("原因"), max_length=500))
    return obj


@transaction.atomic
def name_base(user, org: OrgUnit, *, kind, name, named_on, description="", is_demo=False) -> Base:
    """A level names a brand or a demonstration base in its subtree (the naming level is the user's)."""
    _check_unit(user, org)
    named_by = user.org if user is not None else OrgUnit.objects.filter(parent=None).first()
    if user is not None and not user_may(user, "review") and not user_may(user, "manage"):
        raise ActionError(_("命名示范基地须由上级审核人员或管理员办理。"), code="forbidden")
    _not_future(named_on, _("命名日期"))
    base = Base.objects.create(
        org=org,
        kind=_choice(kind, BaseKind, _("类型")),
        name=_text(name, _("名称"), max_length=100),
        named_by=named_by,
        named_on=named_on,
        description=_text(description, _("简介"), False, 2000),
        is_demo=is_demo,
    )
    audit.record(base, "name_base", None, audit.snapshot(base))
    return base


# ---------------------------------------------------------------------------------------------
# The 金纽带 award


@transaction.atomic
def open_round(user, *, year: int, title: str, nominations_close: datetime.date, is_demo=False) -> AwardRound:
    """The city federation opens a round of the 金纽带 award."""
    if not is_city_admin(user):
        raise ActionError(_("金纽带评选由市总工会管理员发起。"), code="forbidden")
    organiser = user.org if user is not None else OrgUnit.objects.get(parent=None)
    if AwardRound.objects.filter(organiser=organiser, year=year).exists():
        raise ActionError(_("%(y)d 年度的评选已发起。") % {"y": year})
    r = AwardRound.objects.create(
        organiser=organiser,
        year=year,
        title=_text(title, _("名称"), max_length=100),
        nominations_close=nominations_close,
        is_demo=is_demo,
    )
    audit.record(r, "open_round", None, audit.snapshot(r))
    return r


def _trail(nom: Nomination, unit: OrgUnit, label, now) -> None:
    nom.trail = [*nom.trail, [unit.name, str(label), f"{timezone.localtime(now):%Y-%m-%d %H:%M}"]]


@transaction.atomic
def nominate(
    user, award_round: AwardRound, org: OrgUnit, *, category, nominee, merits, is_demo=False, now=None
) -> Nomination:
    """A unit nominates (a team, a work, a person of) a unit of its subtree; the nomination is
    held by the nominating level until it forwards it upward."""
    _check_unit(user, org)
    now = now or timezone.now()
    if timezone.localdate(now) > award_round.nominations_close:
        raise ActionError(_("推荐已截止。"))
    holder = user.org if user is not None else org
    if not org.path.startswith(award_round.organiser.path):
        raise ActionError(_("推荐对象不在主办单位范围内。"))
    nom = Nomination(
        round=award_round,
        org=org,
        category=_choice(category, NominationCategory, _("类别")),
        nominee=_text(nominee, _("推荐对象"), max_length=100),
        merits=_text(merits, _("主要事迹"), max_length=5000),
        held_by=holder,
        submitted_at=now,
        is_demo=is_demo,
    )
    _trail(nom, holder, _("推荐"), now)
    nom.save()
    audit.record(nom, "nominate", None, audit.snapshot(nom))
    return nom


def user_may_move(user, nom: Nomination, move: str) -> bool:
    """Whether the move is allowed now and the user is at the level holding the nomination."""
    if move not in NOMINATION_WORKFLOW.get(nom.state, {}):
        return False
    if user is None:
        return True
    if not user_may(user, "review") or user.org_id != nom.held_by_id:
        return False
    at_organiser = nom.held_by_id == nom.round.organiser_id
    if move == NominationMove.FORWARD:
        return not at_organiser
    if move == NominationMove.AWARD_WINNER:
        return at_organiser
    return True


@transaction.atomic
def move_nomination(user, nom: Nomination, move: str, *, note: str = "", now=None) -> Nomination:
    """The one action that moves a nomination: forward it to the level above, or decide it."""
    nom = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round", "held_by", "held_by__parent", "org")
        .get(pk=nom.pk)
    )
    if move not in NominationMove.values:
        raise ActionError(_("无效的操作。"))
    if user is not None:
        scope.check_record(user, nom, "review", what=_("该推荐"))
    if not user_may_move(user, nom, move):
        raise ActionError(_("该推荐目前不由您所在单位审核，或此操作不可用。"), code="workflow")
    now = now or timezone.now()
    before = audit.snapshot(nom)
    held = nom.held_by
    if move == NominationMove.FORWARD:
        if held.parent is None or not held.parent.path.startswith(nom.round.organiser.path):
            raise ActionError(_("已到主办单位，不能再上报。"))
        nom.held_by = held.parent
    else:
        nom.decided_at = now
    nom.state = NOMINATION_WORKFLOW[nom.state][move]
    label = NominationMove(move).label
    _trail(nom, held, f"{label}{('：' + note) if note else ''}", now)
    nom.save()
    audit.record(nom, move, before, audit.snapshot(nom), note=_text(note, _("意见"), False, 500))
    return nom


# ---------------------------------------------------------------------------------------------
# Talent pool


@transaction.atomic
def add_talent(user, org: OrgUnit, *, name, talent, level, consent_on, consent_note, is_demo=False) -> Talent:
    """Enter a person in the talent pool: only with their consent, recorded (day and how)."""
    _check_unit(user, org)
    if consent_on is None:
        raise ActionError(_("须经本人同意方可入库，请登记同意日期和方式。"))
    _not_future(consent_on, _("同意日期"))
    t = Talent.objects.create(
        org=org,
        name=_text(name, _("姓名"), max_length=50),
        talent=_text(talent, _("专长"), max_length=100),
        level=_choice(level, TalentLevel, _("级别")),
        consent_on=consent_on,
        consent_note=_text(consent_note, _("同意方式"), max_length=200),
        is_demo=is_demo,
    )
    audit.record(t, "add_talent", None, audit.snapshot(t))
    return t


# ---------------------------------------------------------------------------------------------
# Model experiences and on-site meetings


@transaction.atomic
def add_experience(
    user, org: OrgUnit, *, title, topic, year, write_up, attachment_note="", is_demo=False, now=None
) -> Experience:
    _check_unit(user, org)
    with indicators.tracking(ind.EXPERIENCES, ind.experience_contributions) as t:
        e = Experience.objects.create(
            org=org,
            title=_text(title, _("题目"), max_length=200),
            topic=_choice(topic, Topic, _("主题")),
            year=year,
            write_up=_text(write_up, _("经验材料"), max_length=20000),
            attachment_note=_text(attachment_note, _("附件说明"), False, 300),
            recorded_at=now or timezone.now(),
            is_demo=is_demo,
        )
        t.add(e.pk)
    audit.record(e, "add_experience", None, audit.snapshot(e))
    return e


@transaction.atomic
def adopt_experience(user, experience: Experience, *, adopted_on: datetime.date | None = None) -> Experience:
    """A level above the unit adopts the experience to spread it (推广)."""
    scope.check_record(user, experience, "review", what=_("该经验"))
    experience = Experience.objects.select_for_update().select_related("org").get(pk=experience.pk)
    adopter = user.org if user is not None else OrgUnit.objects.get(parent=None)
    if adopter.pk == experience.org_id:
        raise ActionError(_("典型经验由上级推广。"), code="forbidden")
    if experience.adopted_by_id:
        raise ActionError(_("该经验已推广。"))
    adopted_on = adopted_on or timezone.localdate()
    _not_future(adopted_on, _("推广日期"))
    before = audit.snapshot(experience)
    experience.adopted_by, experience.adopted_on = adopter, adopted_on
    experience.save(update_fields=["adopted_by", "adopted_on"])
    audit.record(experience, "adopt_experience", before, audit.snapshot(experience))
    return experience


@transaction.atomic
def record_meeting(
    user,
    org: OrgUnit,
    *,
    held_on,
    title,
    topic,
    experience: Experience | None = None,
    attending=(),
    attendance=0,
    follow_up="",
    is_demo=False,
) -> Meeting:
    """Record an on-site meeting hosted by ``org`` (in the user's subtree), convened by the user's level."""
    _check_unit(user, org)
    _not_future(held_on, _("日期"))
    attending = list(attending)
    if user is not None:
        outside = [u for u in attending if not scope.path_in_scope(user, u.path, u.ipath)]
        if outside:
            raise ActionError(_("参会单位须在您的管辖范围内。"))
        if experience is not None:
            scope.check_record(user, experience, "view", what=_("该经验"))
    with indicators.tracking(ind.MEETINGS, ind.meeting_contributions) as t:
        m = Meeting.objects.create(
            org=org,
            convened_by=user.org if user is not None else org,
            held_on=held_on,
            title=_text(title, _("名称"), max_length=200),
            topic=_choice(topic, Topic, _("主题")),
            experience=experience,
            attendance=attendance or 0,
            follow_up=_text(follow_up, _("后续推广"), False, 5000),
            recorded_by=user,
            is_demo=is_demo,
        )
        m.attending.set(attending)
        t.add(m.pk)
    audit.record(m, "record_meeting", None, audit.snapshot(m) | {"attending": [u.pk for u in attending]})
    return m

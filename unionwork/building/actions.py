"""Every change of union building: one function per thing a user does, in one transaction,
role- and scope-checked, audited, keeping the indicators. Views, the API, tasks and the demo call these.

:func:`move_application` is the one action that moves a grading application along
:data:`~unionwork.building.models.GRADE_WORKFLOW`.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.building import indicators as ind
from unionwork.building.models import (
    ASSESSING_MOVES,
    DEFAULT_QUESTIONS,
    GRADE_WORKFLOW,
    MOVE_ACTION,
    SATISFIED_FROM,
    ApplicationMove,
    ApplicationState,
    Campaign,
    CampaignKind,
    Committee,
    ElectionMethod,
    GradeApplication,
    Survey,
    SurveyBallot,
    SurveyQuestion,
    SurveyResponse,
    SurveyThrottle,
    UnionProfile,
)
from unionwork.core import audit, indicators, scope
from unionwork.core.errors import ActionError
from unionwork.core.scope import user_may
from unionwork.members import queries as members_queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

SURVEY_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)
# Wrong proofs of membership: per visitor address and survey (members of one workplace often share
# one address, so it allows more), and per name and survey (what guessing one person's tail needs).
SURVEY_MAX_FAILURES = 20
SURVEY_NAME_MAX_FAILURES = 5
SURVEY_LOCK = datetime.timedelta(minutes=30)


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


def is_city_admin(user) -> bool:
    if user is None:
        return True
    return user_may(user, "manage") and getattr(user, "org", None) is not None and user.org.parent_id is None


# ---------------------------------------------------------------------------------------------
# Committees and elections


@transaction.atomic
def record_committee(
    user,
    org: OrgUnit,
    *,
    chairman: str,
    term_start: datetime.date,
    term_end: datetime.date,
    method: str,
    vice_chairmen: str = "",
    members_count: int = 0,
    elected_on: datetime.date | None = None,
    candidates: int | None = None,
    eligible_voters: int | None = None,
    votes_cast: int | None = None,
    chairman_votes: int | None = None,
    is_demo: bool = False,
    now: datetime.datetime | None = None,
) -> Committee:
    """Record a union's new committee (换届): the current one, if any, is superseded."""
    _check_unit(user, org)
    now = now or timezone.now()
    if method not in ElectionMethod.values:
        raise ActionError(_("请选择选举方式。"))
    if term_start is None or term_end is None or term_end <= term_start:
        raise ActionError(_("任期届满日期须晚于任期开始日期。"))
    if method == ElectionMethod.DIRECT:
        if (
            elected_on is None
            or not candidates
            or not eligible_voters
            or votes_cast is None
            or chairman_votes is None
        ):
            raise ActionError(_("会员直选须登记选举日期、候选人数、应参选人数、实际投票数和主席得票数。"))
        if votes_cast > eligible_voters:
            raise ActionError(_("实际投票数不能多于应参选会员数。"))
        if chairman_votes > votes_cast:
            raise ActionError(_("主席得票数不能多于实际投票数。"))
        if elected_on > timezone.localdate(now):
            raise ActionError(_("选举日期不能晚于今天。"))
    else:
        elected_on = elected_on if elected_on else None
        candidates = eligible_voters = votes_cast = chairman_votes = None
    current = list(Committee.objects.select_for_update().current().filter(org=org))
    with indicators.tracking(ind.DIRECT_ELECTIONS, ind.committee_contributions, [c.pk for c in current]) as t:
        for old in current:
            before = audit.snapshot(old)
            old.superseded_at = now
            old.save(update_fields=["superseded_at"])
            audit.record(old, "update", before, audit.snapshot(old), note=_("换届"))
        committee = Committee.objects.create(
            org=org,
            chairman=_text(chairman, _("工会主席"), max_length=50),
            vice_chairmen=_text(vice_chairmen, _("副主席"), required=False, max_length=200),
            members_count=members_count or 0,
            term_start=term_start,
            term_end=term_end,
            method=method,
            elected_on=elected_on,
            candidates=candidates,
            eligible_voters=eligible_voters,
            votes_cast=votes_cast,
            chairman_votes=chairman_votes,
            recorded_at=now,
            is_demo=is_demo,
        )
        t.add(committee.pk)
    audit.record(committee, "record_committee", None, audit.snapshot(committee))
    return committee


# ---------------------------------------------------------------------------------------------
# Cadres and systems

PROFILE_FIELDS = (
    "full_time_cadres",
    "full_time_required",
    "part_time_cadres",
    "subsidy_in_budget",
    "subsidy_amount",
    "grievance_agency",
    "legal_adviser",
    "legal_adviser_name",
    "legal_adviser_firm",
    "welfare_facilities",
)


@transaction.atomic
def save_profile(user, org: OrgUnit, *, is_demo: bool = False, **fields) -> UnionProfile:
    """Save a union's cadres and systems (one row per union; every change audited)."""
    _check_unit(user, org)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ActionError(_("未知字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    profile = UnionProfile.objects.select_for_update().filter(org=org).first()
    before = audit.snapshot(profile) if profile else None
    if profile is None:
        profile = UnionProfile(org=org, is_demo=is_demo)
    for k, v in fields.items():
        setattr(profile, k, v if v is not None or k == "subsidy_amount" else 0)
    if profile.subsidy_in_budget:
        if profile.subsidy_amount is None or Decimal(profile.subsidy_amount) <= 0:
            raise ActionError(_("补贴已列入财政预算的，请填写补贴金额。"))
    else:
        profile.subsidy_amount = None
    if profile.legal_adviser:
        profile.legal_adviser_name = _text(profile.legal_adviser_name, _("法律顾问姓名"), max_length=50)
        profile.legal_adviser_firm = _text(profile.legal_adviser_firm, _("法律顾问所在律所"), max_length=100)
    else:
        profile.legal_adviser_name = profile.legal_adviser_firm = ""
    profile.updated_at = timezone.now()
    profile.save()
    audit.record(profile, "save_profile", before, audit.snapshot(profile))
    return profile


# ---------------------------------------------------------------------------------------------
# Members rate their union (会员评家)


def _slug() -> str:
    return secrets.token_urlsafe(6)[:8]


@transaction.atomic
def open_survey(
    user,
    org: OrgUnit,
    *,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questions: list[str] | None = None,
    is_demo: bool = False,
    now: datetime.datetime | None = None,
) -> Survey:
    """Open a grassroots union's yearly survey. Its answers replace the previous survey's in the
    union's satisfaction figure."""
    _check_unit(user, org)
    if org.kind not in SURVEY_KINDS:
        raise ActionError(_("会员评家由基层工会（联合工会）开展。"))
    if closes_on < opens_on:
        raise ActionError(_("截止日期不能早于开始日期。"))
    texts = [q.strip() for q in (questions or [str(q) for q in DEFAULT_QUESTIONS]) if q and q.strip()]
    if not texts:
        raise ActionError(_("请至少设置一道题目。"))
    if len(texts) > 20 or any(len(q) > 200 for q in texts):
        raise ActionError(_("题目最多 20 道，每道不超过 200 字。"))
    if Survey.objects.filter(org=org, year=year).exists():
        raise ActionError(_("该工会 %(y)d 年度的会员评家已发起。") % {"y": year})
    if Survey.objects.filter(org=org, year__gt=year).exists():
        raise ActionError(_("该工会已有更晚年度的会员评家，不能补开早年的评家。"))
    previous = list(Survey.objects.select_for_update().filter(org=org, is_latest=True))
    with indicators.tracking(ind.SATISFACTION, ind.survey_contributions, [s.pk for s in previous]):
        Survey.objects.filter(pk__in=[s.pk for s in previous]).update(is_latest=False)
        survey = Survey.objects.create(
            org=org,
            year=year,
            slug=_slug(),
            opens_on=opens_on,
            closes_on=closes_on,
            opened_at=now or timezone.now(),
            is_demo=is_demo,
        )
    SurveyQuestion.objects.bulk_create(
        [SurveyQuestion(survey=survey, position=i, text=t) for i, t in enumerate(texts, start=1)]
    )
    audit.record(survey, "open_survey", None, audit.snapshot(survey) | {"questions": texts})
    return survey


@transaction.atomic
def close_survey(user, survey: Survey, *, reason: str = "", now=None) -> Survey:
    scope.check_record(user, survey, "change", what=_("该评家"))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.closed_at is not None:
        raise ActionError(_("该评家已结束。"))
    before = audit.snapshot(survey)
    survey.closed_at = now or timezone.now()
    survey.save(update_fields=["closed_at"])
    audit.record(
        survey, "close_survey", before, audit.snapshot(survey), note=_text(reason, _("原因"), False, 500)
    )
    return survey


def _throttle_key(*parts) -> str:
    # A keyed hash: the table holds no address or name in clear.
    message = ":".join(str(p) for p in parts)
    return hmac.new(settings.SECRET_KEY.encode(), f"survey-throttle:{message}".encode(), "sha256").hexdigest()


def _locked(keys: list[str], now) -> bool:
    return SurveyThrottle.objects.filter(key__in=keys, locked_until__gt=now).exists()


def _count_failure(key: str, limit: int, now) -> None:
    row, _created = SurveyThrottle.objects.select_for_update().get_or_create(key=key)
    if (
        row.locked_until
        and row.locked_until <= now
        or (row.last_failure_at and row.last_failure_at < now - SURVEY_LOCK)
    ):
        row.failures, row.locked_until = 0, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= limit and not row.locked_until:
        row.locked_until = now + SURVEY_LOCK
        audit.record(
            "building.surveythrottle",
            "lock_survey",
            None,
            {"failures": row.failures, "locked_until": row.locked_until},
            object_id=key[:12],
            object_repr=key[:12],
            note=_("会员评家身份验证连续失败，锁定"),
            org_path="",
        )
    row.save()


class SurveyRefusal(ActionError):
    """The answer was not taken (not open, not a member, locked, already answered)."""


@contextmanager
def _public_actor():
    """The request's actor (the middleware's anonymous ``system:web``), or the system outside one."""
    try:
        audit.current_actor()
    except audit.NoActorError:
        with audit.acting_as(None, "survey"):
            yield
    else:
        yield


def answer_survey(
    survey: Survey,
    *,
    name: str,
    id_tail: str,
    ratings: dict,
    comment: str = "",
    client: str = "",
    now: datetime.datetime | None = None,
) -> SurveyResponse:
    """A member's anonymous answer: proves membership by name and the ID number's last 6
    characters (checked against the register by ``members.queries.membership_token``); one answer
    per member (the ballot's unique keyed hash); wrong proofs counted and locked per address and
    per name. No account: the system is the actor, and the audit names no one."""
    with _public_actor():
        return _answer(survey, name, id_tail, ratings, comment, client, now or timezone.now())


def _answer(survey, name, id_tail, ratings, comment, client, now) -> SurveyResponse:
    keys = (
        _throttle_key(survey.pk, "client", client),
        _throttle_key(survey.pk, "name", (name or "").strip()),
    )
    failed = False
    with transaction.atomic():
        survey = Survey.objects.select_related("org").get(pk=survey.pk)
        if not survey.is_open(timezone.localdate(now)):
            raise SurveyRefusal(_("本次会员评家不在开放时间内。"), code="closed")
        if _locked(list(keys), now):
            raise SurveyRefusal(_("验证失败次数过多，请 30 分钟后再试。"), code="locked")
        questions = list(survey.questions.values_list("position", flat=True))
        clean = {}
        for pos in questions:
            try:
                value = int(ratings.get(str(pos), ratings.get(pos)))
            except (TypeError, ValueError):
                raise SurveyRefusal(_("请回答全部题目。"), code="incomplete") from None
            if value not in (1, 2, 3, 4, 5):
                raise SurveyRefusal(_("评分须为 1 至 5。"), code="incomplete")
            clean[str(pos)] = value
        token = members_queries.membership_token(survey.org, name, id_tail, f"survey:{survey.pk}")
        if token is None:
            failed = True
        else:
            satisfied = sum(clean.values()) >= SATISFIED_FROM * len(clean)
            try:
                with (
                    transaction.atomic(),
                    indicators.tracking(ind.SATISFACTION, ind.survey_contributions, [survey.pk]),
                ):
                    SurveyBallot.objects.create(token=token, survey=survey)
                    response = SurveyResponse.objects.create(
                        survey=survey,
                        submitted_on=timezone.localdate(now),
                        ratings=clean,
                        satisfied=satisfied,
                        comment=_text(comment, _("意见建议"), required=False, max_length=500),
                    )
            except IntegrityError:
                raise SurveyRefusal(
                    _("您已参加过本次会员评家，每位会员只能答一次。"), code="duplicate"
                ) from None
            audit.record(response, "answer_survey", None, {"satisfied": satisfied}, org_path=survey.org.path)
            return response
    if failed:
        with transaction.atomic():
            _count_failure(keys[0], SURVEY_MAX_FAILURES, now)
            _count_failure(keys[1], SURVEY_NAME_MAX_FAILURES, now)
        raise SurveyRefusal(
            _("未能核实会员身份：请核对姓名和身份证号后 6 位（末位 X 大小写均可），须为本工会在册会员。"),
            code="not_member",
        )
    raise AssertionError("unreachable")


# ---------------------------------------------------------------------------------------------
# Grading and creation campaigns


@transaction.atomic
def save_campaign(
    user,
    campaign: Campaign | None = None,
    *,
    name: str,
    kind: str,
    levels: list[str],
    criteria: str,
    validity_years: int = 3,
    is_active: bool = True,
    is_demo: bool = False,
) -> Campaign:
    """Create or change a campaign: the city federation's administrator only."""
    if not is_city_admin(user):
        raise ActionError(_("只有市总工会管理员可以设置创建评级活动。"), code="forbidden")
    if kind not in CampaignKind.values:
        raise ActionError(_("请选择活动类型。"))
    levels = [lv.strip() for lv in levels if lv and lv.strip()]
    if not levels or len(set(levels)) != len(levels) or any(len(lv) > 20 for lv in levels):
        raise ActionError(_("请设置等级（每级不超过 20 字，不重复）。"))
    if not validity_years or validity_years < 1:
        raise ActionError(_("有效期至少 1 年。"))
    before = audit.snapshot(campaign) if campaign else None
    campaign = campaign or Campaign(is_demo=is_demo)
    if campaign.pk:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    campaign.name = _text(name, _("名称"), max_length=100)
    if Campaign.objects.filter(name=campaign.name).exclude(pk=campaign.pk).exists():
        raise ActionError(_("已有同名活动。"))
    campaign.kind, campaign.levels = kind, levels
    campaign.criteria = _text(criteria, _("评定标准"))
    campaign.validity_years, campaign.is_active = validity_years, is_active
    campaign.save()
    audit.record(campaign, "save_campaign", before, audit.snapshot(campaign))
    return campaign


@transaction.atomic
def apply_grade(
    user, campaign: Campaign, org: OrgUnit, *, evidence: str, level_sought: str = "", is_demo=False, now=None
) -> GradeApplication:
    """A unit applies to a campaign with its evidence."""
    _check_unit(user, org)
    if not campaign.is_active:
        raise ActionError(_("该活动已停止申报。"))
    if level_sought and level_sought not in campaign.levels:
        raise ActionError(_("申报等级须为该活动的等级之一。"))
    if GradeApplication.objects.filter(
        campaign=campaign,
        org=org,
        state__in=[ApplicationState.SUBMITTED, ApplicationState.RETURNED, ApplicationState.AWARDED],
    ).exists():
        raise ActionError(_("该单位在此活动中已有待评定的申报或有效等级。"))
    app = GradeApplication.objects.create(
        campaign=campaign,
        org=org,
        level_sought=level_sought,
        evidence=_text(evidence, _("申报材料"), max_length=5000),
        submitted_at=now or timezone.now(),
        is_demo=is_demo,
    )
    audit.record(app, "apply_grade", None, audit.snapshot(app))
    return app


def user_may_move(user, app: GradeApplication, move: str) -> bool:
    """Whether the workflow allows the move now and the user's role and level may make it: the
    assessing moves need a reviewer at a level above the unit, the unit's own moves an editor."""
    if move not in GRADE_WORKFLOW.get(app.state, {}):
        return False
    if user is None:
        return True
    if move == ApplicationMove.EXPIRE:
        return False
    if not scope.allows_on(user, MOVE_ACTION[move], app):
        return False
    if move in ASSESSING_MOVES:
        return user.org_id is not None and user.org_id != app.org_id
    return True


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def move_application(user, app: GradeApplication, move: str, *, note: str = "", grade: str = "", now=None):
    """The one action that moves an application along GRADE_WORKFLOW.

    ``award`` sets the grade (one of the campaign's levels) valid from the award's day for the
    campaign's years (the last valid day is the day before the same date ``validity_years`` later).
    """
    app = (
        GradeApplication.objects.select_for_update(of=("self",))
        .select_related("campaign", "org")
        .get(pk=app.pk)
    )
    if move not in ApplicationMove.values:
        raise ActionError(_("无效的操作。"))
    if move not in GRADE_WORKFLOW.get(app.state, {}):
        raise ActionError(
            _("当前状态（%(s)s）不能%(m)s。")
            % {"s": app.get_state_display(), "m": ApplicationMove(move).label},
            code="workflow",
        )
    if user is not None:
        scope.check_record(user, app, MOVE_ACTION[move], what=_("该申报"))
        if move == ApplicationMove.EXPIRE:
            raise ActionError(_("等级到期由系统处理。"), code="forbidden")
        if move in ASSESSING_MOVES and user.org_id == app.org_id:
            raise ActionError(_("等级由上级评定，本单位不能评定自己的申报。"), code="forbidden")
    now = now or timezone.now()
    today = timezone.localdate(now)
    before = audit.snapshot(app)
    note = _text(
        note, _("意见"), required=move in (ApplicationMove.RETURN, ApplicationMove.REVOKE), max_length=500
    )
    with indicators.tracking(ind.GRADED, ind.grade_contributions, [app.pk]):
        if move == ApplicationMove.AWARD:
            if grade not in app.campaign.levels:
                raise ActionError(_("请选择该活动的一个等级。"))
            app.grade = grade
            app.valid_from = today
            app.valid_until = add_years(today, app.campaign.validity_years) - datetime.timedelta(days=1)
        if move in ASSESSING_MOVES:
            app.reviewer = user
            app.reviewed_at = now
            app.review_note = note
        if move == ApplicationMove.EXPIRE and app.valid_until is not None and app.valid_until >= today:
            raise ActionError(_("等级尚在有效期内。"))
        app.state = GRADE_WORKFLOW[app.state][move]
        app.save()
    audit.record(app, move, before, audit.snapshot(app), note=note)
    return app


def expire_grades(today: datetime.date | None = None) -> int:
    """Move every grade past its last valid day to ``expired`` (the daily job)."""
    today = today or timezone.localdate()
    due = list(
        GradeApplication.objects.filter(state=ApplicationState.AWARDED, valid_until__lt=today).values_list(
            "pk", flat=True
        )
    )
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(1)))
    for pk in due:
        move_application(None, GradeApplication(pk=pk), ApplicationMove.EXPIRE, now=now)
    return len(due)

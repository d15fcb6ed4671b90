"""Union building (建家): committees and their elections, cadres and systems, members rating their
union (会员评家), grading and creation campaigns.

Nothing here is deleted: a committee is followed by the next one (``superseded_at``), a survey is
closed, an application is withdrawn or its grade revoked, always with a reason in the audit trail.
The grading workflow is one table, :data:`GRADE_WORKFLOW`; ``actions.move_application`` is the one
action that moves an application along it.

Privacy of the survey: a :class:`SurveyResponse` holds the ratings and nothing that names the
member; the one-answer-per-member rule is a separate table of keyed hashes
(:class:`SurveyBallot`, whose primary key is the hash itself: no sequence links a ballot to a
response). The ID number's tail is never stored, not even hashed: the ballot is a keyed hash of
the survey and the member's register record, made by ``members.queries.membership_token``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet


def _refuse_delete():
    raise ActionError(_("工会建设记录不能删除；请撤回、撤销或结束并说明原因。"), code="no_delete")


class KeptQuerySet(ScopedQuerySet):
    """Scoped by the record's union (and its industrial path); ``delete()`` refuses."""

    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def delete(self):
        _refuse_delete()

    delete.queryset_only = True


class KeptModel(models.Model):
    objects = KeptQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.org.path


# ---------------------------------------------------------------------------------------------
# Committees and elections


class ElectionMethod(models.TextChoices):
    DIRECT = "direct", _("会员直选")
    CONGRESS = "congress", _("会员（代表）大会选举")
    APPOINTED = "appointed", _("上级委派/推荐")


class CommitteeQuerySet(KeptQuerySet):
    def current(self):
        return self.filter(superseded_at__isnull=True)


class Committee(KeptModel):
    """One term of a union's committee (委员会) and its chairman, with how they were elected.

    A union has at most one current committee; recording the next one supersedes it.
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="building_committees", verbose_name=_("工会")
    )
    chairman = models.CharField(_("工会主席"), max_length=50)
    vice_chairmen = models.CharField(_("副主席"), max_length=200, blank=True)
    members_count = models.PositiveSmallIntegerField(_("委员人数"), default=0)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    method = models.CharField(_("选举方式"), max_length=20, choices=ElectionMethod.choices)
    # A direct election (直选) is recorded with its day and its count.
    elected_on = models.DateField(_("选举日期"), null=True, blank=True)
    candidates = models.PositiveSmallIntegerField(_("候选人数"), null=True, blank=True)
    eligible_voters = models.PositiveIntegerField(_("应参选会员数"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("实际投票数"), null=True, blank=True)
    chairman_votes = models.PositiveIntegerField(_("主席得票数"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    superseded_at = models.DateTimeField(_("换届时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会委员会")
        verbose_name_plural = _("工会委员会")
        ordering = ["org__path", "-term_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["org"], condition=Q(superseded_at__isnull=True), name="bld_one_current_committee"
            ),
            models.CheckConstraint(condition=Q(term_end__gt=models.F("term_start")), name="bld_term_order"),
            models.CheckConstraint(
                condition=~Q(method="direct")
                | Q(
                    elected_on__isnull=False,
                    candidates__gte=1,
                    eligible_voters__gte=1,
                    votes_cast__isnull=False,
                    chairman_votes__isnull=False,
                ),
                name="bld_direct_election_counted",
            ),
            models.CheckConstraint(
                condition=Q(votes_cast__isnull=True) | Q(votes_cast__lte=models.F("eligible_voters")),
                name="bld_votes_not_above_voters",
            ),
            models.CheckConstraint(
                condition=Q(chairman_votes__isnull=True) | Q(chairman_votes__lte=models.F("votes_cast")),
                name="bld_chairman_votes_not_above_cast",
            ),
        ]
        indexes = [models.Index(fields=["term_end"], name="bld_committee_term_end")]

    def __str__(self):
        return f"{self.org.name} {self.term_start:%Y}—{self.term_end:%Y} {self.chairman}"

    def get_absolute_url(self) -> str:
        return reverse("building:committee-detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def is_direct(self) -> bool:
        return self.method == ElectionMethod.DIRECT

    def turnout(self) -> float | None:
        """The share of eligible members who voted, in percent (direct elections)."""
        if not self.eligible_voters or self.votes_cast is None:
            return None
        return round(self.votes_cast * 100.0 / self.eligible_voters, 1)

    def turnout_display(self) -> str:
        t = self.turnout()
        return f"{t:.1f}%" if t is not None else ""

    def days_to_term_end(self, today: datetime.date | None = None) -> int:
        return (self.term_end - (today or timezone.localdate())).days


# ---------------------------------------------------------------------------------------------
# Cadres and systems


class UnionProfile(KeptModel):
    """What a union has in place: its cadres (full-time and part-time, the township subsidy) and
    its systems (grievance agency, legal adviser, welfare facilities). One row per union, changed
    by ``actions.save_profile`` (each change audited)."""

    org = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="building_profile", verbose_name=_("工会")
    )
    full_time_cadres = models.PositiveSmallIntegerField(_("专职干部在岗人数"), default=0)
    full_time_required = models.PositiveSmallIntegerField(_("专职干部应配人数"), default=0)
    part_time_cadres = models.PositiveSmallIntegerField(_("兼职干部人数"), default=0)
    subsidy_in_budget = models.BooleanField(_("补贴列入财政预算"), default=False)
    subsidy_amount = models.DecimalField(
        _("补贴金额（元/年）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    grievance_agency = models.BooleanField(_("建立诉求代理制度"), default=False)
    legal_adviser = models.BooleanField(_("聘请法律顾问"), default=False)
    legal_adviser_name = models.CharField(_("法律顾问姓名"), max_length=50, blank=True)
    legal_adviser_firm = models.CharField(_("法律顾问所在律所"), max_length=100, blank=True)
    welfare_facilities = models.CharField(
        _("职工福利设施"), max_length=300, blank=True, help_text=_("如职工食堂、浴室、母婴室、职工书屋等")
    )
    updated_at = models.DateTimeField(_("更新时间"), editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("工会干部与制度")
        verbose_name_plural = _("工会干部与制度")
        ordering = ["org__path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy_in_budget=True, subsidy_amount__gt=0)
                | Q(subsidy_in_budget=False, subsidy_amount__isnull=True),
                name="bld_subsidy_amount_iff_in_budget",
            ),
            models.CheckConstraint(
                condition=Q(legal_adviser=False) | (~Q(legal_adviser_name="") & ~Q(legal_adviser_firm="")),
                name="bld_legal_adviser_named",
            ),
        ]

    def __str__(self):
        return str(_("%(u)s的干部与制度") % {"u": self.org.name})

    def get_absolute_url(self) -> str:
        return reverse("building:unit", args=[self.org_id])

    def full_time_gap(self) -> int:
        return max(self.full_time_required - self.full_time_cadres, 0)


# ---------------------------------------------------------------------------------------------
# Members rate their union (会员评家)

DEFAULT_QUESTIONS = [
    _("工会维护职工合法权益的情况"),
    _("工会为职工办实事、解难事的情况"),
    _("工会组织文体活动的情况"),
    _("厂务公开和民主管理的情况"),
    _("对本单位工会工作的总体评价"),
]
RATING_CHOICES = [
    (5, _("非常满意")),
    (4, _("满意")),
    (3, _("基本满意")),
    (2, _("不满意")),
    (1, _("很不满意")),
]
SATISFIED_FROM = 4  # a response is satisfied when its mean rating reaches 满意
SATISFACTION_THRESHOLD = 80.0  # percent: a union below it (with enough answers) is flagged
MIN_RESPONSES = 5  # fewer answers than this are not enough to flag a union


class Survey(KeptModel):
    """A grassroots union's yearly 会员评家 survey, answered by its members through a short link."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="building_surveys", verbose_name=_("工会")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    slug = models.CharField(_("短链接代码"), max_length=16, unique=True, editable=False)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    # Each union's latest survey is the one its satisfaction figure counts.
    is_latest = models.BooleanField(_("最新一次"), default=True, editable=False)
    opened_at = models.DateTimeField(_("发起时间"), editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("会员评家")
        verbose_name_plural = _("会员评家")
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="bld_one_survey_per_year"),
            models.UniqueConstraint(
                fields=["org"], condition=Q(is_latest=True), name="bld_one_latest_survey"
            ),
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="bld_survey_dates"),
        ]

    def __str__(self):
        return str(_("%(u)s %(y)d 年度会员评家") % {"u": self.org.name, "y": self.year})

    def get_absolute_url(self) -> str:
        return reverse("building:survey-detail", args=[self.pk])

    def public_path(self) -> str:
        return reverse("building:survey-answer", args=[self.slug])

    def is_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closed_at is None and self.opens_on <= today <= self.closes_on


class SurveyQuestion(models.Model):
    """One question of a survey, answered on the five-step scale of :data:`RATING_CHOICES`."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="questions", verbose_name=_("评家")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("题目"), max_length=200)

    class Meta:
        verbose_name = _("评家题目")
        verbose_name_plural = _("评家题目")
        ordering = ["survey", "position"]
        constraints = [models.UniqueConstraint(fields=["survey", "position"], name="bld_question_position")]

    def __str__(self):
        return self.text

    def delete(self, *args, **kwargs):
        _refuse_delete()


class SurveyResponse(models.Model):
    """One member's answer: the ratings and a comment, and nothing that names the member (no
    member, no time of day: the day only)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("评家")
    )
    submitted_on = models.DateField(_("提交日期"))
    ratings = models.JSONField(_("评分"), default=dict)  # {question position: 1..5}
    satisfied = models.BooleanField(_("满意"))
    comment = models.CharField(_("意见建议"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("评家答卷")
        verbose_name_plural = _("评家答卷")
        ordering = ["survey", "pk"]

    def __str__(self):
        return f"{self.survey} #{self.pk}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


class SurveyBallot(models.Model):
    """That a member has answered a survey: a keyed hash of (survey, member), nothing else.

    The hash is the primary key (no sequence to line ballots up with responses) and is unique,
    so a second answer of the same member is refused by the database."""

    token = models.CharField(_("摘要"), max_length=64, primary_key=True)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+", verbose_name=_("评家"))

    class Meta:
        verbose_name = _("评家答卷记号")
        verbose_name_plural = _("评家答卷记号")

    def __str__(self):
        return self.token[:8]

    def delete(self, *args, **kwargs):
        _refuse_delete()


class SurveyThrottle(models.Model):
    """Wrong proofs of membership counted per key (a keyed hash of the survey and the visitor's
    address, or of the survey and the name), as the login lockout counts failed logins."""

    key = models.CharField(_("键"), max_length=64, primary_key=True)
    failures = models.PositiveSmallIntegerField(_("失败次数"), default=0)
    last_failure_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("评家验证限制")
        verbose_name_plural = _("评家验证限制")

    def __str__(self):
        return self.key[:8]


# ---------------------------------------------------------------------------------------------
# Grading and creation campaigns


class CampaignKind(models.TextChoices):
    FIVE_GOOD = "five_good", _("五好工会")
    THREE_A = "three_a", _("3A 等级工会")
    HARMONIOUS = "harmonious", _("和谐劳动关系企业")
    MODEL_HOME = "model_home", _("模范职工之家")
    OTHER = "other", _("其他")


class Campaign(models.Model):
    """A grading or creation campaign the city runs: its criteria, its levels, how long a grade holds.

    City-wide configuration (like the stability rules): every account reads it, the city
    federation's administrator sets it."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    levels = models.JSONField(_("等级"), default=list, help_text=_("由低到高，如 A、AA、AAA"))
    criteria = models.TextField(_("评定标准"))
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=3)
    is_active = models.BooleanField(_("开展中"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("创建评级活动")
        verbose_name_plural = _("创建评级活动")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(validity_years__gte=1), name="bld_campaign_validity")
        ]

    def __str__(self):
        return self.name

    def audit_org_path(self) -> str:
        return ""

    def levels_display(self) -> str:
        return "、".join(self.levels)

    def delete(self, *args, **kwargs):
        _refuse_delete()


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("待评定")
    RETURNED = "returned", _("已退回")
    AWARDED = "awarded", _("已评定")
    WITHDRAWN = "withdrawn", _("已撤回")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")


class ApplicationMove(models.TextChoices):
    AWARD = "award", _("评定等级")
    RETURN = "return", _("退回")
    RESUBMIT = "resubmit", _("重新申报")
    WITHDRAW = "withdraw", _("撤回")
    REVOKE = "revoke", _("撤销等级")
    EXPIRE = "expire", _("到期")


# The workflow, the only place that says which move is allowed from which state and where it leads.
GRADE_WORKFLOW: dict[str, dict[str, str]] = {
    ApplicationState.SUBMITTED: {
        ApplicationMove.AWARD: ApplicationState.AWARDED,
        ApplicationMove.RETURN: ApplicationState.RETURNED,
        ApplicationMove.WITHDRAW: ApplicationState.WITHDRAWN,
    },
    ApplicationState.RETURNED: {
        ApplicationMove.RESUBMIT: ApplicationState.SUBMITTED,
        ApplicationMove.WITHDRAW: ApplicationState.WITHDRAWN,
    },
    ApplicationState.AWARDED: {
        ApplicationMove.REVOKE: ApplicationState.REVOKED,
        ApplicationMove.EXPIRE: ApplicationState.EXPIRED,
    },
    ApplicationState.WITHDRAWN: {},
    ApplicationState.REVOKED: {},
    ApplicationState.EXPIRED: {},
}
# Which role each move needs (core.scope.ACTION_ROLES); award, return and revoke are the
# assessing level's (a reviewer above the unit), expire is the system's daily job.
MOVE_ACTION = {
    ApplicationMove.AWARD: "review",
    ApplicationMove.RETURN: "review",
    ApplicationMove.REVOKE: "review",
    ApplicationMove.RESUBMIT: "change",
    ApplicationMove.WITHDRAW: "change",
    ApplicationMove.EXPIRE: "review",
}
ASSESSING_MOVES = (ApplicationMove.AWARD, ApplicationMove.RETURN, ApplicationMove.REVOKE)


class GradeApplicationQuerySet(KeptQuerySet):
    def in_force(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(state=ApplicationState.AWARDED, valid_from__lte=today, valid_until__gte=today)


class GradeApplication(KeptModel):
    """A unit's application to a campaign, with its evidence; the grade awarded and how long it holds."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="applications", verbose_name=_("创建评级活动")
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="building_grades", verbose_name=_("申报单位")
    )
    level_sought = models.CharField(_("申报等级"), max_length=20, blank=True)
    evidence = models.TextField(_("申报材料（工作情况与佐证）"))
    state = models.CharField(
        _("状态"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("申报时间"), editable=False)
    grade = models.CharField(_("评定等级"), max_length=20, blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("评定时间"), null=True, blank=True, editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评定人"),
    )
    review_note = models.CharField(_("评定意见"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = GradeApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("创建评级申报")
        verbose_name_plural = _("创建评级申报")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values), name="bld_application_state"
            ),
            # An awarded (or later revoked/expired) application has a grade and a validity period.
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "returned", "withdrawn"])
                | (~Q(grade="") & Q(valid_from__isnull=False, valid_until__gte=models.F("valid_from"))),
                name="bld_awarded_has_grade",
            ),
            # One open application (or grade in force) per unit and campaign.
            models.UniqueConstraint(
                fields=["campaign", "org"],
                condition=Q(state__in=["submitted", "returned", "awarded"]),
                name="bld_one_live_application",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="bld_grade_validity")]

    def __str__(self):
        grade = f" {self.grade}" if self.grade else ""
        return f"{self.org.name} {self.campaign.name}{grade}"

    def get_absolute_url(self) -> str:
        return reverse("building:application-detail", args=[self.pk])

    def allowed_moves(self) -> list[str]:
        return list(GRADE_WORKFLOW.get(self.state, {}))

    def in_force(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state == ApplicationState.AWARDED
            and self.valid_from is not None
            and self.valid_from <= today <= self.valid_until
        )

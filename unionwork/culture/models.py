"""Workers' culture (职工文化): positions, teams, brands and demonstration bases, the 金纽带 award,
the talent pool, model experiences and on-site meetings.

Nothing here is deleted: a position, team or base is closed with a reason, a nomination is not
selected rather than removed. A nomination flows upward: it is held by one level at a time
(``held_by``), which forwards it to the level above or, at the round's organiser, decides it;
the one table of its moves is :data:`NOMINATION_WORKFLOW`, the one action ``actions.move_nomination``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet


def _refuse_delete():
    raise ActionError(_("职工文化记录不能删除；请停用并说明原因。"), code="no_delete")


class KeptQuerySet(ScopedQuerySet):
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


class OpenQuerySet(KeptQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class PositionKind(models.TextChoices):
    LIBRARY = "library", _("职工书屋/图书室")
    HALL = "hall", _("职工活动中心/文化礼堂")
    SPORTS = "sports", _("体育场地")
    SCHOOL = "school", _("职工学校")
    OTHER = "other", _("其他")


class Position(KeptModel):
    """A culture position (阵地): a library, a hall, a sports ground, run by a union."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_positions", verbose_name=_("主办单位")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=PositionKind.choices)
    area_sqm = models.PositiveIntegerField(_("面积（平方米）"), default=0)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opened_on = models.DateField(_("建成日期"), null=True, blank=True)
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = OpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("文化阵地")
        verbose_name_plural = _("文化阵地")
        ordering = ["org__path", "name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="cul_position_named")]

    def __str__(self):
        return f"{self.name}（{self.org.name}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:position-detail", args=[self.pk])


class TeamKind(models.TextChoices):
    ART = "art", _("文艺团队（合唱、舞蹈、戏剧）")
    SPORTS = "sports", _("体育团队")
    READING = "reading", _("读书会")
    VOLUNTEER = "volunteer", _("志愿服务队")
    OTHER = "other", _("其他")


class Team(KeptModel):
    """A culture team (团队) of a union: its kind, members and leader, and its performances."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_teams", verbose_name=_("所属单位")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=TeamKind.choices)
    members_count = models.PositiveIntegerField(_("成员人数"), default=0)
    leader = models.CharField(_("负责人"), max_length=50)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    closed_on = models.DateField(_("停用日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = OpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("文化团队")
        verbose_name_plural = _("文化团队")
        ordering = ["org__path", "name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="cul_team_named")]

    def __str__(self):
        return f"{self.name}（{self.org.name}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:team-detail", args=[self.pk])


class Performance(models.Model):
    """One performance or activity of a team."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="performances", verbose_name=_("团队")
    )
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=200)
    audience = models.PositiveIntegerField(_("观众/参与人数"), default=0)

    class Meta:
        verbose_name = _("演出活动")
        verbose_name_plural = _("演出活动")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.team.name} {self.held_on:%Y-%m-%d} {self.title}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.team.org.path


class BaseKind(models.TextChoices):
    BRAND = "brand", _("职工文化品牌")
    DEMONSTRATION = "demonstration", _("职工文化示范基地")


class Base(KeptModel):
    """A brand or a demonstration base (示范基地), named by a level on a day."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_bases", verbose_name=_("所在单位")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=BaseKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    named_by = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("命名单位")
    )
    named_on = models.DateField(_("命名日期"))
    description = models.TextField(_("简介"), blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = OpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("品牌与示范基地")
        verbose_name_plural = _("品牌与示范基地")
        ordering = ["-named_on", "pk"]

    def __str__(self):
        return f"{self.name}（{self.org.name}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:base-detail", args=[self.pk])


# ---------------------------------------------------------------------------------------------
# The 金纽带 award


class AwardRound(models.Model):
    """One round of the 金纽带 workers' culture award, organised by a level (the city by default).

    City-wide configuration, like the grading campaigns: every account reads the rounds."""

    organiser = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("主办单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    nominations_close = models.DateField(_("推荐截止日期"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("金纽带评选")
        verbose_name_plural = _("金纽带评选")
        ordering = ["-year", "pk"]
        constraints = [models.UniqueConstraint(fields=["organiser", "year"], name="cul_one_round_per_year")]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("culture:round-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.organiser.path


class NominationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    WINNER = "winner", _("获奖")
    NOT_SELECTED = "not_selected", _("未获奖")


class NominationMove(models.TextChoices):
    FORWARD = "forward", _("审核通过，报上级")
    AWARD_WINNER = "award_winner", _("评为获奖")
    NOT_SELECTED = "not_selected", _("不予推荐/未获奖")


NOMINATION_WORKFLOW: dict[str, dict[str, str]] = {
    NominationState.PENDING: {
        NominationMove.FORWARD: NominationState.PENDING,
        NominationMove.AWARD_WINNER: NominationState.WINNER,
        NominationMove.NOT_SELECTED: NominationState.NOT_SELECTED,
    },
    NominationState.WINNER: {},
    NominationState.NOT_SELECTED: {},
}


class NominationCategory(models.TextChoices):
    TEAM = "team", _("优秀团队")
    WORK = "work", _("优秀作品")
    PERSON = "person", _("优秀个人")
    UNIT = "unit", _("先进单位")


class Nomination(KeptModel):
    """A nomination to a round, from a unit, passed upward level by level to the organiser."""

    round = models.ForeignKey(
        AwardRound, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("评选")
    )
    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="culture_nominations",
        verbose_name=_("推荐对象所在单位"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=NominationCategory.choices)
    nominee = models.CharField(_("推荐对象"), max_length=100)
    merits = models.TextField(_("主要事迹"))
    held_by = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("当前审核单位")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=NominationState.choices, default=NominationState.PENDING
    )
    trail = models.JSONField(_("推荐经过"), default=list)  # [[unit name, move label, ISO time]]
    submitted_at = models.DateTimeField(_("推荐时间"), editable=False)
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    # The trail repeats, step by step, what each audit event of the moves says.
    audit_hidden = ("trail",)

    class Meta:
        verbose_name = _("金纽带推荐")
        verbose_name_plural = _("金纽带推荐")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=NominationState.values), name="cul_nomination_state"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False), name="cul_decided_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.nominee}（{self.org.name}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:nomination-detail", args=[self.pk])


# ---------------------------------------------------------------------------------------------
# The talent pool


class TalentLevel(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区级")
    GRASSROOTS = "grassroots", _("基层")


class Talent(KeptModel):
    """A person in the reserve pool of culture talent (人才库), entered with their consent."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_talents", verbose_name=_("所在单位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    talent = models.CharField(_("专长"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=TalentLevel.choices)
    consent_on = models.DateField(_("本人同意入库日期"))
    consent_note = models.CharField(_("同意方式"), max_length=200, help_text=_("如：本人签字的入库申请表"))
    withdrawn_on = models.DateField(_("退出日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("文化人才")
        verbose_name_plural = _("文化人才库")
        ordering = ["org__path", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(consent_note=""), name="cul_talent_consent_recorded")
        ]

    def __str__(self):
        return f"{self.name}（{self.talent}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:talent-detail", args=[self.pk])


# ---------------------------------------------------------------------------------------------
# Model experiences and on-site meetings


class Topic(models.TextChoices):
    FOUNDING = "founding", _("组建工会")
    BARGAINING = "bargaining", _("工资集体协商")
    CULTURE = "culture", _("职工文化")
    STATIONS = "stations", _("职工服务站")
    STABILITY = "stability", _("维护稳定")
    BUILDING = "building", _("工会建设")
    OTHER = "other", _("其他")


class Experience(KeptModel):
    """A model experience (典型经验) of a unit: its write-up, and the level that adopted it."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_experiences", verbose_name=_("单位")
    )
    title = models.CharField(_("题目"), max_length=200)
    topic = models.CharField(_("主题"), max_length=20, choices=Topic.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    write_up = models.TextField(_("经验材料"))
    attachment_note = models.CharField(_("附件说明"), max_length=300, blank=True)
    adopted_by = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("推广单位"),
    )
    adopted_on = models.DateField(_("推广日期"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("典型经验")
        verbose_name_plural = _("典型经验")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(adopted_by__isnull=True, adopted_on__isnull=True)
                | Q(adopted_by__isnull=False, adopted_on__isnull=False),
                name="cul_adopted_with_date",
            )
        ]

    def __str__(self):
        return f"{self.title}（{self.org.name}）"

    def get_absolute_url(self) -> str:
        return reverse("culture:experience-detail", args=[self.pk])


class Meeting(KeptModel):
    """An on-site meeting (现场会) hosted by a unit, where an experience was presented."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="culture_meetings", verbose_name=_("承办单位")
    )
    convened_by = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("召开单位")
    )
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=200)
    topic = models.CharField(_("主题"), max_length=20, choices=Topic.choices)
    experience = models.ForeignKey(
        Experience,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("交流经验"),
    )
    attending = models.ManyToManyField(
        "orgs.OrgUnit", related_name="+", blank=True, verbose_name=_("参会单位")
    )
    attendance = models.PositiveIntegerField(_("参会人数"), default=0)
    follow_up = models.TextField(_("后续推广"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("现场会")
        verbose_name_plural = _("现场会")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("culture:meeting-detail", args=[self.pk])

"""Registers: petitions, chairman reception days, emergency plans and responses,
accountability decisions and the leading group."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.stability.models._permanent import PermanentModel, _refuse_delete
from unionwork.stability.models.cases import Case
from unionwork.stability.models.choices import IncidentKind, PeriodKind
from unionwork.stability.models.incidents import Incident
from unionwork.stability.models.reports import Report

# ---------------------------------------------------------------------------------------------
# Petitions, chairman reception, emergencies


class PetitionChannel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网上信访")


class Petition(PermanentModel):
    """A petition (信访) received by letter or visit; first letters and visits (初信初访) are marked."""

    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="stability_petitions",
        verbose_name=_("受理单位"),
    )
    channel = models.CharField(_("方式"), max_length=10, choices=PetitionChannel.choices)
    received_on = models.DateField(_("来信来访日期"))
    registered_at = models.DateTimeField(_("登记时间"), editable=False)
    petitioner = models.CharField(_("信访人"), max_length=100)
    petitioner_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    people = models.PositiveIntegerField(_("人数"), default=1)
    enterprise_name = models.CharField(_("涉及企业"), max_length=200, blank=True)
    kind = models.CharField(_("诉求类型"), max_length=20, choices=IncidentKind.choices)
    request = models.TextField(_("诉求内容"))
    is_first = models.BooleanField(_("初信初访"), default=True)
    case = models.OneToOneField(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petition",
        verbose_name=_("转办案件"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    audit_exclude = ("petitioner_phone",)

    class Meta:
        verbose_name = _("信访")
        verbose_name_plural = _("信访")
        ordering = ["-registered_at"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="stab_petition_people_positive")
        ]

    def __str__(self):
        return f"XF{self.pk:06d} {self.get_channel_display()} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("stability:petition-detail", args=[self.pk])

    def first_display(self) -> str:
        if self.is_first:
            return str(_("初信") if self.channel == PetitionChannel.LETTER else _("初访"))
        return str(_("重信") if self.channel == PetitionChannel.LETTER else _("重访"))


class ReceptionDay(PermanentModel):
    """A chairman reception day (主席接待日): who receives, when, where."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_receptions", verbose_name=_("单位")
    )
    date = models.DateField(_("接待日期"))
    host = models.CharField(_("接待领导"), max_length=100)
    place = models.CharField(_("地点"), max_length=200)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("安排人"),
    )
    created_at = models.DateTimeField(_("安排时间"), editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("主席接待日")
        verbose_name_plural = _("主席接待日")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.host}"

    def get_absolute_url(self) -> str:
        return reverse("stability:reception-detail", args=[self.pk])


class ReceptionVisit(models.Model):
    """Who was received on a reception day, what they asked, and the case it became."""

    day = models.ForeignKey(
        ReceptionDay, on_delete=models.PROTECT, related_name="visits", verbose_name=_("接待日")
    )
    visitor = models.CharField(_("来访人"), max_length=100)
    workplace = models.CharField(_("工作单位"), max_length=200, blank=True)
    people = models.PositiveIntegerField(_("人数"), default=1)
    request = models.TextField(_("反映问题"))
    reply = models.TextField(_("答复意见"), blank=True)
    case = models.OneToOneField(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reception_visit",
        verbose_name=_("转办案件"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)

    class Meta:
        verbose_name = _("接待记录")
        verbose_name_plural = _("接待记录")
        ordering = ["id"]

    def __str__(self):
        return f"{self.day} {self.visitor}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.day.org.path


class EmergencyPlan(PermanentModel):
    """An emergency plan (应急预案) of a unit; one is in force per unit, older ones are kept."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_plans", verbose_name=_("单位")
    )
    title = models.CharField(_("预案名称"), max_length=200)
    content = models.TextField(_("预案要点"))
    adopted_at = models.DateTimeField(_("启用时间"), editable=False)
    in_force = models.BooleanField(_("现行有效"), default=True)
    superseded_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["-adopted_at"]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(in_force=True), name="stab_plan_one_in_force")
        ]

    def __str__(self):
        return self.title


class EmergencyResponse(PermanentModel):
    """The emergency handling of an incident under a plan, with its timed log."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="emergency", verbose_name=_("事件")
    )
    plan = models.ForeignKey(
        EmergencyPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("依据预案"),
    )
    commander = models.CharField(_("现场指挥"), max_length=100)
    started_at = models.DateTimeField(_("启动时间"), editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    summary = models.TextField(_("处置总结"), blank=True)

    class Meta:
        verbose_name = _("应急处置")
        verbose_name_plural = _("应急处置")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.incident} {_('应急处置')}"

    def get_absolute_url(self) -> str:
        return reverse("stability:emergency-detail", args=[self.pk])


class EmergencyLogEntry(models.Model):
    """One line of an emergency's log, timed by the server."""

    response = models.ForeignKey(
        EmergencyResponse, on_delete=models.PROTECT, related_name="log", verbose_name=_("应急处置")
    )
    at = models.DateTimeField(_("时间"), editable=False)
    actor_label = models.CharField(_("记录人"), max_length=150)
    text = models.CharField(_("情况"), max_length=1000)

    class Meta:
        verbose_name = _("应急处置记录")
        verbose_name_plural = _("应急处置记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.text[:30]}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.response.org.path


# ---------------------------------------------------------------------------------------------
# Accountability and the leading group


class AccountabilityKind(models.TextChoices):
    CRITICISM = "criticism", _("通报批评")
    ACCOUNTABILITY = "accountability", _("问责")
    RECOMMENDED = "recommended", _("建议问责")


class AccountabilityDecision(PermanentModel):
    """A criticism or accountability decision about a unit, for the failures that caused it."""

    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="stability_decisions",
        verbose_name=_("被问责单位"),
    )
    decided_by = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("决定单位")
    )
    kind = models.CharField(_("处理方式"), max_length=20, choices=AccountabilityKind.choices)
    decided_on = models.DateField(_("决定日期"))
    document_number = models.CharField(_("文号"), max_length=50, blank=True)
    persons = models.CharField(_("责任人"), max_length=200, blank=True)
    reason = models.TextField(_("事由"))
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("问责登记")
        verbose_name_plural = _("问责登记")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.org.name} {self.get_kind_display()} {self.decided_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("stability:accountability-detail", args=[self.pk])


class CauseKind(models.TextChoices):
    LATE_REPORT = "late_report", _("迟报（定期报告）")
    MISSED_REPORT = "missed_report", _("漏报（定期报告）")
    LATE_INCIDENT = "late_incident", _("迟报（事件）")
    CONCEALED_INCIDENT = "concealed_incident", _("瞒报（事件）")


class AccountabilityCause(models.Model):
    """A failure a decision rests on: a late report, a missed period, a late or concealed incident."""

    decision = models.ForeignKey(
        AccountabilityDecision, on_delete=models.PROTECT, related_name="causes", verbose_name=_("问责")
    )
    kind = models.CharField(_("原因"), max_length=20, choices=CauseKind.choices)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A missed report has no row: the period it was missing for is stored here.
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices, blank=True)
    period_start = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("问责原因")
        verbose_name_plural = _("问责原因")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="late_report") & Q(report__isnull=False) & Q(incident__isnull=True))
                | (
                    Q(kind="missed_report")
                    & Q(report__isnull=True)
                    & Q(incident__isnull=True)
                    & Q(period_start__isnull=False)
                )
                | (
                    Q(kind__in=["late_incident", "concealed_incident"])
                    & Q(incident__isnull=False)
                    & Q(report__isnull=True)
                ),
                name="stab_cause_matches_kind",
            )
        ]

    def __str__(self):
        if self.report_id:
            return f"{self.get_kind_display()}：{self.report.period_label}"
        if self.incident_id:
            return f"{self.get_kind_display()}：{self.incident}"
        label = (
            f"{self.period_start:%Y年%m月}月报"
            if self.period_kind == PeriodKind.MONTHLY
            else f"{self.period_start:%Y年%m月%d日}日报"
        )
        return f"{self.get_kind_display()}：{label}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


class GroupRole(models.TextChoices):
    LEADER = "leader", _("组长")
    DEPUTY = "deputy", _("副组长")
    MEMBER = "member", _("成员")
    OFFICE = "office", _("办公室主任")


class LeadingGroupMember(PermanentModel):
    """A member of a unit's stability leading group (维稳工作领导小组) and their duties."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_group", verbose_name=_("单位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100)
    group_role = models.CharField(_("小组职务"), max_length=10, choices=GroupRole.choices)
    duties = models.CharField(_("分工职责"), max_length=500)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("平台账号"),
        help_text=_("关联账号的成员接收重大事件通知"),
    )
    active = models.BooleanField(_("在任"), default=True)
    joined_at = models.DateTimeField(_("加入时间"), editable=False)
    left_at = models.DateTimeField(_("离任时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("领导小组成员")
        verbose_name_plural = _("领导小组成员")
        ordering = ["org__path", "group_role", "id"]

    def __str__(self):
        return f"{self.name}（{self.get_group_role_display()}）"

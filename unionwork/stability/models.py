"""Stability work (维稳): periodic reports, incidents, cases, petitions, accountability.

Records of this module are never deleted: the querysets and models refuse ``delete()`` and a
correction is an :class:`Amendment` with its reason. Times that decide timeliness (``filed_at``,
``reported_at``, ``opened_at``) are set by the server in the actions, never taken from a form.

The case workflow is one table, :data:`WORKFLOW`; :func:`unionwork.stability.actions.move_case`
is the one action that moves a case along it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.classifications import Industry  # noqa: F401 - re-exported for the module
from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet
from unionwork.orgs.models import OrgKind


class PermanentRecordError(ActionError):
    """Stability records are never deleted; correct them by an amendment."""


def _refuse_delete():
    raise PermanentRecordError(_("维稳记录不能删除；如需更正，请提交更正并说明原因。"), code="no_delete")


class PermanentQuerySet(ScopedQuerySet):
    """Scoped by the record's org unit; ``delete()`` refuses."""

    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def delete(self):
        _refuse_delete()

    delete.queryset_only = True


class PermanentModel(models.Model):
    """A record of stability work: belongs to an org unit, is never deleted."""

    objects = PermanentQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.org.path


# ---------------------------------------------------------------------------------------------
# Choices


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    LARGE = "large", _("较大")
    MAJOR = "major", _("重大")
    GRAVE = "grave", _("特别重大")


SEVERITY_RANK = {Severity.GENERAL: 1, Severity.LARGE: 2, Severity.MAJOR: 3, Severity.GRAVE: 4}


class IncidentKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("拖欠工资")
    SOCIAL_INSURANCE = "social_insurance", _("欠缴社会保险")
    LAYOFFS = "layoffs", _("裁员减员")
    PAY_CUTS = "pay_cuts", _("降薪减薪")
    RESTRUCTURING = "restructuring", _("改制遗留问题")
    COLLECTIVE = "collective", _("群体性事件")
    OTHER = "other", _("其他")


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    DAILY = "daily", _("日报（敏感时期）")


DEFAULT_REPORTING_KINDS = [
    OrgKind.DISTRICT,
    OrgKind.ZONE,
    OrgKind.INDUSTRIAL,
    OrgKind.TOWNSHIP,
    OrgKind.COMMUNITY,
]


# ---------------------------------------------------------------------------------------------
# Rules set by the city's administrators


class ReportingPolicy(models.Model):
    """Who must report and by when (one row, pk=1; defaults apply until a city admin saves it)."""

    reporting_kinds = models.JSONField(_("须报送的组织类型"), default=list)
    monthly_deadline_day = models.PositiveSmallIntegerField(
        _("月报截止日"), default=5, help_text=_("次月的第几日（1–28）")
    )
    monthly_deadline_time = models.TimeField(_("月报截止时刻"), default=datetime.time(17, 0))
    daily_deadline_time = models.TimeField(
        _("日报截止时刻"), default=datetime.time(17, 0), help_text=_("敏感时期内，每日报告当日情况的截止时刻")
    )
    remind_days_before = models.PositiveSmallIntegerField(_("提前提醒天数"), default=3)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报送规则")
        verbose_name_plural = _("报送规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_deadline_day__gte=1, monthly_deadline_day__lte=28),
                name="stab_policy_day_range",
            ),
            models.CheckConstraint(condition=Q(pk=1), name="stab_policy_singleton"),
        ]

    def __str__(self):
        return str(_("报送规则"))

    def audit_org_path(self) -> str:
        return ""

    @property
    def kinds(self) -> list[str]:
        return list(self.reporting_kinds or DEFAULT_REPORTING_KINDS)

    def kinds_display(self) -> str:
        labels = dict(OrgKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds)


class SeverityRule(models.Model):
    """How soon an incident of a severity must be reported, and its case resolved."""

    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices, unique=True)
    report_within_hours = models.PositiveIntegerField(_("知情后报告时限（小时）"))
    resolve_within_days = models.PositiveIntegerField(_("化解时限（天）"))
    notify_upper = models.BooleanField(_("即时通知上级领导"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件等级规则")
        verbose_name_plural = _("事件等级规则")
        constraints = [
            models.CheckConstraint(condition=Q(report_within_hours__gte=1), name="stab_rule_hours_positive"),
            models.CheckConstraint(condition=Q(resolve_within_days__gte=1), name="stab_rule_days_positive"),
        ]

    def __str__(self):
        return self.get_severity_display()

    def audit_org_path(self) -> str:
        return ""


# The rules in force until a city administrator saves others.
DEFAULT_SEVERITY_RULES = {
    Severity.GENERAL: (24, 30, False),
    Severity.LARGE: (12, 15, False),
    Severity.MAJOR: (2, 7, True),
    Severity.GRAVE: (1, 3, True),
}


class HeightenedPeriod(models.Model):
    """A heightened period (敏感时期, e.g. around a major congress): reports become daily, city-wide."""

    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    cancelled = models.BooleanField(_("已撤销"), default=False)

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="stab_hp_dates")
        ]

    def __str__(self):
        return f"{self.name}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"

    def audit_org_path(self) -> str:
        return ""

    def delete(self, *args, **kwargs):
        _refuse_delete()


# ---------------------------------------------------------------------------------------------
# Periodic reports


class Report(PermanentModel):
    """A unit's stability report for one period, or its nil report (零报告)."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_reports", verbose_name=_("报送单位")
    )
    period_kind = models.CharField(_("报告类型"), max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField(_("报告期"))
    is_nil = models.BooleanField(_("零报告"), default=False)
    summary = models.TextField(_("情况概述"), blank=True)
    disputes_found = models.PositiveIntegerField(_("排查矛盾纠纷（件）"), default=0)
    disputes_resolved = models.PositiveIntegerField(_("化解矛盾纠纷（件）"), default=0)
    workers_involved = models.PositiveIntegerField(_("涉及职工（人）"), default=0)
    deadline = models.DateTimeField(_("截止时间"))
    filed_at = models.DateTimeField(_("报送时间"), editable=False)
    is_late = models.BooleanField(_("迟报"), default=False, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报送人"),
    )

    class Meta:
        verbose_name = _("维稳信息报告")
        verbose_name_plural = _("维稳信息报告")
        ordering = ["-period_start", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period_kind", "period_start"], name="stab_report_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(is_nil=False) | Q(disputes_found=0, disputes_resolved=0, workers_involved=0),
                name="stab_report_nil_has_no_figures",
            ),
            models.CheckConstraint(
                condition=Q(disputes_resolved__lte=models.F("disputes_found")),
                name="stab_report_resolved_le_found",
            ),
        ]
        indexes = [models.Index(fields=["period_kind", "period_start"])]

    def __str__(self):
        return f"{self.org.name} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("stability:report-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        if self.period_kind == PeriodKind.MONTHLY:
            return f"{self.period_start:%Y年%m月}月报"
        return f"{self.period_start:%Y年%m月%d日}日报"

    def timeliness_display(self) -> str:
        return str(_("迟报") if self.is_late else _("按时"))

    def nil_display(self) -> str:
        return str(_("零报告") if self.is_nil else _("有情况"))


# ---------------------------------------------------------------------------------------------
# Incidents


class Incident(PermanentModel):
    """A dispute or emergency the union learned of: reported at once, upward, by the unit."""

    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="stability_incidents",
        verbose_name=_("责任单位"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices)
    # The enterprise register is another module's; until it lands the name and the USCC identify
    # the enterprise (the USCC is the key a later link will match on).
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    enterprise_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    workers_involved = models.PositiveIntegerField(_("涉及职工（人）"), default=0)
    amount_at_stake = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, default=0)
    description = models.TextField(_("基本情况"))
    learned_at = models.DateTimeField(_("知情时间"))
    reported_at = models.DateTimeField(_("报告时间"), editable=False)
    report_deadline = models.DateTimeField(_("报告时限"), editable=False)
    is_late = models.BooleanField(_("迟报"), default=False, editable=False)
    concealed = models.BooleanField(_("瞒报"), default=False, editable=False)
    recorder_org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("报告单位")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报告人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("矛盾纠纷事件")
        verbose_name_plural = _("矛盾纠纷事件")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_at_stake__gte=0), name="stab_incident_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(learned_at__lte=models.F("reported_at")),
                name="stab_incident_learned_before_reported",
            ),
            models.CheckConstraint(condition=~Q(enterprise_name=""), name="stab_incident_enterprise_named"),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["severity"]),
            models.Index(fields=["reported_at"]),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise_name} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("stability:incident-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"SJ{self.pk:06d}" if self.pk else "SJ"

    def timeliness_display(self) -> str:
        if self.concealed:
            return str(_("瞒报"))
        return str(_("迟报") if self.is_late else _("按时"))


# ---------------------------------------------------------------------------------------------
# Cases and their workflow


class CaseKind(models.TextChoices):
    DISPUTE = "dispute", _("矛盾纠纷")
    PETITION = "petition", _("信访")
    GRIEVANCE = "grievance", _("诉求代理")
    RECEPTION = "reception", _("主席接待")


class CaseState(models.TextChoices):
    REPORTED = "reported", _("待研判")
    ASSESSED = "assessed", _("已研判")
    OWNED = "owned", _("已包案")
    MEDIATING = "mediating", _("调处中")
    RESOLVED = "resolved", _("已化解待核实")
    VERIFIED = "verified", _("已核实办结")
    ESCALATED = "escalated", _("已上报上级")


class CaseMove(models.TextChoices):
    ASSESS = "assess", _("研判")
    OWN = "own", _("领导包案")
    MEDIATE = "mediate", _("调处")
    RESOLVE = "resolve", _("化解")
    VERIFY = "verify", _("核实办结")
    REOPEN = "reopen", _("退回重办")
    ESCALATE = "escalate", _("上报上级")


# The workflow, the only place that says which move is allowed from which state and where it
# leads. A case must be owned by a leader before it can be resolved; a resolved case is verified
# (or sent back) by a reviewer; an escalated case waits for the level above to assess it.
WORKFLOW: dict[str, dict[str, str]] = {
    CaseState.REPORTED: {CaseMove.ASSESS: CaseState.ASSESSED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.ESCALATED: {CaseMove.ASSESS: CaseState.ASSESSED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.ASSESSED: {CaseMove.OWN: CaseState.OWNED, CaseMove.ESCALATE: CaseState.ESCALATED},
    CaseState.OWNED: {
        CaseMove.OWN: CaseState.OWNED,
        CaseMove.MEDIATE: CaseState.MEDIATING,
        CaseMove.RESOLVE: CaseState.RESOLVED,
        CaseMove.ESCALATE: CaseState.ESCALATED,
    },
    CaseState.MEDIATING: {
        CaseMove.OWN: CaseState.MEDIATING,
        CaseMove.MEDIATE: CaseState.MEDIATING,
        CaseMove.RESOLVE: CaseState.RESOLVED,
        CaseMove.ESCALATE: CaseState.ESCALATED,
    },
    CaseState.RESOLVED: {CaseMove.VERIFY: CaseState.VERIFIED, CaseMove.REOPEN: CaseState.MEDIATING},
    CaseState.VERIFIED: {},
}
# Which role each move needs (see unionwork.core.scope.ACTION_ROLES).
MOVE_ACTION = {m: "change" for m in CaseMove.values} | {CaseMove.VERIFY: "review", CaseMove.REOPEN: "review"}
OPEN_STATES = [s for s in CaseState.values if s != CaseState.VERIFIED]


class CaseQuerySet(PermanentQuerySet):
    def open(self):
        return self.exclude(state=CaseState.VERIFIED)

    def overdue(self, now=None):
        return self.open().filter(due_at__lt=now or timezone.now())


class Case(PermanentModel):
    """A matter followed to the end: assessed, owned by a leader, mediated, resolved, verified."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stability_cases", verbose_name=_("发生单位")
    )
    handling_org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    kind = models.CharField(_("案件类型"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("案件名称"), max_length=200)
    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices, default=Severity.GENERAL)
    state = models.CharField(_("状态"), max_length=20, choices=CaseState.choices, default=CaseState.REPORTED)
    incident = models.OneToOneField(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="case", verbose_name=_("事件")
    )
    claimant = models.CharField(_("诉求人"), max_length=100, blank=True)
    description = models.TextField(_("诉求/案情"), blank=True)
    assessment = models.TextField(_("研判意见"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stability_cases",
        verbose_name=_("包案领导"),
    )
    resolution = models.CharField(_("化解方式"), max_length=20, blank=True)
    resolution_note = models.TextField(_("化解情况"), blank=True)
    opened_at = models.DateTimeField(_("立案时间"), editable=False)
    due_at = models.DateTimeField(_("办结时限"))
    resolved_at = models.DateTimeField(_("化解时间"), null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="stab_case_state_valid"),
            # Nothing is resolved or closed without an owning leader.
            models.CheckConstraint(
                condition=Q(owner__isnull=False)
                | Q(state__in=[CaseState.REPORTED, CaseState.ASSESSED, CaseState.ESCALATED]),
                name="stab_case_owned_before_mediation",
            ),
            models.CheckConstraint(
                condition=~Q(kind="dispute") | Q(incident__isnull=False),
                name="stab_case_dispute_has_incident",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"]), models.Index(fields=["kind"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("stability:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"AJ{self.pk:06d}" if self.pk else "AJ"

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.VERIFIED

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at < (now or timezone.now())

    def overdue_display(self) -> str:
        return str(_("逾期")) if self.is_overdue() else ""

    def allowed_moves(self) -> list[str]:
        return list(WORKFLOW.get(self.state, {}))

    def age_days(self, now=None) -> int:
        return ((now or timezone.now()) - self.opened_at).days


class CaseEvent(models.Model):
    """The domain timeline of a case: reported, assessed, owned, mediated, resolved, verified."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("受理")
        ASSESSED = "assessed", _("研判")
        OWNED = "owned", _("领导包案")
        MEDIATED = "mediated", _("调处")
        RESOLVED = "resolved", _("化解")
        VERIFIED = "verified", _("核实办结")
        REOPENED = "reopened", _("退回重办")
        ESCALATED = "escalated", _("上报上级")
        AMENDED = "amended", _("更正")
        EMERGENCY = "emergency", _("应急处置")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("案件"))
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), editable=False)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    org_label = models.CharField(_("操作单位"), max_length=100, blank=True)
    summary = models.CharField(_("内容"), max_length=1000)

    class Meta:
        verbose_name = _("案件进程")
        verbose_name_plural = _("案件进程")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


class MediationMethod(models.TextChoices):
    PERSUASION = "persuasion", _("说服教育")
    COUNSELLING = "counselling", _("心理疏导")
    RELIEF = "relief", _("救助帮扶")
    LEGAL_AID = "legal_aid", _("法律援助")
    OTHER = "other", _("其他")


class MediationOutcome(models.TextChoices):
    CONTINUING = "continuing", _("继续调处")
    AGREEMENT = "agreement", _("达成协议")
    ARBITRATION = "arbitration", _("转劳动仲裁")
    COURT = "court", _("转诉讼")
    ESCALATION = "escalation", _("提请上级")


class Resolution(models.TextChoices):
    AGREEMENT = "agreement", _("调解达成协议")
    ARBITRATION = "arbitration", _("经劳动仲裁解决")
    COURT = "court", _("经诉讼解决")
    RELIEF = "relief", _("救助帮扶解决")
    OTHER = "other", _("其他方式化解")


class MediationSession(models.Model):
    """One mediation session of a case: the parties, the methods, the outcome."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("案件"))
    held_on = models.DateField(_("调处日期"))
    parties = models.CharField(_("参加各方"), max_length=500)
    methods = models.JSONField(_("调处方式"), default=list)
    outcome = models.CharField(_("结果"), max_length=20, choices=MediationOutcome.choices)
    note = models.TextField(_("调处情况"), blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("调处记录")
        verbose_name_plural = _("调处记录")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.case} {self.held_on:%Y-%m-%d}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.case.org.path

    def methods_display(self) -> str:
        labels = dict(MediationMethod.choices)
        return "、".join(str(labels.get(m, m)) for m in self.methods)


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


# ---------------------------------------------------------------------------------------------
# Amendments and notifications


class Amendment(models.Model):
    """A correction of a report, an incident or a case: what changed and why. Never removed."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    reason = models.CharField(_("更正原因"), max_length=500)
    changes = models.JSONField(_("更正内容"), default=dict)
    at = models.DateTimeField(_("更正时间"), editable=False)
    actor_label = models.CharField(_("更正人"), max_length=150)

    class Meta:
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(report__isnull=False) & Q(incident__isnull=True) & Q(case__isnull=True))
                | (Q(report__isnull=True) & Q(incident__isnull=False) & Q(case__isnull=True))
                | (Q(report__isnull=True) & Q(incident__isnull=True) & Q(case__isnull=False)),
                name="stab_amendment_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="stab_amendment_has_reason"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason[:40]}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    @property
    def target(self):
        return self.report or self.incident or self.case

    def audit_org_path(self) -> str:
        return self.target.org.path


class Notification(models.Model):
    """A message to one user inside the platform (reminders, serious incidents)."""

    class Kind(models.TextChoices):
        REPORT_DUE = "report_due", _("报告待报送")
        REPORT_MISSING = "report_missing", _("报告已逾期")
        CASE_OVERDUE = "case_overdue", _("案件逾期")
        SERIOUS_INCIDENT = "serious_incident", _("重大事件")
        CASE_OWNED = "case_owned", _("包案通知")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stability_notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=1000, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # One reminder per user, subject and day: running the task twice sends nothing twice.
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="stab_notification_once")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title

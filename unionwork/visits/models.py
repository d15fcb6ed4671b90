"""The visits campaign (双走双促): campaigns and their pairings (联系点), the checklists 六必清 and
八必访 in versions, visits with their answers and photos, findings, deeds (办实事) followed to
done, and research reports drafted from the data.

Nothing is deleted: a visit is withdrawn with a reason, a campaign closed, a pairing ended, a deed
reopened. Scope: a campaign, a visit, a deed and a report belong to the level that made them
(``org``); a finding about an enterprise is also seen by every level above the enterprise.
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
from unionwork.core.scope import ScopedQuerySet, prefix_q, user_paths


def _refuse_delete():
    raise ActionError(_("走访记录不能删除；请撤回并说明原因。"), code="no_delete")


class KeptQuerySet(ScopedQuerySet):
    """Scoped by the record's org unit; ``delete()`` refuses."""

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


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from ``start``'s month to ``end``'s month, both counted (at least 1)."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month + 1)


# ---------------------------------------------------------------------------------------------
# Campaigns and pairings


class Campaign(KeptModel):
    """A level's campaign: its period and its monthly rule for each paired cadre."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="visit_campaigns", verbose_name=_("设定单位")
    )
    name = models.CharField(_("活动名称"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    enterprises_per_month = models.PositiveSmallIntegerField(_("每人每月走访企业数"), default=1)
    households_per_month = models.PositiveSmallIntegerField(_("每人每月走访职工家庭数"), default=2)
    note = models.TextField(_("说明"), blank=True)
    closed_on = models.DateField(_("结束于"), null=True, blank=True)
    close_reason = models.CharField(_("结束原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("走访活动")
        verbose_name_plural = _("走访活动")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="visits_campaign_period"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visits:campaign-detail", args=[self.pk])

    @property
    def months(self) -> int:
        return months_between(self.starts_on, self.ends_on)

    @property
    def per_cadre_month(self) -> int:
        return self.enterprises_per_month + self.households_per_month

    def months_elapsed(self, today: datetime.date | None = None) -> int:
        """Months of the period begun by ``today`` (0 before it starts)."""
        today = today or timezone.localdate()
        if today < self.starts_on:
            return 0
        return months_between(self.starts_on, min(today, self.ends_on))

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class PairingQuerySet(KeptQuerySet):
    scope_path_field = "campaign__org__path"
    scope_ipath_field = "campaign__org__ipath"

    def active(self):
        return self.filter(ended_on=None)


class Pairing(KeptModel):
    """A cadre's contact point (联系点): one enterprise the cadre visits; one cadre, many enterprises."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("走访活动")
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_pairings",
        verbose_name=_("干部"),
    )
    enterprise = models.ForeignKey(
        "founding.Enterprise",
        on_delete=models.PROTECT,
        related_name="visit_pairings",
        verbose_name=_("联系企业"),
    )
    paired_on = models.DateField(_("确定日期"))
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    end_reason = models.CharField(_("解除原因"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        ordering = ["campaign", "cadre", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "cadre", "enterprise"],
                condition=Q(ended_on=None),
                name="visits_pairing_once",
            )
        ]

    def __str__(self):
        return f"{self.cadre.full_name or self.cadre.username} — {self.enterprise.name}"

    def audit_org_path(self) -> str:
        return self.campaign.org.path


# ---------------------------------------------------------------------------------------------
# Checklists


class ChecklistKind(models.TextChoices):
    SIX = "six", _("六必清")
    EIGHT = "eight", _("八必访")


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    NUMBER = "number", _("数字")
    TEXT = "text", _("文字")
    CHOICE = "choice", _("选项")


class ChecklistTemplate(models.Model):
    """One version of a checklist. A visit keeps the version it was answered on."""

    kind = models.CharField(_("清单"), max_length=10, choices=ChecklistKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    is_current = models.BooleanField(_("当前版本"), default=True)
    note = models.CharField(_("修订说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访清单")
        verbose_name_plural = _("走访清单")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="visits_checklist_version_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_current=True), name="visits_checklist_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} 第{self.version}版"

    def get_absolute_url(self) -> str:
        return reverse("visits:checklist-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        _refuse_delete()


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="items", verbose_name=_("清单版本")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("内容"), max_length=300)
    kind = models.CharField(_("回答方式"), max_length=10, choices=ItemKind.choices, default=ItemKind.TEXT)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    required = models.BooleanField(_("必填"), default=False)

    class Meta:
        verbose_name = _("清单项目")
        verbose_name_plural = _("清单项目")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="visits_item_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="visits_item_kind_valid"),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


# ---------------------------------------------------------------------------------------------
# Visits


class VisitKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("走访企业")
    HOUSEHOLD = "household", _("走访职工家庭")


CHECKLIST_OF_KIND = {VisitKind.ENTERPRISE: ChecklistKind.SIX, VisitKind.HOUSEHOLD: ChecklistKind.EIGHT}


class Visit(KeptModel):
    """One visit by cadres of a level: to an enterprise (六必清) or a worker's household (八必访).

    A household's name, address and phone are personal data: lists and the API show them masked;
    an ID number given on the form is never stored, it only links the register's member (through
    the member register's own keyed look-up).
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="visits", verbose_name=_("走访单位")
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("走访活动"),
    )
    kind = models.CharField(_("走访类型"), max_length=20, choices=VisitKind.choices)
    visited_on = models.DateField(_("走访日期"))
    enterprise = models.ForeignKey(
        "founding.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("走访企业"),
    )
    household_name = models.CharField(_("户主（职工）姓名"), max_length=50, blank=True)
    household_address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    household_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("会员"),
    )
    cadres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="visits", verbose_name=_("走访干部")
    )
    people_met = models.CharField(_("见到的人"), max_length=300)
    notes = models.TextField(_("走访情况"), blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="visits", verbose_name=_("清单版本")
    )
    client_key = models.CharField(
        _("草稿编号"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), editable=False)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    audit_exclude = ("household_name", "household_address", "household_phone")

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="enterprise") & Q(enterprise__isnull=False))
                | (Q(kind="household") & ~Q(household_name="")),
                name="visits_visit_has_subject",
            ),
        ]
        indexes = [models.Index(fields=["visited_on"])]

    def __str__(self):
        return f"ZF{self.pk or 0:06d} {self.subject_masked}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit-detail", args=[self.pk])

    @property
    def subject_masked(self) -> str:
        if self.kind == VisitKind.ENTERPRISE:
            return self.enterprise.name if self.enterprise_id else ""
        return _("%(n)s家") % {"n": mask_name(self.household_name)}

    def address_masked(self) -> str:
        return mask_address(self.household_address)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name only."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def mask_address(address: str) -> str:
    """The first six characters (district, street), the rest hidden."""
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else ("****" if address else "")


class Answer(models.Model):
    """The answer to one item of the checklist version the visit was made on."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="answers", verbose_name=_("走访记录")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("清单项目")
    )
    value = models.TextField(_("回答"), blank=True)

    class Meta:
        verbose_name = _("清单回答")
        verbose_name_plural = _("清单回答")
        ordering = ["visit", "item__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="visits_answer_once")]

    def __str__(self):
        return f"{self.item}: {self.value}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def display(self) -> str:
        if self.item.kind == ItemKind.YES_NO:
            return {"yes": str(_("是")), "no": str(_("否"))}.get(self.value, self.value)
        return self.value


def photo_upload_to(instance, filename: str) -> str:
    return f"visits/photos/{timezone.now():%Y/%m}/{instance.visit_id}-{filename}"


class Photo(models.Model):
    """A photo of a visit, stored encrypted (a household's home is personal data)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="photos", verbose_name=_("走访记录")
    )
    file = models.FileField(_("照片"), upload_to=photo_upload_to)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    audit_exclude = ("file",)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit", "pk"]

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.visit.org.path


# ---------------------------------------------------------------------------------------------
# Findings and deeds


class FindingCategory(models.TextChoices):
    OPERATIONS = "operations", _("企业生产经营")
    SENTIMENT = "sentiment", _("职工思想动态")
    LIVING = "living", _("职工生活状况")
    DEMAND = "demand", _("职工诉求")
    UNION = "union", _("基层工会状况")
    RISK = "risk", _("劳动关系风险")


class FindingSeverity(models.IntegerChoices):
    LOW = 1, _("一般")
    MEDIUM = 2, _("较重")
    HIGH = 3, _("严重")


class FindingQuerySet(KeptQuerySet):
    def extra_scope_q(self, user, action: str):
        """A finding about an enterprise is seen by every level above the enterprise (seeing only)."""
        if action != "view":
            return None
        q = Q(pk__in=[])
        for p in user_paths(user):
            q |= prefix_q("enterprise__community__path", p)
        return q


class Finding(KeptModel):
    """What a visit found, by category and severity. A dispute may open a stability case, a
    household in hardship a hardship file in the service-station module (both linked, never copied)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="findings", verbose_name=_("走访记录")
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("走访单位")
    )
    enterprise = models.ForeignKey(
        "founding.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("企业"),
    )
    category = models.CharField(_("类别"), max_length=20, choices=FindingCategory.choices)
    severity = models.PositiveSmallIntegerField(
        _("程度"), choices=FindingSeverity.choices, default=FindingSeverity.LOW
    )
    text = models.TextField(_("情况"))
    found_on = models.DateField(_("发现日期"))
    case = models.ForeignKey(
        "stability.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("维稳案件"),
    )
    hardship_file = models.ForeignKey(
        "stations.HardshipFile",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("困难职工档案"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访发现")
        verbose_name_plural = _("走访发现")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(severity__in=[1, 2, 3]), name="visits_finding_severity_valid"),
            models.CheckConstraint(
                condition=Q(category__in=FindingCategory.values), name="visits_finding_category_valid"
            ),
        ]

    def __str__(self):
        return f"FX{self.pk or 0:06d} {self.get_category_display()}：{self.text[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit-detail", args=[self.visit_id]) + f"#finding-{self.pk}"


class DeedState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结待核实")
    VERIFIED = "verified", _("已核实")


class DeedQuerySet(KeptQuerySet):
    def extra_scope_q(self, user, action: str):
        """A deed's owner (who may sit at a lower level than the requesting one) sees it; the
        actions let the owner record progress and report it done, nothing more."""
        if action != "view" or not getattr(user, "pk", None):
            return None
        return Q(owner_id=user.pk)

    def open(self):
        return self.filter(state=DeedState.OPEN)

    def overdue(self, today: datetime.date | None = None):
        return self.open().filter(promised_on__lt=today or timezone.localdate())


class Deed(KeptModel):
    """A practical deed (办实事) promised on a demand: owner, promised date, progress, done with
    evidence, verified by the level that asked for it (``org``).

    ``counted_due`` says whether the deed counts among the deeds due of ``visits.deeds_on_time``:
    set when it is done, or by the daily job the day after its promised date passes.
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="visit_deeds", verbose_name=_("提出单位")
    )
    finding = models.ForeignKey(
        Finding,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deeds",
        verbose_name=_("走访发现"),
    )
    title = models.CharField(_("实事内容"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_deeds",
        verbose_name=_("责任人"),
    )
    promised_on = models.DateField(_("承诺办结日期"))
    state = models.CharField(_("状态"), max_length=20, choices=DeedState.choices, default=DeedState.OPEN)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    evidence = models.TextField(_("办结情况"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("核实人"),
    )
    counted_due = models.BooleanField(_("计入应办结"), default=False, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = DeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("办实事")
        verbose_name_plural = _("办实事")
        ordering = ["promised_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DeedState.values), name="visits_deed_state_valid"),
            models.CheckConstraint(
                condition=Q(state="open") | (Q(done_on__isnull=False) & ~Q(evidence="")),
                name="visits_deed_done_has_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(state="verified") | Q(verified_at__isnull=False), name="visits_deed_verified_at"
            ),
        ]
        indexes = [models.Index(fields=["state", "promised_on"])]

    def __str__(self):
        return f"SS{self.pk or 0:06d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("visits:deed-detail", args=[self.pk])

    @property
    def on_time(self) -> bool | None:
        """Done by the promised date (None while open)."""
        if self.done_on is None:
            return None
        return self.done_on <= self.promised_on

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.state == DeedState.OPEN and self.promised_on < (today or timezone.localdate())

    def overdue_display(self) -> str:
        return str(_("逾期")) if self.is_overdue() else ""

    def timeliness_display(self) -> str:
        if self.on_time is None:
            return str(_("逾期未办")) if self.is_overdue() else ""
        return str(_("按期")) if self.on_time else str(_("超期办结"))


class DeedProgress(models.Model):
    deed = models.ForeignKey(
        Deed, on_delete=models.PROTECT, related_name="progress", verbose_name=_("办实事")
    )
    at = models.DateTimeField(_("时间"), editable=False)
    actor_label = models.CharField(_("操作人"), max_length=150)
    kind = models.CharField(_("事项"), max_length=20)
    note = models.CharField(_("内容"), max_length=1000)

    class Meta:
        verbose_name = _("办实事进展")
        verbose_name_plural = _("办实事进展")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.deed} {self.note[:20]}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


# ---------------------------------------------------------------------------------------------
# Research reports


class ResearchReport(KeptModel):
    """A research report (调研报告) drafted from the data of a level (``org``'s subtree) and a period.

    ``figures`` keeps the figures as drafted; they can be drawn again from the same period and
    scope (:func:`unionwork.visits.queries.report_figures`) and must be equal.
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="visit_reports", verbose_name=_("单位")
    )
    title = models.CharField(_("标题"), max_length=200)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    situation = models.TextField(_("一、基本情况"), blank=True)
    analysis = models.TextField(_("二、问题分析"), blank=True)
    figures = models.JSONField(_("数据"), default=dict, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    audit_exclude = ("figures",)  # kept on the record; the trail names the period and scope

    class Meta:
        verbose_name = _("调研报告")
        verbose_name_plural = _("调研报告")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="visits_report_period"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("visits:report-detail", args=[self.pk])


class Recommendation(models.Model):
    """三、对策建议: one recommendation the author writes, with the findings that support it."""

    report = models.ForeignKey(
        ResearchReport, on_delete=models.PROTECT, related_name="recommendations", verbose_name=_("调研报告")
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("建议"))
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="recommendations", verbose_name=_("支撑发现")
    )

    class Meta:
        verbose_name = _("建议")
        verbose_name_plural = _("建议")
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="visits_recommendation_position")
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:30]}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.report.org.path

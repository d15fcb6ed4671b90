"""Staff service stations (职工服务中心/站) and the three-in-one work: service, rights, relief.

Which enterprises must have a station follows from one versioned rule (:class:`EligibilityRule`,
applied in SQL by :func:`unionwork.stations.queries.eligible_q`); communities (村/社区 org units)
are always eligible. A station is scoped by the unit it belongs to (``org``: the enterprise's
community, the community itself, or the street/district whose centre it is).

Nothing here is deleted: a station is suspended or closed (with a history row), a hardship file
is closed at its annual review, a relief is refused with a reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core import masking
from unionwork.core.scope import ScopedQuerySet


class _NoDelete:
    def delete(self, *args, **kwargs):
        raise PermissionError("records of the service stations are never deleted")


# ---------------------------------------------------------------------------------------------
# Eligibility


class EligibilityRule(_NoDelete, models.Model):
    """Which enterprises must have a station, from a date on. Never edited: a change is a new
    version with its own effective date; the version in force on a day is the latest one whose
    ``effective_from`` is not after it."""

    min_employees = models.PositiveIntegerField(_("最低职工人数"), default=100)
    requires_union = models.BooleanField(_("须已建立工会"), default=True)
    effective_from = models.DateField(_("生效日期"), unique=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("建站条件")
        verbose_name_plural = _("建站条件")
        ordering = ["-effective_from"]

    def __str__(self):
        return _("建站条件（%(d)s起）") % {"d": self.effective_from}

    def audit_org_path(self) -> str:
        return ""

    def describe(self) -> str:
        from django.utils.translation import gettext as t

        if self.requires_union:
            text = t("已建立工会且职工 %(n)d 人及以上的在营企业应建站") % {"n": self.min_employees}
        else:
            text = t("职工 %(n)d 人及以上的在营企业应建站") % {"n": self.min_employees}
        return text + t("；村（社区）一律应建站。")


DEFAULT_RULE = dict(min_employees=100, requires_union=True, effective_from=datetime.date(2000, 1, 1))


# ---------------------------------------------------------------------------------------------
# Stations


class HostKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    COMMUNITY = "community", _("村（社区）")
    CENTRE = "centre", _("街道（乡镇）、区级中心")


class StationMode(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合服务站")
    SPECIAL = "special", _("特色服务站")
    RADIATING = "radiating", _("辐射服务站")


class StationStatus(models.TextChoices):
    OPEN = "open", _("运行")
    SUSPENDED = "suspended", _("暂停")
    CLOSED = "closed", _("已撤销")


class ServiceKind(_NoDelete, models.Model):
    """One service a station may offer and log (the configurable list)."""

    name = models.CharField(_("服务项目"), max_length=50, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = _("服务项目")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def audit_org_path(self) -> str:
        return ""


DEFAULT_SERVICE_KINDS = (
    "政策咨询",
    "就业帮扶",
    "技能培训",
    "心理疏导",
    "法律服务",
    "文体活动",
    "会员卡优惠",
    "送温暖",
)


class StationQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def open(self):
        return self.filter(status=StationStatus.OPEN)


class Station(_NoDelete, models.Model):
    name = models.CharField(_("服务站名称"), max_length=200)
    host_kind = models.CharField(_("依托单位类型"), max_length=20, choices=HostKind.choices)
    enterprise = models.ForeignKey(
        "founding.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("依托企业"),
    )
    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="stations", verbose_name=_("所属单位")
    )
    mode = models.CharField(_("建站模式"), max_length=20, choices=StationMode.choices)
    opened_on = models.DateField(_("建站日期"))
    space_m2 = models.PositiveIntegerField(_("面积（平方米）"), default=0)
    staff = models.PositiveSmallIntegerField(_("工作人员数"), default=0)
    services = models.ManyToManyField(
        ServiceKind, blank=True, related_name="stations", verbose_name=_("服务项目")
    )
    workers_covered = models.PositiveIntegerField(_("覆盖职工数"), default=0)
    radiated = models.ManyToManyField(
        "founding.Enterprise", blank=True, related_name="radiating_stations", verbose_name=_("辐射企业")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=StationStatus.choices, default=StationStatus.OPEN
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务站")
        verbose_name_plural = _("服务站")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status", "mode"])]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="station_name_not_empty"),
            models.CheckConstraint(
                condition=Q(host_kind="enterprise", enterprise__isnull=False)
                | (~Q(host_kind="enterprise") & Q(enterprise__isnull=True)),
                name="station_enterprise_host",
            ),
            models.CheckConstraint(condition=Q(status__in=StationStatus.values), name="station_status_valid"),
            # One open station per enterprise.
            models.UniqueConstraint(
                fields=["enterprise"], condition=Q(status="open"), name="station_one_open_per_enterprise"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stations:station-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    def services_display(self) -> str:
        return "、".join(s.name for s in self.services.all())


class StationStatusChange(_NoDelete, models.Model):
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="history", verbose_name=_("服务站")
    )
    status = models.CharField(_("状态"), max_length=20, choices=StationStatus.choices)
    on = models.DateField(_("日期"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务站状态记录")
        verbose_name_plural = _("服务站状态记录")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.station} {self.get_status_display()}"


class StationPhoto(_NoDelete, models.Model):
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="photos", verbose_name=_("服务站")
    )
    content_type = models.CharField(_("类型"), max_length=30)
    data = models.BinaryField(_("图片"))
    size = models.PositiveIntegerField(_("大小（字节）"))
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务站照片")
        verbose_name_plural = _("服务站照片")
        ordering = ["-id"]

    def __str__(self):
        return self.caption or f"{self.station} #{self.pk}"

    def audit_org_path(self) -> str:
        return self.station.org.path


# ---------------------------------------------------------------------------------------------
# Service log


class EntryKind(models.TextChoices):
    SERVICE = "service", _("服务")
    ACTIVITY = "activity", _("活动")


class ServiceRecordQuerySet(ScopedQuerySet):
    scope_path_field = "station__org__path"
    scope_ipath_field = "station__org__ipath"


class ServiceRecord(_NoDelete, models.Model):
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="records", verbose_name=_("服务站")
    )
    entry = models.CharField(_("类别"), max_length=20, choices=EntryKind.choices, default=EntryKind.SERVICE)
    kind = models.ForeignKey(
        ServiceKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务项目")
    )
    on = models.DateField(_("服务日期"))
    people = models.PositiveIntegerField(_("服务人数"), default=1)
    card = models.ForeignKey(
        "members.MemberCard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("会员服务卡"),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="servicerecord_people_positive")
        ]

    def __str__(self):
        return f"{self.station} {self.on} {self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("stations:station-detail", args=[self.station_id])

    def audit_org_path(self) -> str:
        return self.station.org.path

    def card_number(self) -> str:
        return self.card.number if self.card_id else ""


# ---------------------------------------------------------------------------------------------
# Rights: legal consultations and legal aid


class ConsultationKind(models.TextChoices):
    CONSULTATION = "consultation", _("法律咨询")
    LEGAL_AID = "legal_aid", _("法律援助")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    CASE = "case", _("已转维稳案件")


class ConsultationQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"


class Consultation(_NoDelete, models.Model):
    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("受理单位")
    )
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务站")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ConsultationKind.choices)
    worker_name = models.CharField(_("职工姓名"), max_length=50)
    enterprise_name = models.CharField(_("所在企业"), max_length=200, blank=True)
    issue = models.TextField(_("问题"))
    outcome = models.TextField(_("办理结果"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    received_on = models.DateField(_("受理日期"))
    # The stability case it became (one record, linked, never copied).
    case = models.OneToOneField(
        "stability.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("维稳案件"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("法律咨询与援助")
        verbose_name_plural = _("法律咨询与援助")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="case") | Q(case__isnull=False), name="consultation_case_linked"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.worker_name}"

    def get_absolute_url(self) -> str:
        return reverse("stations:consultation-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path


# ---------------------------------------------------------------------------------------------
# Relief: the hardship register


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    UNEMPLOYMENT = "unemployment", _("失业")
    SINGLE_PARENT = "single_parent", _("单亲")
    DISASTER = "disaster", _("因灾")
    OTHER = "other", _("其他")


class HardshipLevel(models.TextChoices):
    SPECIAL = "special", _("特困")
    HARDSHIP = "hardship", _("困难")
    EDGE = "edge", _("边缘困难")


class FileStatus(models.TextChoices):
    OPEN = "open", _("在档")
    CLOSED = "closed", _("已销档")


class ReliefPolicy(models.Model):
    """How hardship is graded and when relief needs approval (one row, pk 1; city administrators)."""

    special_below = models.DecimalField(
        _("特困：家庭月人均收入低于（元）"), max_digits=10, decimal_places=2, default=Decimal("800")
    )
    hardship_below = models.DecimalField(
        _("困难：家庭月人均收入低于（元）"), max_digits=10, decimal_places=2, default=Decimal("1500")
    )
    approval_above = models.PositiveIntegerField(_("单笔救助超过此金额须审批（元）"), default=2000)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("帮扶规则")
        verbose_name_plural = _("帮扶规则")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="reliefpolicy_singleton"),
            models.CheckConstraint(
                condition=Q(special_below__lte=models.F("hardship_below")), name="reliefpolicy_levels_ordered"
            ),
        ]

    def __str__(self):
        return str(_("帮扶规则"))

    def audit_org_path(self) -> str:
        return ""

    @classmethod
    def current(cls) -> ReliefPolicy:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def level_of(self, monthly_income_per_head: Decimal) -> str:
        if monthly_income_per_head < self.special_below:
            return HardshipLevel.SPECIAL
        if monthly_income_per_head < self.hardship_below:
            return HardshipLevel.HARDSHIP
        return HardshipLevel.EDGE


class HardshipFileQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def open(self):
        return self.filter(status=FileStatus.OPEN)


class HardshipFile(_NoDelete, models.Model):
    """A worker in hardship (困难职工档案), by real name; the ID is kept as the member register keeps it."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("建档单位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_cipher = models.BinaryField(_("身份证号（加密）"), editable=False)
    id_hash = models.CharField(_("身份证号摘要"), max_length=32, editable=False)
    pii_key = models.CharField(_("密钥编号"), max_length=8, editable=False)
    enterprise_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    household_size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    monthly_income = models.DecimalField(_("家庭月收入（元）"), max_digits=12, decimal_places=2, default=0)
    cause = models.CharField(_("致困原因"), max_length=20, choices=HardshipCause.choices)
    level = models.CharField(_("困难程度"), max_length=20, choices=HardshipLevel.choices)
    status = models.CharField(_("状态"), max_length=20, choices=FileStatus.choices, default=FileStatus.OPEN)
    opened_on = models.DateField(_("建档日期"))
    review_due = models.DateField(_("下次年审日期"))
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = HardshipFileQuerySet.as_manager()
    audit_exclude = ("id_cipher", "id_hash", "pii_key")

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(status="open"), name="hardship_one_open_per_id"
            ),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="hardship_household_positive"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_on__isnull=False), name="hardship_closed_dated"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_masked}）"

    def get_absolute_url(self) -> str:
        return reverse("stations:hardship-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    @property
    def id_number(self) -> str:
        """The full number. Show it only through the audited action (``actions.reveal_hardship_id``)."""
        from unionwork.members.actions import open_id

        return open_id(self.id_cipher, self.pii_key) if self.id_cipher else ""

    @property
    def id_masked(self) -> str:
        return masking.mask_id(self.id_number)

    @property
    def income_per_head(self) -> Decimal:
        return (self.monthly_income / self.household_size).quantize(Decimal("0.01"))


class HardshipReview(_NoDelete, models.Model):
    file = models.ForeignKey(
        HardshipFile, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("档案")
    )
    on = models.DateField(_("年审日期"))
    keep = models.BooleanField(_("继续在档"))
    level = models.CharField(_("困难程度"), max_length=20, choices=HardshipLevel.choices, blank=True)
    note = models.CharField(_("年审意见"), max_length=300, blank=True)
    actor_label = models.CharField(_("审核人"), max_length=150)

    class Meta:
        verbose_name = _("档案年审")
        verbose_name_plural = _("档案年审")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.file} {self.on}"


class ReliefKind(models.TextChoices):
    WARMTH = "warmth", _("送温暖")
    MEDICAL = "medical", _("医疗救助")
    EDUCATION = "education", _("助学")
    CASH = "cash", _("生活救助金")
    IN_KIND = "in_kind", _("实物救助")


class FundSource(models.TextChoices):
    UNION = "union", _("工会经费")
    GOVERNMENT = "government", _("财政专项")
    DONATION = "donation", _("社会捐助")
    ENTERPRISE = "enterprise", _("企业行政")


class ReliefStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    PAID = "paid", _("已发放")
    REFUSED = "refused", _("已退回")


class ReliefQuerySet(ScopedQuerySet):
    scope_path_field = "file__org__path"
    scope_ipath_field = "file__org__ipath"


class Relief(_NoDelete, models.Model):
    file = models.ForeignKey(
        HardshipFile, on_delete=models.PROTECT, related_name="reliefs", verbose_name=_("档案")
    )
    kind = models.CharField(_("救助类别"), max_length=20, choices=ReliefKind.choices)
    on = models.DateField(_("救助日期"))
    amount = models.PositiveIntegerField(_("金额（元）"))
    fund_source = models.CharField(_("资金来源"), max_length=20, choices=FundSource.choices)
    status = models.CharField(_("状态"), max_length=20, choices=ReliefStatus.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ReliefQuerySet.as_manager()

    class Meta:
        verbose_name = _("救助记录")
        verbose_name_plural = _("救助记录")
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReliefStatus.values), name="relief_status_valid"),
        ]

    def __str__(self):
        return f"{self.file.name} {self.get_kind_display()} {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("stations:hardship-detail", args=[self.file_id])

    def audit_org_path(self) -> str:
        return self.file.org.path

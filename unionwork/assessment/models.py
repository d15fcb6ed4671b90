"""The 100-point assessment (百分考核): versioned schemes of sections and items, evidence claimed
and reviewed, computations of every assessed unit's score with the figure and rule behind each
point, rankings published provisionally, appeals decided, and the final ranking frozen.

Nothing is deleted. A published scheme is frozen: a change makes a new version (with its reason)
that replaces it when published. Claims, reviews and appeals are kept; the latest review of an
item for a unit counts, an upheld appeal's points override what the rule or review gave.

Scope: a scheme, its computations and results belong to the assessing level (``org``); a
published scheme is seen by every unit below it; an assessed unit sees its own results (and the
totals of a published ranking); claims, reviews and appeals belong to the assessed unit (``unit``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet, user_paths
from unionwork.orgs.models import OrgKind


def _refuse_delete():
    raise ActionError(_("考核记录不能删除。"), code="no_delete")


def ancestor_paths(path: str) -> list[str]:
    """Every path above and including ``path``: ``/1/5/9/`` -> ``/1/``, ``/1/5/``, ``/1/5/9/``."""
    ids = [x for x in path.strip("/").split("/") if x]
    return ["/" + "/".join(ids[: i + 1]) + "/" for i in range(len(ids))]


class KeptQuerySet(ScopedQuerySet):
    def delete(self):
        _refuse_delete()

    delete.queryset_only = True


class KeptModel(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        _refuse_delete()


# ---------------------------------------------------------------------------------------------
# Choices


class Group(models.TextChoices):
    """The two rankings of the seed: district unions with district unions, industrial with industrial."""

    DISTRICTS = "districts", _("区市县（先导区）总工会")
    INDUSTRIAL = "industrial", _("产业工会")


GROUP_KINDS = {
    Group.DISTRICTS: (OrgKind.DISTRICT, OrgKind.ZONE),
    Group.INDUSTRIAL: (OrgKind.INDUSTRIAL,),
}


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本替代")
    CLOSED = "closed", _("已结束")


# States in which a scheme is a published document that the levels below may read.
PUBLIC_STATES = (SchemeState.PUBLISHED, SchemeState.SUPERSEDED, SchemeState.CLOSED)


class ItemKind(models.TextChoices):
    BASE = "base", _("基本分")
    BONUS = "bonus", _("加分")
    DEDUCTION = "deduction", _("扣分")
    VETO = "veto", _("一票否决")


class Source(models.TextChoices):
    INDICATOR = "indicator", _("平台指标")
    EVIDENCE = "evidence", _("佐证材料评审")


class Rule(models.TextChoices):
    THRESHOLD = "threshold", _("分档")
    LINEAR = "linear", _("线性")
    RANK = "rank", _("同组排名")
    DEADLINE = "deadline", _("时限")
    PER_COUNT = "per_count", _("按数量计分")
    OVER = "over", _("超过即触发")
    REVIEW = "review", _("评审打分")


class VetoEffect(models.TextChoices):
    FAIL = "fail", _("总分定为不合格")
    DISQUALIFY = "disqualify", _("取消评比资格")


# ---------------------------------------------------------------------------------------------
# Schemes


class SchemeQuerySet(KeptQuerySet):
    scope_path_field = "org__path"

    def extra_scope_q(self, user, action):
        """A published scheme is a document sent down: every unit below its level reads it."""
        if action != "view":
            return None
        paths = user_paths(user)
        if not paths:
            return None
        return Q(state__in=PUBLIC_STATES, org__path__in=ancestor_paths(paths[0]))


class Scheme(KeptModel):
    """One version of an assessment scheme for a year and a group of assessed units."""

    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
        verbose_name=_("考核单位"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    group = models.CharField(_("考核对象"), max_length=20, choices=Group.choices)
    name = models.CharField(_("方案名称"), max_length=200)
    series = models.PositiveIntegerField(_("方案系列"), default=0, help_text=_("第一版的编号，各版本相同"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上一版本")
    )
    change_reason = models.TextField(_("修订原因"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=SchemeState.choices, default=SchemeState.DRAFT)
    pass_mark = models.DecimalField(
        _("合格分数线"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("60"),
        validators=[MinValueValidator(0)],
        help_text=_("触发“总分定为不合格”的否决项时，总分至多为合格线减 1 分"),
    )
    bonus_cap = models.DecimalField(
        _("加分上限"), max_digits=5, decimal_places=1, default=Decimal("5"), validators=[MinValueValidator(0)]
    )
    appeal_days = models.PositiveSmallIntegerField(_("申诉期（天）"), default=7)
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("制定人")
    )
    created_at = models.DateTimeField(_("制定时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "group", "version"], name="assessment_scheme_version"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="assessment_scheme_period"
            ),
        ]

    def __str__(self):
        return f"{self.name}（第 {self.version} 版）"

    def get_absolute_url(self) -> str:
        return reverse("assessment:scheme-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    @property
    def is_draft(self) -> bool:
        return self.state == SchemeState.DRAFT

    @property
    def kinds(self) -> tuple[str, ...]:
        return GROUP_KINDS[self.group]


class SectionQuerySet(KeptQuerySet):
    scope_path_field = "scheme__org__path"

    def extra_scope_q(self, user, action):
        if action != "view":
            return None
        return Q(scheme__in=Scheme.objects.restrict(user, "view").values("pk"))


class Section(KeptModel):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="sections", verbose_name=_("方案")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("部分"), max_length=100)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核部分")
        verbose_name_plural = _("考核部分")
        ordering = ["scheme", "order", "pk"]

    def __str__(self):
        return self.name

    def audit_org_path(self) -> str:
        return self.scheme.org.path


class Item(KeptModel):
    """A scored item: bound to a kept indicator with a rule, or scored by review of evidence.

    ``params`` by rule (percentages for rates, counts for counts):
    - threshold: ``{"steps": [[95, 1.0], [90, 0.8], [80, 0.5]]}`` (figure ≥ 95: full points …);
    - linear: ``{"low": 60, "high": 95}`` (0 at or below low, full at or above high; low > high
      when lower is better);
    - rank: ``{}`` (rank r of n peers: points × (n − r) ÷ (n − 1); ties share the better rank);
    - deadline: ``{"target": 90, "deadline": "2026-08-31", "late_until": "2026-09-30",
      "late_share": 0.5}`` (target met in the deadline's month: full; by the late date: the share;
      else zero);
    - per_count: ``{"each": 1}`` (points each, up to the item's points; bonus or deduction);
    - over: ``{"over": 0}`` (a veto or a deduction that applies when the count exceeds it).
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="items", verbose_name=_("方案"))
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="items", verbose_name=_("部分")
    )
    code = models.CharField(_("编号"), max_length=20)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("考核内容"), max_length=300)
    kind = models.CharField(_("类别"), max_length=20, choices=ItemKind.choices, default=ItemKind.BASE)
    points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("计分来源"), max_length=20, choices=Source.choices, default=Source.INDICATOR)
    indicator = models.CharField(_("指标"), max_length=80, blank=True)
    rule = models.CharField(_("计分规则"), max_length=20, choices=Rule.choices, default=Rule.THRESHOLD)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    is_hard = models.BooleanField(_("硬性指标"), default=False)
    veto_effect = models.CharField(
        _("否决后果"), max_length=20, choices=VetoEffect.choices, default=VetoEffect.FAIL, blank=True
    )
    description = models.TextField(_("考核标准"), blank=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="assessment_item_code"),
            models.CheckConstraint(
                condition=~Q(source="indicator") | ~Q(indicator=""), name="assessment_item_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def audit_org_path(self) -> str:
        return self.scheme.org.path


# ---------------------------------------------------------------------------------------------
# Evidence and review


class UnitRecordQuerySet(KeptQuerySet):
    """Records of an assessed unit: the unit's own users and every level above it."""

    scope_path_field = "unit__path"
    scope_ipath_field = None


class Claim(KeptModel):
    """An assessed unit's claim for an evidence item: text, files, a link to records in the platform."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="claims", verbose_name=_("方案")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="claims", verbose_name=_("考核项目")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="assessment_claims",
        verbose_name=_("被考核单位"),
    )
    text = models.TextField(_("自评说明"))
    link = models.CharField(_("平台记录链接"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申报人")
    )
    submitted_at = models.DateTimeField(_("申报时间"), default=timezone.now)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("自评申报")
        verbose_name_plural = _("自评申报")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.unit.name}：{self.item.code} {self.item.name}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:claim-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.unit.path


class ClaimFileQuerySet(KeptQuerySet):
    scope_path_field = "claim__unit__path"


class ClaimFile(KeptModel):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="files", verbose_name=_("申报"))
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("内容"))

    objects = ClaimFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["claim", "pk"]

    def __str__(self):
        return self.name

    def audit_org_path(self) -> str:
        return self.claim.unit.path


class Review(KeptModel):
    """A reviewer's score of an evidence item for a unit (of a claim, or a finding of the assessing
    level for a deduction or a veto). The latest review counts; earlier ones stay."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("方案")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("考核项目")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被考核单位")
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("申报")
    )
    points = models.DecimalField(_("评定分"), max_digits=5, decimal_places=1, default=Decimal("0"))
    triggered = models.BooleanField(_("触发否决"), default=False)
    comment = models.TextField(_("评审意见"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("评审人")
    )
    reviewed_at = models.DateTimeField(_("评审时间"), default=timezone.now)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审")
        verbose_name_plural = _("评审")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self):
        return f"{self.unit.name}：{self.item.code} {self.points}"

    def audit_org_path(self) -> str:
        return self.unit.path


# ---------------------------------------------------------------------------------------------
# Computations and results


class ComputationKind(models.TextChoices):
    WORKING = "working", _("试算")
    PROVISIONAL = "provisional", _("初步排名（公示）")
    FINAL = "final", _("最终排名")


class ComputationQuerySet(KeptQuerySet):
    scope_path_field = "scheme__org__path"

    def extra_scope_q(self, user, action):
        """A published ranking is seen by every unit the scheme reaches."""
        if action != "view":
            return None
        return Q(published_at__isnull=False, scheme__in=Scheme.objects.restrict(user, "view").values("pk"))

    def published(self):
        return self.filter(published_at__isnull=False)


class Computation(KeptModel):
    """Every assessed unit's score at one moment, from the kept figures of one month."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="computations", verbose_name=_("方案")
    )
    number = models.PositiveIntegerField(_("次序"))
    kind = models.CharField(_("类型"), max_length=20, choices=ComputationKind.choices)
    month = models.DateField(_("取数月份"))
    day = models.DateField(_("计分日期"))
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("计算人"),
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    appeal_until = models.DateField(_("申诉截止"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    objects = ComputationQuerySet.as_manager()

    class Meta:
        verbose_name = _("计分")
        verbose_name_plural = _("计分")
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="assessment_computation_number"),
            models.UniqueConstraint(
                fields=["scheme"], condition=Q(kind="final"), name="assessment_one_final"
            ),
        ]

    def __str__(self):
        return f"{self.scheme.name} {self.get_kind_display()} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:ranking", args=[self.scheme_id]) + f"?computation={self.pk}"

    def audit_org_path(self) -> str:
        return self.scheme.org.path

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def appeal_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.kind == ComputationKind.PROVISIONAL
            and self.appeal_until is not None
            and today <= self.appeal_until
        )


class ResultQuerySet(KeptQuerySet):
    """An assessed unit's results: the assessing level sees all; the unit its own; everyone the
    scheme reaches sees the totals of a published ranking."""

    scope_path_field = "computation__scheme__org__path"

    def extra_scope_q(self, user, action):
        if action != "view" or not user_paths(user):
            return None
        own = Q(unit_id=user.org_id)
        return own | Q(computation__in=Computation.objects.restrict(user, "view").published().values("pk"))


class UnitResult(KeptModel):
    computation = models.ForeignKey(
        Computation, on_delete=models.PROTECT, related_name="results", verbose_name=_("计分")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被考核单位")
    )
    base = models.DecimalField(_("基本分"), max_digits=6, decimal_places=2)
    bonus = models.DecimalField(_("加分"), max_digits=6, decimal_places=2)
    deduction = models.DecimalField(_("扣分"), max_digits=6, decimal_places=2)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    sections = models.JSONField(_("各部分得分"), default=dict)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    disqualified = models.BooleanField(_("取消评比资格"), default=False)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    previous_rank = models.PositiveSmallIntegerField(_("上次名次"), null=True, blank=True)
    previous_total = models.DecimalField(_("上次总分"), max_digits=6, decimal_places=2, null=True, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["computation", "rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["computation", "unit"], name="assessment_result_once"),
        ]

    def __str__(self):
        return f"{self.unit.name} {self.total}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:result-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.unit.path

    @property
    def rank_change(self) -> int | None:
        """Places gained since the last computation (positive: up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


class ItemResultQuerySet(KeptQuerySet):
    """Item by item: the assessing level, and the unit itself (never another unit's items)."""

    scope_path_field = "computation__scheme__org__path"

    def extra_scope_q(self, user, action):
        if action != "view" or not user_paths(user):
            return None
        return Q(unit_id=user.org_id)


class ItemResult(KeptModel):
    """One item's points for one unit in one computation, with what produced them."""

    computation = models.ForeignKey(
        Computation, on_delete=models.PROTECT, related_name="item_results", verbose_name=_("计分")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被考核单位")
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("考核项目"))
    numerator = models.BigIntegerField(_("分子"), null=True, blank=True)
    denominator = models.BigIntegerField(_("分母"), null=True, blank=True)
    figure = models.CharField(_("指标值"), max_length=40, blank=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    triggered = models.BooleanField(_("触发否决"), default=False)
    basis = models.TextField(_("计分依据"))
    source = models.CharField(_("得分来源"), max_length=20)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    appeal = models.ForeignKey("Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ItemResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目得分")
        verbose_name_plural = _("项目得分")
        ordering = ["computation", "unit", "item__section__order", "item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "unit", "item"], name="assessment_item_result_once"
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} {self.item.code} {self.points}"

    def audit_org_path(self) -> str:
        return self.unit.path


# ---------------------------------------------------------------------------------------------
# Appeals


class AppealState(models.TextChoices):
    OPEN = "open", _("待裁定")
    UPHELD = "upheld", _("申诉成立")
    REJECTED = "rejected", _("申诉不成立")


class Appeal(KeptModel):
    """An assessed unit contests one item of a provisional ranking, with a reason; the assessing
    level decides with a reason (and, when upheld, the item's points)."""

    computation = models.ForeignKey(
        Computation, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("公示排名")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("申诉单位")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("考核项目")
    )
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申诉人")
    )
    filed_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    points_before = models.DecimalField(_("原得分"), max_digits=6, decimal_places=2)
    state = models.CharField(_("状态"), max_length=20, choices=AppealState.choices, default=AppealState.OPEN)
    decision = models.TextField(_("裁定理由"), blank=True)
    points = models.DecimalField(_("裁定得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("裁定人"),
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["computation", "unit", "item"],
                condition=Q(state="open"),
                name="assessment_appeal_open_once",
            ),
        ]

    def __str__(self):
        return f"{self.unit.name}：{self.item.code} {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:appeal-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.unit.path

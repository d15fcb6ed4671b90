"""Enterprises shared by the statistics bureau, grassroots unions founded in them, founding targets.

An enterprise belongs to the village or community (村/社区) it lies in; that community's path is
its scope. A grassroots or joint union is an org unit (``orgs.OrgUnit``) with a founding record
here; the enterprises it covers point at it (``Enterprise.union``), so "has a union" is one
indexed column. Whether an enterprise is expected to have a union at all comes from the
:class:`FoundingRule`, applied in SQL (:func:`unionwork.founding.queries.expected_q`), so a
change of rule changes every figure at once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core.classifications import Industry  # noqa: F401 - re-exported for the module
from unionwork.core.scope import ScopedQuerySet, in_subquery_q, prefix_q


class Ownership(models.TextChoices):
    """登记注册类型 of the statistical classification (国家统计局), with its codes."""

    STATE_OWNED = "state_owned", _("国有企业")
    COLLECTIVE = "collective", _("集体企业")
    JOINT_STOCK_COOP = "joint_stock_coop", _("股份合作企业")
    JOINTLY_OPERATED = "jointly_operated", _("联营企业")
    LIMITED_LIABILITY = "limited_liability", _("有限责任公司")
    JOINT_STOCK = "joint_stock", _("股份有限公司")
    PRIVATE = "private", _("私营企业")
    OTHER_DOMESTIC = "other_domestic", _("其他内资企业")
    HMT_INVESTED = "hmt_invested", _("港澳台商投资企业")
    FOREIGN_INVESTED = "foreign_invested", _("外商投资企业")
    INDIVIDUAL = "individual", _("个体经营")


# The statistical codes of each type, as the bureau's files carry them (two-level codes fold up).
OWNERSHIP_CODES = {
    "110": Ownership.STATE_OWNED,
    "120": Ownership.COLLECTIVE,
    "130": Ownership.JOINT_STOCK_COOP,
    "140": Ownership.JOINTLY_OPERATED,
    "150": Ownership.LIMITED_LIABILITY,
    "160": Ownership.JOINT_STOCK,
    "170": Ownership.PRIVATE,
    "190": Ownership.OTHER_DOMESTIC,
    "200": Ownership.HMT_INVESTED,
    "300": Ownership.FOREIGN_INVESTED,
    "400": Ownership.INDIVIDUAL,
}
# Non-public enterprises (非公企业), where the seed asks for particular attention.
NON_PUBLIC = {Ownership.PRIVATE, Ownership.HMT_INVESTED, Ownership.FOREIGN_INVESTED, Ownership.INDIVIDUAL}


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    CLOSED = "closed", _("已关闭")


class Expectation(models.TextChoices):
    """What the founding rule expects of an enterprise."""

    OWN = "own", _("应单独建会")
    JOINT = "joint", _("应建立或加入联合工会")
    OUT = "out", _("不纳入建会范围")


class EnterpriseQuerySet(ScopedQuerySet):
    scope_path_field = "community__path"
    # An industrial union sees the enterprises covered by the unions linked to it, anywhere.
    scope_ipath_field = "union__ipath"

    # The paths lie on the community and the union: below the root they are tested as "the
    # community (union) is one of the units under the prefix", on the enterprise's own indexed
    # columns. An OR of the two joined paths made PostgreSQL read every enterprise for a street's
    # list (58 ms against 1.4 ms at city scale). The root's prefix holds every unit: there the
    # joined test is cheaper than a list of 30,000 ids.
    def path_q(self, prefix: str) -> Q:
        if _is_root(prefix):
            return prefix_q(self.scope_path_field, prefix)
        return in_subquery_q("community_id", _units_under("path", prefix))

    def ipath_q(self, prefix: str) -> Q:
        # The unions linked under the prefix are read first: a territorial prefix has none or a
        # few (a list of ids, indexed and hashed), an industrial union's some thousands (a hashed
        # subquery: compared row by row, an array of 1,800 ids cost 40 ms more on its work list).
        if _is_root(prefix):
            return prefix_q(self.scope_ipath_field, prefix)
        ids = list(_units_under("ipath", prefix).values_list("pk", flat=True)[: _LINKED_LISTED + 1])
        if len(ids) <= _LINKED_LISTED:
            return Q(union_id__in=ids) if ids else Q(pk__in=[])
        return Q(union_id__in=_units_under("ipath", prefix))

    def extra_scope_q(self, user, action: str) -> Q | None:
        """An industrial union's user also sees the enterprises of its industries in every
        district (DOMAIN.md), when the city has declared them. Seeing only: the register is kept
        where the enterprise lies, so a change (and a founding) stays with the path rule."""
        if action != "view":
            return None
        industries = _user_industries(user)
        return Q(industry__in=industries) if industries else None

    def operating(self):
        return self.filter(status=EnterpriseStatus.OPERATING)


_LINKED_LISTED = 500  # linked unions named in the query as a list of ids, at most


def _is_root(prefix: str) -> bool:
    return prefix.count("/") <= 2  # "" or "/1/"


def _units_under(field: str, prefix: str):
    from unionwork.orgs.models import OrgUnit

    return OrgUnit.objects.filter(prefix_q(field, prefix)).order_by().values("pk")


def _user_industries(user) -> list[str]:
    """The industries of the user's node when it is an industrial union (cached on the user)."""
    cached = getattr(user, "_founding_industries", None)
    if cached is not None:
        return cached
    org = getattr(user, "org", None)
    industries: list[str] = []
    if org is not None and org.kind == "industrial":
        row = IndustrialUnionScope.objects.filter(unit_id=org.pk).values_list("industries", flat=True).first()
        industries = list(row or [])
    try:
        user._founding_industries = industries
    except AttributeError:  # pragma: no cover - anonymous users
        pass
    return industries


class Enterprise(models.Model):
    """An enterprise (企业法人单位) of the statistics bureau's register."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=200)
    ownership = models.CharField(_("登记注册类型"), max_length=20, choices=Ownership.choices)
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices)
    employees = models.PositiveIntegerField(_("从业人员数"), default=0)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    is_key_project = models.BooleanField(
        _("重点项目"), default=False, help_text=_("投资 3000 万元以上的重点项目，应组建项目工会。")
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    community = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("所在村（社区）")
    )
    status = models.CharField(
        _("经营状态"), max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)
    # The union covering the enterprise now; kept by the founding actions only.
    union = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_enterprises",
        verbose_name=_("所在工会"),
    )
    union_since = models.DateField(_("建会（入会）日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["community", "status"]),
            models.Index(fields=["ownership"]),
            models.Index(fields=["industry"]),
            # (The union's own index is the foreign key's: a second one on it cost every write.)
            # The list's order (by name): its first page is read off the index, not sorted.
            models.Index(fields=["name"], name="enterprise_name_order"),
            # The largest first (the list sorted by employees).
            models.Index(fields=["employees", "id"], name="enterprise_employees_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("uscc"), 18), name="enterprise_uscc_18"),
            models.CheckConstraint(condition=~models.Q(name=""), name="enterprise_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(registered_capital__isnull=True) | models.Q(registered_capital__gte=0),
                name="enterprise_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status=EnterpriseStatus.OPERATING) | models.Q(closed_on__isnull=False),
                name="enterprise_closed_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(union__isnull=True) | models.Q(union_since__isnull=False),
                name="enterprise_union_has_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("founding:enterprise-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.community.path

    @property
    def union_name(self) -> str:
        """The covering union's name, if it is still active."""
        if self.union_id and self.union.status == "active":
            return self.union.name
        return ""

    def expectation_label(self) -> str:
        """The label of the ``expectation`` annotation (queries.annotate_expectation)."""
        value = getattr(self, "expectation", None)
        return str(Expectation(value).label) if value else ""

    @property
    def is_non_public(self) -> bool:
        return self.ownership in NON_PUBLIC

    @property
    def is_operating(self) -> bool:
        return self.status == EnterpriseStatus.OPERATING


class EnterpriseEvent(models.Model):
    """The domain timeline of an enterprise: registered, data changed, union founded, closed."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("登记")
        UPDATED = "updated", _("信息变更")
        CLOSED = "closed", _("关闭")
        REOPENED = "reopened", _("恢复经营")
        COVERED = "covered", _("建会（入会）")
        UNCOVERED = "uncovered", _("退出工会")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="events", verbose_name=_("企业")
    )
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    summary = models.CharField(_("内容"), max_length=500)

    class Meta:
        verbose_name = _("企业变更记录")
        verbose_name_plural = _("企业变更记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.enterprise_id} {self.get_kind_display()}"


# A province's recount takes a few minutes; one pending much longer than this is not running.
RECOUNT_OVERDUE_AFTER = datetime.timedelta(minutes=30)


class FoundingRule(models.Model):
    """Which enterprises are expected to found their own union, which a joint one, which are out.

    One row (pk 1) for the whole platform, edited by the city federation's administrators.
    """

    own_union_min_employees = models.PositiveIntegerField(
        _("单独建会的最低从业人数"), default=25, help_text=_("从业人员达到此数的在营企业应单独建立工会。")
    )
    joint_union_min_employees = models.PositiveIntegerField(
        _("纳入联合工会的最低从业人数"),
        default=1,
        help_text=_("从业人员达到此数但不足单独建会人数的企业，应建立或加入联合工会；更少的不纳入。"),
    )
    excluded_ownerships = models.JSONField(_("不纳入建会范围的登记注册类型"), default=list, blank=True)
    confirmation_required = models.BooleanField(
        _("填报员登记的建会须经确认"),
        default=True,
        help_text=_(
            "勾选后，填报员登记的建会先处于“待确认”状态，由本级管理员或审核员确认后才计入建会数和建会率。"
        ),
    )
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The kept founding figures are recounted after a change of the rule: inside the change for a
    # small register, in a background task for a large one (``actions.update_rule``). A recount is
    # pending while the last one asked for is later than the last one done.
    recount_asked_at = models.DateTimeField(_("重新统计提交时间"), null=True, blank=True, editable=False)
    recounted_at = models.DateTimeField(_("重新统计完成时间"), null=True, blank=True, editable=False)

    audit_exclude = ("updated_at", "recount_asked_at", "recounted_at")

    class Meta:
        verbose_name = _("应建会规则")
        verbose_name_plural = _("应建会规则")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(joint_union_min_employees__lte=models.F("own_union_min_employees")),
                name="foundingrule_joint_below_own",
            ),
        ]

    def __str__(self):
        return str(_("应建会规则"))

    def audit_org_path(self) -> str:
        return ""

    @classmethod
    def current(cls) -> FoundingRule:
        rule = cls.objects.filter(pk=1).first()
        return rule if rule is not None else cls(pk=1)

    @property
    def recount_pending(self) -> bool:
        """Whether the founding figures are still being recounted after the rule's last change."""
        asked = self.recount_asked_at
        return asked is not None and (self.recounted_at is None or self.recounted_at < asked)

    @property
    def recount_overdue(self) -> bool:
        """A recount still pending long after it was asked for: the task worker is not running, or
        the task failed (its log says why); the figures stay the old rule's until one is done."""
        from django.utils import timezone

        return self.recount_pending and timezone.now() - self.recount_asked_at > RECOUNT_OVERDUE_AFTER

    def expectation_of(self, employees: int, ownership: str, status: str) -> str:
        """The same rule as :func:`queries.expectation_case`, for one enterprise in memory."""
        if status != EnterpriseStatus.OPERATING or ownership in (self.excluded_ownerships or []):
            return Expectation.OUT
        if employees >= self.own_union_min_employees:
            return Expectation.OWN
        if employees >= self.joint_union_min_employees:
            return Expectation.JOINT
        return Expectation.OUT

    def describe(self) -> str:
        """The rule in one Chinese sentence, shown wherever founding figures are."""
        from django.utils.translation import gettext as t

        parts = [
            t("在营企业从业人员 %(own)d 人及以上的，应单独建立工会") % {"own": self.own_union_min_employees},
        ]
        if self.own_union_min_employees > self.joint_union_min_employees:
            parts.append(
                t("%(lo)d—%(hi)d 人的，应建立或加入联合工会")
                % {"lo": self.joint_union_min_employees, "hi": self.own_union_min_employees - 1}
            )
        if self.joint_union_min_employees > 0:
            parts.append(t("不足 %(lo)d 人的不纳入") % {"lo": self.joint_union_min_employees})
        labels = dict(Ownership.choices)
        excluded = [str(labels[o]) for o in self.excluded_ownerships or [] if o in labels]
        if excluded:
            parts.append(t("%(types)s不纳入") % {"types": "、".join(excluded)})
        parts.append(t("已关闭企业不纳入"))
        return "；".join(parts) + "。"


class IndustrialUnionScope(models.Model):
    """The industries (GB/T 4754 sections) an industrial union looks after in every district.

    Its users see those enterprises (to found unions in them) besides the ones covered by the
    unions linked to it. Set by the city federation's administrators on the rule page.
    """

    unit = models.OneToOneField(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="industry_scope",
        limit_choices_to={"kind": "industrial"},
        verbose_name=_("产业工会"),
    )
    industries = models.JSONField(_("行业门类"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("产业工会联系行业")
        verbose_name_plural = _("产业工会联系行业")

    def __str__(self):
        return f"{self.unit} {','.join(self.industries)}"

    def audit_org_path(self) -> str:
        return self.unit.path


class UnionStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")
    DISSOLVED = "dissolved", _("已撤销")


class GrassrootsUnionQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"
    scope_ipath_field = "unit__ipath"

    def active(self):
        return self.filter(status=UnionStatus.ACTIVE)


class GrassrootsUnion(models.Model):
    """The founding record of a grassroots or joint union (an org unit): when, chairman, project."""

    unit = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="founding", verbose_name=_("工会组织")
    )
    founded_on = models.DateField(_("建会日期"))
    chairman_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    chairman_directly_elected = models.BooleanField(_("主席直选"), default=False)
    chairman_elected_on = models.DateField(_("主席选举日期"), null=True, blank=True)
    is_project_union = models.BooleanField(_("项目工会"), default=False)
    status = models.CharField(
        _("状态"), max_length=20, choices=UnionStatus.choices, default=UnionStatus.ACTIVE
    )
    ended_on = models.DateField(_("撤销（合并）日期"), null=True, blank=True)
    end_reason = models.CharField(_("撤销（合并）原因"), max_length=500, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("并入"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = GrassrootsUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("基层工会建会记录")
        verbose_name_plural = _("基层工会建会记录")
        ordering = ["-founded_on", "-id"]
        indexes = [
            models.Index(fields=["status", "founded_on"]),
            # The union list's order (newest first): its first page is read off the index.
            models.Index(fields=["founded_on"], name="union_founded_on_order"),
            # Sorted by the day it reached the platform (录入平台日期).
            models.Index(fields=["created_at", "id"], name="union_entered_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chairman_directly_elected=False)
                | models.Q(chairman_elected_on__isnull=False),
                name="grassrootsunion_direct_election_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(status=UnionStatus.ACTIVE) | models.Q(ended_on__isnull=False),
                name="grassrootsunion_end_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("founded_on")),
                name="grassrootsunion_end_after_founding",
            ),
        ]

    def __str__(self):
        return self.unit.name

    def get_absolute_url(self) -> str:
        return reverse("founding:union-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.unit.path

    @property
    def is_active(self) -> bool:
        return self.status == UnionStatus.ACTIVE

    @property
    def entered_on(self) -> datetime.date | None:
        """The day the record reached the platform (local date of ``created_at``): deadline credit
        goes by it, the stated ``founded_on`` is shown beside it (queries.entered_by)."""
        from django.utils import timezone

        return timezone.localdate(self.created_at) if self.created_at else None


def default_deadline(year: int) -> datetime.date:
    """The seed's hard deadline: the founding task is done by 30 September."""
    return datetime.date(year, 9, 30)


def letter_upload_to(instance: FoundingTarget, filename: str) -> str:
    return f"founding/letters/{instance.year}/{instance.unit_id}-{filename}"


class FoundingTargetQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"
    scope_ipath_field = "unit__ipath"


class FoundingTarget(models.Model):
    """A node's founding target for a year (new grassroots unions), with its responsibility letter.

    The level above sets it; the node splits it among its children; the children's targets
    must add up to at least the node's own.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="founding_targets", verbose_name=_("责任单位")
    )
    target = models.PositiveIntegerField(_("新建基层工会目标数"))
    deadline = models.DateField(_("完成期限"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    letter_signed_on = models.DateField(_("责任状签订日期"), null=True, blank=True)
    letter_signatories = models.CharField(
        _("签订人"),
        max_length=200,
        blank=True,
        help_text=_("双方签订人，如：市总工会 张某某；甘井子区总工会 李某某"),
    )
    letter_file = models.FileField(_("责任状扫描件"), upload_to=letter_upload_to, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FoundingTargetQuerySet.as_manager()
    # core.audit.snapshot cannot read an empty FileField (hasattr(url) raises ValueError); the
    # file's name is written in the event's note instead.
    audit_exclude = ("letter_file",)

    class Meta:
        verbose_name = _("建会目标")
        verbose_name_plural = _("建会目标")
        ordering = ["year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="foundingtarget_one_per_unit_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100), name="foundingtarget_year_sane"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.unit.name}"

    def audit_org_path(self) -> str:
        return self.unit.path

    @property
    def has_letter(self) -> bool:
        return bool(self.letter_signed_on and self.letter_signatories)


class SubmissionState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RETURNED = "returned", _("已退回")


class SubmissionMove(models.TextChoices):
    CONFIRM = "confirm", _("确认")
    RETURN = "return", _("退回")


class FoundingSubmissionQuerySet(ScopedQuerySet):
    # Where the union would be set up (the enterprise's community, or a joint union's seat).
    scope_path_field = "parent__path"

    def pending(self):
        return self.filter(state=SubmissionState.PENDING)


class FoundingSubmission(models.Model):
    """A founding recorded by a data-entry clerk (填报员) that waits for confirmation.

    Where the founding rule asks for it (``FoundingRule.confirmation_required``), nothing is set
    up in the tree and no enterprise is marked covered until an administrator or reviewer of the
    level confirms: then ``actions.found_union`` does the founding, so the figures
    (``founding.rate``, ``orgs.grassroots_units``) move at confirmation and only then. A returned
    submission keeps its reason; the clerk corrects it and records it again.
    """

    state = models.CharField(
        _("状态"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.PENDING
    )
    kind = models.CharField(_("类型"), max_length=20)
    name = models.CharField(_("工会名称"), max_length=100)
    parent = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("设立于")
    )
    enterprises = models.ManyToManyField(
        Enterprise, related_name="founding_submissions", verbose_name=_("企业")
    )
    founded_on = models.DateField(_("建会日期"))
    chairman_name = models.CharField(_("工会主席"), max_length=50, blank=True)
    chairman_directly_elected = models.BooleanField(_("主席直选"), default=False)
    chairman_elected_on = models.DateField(_("主席选举日期"), null=True, blank=True)
    is_project_union = models.BooleanField(_("项目工会"), default=False)
    industrial_union = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所属产业工会"),
    )
    reason = models.CharField(_("备注"), max_length=500, blank=True)
    # The level whose administrators and reviewers confirm it: the recording clerk's unit.
    level = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("确认单位")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认（退回）人"),
    )
    decided_at = models.DateTimeField(_("确认（退回）时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    union = models.ForeignKey(
        GrassrootsUnion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("建会记录"),
    )

    objects = FoundingSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("待确认的建会")
        verbose_name_plural = _("待确认的建会")
        ordering = ["-recorded_at", "-id"]
        # The badge of a level's reviewers reads its pending submissions on every page.
        indexes = [models.Index(fields=["level", "state"], name="foundingsub_level_state")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=SubmissionState.RETURNED) | ~models.Q(return_reason=""),
                name="foundingsub_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=SubmissionState.CONFIRMED) | models.Q(union__isnull=False),
                name="foundingsub_confirmed_has_union",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("founding:submission-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.parent.path

    @property
    def is_pending(self) -> bool:
        return self.state == SubmissionState.PENDING

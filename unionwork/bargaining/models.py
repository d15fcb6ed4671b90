"""Collective contracts, workers' congresses and bargaining instructors.

A contract belongs to the union that signed it (``org``: a grassroots union for an enterprise
contract, an industrial, street or district union for an industry or regional one) and covers
enterprises through :class:`ContractCoverage`, one row per covered enterprise carrying that
enterprise's own path (its community) and industrial path (its union's). A contract is seen by the
signing union's scope and, for seeing only, by every level above one of its covered enterprises:
a district sees an industry contract, with the contract's own data, and only its own enterprises
among those covered (the coverage rows are scoped by their own paths).

A contract's status follows from its dates and today (:func:`contract_status` in Python and
:func:`status_expression` in SQL, the same rule): nothing is stored that the passage of time
would make wrong. Nothing is deleted: a contract is withdrawn with a reason.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.scope import ScopedQuerySet, prefix_q, user_paths
from unionwork.founding.models import Enterprise, Ownership

DEFAULT_EXPIRING_DAYS = 90
DEFAULT_TEAM_MIN = 3


def expiring_days() -> int:
    """How many days before its end a contract counts as expiring (setting, 90 by default)."""
    return int(getattr(settings, "UNIONWORK_CONTRACT_EXPIRING_DAYS", DEFAULT_EXPIRING_DAYS))


def team_min() -> int:
    """How many serving instructors make a team (setting, 3 by default)."""
    return int(getattr(settings, "UNIONWORK_INSTRUCTOR_TEAM_MIN", DEFAULT_TEAM_MIN))


class ContractKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合性集体合同")
    WAGE = "wage", _("工资专项集体合同")
    WOMEN = "women", _("女职工权益保护专项集体合同")
    OTHER = "other", _("其他专项集体合同")


class ContractLevel(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业集体合同")
    INDUSTRY = "industry", _("行业性集体合同")
    REGIONAL = "regional", _("区域性集体合同")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("未生效")
    IN_FORCE = "in_force", _("生效中")
    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已到期未续签")
    RENEWED = "renewed", _("已续签")
    WITHDRAWN = "withdrawn", _("已撤回")


IN_FORCE_STATUSES = (ContractStatus.IN_FORCE, ContractStatus.EXPIRING)


class FilingResult(models.TextChoices):
    PENDING = "pending", _("审查中")
    APPROVED = "approved", _("审查通过")
    RETURNED = "returned", _("退回修改")


def in_force_q(today: datetime.date, prefix: str = "") -> Q:
    """Contracts in force on ``today``: signed, not withdrawn, ``today`` within the term."""
    return Q(
        **{
            f"{prefix}withdrawn_on__isnull": True,
            f"{prefix}signed_on__isnull": False,
            f"{prefix}term_start__lte": today,
            f"{prefix}term_end__gte": today,
        }
    )


def _renewed():
    return Exists(Contract.objects.filter(renews=OuterRef("pk"), withdrawn_on__isnull=True))


def status_expression(today: datetime.date | None = None, days: int | None = None):
    """The status of each contract as a database expression (the rule of :func:`contract_status`)."""
    today = today or timezone.localdate()
    days = expiring_days() if days is None else days
    renewed = _renewed()
    return Case(
        When(withdrawn_on__isnull=False, then=Value(ContractStatus.WITHDRAWN.value)),
        When(Q(signed_on__isnull=True) | Q(term_start__gt=today), then=Value(ContractStatus.DRAFT.value)),
        When(Q(term_end__lt=today) & renewed, then=Value(ContractStatus.RENEWED.value)),
        When(term_end__lt=today, then=Value(ContractStatus.EXPIRED.value)),
        When(
            Q(term_end__lte=today + datetime.timedelta(days=days)) & ~renewed,
            then=Value(ContractStatus.EXPIRING.value),
        ),
        default=Value(ContractStatus.IN_FORCE.value),
        output_field=models.CharField(),
    )


def contract_status(contract: Contract, today: datetime.date | None = None, days: int | None = None) -> str:
    """The status of one contract on ``today``: draft, in force, expiring, expired, renewed, withdrawn.

    Expiring: in force and ending within ``days`` (``UNIONWORK_CONTRACT_EXPIRING_DAYS``, 90) with
    no successor yet. Renewed: ended, with a successor (a contract that ``renews`` it).
    """
    today = today or timezone.localdate()
    days = expiring_days() if days is None else days
    if contract.withdrawn_on is not None:
        return ContractStatus.WITHDRAWN
    if contract.signed_on is None or contract.term_start > today:
        return ContractStatus.DRAFT
    renewed = (
        contract.pk is not None
        and Contract.objects.filter(renews=contract, withdrawn_on__isnull=True).exists()
    )
    if contract.term_end < today:
        return ContractStatus.RENEWED if renewed else ContractStatus.EXPIRED
    if contract.term_end <= today + datetime.timedelta(days=days) and not renewed:
        return ContractStatus.EXPIRING
    return ContractStatus.IN_FORCE


def _coverage_prefixes(user, path_field: str, ipath_field: str) -> Q | None:
    paths = user_paths(user)
    if not paths:
        return None
    q = Q()
    for p in paths:
        q |= prefix_q(path_field, p) | prefix_q(ipath_field, p)
    return q


class ContractQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def extra_scope_q(self, user, action: str) -> Q | None:
        """Seen (never changed) by every level above one of the enterprises it covers."""
        if action != "view":
            return None
        q = _coverage_prefixes(user, "path", "ipath")
        if q is None:
            return None
        return Q(pk__in=ContractCoverage.objects.filter(q).values("contract_id"))

    def with_status(self, today: datetime.date | None = None):
        return self.annotate(status=status_expression(today))

    def in_force(self, today: datetime.date | None = None):
        return self.filter(in_force_q(today or timezone.localdate()))


def contract_upload_to(instance: Contract, filename: str) -> str:
    return f"bargaining/contracts/{instance.org_id}/{filename}"


class Contract(models.Model):
    """A collective contract (集体合同): kind, level, parties, term, wage terms, filing, document."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("签约工会")
    )
    title = models.CharField(_("合同名称"), max_length=200)
    kind = models.CharField(_("合同类型"), max_length=20, choices=ContractKind.choices)
    level = models.CharField(_("层级"), max_length=20, choices=ContractLevel.choices)
    employer_party = models.CharField(
        _("企业方（行业协会）"), max_length=200, help_text=_("企业方或行业协会、企业代表组织的名称。")
    )
    union_representative = models.CharField(_("职工方首席代表"), max_length=50, blank=True)
    employer_representative = models.CharField(_("企业方首席代表"), max_length=50, blank=True)
    workers_covered = models.PositiveIntegerField(_("覆盖职工人数"), default=0)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    term_start = models.DateField(_("期限起始"))
    term_end = models.DateField(_("期限届满"))
    wage_increase = models.DecimalField(
        _("工资增长幅度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    minimum_wage = models.DecimalField(
        _("最低工资（元/月）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("合同约定的企业最低工资标准。"),
    )
    filed_on = models.DateField(_("报送备案日期"), null=True, blank=True)
    filing_department = models.CharField(_("备案部门"), max_length=100, blank=True)
    filing_result = models.CharField(_("审查结果"), max_length=20, choices=FilingResult.choices, blank=True)
    document = models.FileField(_("合同文本"), upload_to=contract_upload_to, blank=True)
    renews = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
        verbose_name=_("续签自"),
    )
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ContractQuerySet.as_manager()
    # core.audit.snapshot cannot read an empty FileField; the file's name goes in the event's note.
    audit_exclude = ("document",)

    class Meta:
        verbose_name = _("集体合同")
        verbose_name_plural = _("集体合同")
        ordering = ["-term_end", "-id"]
        indexes = [
            models.Index(fields=["term_end"], name="contract_term_end"),
            models.Index(fields=["kind", "level"], name="contract_kind_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__gte=models.F("term_start")), name="contract_term_ordered"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="contract_title_not_empty"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdraw_reason=""),
                name="contract_withdrawn_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(wage_increase__isnull=True)
                | (Q(wage_increase__gte=-100) & Q(wage_increase__lte=100)),
                name="contract_wage_increase_sane",
            ),
            models.CheckConstraint(
                condition=Q(minimum_wage__isnull=True) | Q(minimum_wage__gte=0),
                name="contract_minimum_wage_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(filed_on__isnull=True) | ~Q(filing_department=""),
                name="contract_filing_has_department",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bargaining:contract-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    def status_now(self, today: datetime.date | None = None) -> str:
        value = getattr(self, "status", None)
        return value if value and today is None else contract_status(self, today)

    def get_status_display(self) -> str:
        return str(ContractStatus(self.status_now()).label)


class ContractCoverageQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_ipath_field = "ipath"

    def extra_scope_q(self, user, action: str) -> Q | None:
        """The signing union's scope sees every enterprise its contract covers."""
        if action != "view":
            return None
        return _coverage_prefixes(user, "contract__org__path", "contract__org__ipath")


class ContractCoverage(models.Model):
    """One enterprise covered by a contract, in its own scope (its community's path, its union's
    industrial path, as they were when it was covered)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="coverages", verbose_name=_("集体合同")
    )
    enterprise = models.ForeignKey(
        "founding.Enterprise",
        on_delete=models.PROTECT,
        related_name="contract_coverages",
        verbose_name=_("企业"),
    )
    path = models.CharField(_("企业所在路径"), max_length=255, db_index=True)
    ipath = models.CharField(_("产业路径"), max_length=255, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ContractCoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("合同覆盖企业")
        verbose_name_plural = _("合同覆盖企业")
        ordering = ["enterprise__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "enterprise"], name="coverage_one_per_enterprise"),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.enterprise_id}"

    def audit_org_path(self) -> str:
        return self.path


class CongressKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业职代会")
    JOINT = "joint", _("区域（行业）联合职代会")


class CongressQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def overdue(self, today: datetime.date | None = None):
        return self.filter(next_due_on__lt=today or timezone.localdate())


def add_months(day: datetime.date, months: int) -> datetime.date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class Congress(models.Model):
    """The workers' congress (职工代表大会) of a grassroots or joint union.

    It covers the enterprises that union covers. It is overdue when no session was held within
    its cycle (12 months by default) after the last one (or after it was established):
    ``next_due_on`` is kept by the actions, so "overdue" is one indexed comparison with today.
    """

    org = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="congress", verbose_name=_("工会")
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=CongressKind.choices, default=CongressKind.ENTERPRISE
    )
    established_on = models.DateField(_("建制日期"))
    cycle_months = models.PositiveSmallIntegerField(_("召开周期（月）"), default=12)
    open_affairs = models.BooleanField(_("实行厂务公开"), default=False)
    last_session_on = models.DateField(_("最近一次会议"), null=True, blank=True)
    next_due_on = models.DateField(_("下次会议最迟"))
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CongressQuerySet.as_manager()

    class Meta:
        verbose_name = _("职工代表大会")
        verbose_name_plural = _("职工代表大会")
        ordering = ["next_due_on", "id"]
        indexes = [models.Index(fields=["next_due_on"], name="congress_next_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_months__gte=1) & Q(cycle_months__lte=60), name="congress_cycle_sane"
            ),
        ]

    def __str__(self):
        return str(_("%(org)s职代会") % {"org": self.org.name})

    def get_absolute_url(self) -> str:
        return reverse("bargaining:congress-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.next_due_on < (today or timezone.localdate())


class CongressSessionQuerySet(ScopedQuerySet):
    scope_path_field = "congress__org__path"
    scope_ipath_field = "congress__org__ipath"


class CongressSession(models.Model):
    """One session of a congress: its number, date, delegates and resolutions."""

    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("职代会")
    )
    number = models.PositiveSmallIntegerField(_("届次会议"), help_text=_("第几次会议"))
    held_on = models.DateField(_("召开日期"))
    delegates = models.PositiveIntegerField(_("职工代表人数"))
    frontline_delegates = models.PositiveIntegerField(_("一线职工代表"), default=0)
    women_delegates = models.PositiveIntegerField(_("女职工代表"), default=0)
    manager_delegates = models.PositiveIntegerField(_("中层以上管理人员代表"), default=0)
    resolutions = models.TextField(_("审议通过事项"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CongressSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("职代会会议")
        verbose_name_plural = _("职代会会议")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="congresssession_number_once"),
            models.CheckConstraint(condition=Q(delegates__gte=1), name="congresssession_has_delegates"),
            models.CheckConstraint(
                condition=Q(frontline_delegates__lte=models.F("delegates"))
                & Q(women_delegates__lte=models.F("delegates"))
                & Q(manager_delegates__lte=models.F("delegates")),
                name="congresssession_parts_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.congress_id} #{self.number}"

    def audit_org_path(self) -> str:
        return self.congress.org.path

    def share(self, part: int) -> float:
        return round(part * 100.0 / self.delegates, 1) if self.delegates else 0.0

    @property
    def frontline_share(self) -> float:
        return self.share(self.frontline_delegates)

    @property
    def women_share(self) -> float:
        return self.share(self.women_delegates)


class ThreeAtOnceQuerySet(ScopedQuerySet):
    scope_path_field = "enterprise__community__path"
    scope_ipath_field = "enterprise__union__ipath"


class ThreeAtOnce(models.Model):
    """The day an enterprise first had a union, a contract in force and a congress together (三同时).

    Whether it holds today is derived (``queries.three_flags``); only the first day is stored,
    written by the actions and the daily job when they find it holding for the first time.
    """

    enterprise = models.OneToOneField(
        "founding.Enterprise", on_delete=models.PROTECT, related_name="three_at_once", verbose_name=_("企业")
    )
    first_held_on = models.DateField(_("首次实现三同时"))

    objects = ThreeAtOnceQuerySet.as_manager()

    class Meta:
        verbose_name = _("三同时")
        verbose_name_plural = _("三同时")

    def __str__(self):
        return f"{self.enterprise_id} {self.first_held_on}"

    def audit_org_path(self) -> str:
        return self.enterprise.community.path


class InstructorQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def serving(self):
        return self.filter(left_on__isnull=True)


class Instructor(models.Model):
    """A wage-bargaining instructor (工资协商指导员) of a district, zone or industrial union."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="instructors", verbose_name=_("所属工会")
    )
    name = models.CharField(_("姓名"), max_length=50)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    qualification = models.CharField(_("资格（职称）"), max_length=200, blank=True)
    trained_on = models.DateField(_("培训日期"), null=True, blank=True)
    training = models.CharField(_("培训内容"), max_length=200, blank=True)
    enterprises = models.ManyToManyField(
        "founding.Enterprise", blank=True, related_name="instructors", verbose_name=_("指导企业")
    )
    rounds_attended = models.PositiveIntegerField(_("参加协商次数"), default=0)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    left_reason = models.CharField(_("离任原因"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = InstructorQuerySet.as_manager()

    class Meta:
        verbose_name = _("工资协商指导员")
        verbose_name_plural = _("工资协商指导员")
        ordering = ["org__path", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="instructor_name_not_empty"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(left_reason=""), name="instructor_left_has_reason"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bargaining:instructor-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path

    @property
    def is_serving(self) -> bool:
        return self.left_on is None


class RoundOutcome(models.TextChoices):
    ONGOING = "ongoing", _("协商中")
    AGREED = "agreed", _("达成协议")
    FAILED = "failed", _("协商未果")


class OfferedBy(models.TextChoices):
    UNION = "union", _("工会（职工方）")
    EMPLOYER = "employer", _("企业方")


class BargainingRoundQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"


class BargainingRound(models.Model):
    """A round of collective bargaining (集体协商): the offer (要约), its sessions, the outcome.

    It leads to a contract (``contract``) or records why it failed. Industry-wide bargaining
    records the government departments that joined it (人社局 and others) and the enterprises
    represented.
    """

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="bargaining_rounds", verbose_name=_("协商工会")
    )
    subject = models.CharField(_("协商事项"), max_length=200)
    level = models.CharField(_("层级"), max_length=20, choices=ContractLevel.choices)
    offered_on = models.DateField(_("要约日期"))
    offered_by = models.CharField(
        _("要约方"), max_length=20, choices=OfferedBy.choices, default=OfferedBy.UNION
    )
    departments = models.CharField(
        _("参与的政府部门"),
        max_length=300,
        blank=True,
        help_text=_("行业性协商参与的部门，如：人社局、工信局、国资委"),
    )
    enterprises = models.ManyToManyField(
        "founding.Enterprise", blank=True, related_name="bargaining_rounds", verbose_name=_("参与企业")
    )
    instructors = models.ManyToManyField(
        Instructor, blank=True, related_name="rounds", verbose_name=_("指导员")
    )
    outcome = models.CharField(
        _("结果"), max_length=20, choices=RoundOutcome.choices, default=RoundOutcome.ONGOING
    )
    concluded_on = models.DateField(_("结束日期"), null=True, blank=True)
    failure_reason = models.CharField(_("未果原因"), max_length=500, blank=True)
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("签订的合同"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = BargainingRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("集体协商")
        verbose_name_plural = _("集体协商")
        ordering = ["-offered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="failed") | ~Q(failure_reason=""), name="round_failure_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(outcome="ongoing") | Q(concluded_on__isnull=False), name="round_concluded_dated"
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("bargaining:round-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path


class RoundSessionQuerySet(ScopedQuerySet):
    scope_path_field = "round__org__path"
    scope_ipath_field = "round__org__ipath"


class RoundSession(models.Model):
    """One bargaining session of a round: date, participants, minutes."""

    round = models.ForeignKey(
        BargainingRound, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("集体协商")
    )
    held_on = models.DateField(_("协商日期"))
    participants = models.CharField(_("参加人员"), max_length=500)
    minutes = models.TextField(_("协商纪要"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RoundSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("协商会议")
        verbose_name_plural = _("协商会议")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.round_id} {self.held_on}"

    def audit_org_path(self) -> str:
        return self.round.org.path


class TripartiteMeetingQuerySet(ScopedQuerySet):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"


class TripartiteMeeting(models.Model):
    """A tripartite meeting (三方协商会议) of a level: government, employers and the union."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="tripartite_meetings", verbose_name=_("工会")
    )
    held_on = models.DateField(_("会议日期"))
    government_party = models.CharField(_("政府方参加人员"), max_length=300)
    employer_party = models.CharField(_("企业方参加人员"), max_length=300)
    union_party = models.CharField(_("工会方参加人员"), max_length=300)
    topics = models.TextField(_("议题"))
    decisions = models.TextField(_("议定事项"), blank=True)
    follow_up = models.TextField(_("落实情况"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TripartiteMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("三方协商会议")
        verbose_name_plural = _("三方协商会议")
        ordering = ["-held_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(topics=""), name="tripartite_has_topics")]

    def __str__(self):
        return str(_("%(org)s三方协商会议 %(d)s") % {"org": self.org.name, "d": self.held_on.isoformat()})

    def get_absolute_url(self) -> str:
        return reverse("bargaining:tripartite-detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path


class StandardKind(models.TextChoices):
    CONGRESS = "congress", _("职代会规范化")
    BARGAINING = "bargaining", _("工资集体协商标准化")


class StandardItem(models.Model):
    """An item of the standardisation checklist for foreign-invested enterprises, configured by
    the city federation's administrators. Retired, never deleted (checks made against it stay)."""

    kind = models.CharField(_("类别"), max_length=20, choices=StandardKind.choices)
    text = models.CharField(_("检查项目"), max_length=300)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规范化检查项目")
        verbose_name_plural = _("规范化检查项目")
        ordering = ["kind", "order", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="standarditem_has_text")]

    def __str__(self):
        return self.text

    def audit_org_path(self) -> str:
        return ""


class StandardCheckQuerySet(ScopedQuerySet):
    scope_path_field = "enterprise__community__path"
    scope_ipath_field = "enterprise__union__ipath"


class StandardCheck(models.Model):
    """Whether an enterprise meets one checklist item, as last checked."""

    enterprise = models.ForeignKey(
        "founding.Enterprise",
        on_delete=models.PROTECT,
        related_name="standard_checks",
        verbose_name=_("企业"),
    )
    item = models.ForeignKey(
        StandardItem, on_delete=models.PROTECT, related_name="checks", verbose_name=_("检查项目")
    )
    met = models.BooleanField(_("已达标"), default=False)
    checked_on = models.DateField(_("检查日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    objects = StandardCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("规范化检查")
        verbose_name_plural = _("规范化检查")
        constraints = [models.UniqueConstraint(fields=["enterprise", "item"], name="standardcheck_once")]

    def __str__(self):
        return f"{self.enterprise_id} {self.item_id}"

    def audit_org_path(self) -> str:
        return self.enterprise.community.path


FOREIGN = (Ownership.FOREIGN_INVESTED, Ownership.HMT_INVESTED)


class StandardEnterprise(Enterprise):
    """An enterprise as the standardisation checklist's pages show it (its page is the checklist)."""

    class Meta:
        proxy = True
        verbose_name = _("外资企业规范化")
        verbose_name_plural = _("外资企业规范化")

    def get_absolute_url(self) -> str:
        return reverse("bargaining:standard-detail", args=[self.pk])

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core.scope import ScopedQuerySet


class OrgKind(models.TextChoices):
    CITY = "city", _("市总工会")
    DISTRICT = "district", _("区市县总工会")
    ZONE = "zone", _("开放先导区总工会")
    INDUSTRIAL = "industrial", _("产业工会")
    TOWNSHIP = "township", _("乡镇（街道）工会")
    COMMUNITY = "community", _("村（社区）工会")
    JOINT = "joint", _("联合工会")
    GRASSROOTS = "grassroots", _("基层工会")


# Which kinds may stand under which: the four territorial levels, zones and industrial unions
# beside the districts, grassroots and joint unions at any level below the city.
ALLOWED_CHILDREN = {
    OrgKind.CITY: {OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.INDUSTRIAL, OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.DISTRICT: {OrgKind.TOWNSHIP, OrgKind.GRASSROOTS, OrgKind.JOINT, OrgKind.INDUSTRIAL},
    OrgKind.ZONE: {OrgKind.TOWNSHIP, OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.INDUSTRIAL: {OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.TOWNSHIP: {OrgKind.COMMUNITY, OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.COMMUNITY: {OrgKind.GRASSROOTS, OrgKind.JOINT},
    OrgKind.JOINT: {OrgKind.GRASSROOTS},
    OrgKind.GRASSROOTS: set(),
}


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    MERGED = "merged", _("已合并")
    DEREGISTERED = "deregistered", _("已注销")


class OrgUnitQuerySet(ScopedQuerySet):
    scope_path_field = "path"
    scope_ipath_field = "ipath"

    def active(self):
        return self.filter(status=OrgStatus.ACTIVE)

    def subtree(self, unit: "OrgUnit"):
        return self.filter(path__startswith=unit.path)


class OrgUnit(models.Model):
    """A node of the organisation tree (工会组织).

    ``path`` is the chain of ids from the root (``/1/12/340/``), so a subtree is one indexed
    prefix lookup. ``ipath`` is set for units linked to an industrial union and their
    descendants (the industrial union's path followed by the chain below the linked unit), so an
    industrial union's user sees its units across districts with the same prefix rule.
    """

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级组织"),
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, db_index=True)
    ipath = models.CharField(_("产业路径"), max_length=255, blank=True, default="", db_index=True)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("统计区划代码/组织代码"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("行政区划单位填统计用区划代码；其他组织可填内部代码。"),
    )
    division_name = models.CharField(_("行政区划名称"), max_length=100, blank=True)
    pinyin = models.CharField(_("拼音"), max_length=400, blank=True, db_index=True)
    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, db_index=True)
    industrial_union = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="linked_units",
        limit_choices_to={"kind": OrgKind.INDUSTRIAL},
        verbose_name=_("所属产业工会"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("并入"),
    )
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会组织")
        verbose_name_plural = _("工会组织")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["parent", "status"]),
            models.Index(fields=["kind", "status"]),
            # A subtree's unit ids, read by the scope of every record that names its unit
            # (core.scope: ``unit_id = ANY(ARRAY(SELECT id … WHERE path LIKE '/1/5/%'))``): on
            # PostgreSQL an index-only range scan, where a district's 5,000 units of the city's
            # 32,000 were read by a scan of the whole table.
            models.Index(
                fields=["path", "id"], opclasses=["varchar_pattern_ops", "int8_ops"], name="orgunit_path_ids"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="orgunit_name_not_empty"),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | models.Q(depth=0), name="orgunit_root_depth_zero"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def audit_org_path(self) -> str:
        return self.path

    def ancestor_ids(self) -> list[int]:
        return [int(x) for x in self.path.strip("/").split("/") if x][:-1]

    def ancestors(self):
        ids = self.ancestor_ids()
        return sorted(OrgUnit.objects.filter(pk__in=ids), key=lambda u: u.depth)

    def is_descendant_of(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


class OrgEvent(models.Model):
    """The domain timeline of a unit: founded, renamed, moved, merged, deregistered."""

    class Kind(models.TextChoices):
        CREATED = "created", _("设立")
        RENAMED = "renamed", _("更名")
        MOVED = "moved", _("调整隶属")
        MERGED = "merged", _("合并")
        ABSORBED = "absorbed", _("并入其他组织")
        DEREGISTERED = "deregistered", _("注销")
        REACTIVATED = "reactivated", _("恢复")
        UPDATED = "updated", _("修改信息")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="events", verbose_name=_("组织"))
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    summary = models.CharField(_("内容"), max_length=500)
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("组织变更记录")
        verbose_name_plural = _("组织变更记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.unit} {self.get_kind_display()}"


# Links of the tree as it stood before its history was kept hold from this day.
LINK_EPOCH = datetime.date(2000, 1, 1)


class OrgLink(models.Model):
    """One parent link of a unit and the dates it held (the tree on any date).

    Territorial links name the unit's parent; industrial links its industrial union. A link also
    carries the unit's status while it held, so "the children of a node at the end of a month"
    (``queries.children_as_of``) is one indexed read. A change of parent, link or status closes
    the open link (``valid_to``, exclusive) and opens a new one: nothing is overwritten.
    """

    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", _("隶属关系")
        INDUSTRIAL = "industrial", _("产业工会关联")

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="links", verbose_name=_("组织"))
    kind = models.CharField(_("关系"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="child_links", verbose_name=_("上级组织")
    )
    status = models.CharField(_("状态"), max_length=20, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("组织隶属关系")
        verbose_name_plural = _("组织隶属关系")
        ordering = ["unit", "kind", "valid_from", "id"]
        indexes = [models.Index(fields=["parent", "kind", "valid_from"], name="orglink_parent_asof")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="orglink_dates_ordered",
            ),
            models.CheckConstraint(condition=~models.Q(unit=models.F("parent")), name="orglink_not_self"),
            # At most one open link of each kind per unit; closed links do not overlap (the
            # actions close the open one on the day the next opens).
            models.UniqueConstraint(
                fields=["unit", "kind"], condition=models.Q(valid_to__isnull=True), name="orglink_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} {self.kind} {self.parent_id} {self.valid_from}–{self.valid_to or ''}"


class RezoningQuerySet(ScopedQuerySet):
    scope_path_field = "new_parent__path"


class Rezoning(models.Model):
    """A re-zoning (区划调整): many units moved under one new parent at once, as one audited action.

    Prepared and previewed first; confirmed, it runs (in a background task when large) and
    counts its progress. Each unit's move is also on its own timeline (``OrgEvent``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待执行")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    new_parent = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="rezonings_in", verbose_name=_("新上级组织")
    )
    units = models.JSONField(_("调整的组织"), default=list)  # ids, in order
    from_parents = models.JSONField(default=dict)  # unit id -> parent id before the move
    reason = models.CharField(_("原因"), max_length=500)
    effective_on = models.DateField(_("生效日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("组织数"), default=0)
    done = models.PositiveIntegerField(_("已调整"), default=0)
    error = models.CharField(_("错误"), max_length=500, blank=True)
    actor_label = models.CharField(_("操作人"), max_length=150)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RezoningQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划调整")
        verbose_name_plural = _("区划调整")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="rezoning_reason_not_empty"),
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")), name="rezoning_done_le_total"
            ),
        ]

    def __str__(self):
        return f"{self.new_parent} ← {self.total}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:rezoning", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.new_parent.path

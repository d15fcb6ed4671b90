import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.masking import redact_tree
from unionwork.core.scope import ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    scope_path_field = "org_path"


class AuditEvent(models.Model):
    """One change of record. Append-only: the database refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    source = models.CharField(_("来源"), max_length=40)
    verb = models.CharField(_("操作"), max_length=40)
    model = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    org_path = models.CharField(_("所属组织路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The chain (core/audit/chain.py): written unlinked (seq NULL, prev_hash "", a placeholder
    # hash) with a seal over the content; the sequencer sets seq, prev_hash and hash after commit.
    # Events linked before the sequencer existed have neither seq nor seal (chain order: id).
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    seq = models.BigIntegerField(_("链上序号"), null=True, blank=True, editable=False)
    # NULL: linked before the sequencer existed (and a NOT NULL column would rebuild the table on SQLite)
    seal = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["model", "object_id"]),
            models.Index(
                fields=["id"], condition=Q(seq__isnull=True, seal__isnull=False), name="core_audit_unlinked"
            ),
            # The trail's filters by kind of change and of record, newest first: a rare verb was
            # looked for among a district's 500,000 events (0.8-2.6 s at city scale).
            models.Index(fields=["verb", "-id"], name="core_audit_verb_newest"),
            models.Index(fields=["model", "-id"], name="core_audit_model_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["seq"], condition=Q(seq__isnull=False), name="core_audit_seq_unique"
            )
        ]
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.verb} {self.model}:{self.object_id}"

    def get_absolute_url(self):
        return reverse("core:audit-detail", args=[self.pk])

    @property
    def linked(self) -> bool:
        return self.seq is not None or self.seal is None

    def verb_display(self) -> str:
        from unionwork.core.audit.labels import verb_label

        return verb_label(self.verb, self.model)

    def actor_display(self) -> str:
        """The person by name (``actor`` is select_related on lists), else the recorded label."""
        actor = self.actor if self.actor_id else None
        name = getattr(actor, "full_name", "") if actor is not None else ""
        if name:
            return f"{name}（{self.actor_label}）"
        return str(_("系统")) if self.actor_label.startswith("system:") else self.actor_label

    def source_display(self) -> str:
        from unionwork.core.views import source_label

        return source_label(self.source)

    def model_display(self) -> str:
        from django.apps import apps

        try:
            return str(apps.get_model(self.model)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.model

    def changes(self):
        from unionwork.core.audit import diff

        return diff(self.before, self.after)


class AuditHead(models.Model):
    """The end of the chain: its last hash and length, so removing the last events is seen."""

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.count} events, last {self.last_hash[:12]}"


def lost_worker(model, statuses, minutes: int, now=None):
    """The jobs of ``model`` (an import or an export) in one of ``statuses`` whose worker stopped:
    no heartbeat for ``minutes``, or none at all since they were created that long ago."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=minutes)
    return model.objects.filter(status__in=statuses).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


class ImportJob(models.Model):
    """One upload through the import mechanism: its file, progress and outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待处理")
        CHECKING = "checking", _("正在校验")
        WRITING = "writing", _("正在写入")
        DONE = "done", _("已完成")
        FAILED = "failed", _("校验未通过")
        ERROR = "error", _("处理出错")
        MAPPING = "mapping", _("待对应列")

    importer = models.CharField(_("导入类型"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("上传人"))
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=255)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # Encrypted (core.crypto), like the uploaded file: both hold personal data.
    error_file = models.FileField(_("标注错误的文件"), upload_to="imports/errors/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    # Rows that are not records (titles, notes, totals, blank rows): {"from", "to", "reason", "text"}.
    skipped = models.JSONField(_("跳过的行"), default=list, blank=True)
    skipped_count = models.PositiveIntegerField(_("跳过行数"), default=0)
    # The file's columns the import did not take, and defaults of absent ones (engine.CheckResult).
    columns_note = models.JSONField(_("列的说明"), default=dict, blank=True)
    files_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched while a process works on the job: a checking or writing job whose heartbeat is
    # stale was left by a dead worker and is recovered as failed (engine.recover_stale).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # The job's record outlives its files and is read by more people: no ID number in clear
        # in it, whatever a message or a skipped row's text quoted (the one mask, core.masking).
        self.message = redact_tree(self.message)
        self.errors = redact_tree(self.errors)
        self.skipped = redact_tree(self.skipped)
        self.columns_note = redact_tree(self.columns_note)
        super().save(*args, **kwargs)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status not in {self.Status.DONE} else 100
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def bar(self) -> str:
        """How the progress bar (core/_progress_bar.html) draws the job's state."""
        return {
            self.Status.WRITING: "busy",
            self.Status.FAILED: "failed",
            self.Status.ERROR: "failed",
            self.Status.MAPPING: "warning",
            self.Status.DONE: "done",
        }.get(self.status, "percent")

    @property
    def finished(self) -> bool:
        """Nothing more happens without the user (a job awaiting its column mapping included)."""
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.ERROR, self.Status.MAPPING}


class ExportJob(models.Model):
    """An export too large to write inside the request: the list it exports, its progress, its file.

    The list is named by its URL path and query string and read again in the worker as the user
    who asked (``core.exports.run_export``), so the file holds what that user's scope holds when
    it is written. Only that user downloads it; it is encrypted like an import's files and
    deleted after ``UNIONWORK_EXPORT_FILE_DAYS``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已生成")
        FAILED = "failed", _("生成失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("导出人"))
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    filename = models.CharField(_("文件名"), max_length=255)
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    written_rows = models.PositiveIntegerField(_("已写入"), default=0)
    # Encrypted (core.crypto): a roster's export holds personal data.
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    message = models.TextField(_("说明"), blank=True)
    files_purged_at = models.DateTimeField(_("文件删除时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Written with each progress step: a running job whose heartbeat stopped lost its worker
    # (``core.export_jobs.recover_stale`` marks it failed).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"], name="core_export_user_newest")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.written_rows * 100 / self.total_rows))

    @property
    def bar(self) -> str:
        """How the progress bar (core/_progress_bar.html) draws the job's state: a full striped bar
        while no row is written yet (counting, or waiting in the queue)."""
        if self.status in {self.Status.DONE, self.Status.FAILED}:
            return self.status
        return "percent" if self.percent else "busy"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ImportMapping(models.Model):
    """How a node's files of one layout map to an importer's columns, remembered for next time.

    ``layout``: :func:`unionwork.core.imports.normalize.layout_key` of the header row;
    ``columns``: 0-based position (as text) -> the column's field, or "" for "not imported".
    """

    org_path = models.CharField(max_length=255, db_index=True)
    importer = models.CharField(_("导入类型"), max_length=100)
    layout = models.CharField(max_length=64)
    headers = models.JSONField(default=list)  # the header row as written, to show it again
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入列对应")
        verbose_name_plural = _("导入列对应")
        constraints = [
            models.UniqueConstraint(
                fields=["org_path", "importer", "layout"], name="core_importmapping_unique"
            )
        ]

    def __str__(self):
        return f"{self.importer} {self.layout[:8]}"

    def audit_org_path(self) -> str:
        return self.org_path


class IndicatorValueQuerySet(ScopedQuerySet):
    scope_path_field = "unit_path"
    scope_ipath_field = "unit_ipath"


class IndicatorValue(models.Model):
    """A declared indicator's numerator and denominator over one unit's whole subtree, for a month.

    A row holds the subtree's figure as it stood at the end of that month (or now, for the current
    month). Months without a change have no row: the figure is the latest row at or before them.
    The unit is named by id, parent id and path so that core knows no module.
    """

    indicator = models.CharField(max_length=60)
    unit_id = models.BigIntegerField()
    parent_id = models.BigIntegerField(null=True)
    unit_path = models.CharField(max_length=255)
    unit_ipath = models.CharField(max_length=255, blank=True, default="")
    month = models.DateField()
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit_id", "month"], name="indicatorvalue_unique_month"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "parent_id", "month"]),
            models.Index(fields=["indicator", "unit_path"]),
            # A unit's rows of many indicators at once (indicators._latest_sql_unit_scan), with
            # what that reads as key columns (an index-only scan on PostgreSQL; SQLite has no
            # INCLUDE columns).
            models.Index(
                fields=["unit_id", "indicator", "month", "numerator", "denominator", "id"],
                name="indicatorvalue_unit_scan",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.unit_id} {self.month:%Y-%m}: {self.numerator}/{self.denominator}"


class IndicatorCorrectionQuerySet(ScopedQuerySet):
    scope_path_field = "unit_path"


class IndicatorCorrection(models.Model):
    """An audited correction of a closed month's kept figure (更正), made by the level above the
    unit with a reason: the unit's and every ancestor's figure of that month move by the delta
    (``core.indicators.correct_closed_month``); later months keep theirs."""

    indicator = models.CharField(_("指标"), max_length=60)
    unit_id = models.BigIntegerField()
    unit_path = models.CharField(max_length=255)
    unit_name = models.CharField(_("组织"), max_length=100)
    month = models.DateField(_("月份"))
    numerator = models.BigIntegerField(_("分子增减"), default=0)
    denominator = models.BigIntegerField(_("分母增减"), default=0)
    reason = models.CharField(_("更正原因"), max_length=500)
    actor_label = models.CharField(_("更正人"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = IndicatorCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标更正")
        verbose_name_plural = _("指标更正")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["indicator", "month", "unit_path"], name="indicatorcorr_month")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="indicatorcorrection_reason"),
            models.CheckConstraint(
                condition=~Q(numerator=0) | ~Q(denominator=0), name="indicatorcorrection_not_zero"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.unit_name} {self.month:%Y-%m}"

    def audit_org_path(self) -> str:
        return self.unit_path


class Notice(models.Model):
    """A reminder to one user, written by the scheduled reminders of any module.

    ``key`` names the subject and the reminder step (e.g. ``founding.target:12:2026-09-30:7``):
    one row per user and key, so a reminder run twice, or by two schedulers, sends nothing twice.
    A notice about a deadline stops counting once the deadline has passed (``due_on``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("接收人")
    )
    source = models.CharField(_("来源"), max_length=60)
    key = models.CharField(max_length=160)
    title = models.CharField(_("标题"), max_length=200)
    body = models.CharField(_("内容"), max_length=1000, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user")]
        # The badge reads one user's unread notices on every page.
        indexes = [models.Index(fields=["user", "read_at", "due_on"], name="notice_unread")]

    def __str__(self):
        return self.title


class ScheduledRun(models.Model):
    """One run of a scheduled job for one slot (a day): the unique row is what makes a second
    scheduler, or a restart within the day, enqueue nothing twice."""

    job = models.CharField(max_length=80)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduledrun_once_per_slot")]

    def __str__(self):
        return f"{self.job} {self.slot}"


class SecurityEventQuerySet(ScopedQuerySet):
    # Scoped by the account the event is about (the actor), so an administrator sees the events
    # of the accounts in their subtree; events of no known account have an empty path (city only).
    scope_path_field = "org_path"


class SecurityEvent(models.Model):
    """One security event (login, failure, lockout, unlock, refused access, token use, unmasking):
    who, from where, when, what. Written only by :func:`unionwork.core.security.record`, kept at
    least 180 days (China's Cybersecurity Law art. 21), purged daily after UNIONWORK_SECURITY_EVENT_DAYS."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账号锁定")
        UNLOCK = "unlock", _("解除锁定")
        LOGOUT = "logout", _("退出登录")
        FORBIDDEN = "forbidden", _("拒绝访问（403）")
        OUT_OF_SCOPE = "out_of_scope", _("越权访问（范围外记录）")
        TOKEN_USE = "token_use", _("使用接口令牌")
        TOKEN_INVALID = "token_invalid", _("无效接口令牌")
        UNMASK = "unmask", _("查看完整身份证号")

    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as given (also for failed logins of unknown names), kept if the account goes.
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    org_path = models.CharField(_("所属组织路径"), max_length=255, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=255, blank=True)
    method = models.CharField(_("请求方法"), max_length=10, blank=True)
    path = models.CharField(_("请求地址"), max_length=500, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    @property
    def detail_display(self) -> str:
        return "；".join(f"{k}={v}" for k, v in (self.detail or {}).items())

"""Official documents (公文): series and numbers, drafting to sending, receipt, supervision (督办).

Scope is the one rule of :mod:`unionwork.core.scope`, declared on the querysets:

- a :class:`Document` belongs to its issuing unit (``issuer__path``); a unit also sees, for
  viewing only, the documents sent to it or to a unit below it (``extra_scope_q``: a
  :class:`Dispatch` row in its subtree), so an upper level sees what reached its subtree;
- a :class:`Dispatch` (one per recipient unit) belongs to its recipient (``recipient__path``);
  the issuer sees every row of its documents (``extra_scope_q``, viewing only);
- a :class:`SupervisionTarget` (one per item and recipient) and its :class:`ProgressReport` rows
  belong to the recipient, and the issuer sees them; a :class:`SupervisionItem` belongs to the
  issuer and is seen by the units whose targets lie in the user's subtree.

Nothing is deleted: a draft is withdrawn, a sent document is revoked with a notice, an item is
closed with a reason; the querysets and models refuse ``delete()``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet, prefix_q, user_paths


def _refuse_delete():
    raise ActionError(_("公文记录不能删除：草稿请撤回，已发公文请撤销并说明原因。"), code="no_delete")


class _Permanent(ScopedQuerySet):
    def delete(self):
        _refuse_delete()

    delete.queryset_only = True


class PermanentModel(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        _refuse_delete()


def _subtree(user, field: str) -> Q:
    paths = user_paths(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= prefix_q(field, p)
    return q


# ---------------------------------------------------------------------------------------------
# Choices


class DocKind(models.TextChoices):
    """The kinds of GB/T 9704 and the regulations on official documents (党政机关公文处理工作条例)."""

    NOTICE = "notice", _("通知")
    DECISION = "decision", _("决定")
    OPINION = "opinion", _("意见")
    REPORT = "report", _("报告")
    REQUEST = "request", _("请示")
    LETTER = "letter", _("函")
    CIRCULAR = "circular", _("通报")
    REPLY = "reply", _("批复")
    MINUTES = "minutes", _("纪要")
    RESOLUTION = "resolution", _("决议")


class Urgency(models.TextChoices):
    NORMAL = "", _("无")
    URGENT = "urgent", _("加急")
    EXTRA_URGENT = "extra_urgent", _("特急")


class Secrecy(models.TextChoices):
    """Only non-classified documents belong here; the others exist to be refused by name."""

    NONE = "", _("非涉密")
    SECRET = "secret", _("秘密")
    CONFIDENTIAL = "confidential", _("机密")
    TOP_SECRET = "top_secret", _("绝密")


class DocState(models.TextChoices):
    DRAFT = "draft", _("拟稿")
    REVIEWING = "reviewing", _("审核中")
    APPROVED = "approved", _("待签发")
    SIGNED = "signed", _("已签发")
    SENT = "sent", _("已分发")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已撤回")


class DocMove(models.TextChoices):
    SUBMIT = "submit", _("送审核")
    APPROVE = "approve", _("审核通过")
    RETURN = "return", _("退回修改")
    SIGN = "sign", _("签发")
    SEND = "send", _("分发")
    REVOKE = "revoke", _("撤销")
    WITHDRAW = "withdraw", _("撤回")


# The drafting workflow, the one place that says which move leads where (拟稿 → 审核 → 签发 → 分发).
# Signing allocates the number; a withdrawn draft that was numbered keeps it (nothing is freed).
WORKFLOW: dict[str, dict[str, str]] = {
    DocState.DRAFT: {DocMove.SUBMIT: DocState.REVIEWING, DocMove.WITHDRAW: DocState.WITHDRAWN},
    DocState.REVIEWING: {
        DocMove.APPROVE: DocState.APPROVED,
        DocMove.RETURN: DocState.DRAFT,
        DocMove.WITHDRAW: DocState.WITHDRAWN,
    },
    DocState.APPROVED: {
        DocMove.SIGN: DocState.SIGNED,
        DocMove.RETURN: DocState.DRAFT,
        DocMove.WITHDRAW: DocState.WITHDRAWN,
    },
    DocState.SIGNED: {DocMove.SEND: DocState.SENT, DocMove.WITHDRAW: DocState.WITHDRAWN},
    DocState.SENT: {DocMove.REVOKE: DocState.REVOKED},
    DocState.REVOKED: {},
    DocState.WITHDRAWN: {},
}
# Which role each move needs (core.scope.ACTION_ROLES): reviewing and signing are the reviewer's
# or the administrator's; drafting and sending the editor's too.
MOVE_ACTION = {
    DocMove.SUBMIT: "change",
    DocMove.APPROVE: "review",
    DocMove.RETURN: "review",
    DocMove.SIGN: "review",
    DocMove.SEND: "change",
    DocMove.REVOKE: "manage",
    DocMove.WITHDRAW: "change",
}
EDITABLE_STATES = (DocState.DRAFT,)


class RecipientGroup(models.TextChoices):
    """Recipients chosen by kind: resolved to the units of that kind below the issuer at sending."""

    DISTRICT = "district", _("各区市县总工会")
    ZONE = "zone", _("各开放先导区总工会")
    INDUSTRIAL = "industrial", _("各产业工会")
    TOWNSHIP = "township", _("各乡镇（街道）工会")
    COMMUNITY = "community", _("各村（社区）工会")
    CHILDREN = "children", _("全部直属下级")


# ---------------------------------------------------------------------------------------------
# Series and numbers


class SeriesQuerySet(_Permanent):
    scope_path_field = "issuer__path"
    scope_ipath_field = "issuer__ipath"


class DocumentSeries(PermanentModel):
    """A document series of an issuing body (a unit, or one of its departments): 大工发, 大工办发 …"""

    issuer = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="document_series", verbose_name=_("发文机关")
    )
    department = models.CharField(_("发文部门"), max_length=50, blank=True, help_text=_("本级机关发文留空"))
    prefix = models.CharField(_("发文机关代字"), max_length=20, help_text=_("如 大工发、大工办发、大工字"))
    name = models.CharField(_("说明"), max_length=100, blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        ordering = ["issuer__path", "prefix"]
        constraints = [
            models.UniqueConstraint(fields=["prefix"], name="doc_series_prefix_unique"),
            models.CheckConstraint(condition=~Q(prefix=""), name="doc_series_prefix_not_empty"),
        ]

    def __str__(self):
        return f"{self.prefix}（{self.issuer.name}{self.department}）"

    def audit_org_path(self) -> str:
        return self.issuer.path


class SerialCounter(models.Model):
    """The last serial given in a series and year; locked (select_for_update) while one is taken."""

    series = models.ForeignKey(DocumentSeries, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="doc_counter_one_per_year")]

    def __str__(self):
        return f"{self.series_id}/{self.year}: {self.last}"

    def delete(self, *args, **kwargs):
        _refuse_delete()


def format_number(prefix: str, year: int, serial: int) -> str:
    """发文字号 as GB/T 9704-2012 writes it: 大工发〔2012〕57号 (六角括号, no leading zeros)."""
    return f"{prefix}〔{year}〕{serial}号"


# ---------------------------------------------------------------------------------------------
# Documents


class DocumentQuerySet(_Permanent):
    scope_path_field = "issuer__path"
    scope_ipath_field = "issuer__ipath"

    def extra_scope_q(self, user, action):
        """For viewing: documents sent to the user's unit or to a unit below it."""
        if action != "view":
            return None
        return Q(pk__in=Dispatch.objects.filter(_subtree(user, "recipient__path")).values("document_id"))


class Document(PermanentModel):
    issuer = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="documents", verbose_name=_("发文机关")
    )
    series = models.ForeignKey(
        DocumentSeries, on_delete=models.PROTECT, related_name="documents", verbose_name=_("发文字号")
    )
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True, editable=False)
    serial = models.PositiveIntegerField(_("序号"), null=True, blank=True, editable=False)
    number = models.CharField(_("文号"), max_length=60, blank=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("文种"), max_length=20, choices=DocKind.choices, default=DocKind.NOTICE)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, blank=True, default="")
    secrecy = models.CharField(_("密级"), max_length=20, choices=Secrecy.choices, blank=True, default="")
    main_groups = models.JSONField(_("主送（按类别）"), default=list, blank=True)
    main_units = models.ManyToManyField(
        "orgs.OrgUnit", related_name="+", blank=True, verbose_name=_("主送单位（逐个）")
    )
    copy_groups = models.JSONField(_("抄送（按类别）"), default=list, blank=True)
    copy_units = models.ManyToManyField(
        "orgs.OrgUnit", related_name="+", blank=True, verbose_name=_("抄送单位（逐个）")
    )
    main_text = models.CharField(
        _("主送机关（版面）"), max_length=300, blank=True, help_text=_("留空则按所选主送生成")
    )
    copy_text = models.CharField(_("抄送机关（版面）"), max_length=300, blank=True)
    body = models.TextField(_("正文"))
    annex = models.TextField(
        _("印发件"), blank=True, help_text=_("“关于印发……的通知”所印发的文本，排在落款之后")
    )
    signing_body = models.CharField(_("发文机关署名"), max_length=100)
    issue_date = models.DateField(_("成文日期"), null=True, blank=True)
    printer = models.CharField(_("印发机关"), max_length=100, blank=True)
    printed_on = models.DateField(_("印发日期"), null=True, blank=True)
    ack_days = models.PositiveSmallIntegerField(_("签收时限（天）"), default=3)
    forwarded_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwards",
        verbose_name=_("转发来文"),
    )
    state = models.CharField(_("状态"), max_length=20, choices=DocState.choices, default=DocState.DRAFT)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拟稿人"),
    )
    drafted_at = models.DateTimeField(_("拟稿时间"), default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签发人"),
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("分发时间"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    revoke_reason = models.TextField(_("撤销原因"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # Only non-classified documents belong in this platform.
            models.CheckConstraint(condition=Q(secrecy=""), name="doc_not_classified"),
            models.CheckConstraint(condition=Q(state__in=DocState.values), name="doc_state_valid"),
            models.UniqueConstraint(
                fields=["series", "year", "serial"],
                condition=Q(serial__isnull=False),
                name="doc_serial_unique_per_series_year",
            ),
            # A signed document has its number and signer; a draft has none.
            models.CheckConstraint(
                condition=Q(state__in=["draft", "reviewing", "approved"])
                | Q(state="withdrawn", serial__isnull=True)
                | Q(serial__isnull=False, signer__isnull=False),
                name="doc_signed_is_numbered",
            ),
            models.CheckConstraint(
                condition=Q(serial__isnull=True) | ~Q(number=""), name="doc_number_with_serial"
            ),
        ]
        indexes = [models.Index(fields=["state", "sent_at"])]

    def __str__(self):
        return f"{self.number} {self.title}" if self.number else self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.issuer.path

    @property
    def is_sent(self) -> bool:
        return self.state in (DocState.SENT, DocState.REVOKED)

    def number_display(self) -> str:
        return self.number or str(_("（未编号）"))


class DispatchRole(models.TextChoices):
    MAIN = "main", _("主送")
    COPY = "copy", _("抄送")


class DispatchQuerySet(_Permanent):
    scope_path_field = "recipient__path"
    scope_ipath_field = "recipient__ipath"

    def extra_scope_q(self, user, action):
        """For viewing: the issuer sees every recipient of its documents."""
        if action != "view":
            return None
        return _subtree(user, "document__issuer__path")


class Dispatch(PermanentModel):
    """One recipient unit's copy of a sent document (收文): sent, read, acknowledged (签收)."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("公文")
    )
    recipient = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="received_documents",
        verbose_name=_("收文单位"),
    )
    role = models.CharField(
        _("主送/抄送"), max_length=10, choices=DispatchRole.choices, default=DispatchRole.MAIN
    )
    sent_at = models.DateTimeField(_("送达时间"))
    ack_due = models.DateTimeField(_("签收时限"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("阅读人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("签收人"),
    )
    reminded_at = models.DateTimeField(_("最近催办"), null=True, blank=True)
    remind_count = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("收文")
        verbose_name_plural = _("收文")
        ordering = ["-sent_at", "recipient__path"]
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="doc_dispatch_one_per_unit"),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(read_at__isnull=False),
                name="doc_ack_after_read",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "acknowledged_at"])]

    def __str__(self):
        return f"{self.recipient.name} 收 {self.document.number}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.document_id])

    def audit_org_path(self) -> str:
        return self.recipient.path

    @property
    def on_time(self) -> bool:
        return self.acknowledged_at is not None and self.acknowledged_at <= self.ack_due

    def status_display(self) -> str:
        if self.acknowledged_at:
            return str(_("已签收") if self.on_time else _("逾期签收"))
        if self.read_at:
            return str(_("已阅未签收"))
        return str(_("未读"))


class AttachmentQuerySet(_Permanent):
    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def extra_scope_q(self, user, action):
        """For viewing: a document's attachments go where the document goes; a progress report's
        attachments are seen by the issuer of its document."""
        if action != "view":
            return None
        docs = Document.objects.restrict(user, "view").values("pk")
        return Q(report__isnull=True, document__in=docs) | (
            Q(report__isnull=False) & _subtree(user, "document__issuer__path")
        )


class Attachment(PermanentModel):
    """A file of a document or of a progress report: its hash and size kept, its type checked."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("上传单位")
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("公文")
    )
    report = models.ForeignKey(
        "ProgressReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("进展报告"),
    )
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = models.BinaryField(_("内容"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="doc_attachment_not_empty")]

    def __str__(self):
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:attachment", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.org.path


# ---------------------------------------------------------------------------------------------
# Supervision (督办)


class Reporting(models.TextChoices):
    ONCE = "once", _("一次报送")
    MONTHLY = "monthly", _("按月报送")


class ItemQuerySet(_Permanent):
    scope_path_field = "document__issuer__path"
    scope_ipath_field = "document__issuer__ipath"

    def extra_scope_q(self, user, action):
        if action != "view":
            return None
        return Q(pk__in=SupervisionTarget.objects.filter(_subtree(user, "recipient__path")).values("item_id"))


class SupervisionItem(PermanentModel):
    """督办事项: a requirement of a document, what the recipients must do by when."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="supervision_items", verbose_name=_("来源公文")
    )
    title = models.CharField(_("督办事项"), max_length=200)
    requirement = models.TextField(_("具体要求"), blank=True)
    deadline = models.DateField(_("完成时限"))
    reporting = models.CharField(
        _("报送方式"), max_length=10, choices=Reporting.choices, default=Reporting.ONCE
    )
    indicator_key = models.CharField(
        _("对应指标"),
        max_length=60,
        blank=True,
        help_text=_("平台已统计该要求时，填指标代码，逐单位显示实时数"),
    )
    created_at = models.DateTimeField(_("设立时间"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_reason = models.TextField(_("关闭原因"), blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(close_reason=""), name="doc_item_closed_with_reason"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:item", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.document.issuer.path

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class TargetState(models.TextChoices):
    PENDING = "pending", _("待报送")
    REPORTED = "reported", _("已报送待审")
    RETURNED = "returned", _("退回补报")
    DONE = "done", _("已完成")


class TargetQuerySet(_Permanent):
    scope_path_field = "recipient__path"
    scope_ipath_field = "recipient__ipath"

    def extra_scope_q(self, user, action):
        if action != "view":
            return None
        return _subtree(user, "item__document__issuer__path")

    def overdue(self, today):
        return self.exclude(state=TargetState.DONE).filter(
            item__closed_at__isnull=True, item__deadline__lt=today
        )


class SupervisionTarget(PermanentModel):
    """One recipient's part of a supervised item: its reports, its state, done on time or not."""

    item = models.ForeignKey(
        SupervisionItem, on_delete=models.PROTECT, related_name="targets", verbose_name=_("督办事项")
    )
    recipient = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="supervision_targets",
        verbose_name=_("承办单位"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=TargetState.choices, default=TargetState.PENDING
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_on_time = models.BooleanField(_("按时完成"), default=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办承办")
        verbose_name_plural = _("督办承办")
        ordering = ["item__deadline", "recipient__path"]
        constraints = [
            models.UniqueConstraint(fields=["item", "recipient"], name="doc_target_one_per_unit"),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(done_at__isnull=False), name="doc_target_done_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.recipient.name}：{self.item.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:target", args=[self.pk])

    def audit_org_path(self) -> str:
        return self.recipient.path

    def next_due(self, today=None):
        """When the next report is due: the deadline for a one-off report; for a monthly one, the
        last day of the current month until the deadline's month."""
        import calendar

        today = today or timezone.localdate()
        deadline = self.item.deadline
        if self.item.reporting != Reporting.MONTHLY or today >= deadline:
            return deadline
        month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return min(month_end, deadline)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state != TargetState.DONE and not self.item.is_closed and self.item.deadline < today


class ReportDecision(models.TextChoices):
    PENDING = "", _("待审")
    ACCEPTED = "accepted", _("采纳")
    RETURNED = "returned", _("退回")


class ProgressQuerySet(_Permanent):
    scope_path_field = "target__recipient__path"
    scope_ipath_field = "target__recipient__ipath"

    def extra_scope_q(self, user, action):
        if action != "view":
            return None
        return _subtree(user, "target__item__document__issuer__path")


class ProgressReport(PermanentModel):
    """A recipient's progress report on a supervised item; the issuer accepts or returns it."""

    target = models.ForeignKey(
        SupervisionTarget, on_delete=models.PROTECT, related_name="reports", verbose_name=_("督办承办")
    )
    text = models.TextField(_("进展情况"))
    is_final = models.BooleanField(_("报告完成"), default=False)
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报送人"),
    )
    decision = models.CharField(
        _("审核"), max_length=10, choices=ReportDecision.choices, blank=True, default=""
    )
    comment = models.TextField(_("审核意见"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""), name="doc_report_return_has_comment"
            )
        ]

    def __str__(self):
        return f"{self.target} {self.submitted_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("documents:target", args=[self.target_id])

    def audit_org_path(self) -> str:
        return self.target.recipient.path

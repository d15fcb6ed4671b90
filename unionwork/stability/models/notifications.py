"""Messages to one user inside the platform (reminders, serious incidents)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

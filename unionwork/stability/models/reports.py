"""Periodic reports (monthly; daily during a heightened period), on time or late as filed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.stability.models._permanent import PermanentModel
from unionwork.stability.models.choices import PeriodKind

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

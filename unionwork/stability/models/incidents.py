"""Incidents reported by a unit (or recorded by a higher level as concealed)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from unionwork.core.classifications import Industry
from unionwork.stability.models._permanent import PermanentModel
from unionwork.stability.models.choices import IncidentKind, Severity

# ---------------------------------------------------------------------------------------------
# Incidents


class Incident(PermanentModel):
    """A dispute or emergency the union learned of: reported at once, upward, by the unit."""

    org = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="stability_incidents",
        verbose_name=_("责任单位"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices)
    # The enterprise register is another module's; until it lands the name and the USCC identify
    # the enterprise (the USCC is the key a later link will match on).
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    enterprise_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    industry = models.CharField(_("行业"), max_length=1, choices=Industry.choices, blank=True)
    workers_involved = models.PositiveIntegerField(_("涉及职工（人）"), default=0)
    amount_at_stake = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, default=0)
    description = models.TextField(_("基本情况"))
    learned_at = models.DateTimeField(_("知情时间"))
    reported_at = models.DateTimeField(_("报告时间"), editable=False)
    report_deadline = models.DateTimeField(_("报告时限"), editable=False)
    is_late = models.BooleanField(_("迟报"), default=False, editable=False)
    concealed = models.BooleanField(_("瞒报"), default=False, editable=False)
    recorder_org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("报告单位")
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("报告人"),
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("矛盾纠纷事件")
        verbose_name_plural = _("矛盾纠纷事件")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_at_stake__gte=0), name="stab_incident_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(learned_at__lte=models.F("reported_at")),
                name="stab_incident_learned_before_reported",
            ),
            models.CheckConstraint(condition=~Q(enterprise_name=""), name="stab_incident_enterprise_named"),
        ]
        indexes = [
            models.Index(fields=["kind"]),
            models.Index(fields=["severity"]),
            models.Index(fields=["reported_at"]),
        ]

    def __str__(self):
        return f"{self.number} {self.enterprise_name} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("stability:incident-detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"SJ{self.pk:06d}" if self.pk else "SJ"

    def timeliness_display(self) -> str:
        if self.concealed:
            return str(_("瞒报"))
        return str(_("迟报") if self.is_late else _("按时"))

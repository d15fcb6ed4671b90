"""Corrections of reports, incidents and cases, with their reason; never removed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.stability.models._permanent import _refuse_delete
from unionwork.stability.models.cases import Case
from unionwork.stability.models.incidents import Incident
from unionwork.stability.models.reports import Report

# ---------------------------------------------------------------------------------------------
# Amendments and notifications


class Amendment(models.Model):
    """A correction of a report, an incident or a case: what changed and why. Never removed."""

    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="amendments")
    reason = models.CharField(_("更正原因"), max_length=500)
    changes = models.JSONField(_("更正内容"), default=dict)
    at = models.DateTimeField(_("更正时间"), editable=False)
    actor_label = models.CharField(_("更正人"), max_length=150)

    class Meta:
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(report__isnull=False) & Q(incident__isnull=True) & Q(case__isnull=True))
                | (Q(report__isnull=True) & Q(incident__isnull=False) & Q(case__isnull=True))
                | (Q(report__isnull=True) & Q(incident__isnull=True) & Q(case__isnull=False)),
                name="stab_amendment_one_target",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="stab_amendment_has_reason"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason[:40]}"

    def delete(self, *args, **kwargs):
        _refuse_delete()

    @property
    def target(self):
        return self.report or self.incident or self.case

    def audit_org_path(self) -> str:
        return self.target.org.path

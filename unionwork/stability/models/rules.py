"""The rules a city administrator sets: who reports and by when, severities, heightened periods."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionwork.orgs.models import OrgKind
from unionwork.stability.models._permanent import _refuse_delete
from unionwork.stability.models.choices import DEFAULT_REPORTING_KINDS, Severity

# ---------------------------------------------------------------------------------------------
# Rules set by the city's administrators


class ReportingPolicy(models.Model):
    """Who must report and by when (one row, pk=1; defaults apply until a city admin saves it)."""

    reporting_kinds = models.JSONField(_("须报送的组织类型"), default=list)
    monthly_deadline_day = models.PositiveSmallIntegerField(
        _("月报截止日"), default=5, help_text=_("次月的第几日（1–28）")
    )
    monthly_deadline_time = models.TimeField(_("月报截止时刻"), default=datetime.time(17, 0))
    daily_deadline_time = models.TimeField(
        _("日报截止时刻"), default=datetime.time(17, 0), help_text=_("敏感时期内，每日报告当日情况的截止时刻")
    )
    remind_days_before = models.PositiveSmallIntegerField(_("提前提醒天数"), default=3)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("报送规则")
        verbose_name_plural = _("报送规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_deadline_day__gte=1, monthly_deadline_day__lte=28),
                name="stab_policy_day_range",
            ),
            models.CheckConstraint(condition=Q(pk=1), name="stab_policy_singleton"),
        ]

    def __str__(self):
        return str(_("报送规则"))

    def audit_org_path(self) -> str:
        return ""

    @property
    def kinds(self) -> list[str]:
        return list(self.reporting_kinds or DEFAULT_REPORTING_KINDS)

    def kinds_display(self) -> str:
        labels = dict(OrgKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds)


class SeverityRule(models.Model):
    """How soon an incident of a severity must be reported, and its case resolved."""

    severity = models.CharField(_("等级"), max_length=20, choices=Severity.choices, unique=True)
    report_within_hours = models.PositiveIntegerField(_("知情后报告时限（小时）"))
    resolve_within_days = models.PositiveIntegerField(_("化解时限（天）"))
    notify_upper = models.BooleanField(_("即时通知上级领导"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件等级规则")
        verbose_name_plural = _("事件等级规则")
        constraints = [
            models.CheckConstraint(condition=Q(report_within_hours__gte=1), name="stab_rule_hours_positive"),
            models.CheckConstraint(condition=Q(resolve_within_days__gte=1), name="stab_rule_days_positive"),
        ]

    def __str__(self):
        return self.get_severity_display()

    def audit_org_path(self) -> str:
        return ""


# The rules in force until a city administrator saves others.
DEFAULT_SEVERITY_RULES = {
    Severity.GENERAL: (24, 30, False),
    Severity.LARGE: (12, 15, False),
    Severity.MAJOR: (2, 7, True),
    Severity.GRAVE: (1, 3, True),
}


class HeightenedPeriod(models.Model):
    """A heightened period (敏感时期, e.g. around a major congress): reports become daily, city-wide."""

    name = models.CharField(_("名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)
    cancelled = models.BooleanField(_("已撤销"), default=False)

    class Meta:
        verbose_name = _("敏感时期")
        verbose_name_plural = _("敏感时期")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="stab_hp_dates")
        ]

    def __str__(self):
        return f"{self.name}（{self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}）"

    def audit_org_path(self) -> str:
        return ""

    def delete(self, *args, **kwargs):
        _refuse_delete()

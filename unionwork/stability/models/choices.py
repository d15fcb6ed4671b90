"""The choices several stability records share (severity, incident kind, period kind)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from unionwork.orgs.models import OrgKind

# ---------------------------------------------------------------------------------------------
# Choices


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    LARGE = "large", _("较大")
    MAJOR = "major", _("重大")
    GRAVE = "grave", _("特别重大")


SEVERITY_RANK = {Severity.GENERAL: 1, Severity.LARGE: 2, Severity.MAJOR: 3, Severity.GRAVE: 4}


class IncidentKind(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("拖欠工资")
    SOCIAL_INSURANCE = "social_insurance", _("欠缴社会保险")
    LAYOFFS = "layoffs", _("裁员减员")
    PAY_CUTS = "pay_cuts", _("降薪减薪")
    RESTRUCTURING = "restructuring", _("改制遗留问题")
    COLLECTIVE = "collective", _("群体性事件")
    OTHER = "other", _("其他")


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("月报")
    DAILY = "daily", _("日报（敏感时期）")


DEFAULT_REPORTING_KINDS = [
    OrgKind.DISTRICT,
    OrgKind.ZONE,
    OrgKind.INDUSTRIAL,
    OrgKind.TOWNSHIP,
    OrgKind.COMMUNITY,
]

"""The rules of stability work, set by the city's administrators: who reports by when, the time
limits of each severity, and heightened periods (reports become daily)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgKind
from unionwork.stability.actions._common import check_city_admin, clean_text, rule_for
from unionwork.stability.models import HeightenedPeriod, ReportingPolicy, SeverityRule


@transaction.atomic
def save_policy(
    user,
    *,
    reporting_kinds: list[str],
    monthly_deadline_day: int,
    monthly_deadline_time: datetime.time,
    daily_deadline_time: datetime.time,
    remind_days_before: int,
) -> ReportingPolicy:
    """Set which kinds of unit must report and the deadlines of monthly and daily reports."""
    check_city_admin(user)
    kinds = [k for k in reporting_kinds if k in OrgKind.values]
    if not kinds:
        raise ActionError(_("请至少选择一种须报送的组织类型。"))
    if not 1 <= monthly_deadline_day <= 28:
        raise ActionError(_("月报截止日须在 1 到 28 日之间。"))
    policy = ReportingPolicy.objects.select_for_update().filter(pk=1).first()
    before = audit.snapshot(policy) if policy else None
    policy = policy or ReportingPolicy(pk=1)
    policy.reporting_kinds = kinds
    policy.monthly_deadline_day = monthly_deadline_day
    policy.monthly_deadline_time = monthly_deadline_time
    policy.daily_deadline_time = daily_deadline_time
    policy.remind_days_before = remind_days_before
    policy.save()
    audit.record(policy, "update_rules", before, audit.snapshot(policy))
    return policy


@transaction.atomic
def save_severity_rule(
    user, severity: str, *, report_within_hours: int, resolve_within_days: int, notify_upper: bool
) -> SeverityRule:
    """Set how soon after learning an incident of ``severity`` must be reported, and its case resolved."""
    check_city_admin(user)
    if report_within_hours < 1 or resolve_within_days < 1:
        raise ActionError(_("时限须至少为 1。"))
    rule = SeverityRule.objects.select_for_update().filter(severity=severity).first()
    before = audit.snapshot(rule) if rule else None
    rule = rule or rule_for(severity)
    rule.report_within_hours, rule.resolve_within_days, rule.notify_upper = (
        report_within_hours,
        resolve_within_days,
        notify_upper,
    )
    rule.save()
    audit.record(rule, "update_rules", before, audit.snapshot(rule))
    return rule


@transaction.atomic
def set_heightened_period(
    user, *, name: str, starts_on: datetime.date, ends_on: datetime.date, note: str = ""
) -> HeightenedPeriod:
    """Declare a heightened period (敏感时期): every reporting unit files a daily report in it."""
    check_city_admin(user)
    if ends_on < starts_on:
        raise ActionError(_("结束日期不能早于开始日期。"))
    if (ends_on - starts_on).days > 92:
        raise ActionError(_("敏感时期最长三个月。"))
    overlap = HeightenedPeriod.objects.filter(
        cancelled=False, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).first()
    if overlap:
        raise ActionError(_("与已设置的敏感时期“%(p)s”重叠。") % {"p": overlap}, code="overlap")
    period = HeightenedPeriod.objects.create(
        name=clean_text(name, _("名称"), max_length=100),
        starts_on=starts_on,
        ends_on=ends_on,
        note=(note or "").strip()[:500],
        set_by=user,
    )
    audit.record(period, "set_heightened", None, audit.snapshot(period))
    return period


@transaction.atomic
def cancel_heightened_period(user, period: HeightenedPeriod, *, reason: str) -> HeightenedPeriod:
    """Cancel a heightened period set by mistake (kept, marked cancelled; reports filed stay)."""
    check_city_admin(user)
    period = HeightenedPeriod.objects.select_for_update().get(pk=period.pk)
    if period.cancelled:
        raise ActionError(_("该敏感时期已撤销。"))
    before = audit.snapshot(period)
    period.cancelled = True
    period.save(update_fields=["cancelled"])
    audit.record(
        period,
        "cancel_heightened",
        before,
        audit.snapshot(period),
        note=clean_text(reason, _("原因"), max_length=500),
    )
    return period


@transaction.atomic
def save_severity_rules(user, rules: dict[str, dict]) -> list[SeverityRule]:
    """The rules page at once: {severity: {report_within_hours, resolve_within_days,
    notify_upper}}. One transaction: a refused line (a limit under 1) saves none."""
    return [save_severity_rule(user, severity, **values) for severity, values in rules.items()]

"""Periodic reports: file a report or a nil report for a period, amend it with a reason."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgStatus, OrgUnit
from unionwork.stability import periods
from unionwork.stability.actions._amend import amend
from unionwork.stability.actions._common import check, clean_text, server_now
from unionwork.stability.models import Incident, PeriodKind, Report

REPORT_AMENDABLE = ("is_nil", "summary", "disputes_found", "disputes_resolved", "workers_involved")


def must_report(org: OrgUnit, policy=None) -> bool:
    """Whether the unit is one that files periodic reports (by its kind, while active)."""
    policy = policy or periods.get_policy()
    return org.kind in policy.kinds and org.status == OrgStatus.ACTIVE


def _period_end(period: periods.Period) -> datetime.date:
    if period.kind == PeriodKind.MONTHLY:
        return periods.next_month(period.start) - datetime.timedelta(days=1)
    return period.start


def _check_figures(found: int, resolved: int, workers: int) -> None:
    if min(found, resolved, workers) < 0:
        raise ActionError(_("数字不能为负数。"))
    if resolved > found:
        raise ActionError(
            _("化解的矛盾纠纷（%(r)d 件）不能多于排查出的（%(f)d 件）。") % {"r": resolved, "f": found}
        )


@transaction.atomic
def file_report(
    user,
    org: OrgUnit,
    period_kind: str,
    period_start: datetime.date,
    *,
    is_nil: bool = False,
    summary: str = "",
    disputes_found: int = 0,
    disputes_resolved: int = 0,
    workers_involved: int = 0,
    now: datetime.datetime | None = None,
) -> Report:
    """File the unit's report for a period (or its nil report). The filing time is the server's.

    On time when filed at or before the period's deadline, late after it. One report per unit and
    period; a correction is :func:`amend_report`.
    """
    check(user, org, "change")
    now = server_now(now)
    policy = periods.get_policy()
    if not must_report(org, policy):
        raise ActionError(
            _("“%(u)s”不是须报送维稳信息的单位（须报送：%(k)s）。")
            % {"u": org.name, "k": policy.kinds_display()}
        )
    period = periods.period_for(period_kind, period_start, policy)
    if period is None:
        if period_kind == PeriodKind.DAILY:
            raise ActionError(_("%(d)s 不在敏感时期内，无需报送日报。") % {"d": period_start.isoformat()})
        raise ActionError(_("报告期无效。"))
    if period.start > timezone.localdate(now):
        raise ActionError(_("%(p)s 尚未开始，不能提前报送。") % {"p": period.label})
    if Report.objects.filter(org=org, period_kind=period.kind, period_start=period.start).exists():
        raise ActionError(
            _("“%(u)s”已报送%(p)s；如需更正，请在该报告页提交更正。") % {"u": org.name, "p": period.label},
            code="duplicate",
        )
    if is_nil:
        disputes_found = disputes_resolved = workers_involved = 0
        start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
        end = timezone.make_aware(datetime.datetime.combine(_period_end(period), datetime.time.max))
        if Incident.objects.filter(org=org, reported_at__range=(start, end)).exists():
            raise ActionError(
                _("本期已报告矛盾纠纷事件，不能报送零报告，请报送情况报告。"), code="nil_with_incidents"
            )
    else:
        summary = clean_text(summary, _("情况概述"))
        _check_figures(disputes_found, disputes_resolved, workers_involved)
    report = Report(
        org=org,
        period_kind=period.kind,
        period_start=period.start,
        is_nil=is_nil,
        summary=(summary or "").strip(),
        disputes_found=disputes_found,
        disputes_resolved=disputes_resolved,
        workers_involved=workers_involved,
        deadline=period.deadline,
        filed_at=now,
        is_late=now > period.deadline,
        filed_by=user,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # filed by someone else a moment ago
        raise ActionError(
            _("“%(u)s”已报送%(p)s。") % {"u": org.name, "p": period.label}, code="duplicate"
        ) from exc
    audit.record(report, "file_nil_report" if is_nil else "file_report", None, audit.snapshot(report))
    return report


def file_nil_report(
    user,
    org: OrgUnit,
    period_kind: str,
    period_start: datetime.date,
    *,
    summary: str = "",
    now: datetime.datetime | None = None,
) -> Report:
    """File a nil report (零报告): nothing to report in the period, said on time."""
    return file_report(user, org, period_kind, period_start, is_nil=True, summary=summary, now=now)


@transaction.atomic
def amend_report(user, report: Report, *, reason: str, **changes) -> Report:
    """Correct a filed report's content, with a reason. Its period and filing time never change."""
    check(user, report.org, "change")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if changes.get("is_nil"):
        changes.update(disputes_found=0, disputes_resolved=0, workers_involved=0)
    found = changes.get("disputes_found", report.disputes_found)
    resolved = changes.get("disputes_resolved", report.disputes_resolved)
    _check_figures(found, resolved, changes.get("workers_involved", report.workers_involved))
    if (
        not changes.get("is_nil", report.is_nil)
        and not (changes.get("summary", report.summary) or "").strip()
    ):
        raise ActionError(_("情况报告须填写情况概述。"))
    amend(report, REPORT_AMENDABLE, changes, reason, "report")
    return report

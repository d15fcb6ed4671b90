"""Background tasks (django.tasks): serious-incident notices and the daily reminders.

They run on the database backend (django-tasks-db, `manage.py db_worker`) in production and at
once in tests. Arguments are ids and ISO times, so that a task can be stored as JSON.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.orgs.models import OrgStatus
from unionwork.stability import periods as P
from unionwork.stability import queries
from unionwork.stability.models import Case, Incident, Notification, Report

# Roles that act on reports and cases (the ones reminded).
ACTING_ROLES = {"administrator", "editor"}


def _acting(user) -> bool:
    return bool(ACTING_ROLES & set(user.role_names()))


@task
def notify_serious_incident(incident_id: int) -> int:
    """Tell the leaders of every level above the incident's unit that a serious incident came in."""
    with audit.acting_as(None, "task"):
        incident = Incident.objects.select_related("org").filter(pk=incident_id).first()
        if incident is None:
            return 0
        title = _("%(sev)s事件：%(org)s %(ent)s %(kind)s") % {
            "sev": incident.get_severity_display(),
            "org": incident.org.name,
            "ent": incident.enterprise_name,
            "kind": incident.get_kind_display(),
        }
        body = _("涉及职工 %(n)d 人；%(c)s") % {
            "n": incident.workers_involved,
            "c": _("上级发现的瞒报事件") if incident.concealed else incident.description[:200],
        }
        notes = [
            Notification(
                user=u,
                kind=Notification.Kind.SERIOUS_INCIDENT,
                title=title[:200],
                body=body[:1000],
                url=incident.get_absolute_url(),
                key=f"serious:{incident.pk}:{incident.severity}",
            )
            for u in queries.upper_leaders(incident.org)
        ]
        Notification.objects.bulk_create(notes, ignore_conflicts=True)
        return len(notes)


def _case_reminders(now: datetime.datetime) -> list[Notification]:
    User = get_user_model()
    cases = list(Case.objects.overdue(now).select_related("owner", "handling_org"))
    unowned_orgs = {c.handling_org_id for c in cases if c.owner_id is None}
    staff: dict[int, list] = {}
    for u in User.objects.filter(org_id__in=unowned_orgs, is_active=True):
        if _acting(u):
            staff.setdefault(u.org_id, []).append(u)
    day = f"{timezone.localdate(now):%Y%m%d}"
    out = []
    for case in cases:
        recipients = [case.owner] if case.owner_id else staff.get(case.handling_org_id, [])
        days = (now - case.due_at).days
        for u in recipients:
            out.append(
                Notification(
                    user=u,
                    kind=Notification.Kind.CASE_OVERDUE,
                    key=f"case-overdue:{case.pk}:{day}",
                    title=(_("案件逾期：%(c)s") % {"c": case})[:200],
                    body=_("已超过办结时限 %(d)d 天（时限 %(t)s），请抓紧办理。")
                    % {"d": days, "t": f"{timezone.localtime(case.due_at):%Y-%m-%d}"},
                    url=case.get_absolute_url(),
                )
            )
    return out


def _report_reminders(now: datetime.datetime) -> list[Notification]:
    """Users of units that have not filed a period that is due soon, or was due in the last month."""
    User = get_user_model()
    policy = P.get_policy()
    soon = now + datetime.timedelta(days=policy.remind_days_before)
    periods = [p for p in P.fileable_periods(now, months_back=1, policy=policy) if p.deadline <= soon]
    day = f"{timezone.localdate(now):%Y%m%d}"
    url = reverse("stability:report-file")
    out = []
    for p in periods:
        filed = Report.objects.filter(period_kind=p.kind, period_start=p.start).values("org_id")
        users = (
            User.objects.filter(Q(is_active=True), org__kind__in=policy.kinds, org__status=OrgStatus.ACTIVE)
            .exclude(org_id__in=filed)
            .select_related("org")
        )
        for u in users:
            if not _acting(u):
                continue
            missed = p.is_due(now)
            deadline = f"{timezone.localtime(p.deadline):%m-%d %H:%M}"
            out.append(
                Notification(
                    user=u,
                    kind=Notification.Kind.REPORT_MISSING if missed else Notification.Kind.REPORT_DUE,
                    key=f"report:{p.key}:{u.org_id}:{day}",
                    title=(_("%(org)s%(p)s已逾期未报") if missed else _("%(org)s%(p)s待报送"))
                    % {"org": u.org.name, "p": p.label},
                    body=(
                        _("截止时间 %(d)s 已过，请立即补报。")
                        if missed
                        else _("请于 %(d)s 前报送；无情况请报零报告。")
                    )
                    % {"d": deadline},
                    url=url,
                )
            )
    return out


@task
def send_reminders(now_iso: str | None = None) -> dict:
    """Remind owners of overdue cases and the users of units whose reports are due or missed.

    One notification per user, subject and day: running it twice a day sends nothing twice.
    """
    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit.acting_as(None, "task"):
        cases = _case_reminders(now)
        reports = _report_reminders(now)
        before = Notification.objects.count()
        Notification.objects.bulk_create(cases + reports, ignore_conflicts=True, batch_size=500)
        created = Notification.objects.count() - before
    return {"case_reminders": len(cases), "report_reminders": len(reports), "created": created}

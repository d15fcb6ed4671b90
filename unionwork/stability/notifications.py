"""What stability work awaits a user (the top bar's badge) and the daily reminders' schedule.

* reports of the user's own unit due within the policy's reminder window, or missed;
* overdue cases waiting for this user: the ones they own, and the unowned ones their unit handles;
* unread serious-incident and case-ownership notices (the report and case reminders of
  ``tasks.send_reminders`` repeat the two live items above, so they are not counted twice).

The reminders themselves (``tasks.send_reminders``) run daily on the platform's scheduler.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import schedule
from unionwork.core.notifications import Item, Source, register
from unionwork.stability import periods as P
from unionwork.stability import queries, tasks
from unionwork.stability.models import Case, Notification

schedule.register_daily("stability.reminders", tasks.send_reminders)


# -- reports of the user's own unit -------------------------------------------------------------
def _periods(user, now):
    from unionwork.stability.actions.reports import must_report

    org = getattr(user, "org", None)
    if org is None or not user.may("change"):
        return []
    policy = P.get_policy()
    if not must_report(org, policy):
        return []
    soon = now + datetime.timedelta(days=policy.remind_days_before)
    return [p for p in queries.unfiled_periods(org, now) if p.is_due(now) or p.deadline <= soon]


def _report_items(user, now, limit):
    url = reverse("stability:report-file")
    out = []
    for p in _periods(user, now)[:limit]:
        deadline = f"{timezone.localtime(p.deadline):%m-%d %H:%M}"
        if p.is_due(now):
            out.append(
                Item(_("%(p)s已逾期未报（截止 %(d)s）") % {"p": p.label, "d": deadline}, url, level="danger")
            )
        else:
            out.append(
                Item(
                    _("%(p)s待报送（截止 %(d)s）") % {"p": p.label, "d": deadline},
                    url,
                    detail=_("无情况请报零报告。"),
                    due=timezone.localtime(p.deadline).date(),
                )
            )
    return out


register(
    Source(
        key="stability.reports",
        label=gettext_lazy("待报送的维稳报告"),
        count=lambda user, now: len(_periods(user, now)),
        items=_report_items,
        order=10,
    )
)


# -- overdue cases waiting for the user ---------------------------------------------------------
def _cases(user, now):
    mine = Q(owner=user)
    if user.may("change") and getattr(user, "org_id", None):
        mine |= Q(owner=None, handling_org_id=user.org_id)
    return Case.objects.restrict(user).overdue(now).filter(mine)


def _case_items(user, now, limit):
    return [
        Item(
            str(c),
            c.get_absolute_url(),
            detail=_("已超过办结时限 %(d)d 天（时限 %(t)s）")
            % {"d": (now - c.due_at).days, "t": f"{timezone.localtime(c.due_at):%Y-%m-%d}"},
            level="danger",
        )
        for c in _cases(user, now).order_by("due_at", "pk")[:limit]
    ]


register(
    Source(
        key="stability.cases",
        label=gettext_lazy("逾期未办结的案件"),
        count=lambda user, now: _cases(user, now).count(),
        items=_case_items,
        more_url=format_lazy("{}?overdue=1", reverse_lazy("stability:case-list")),
        order=20,
    )
)


# -- unread notices that no live item repeats ---------------------------------------------------
MESSAGE_KINDS = (Notification.Kind.SERIOUS_INCIDENT, Notification.Kind.CASE_OWNED)


def _messages(user):
    return Notification.objects.filter(user=user, read_at=None, kind__in=MESSAGE_KINDS)


register(
    Source(
        key="stability.messages",
        label=gettext_lazy("维稳通知"),
        count=lambda user, now: _messages(user).count(),
        items=lambda user, now, limit: [
            Item(
                n.title,
                reverse("stability:notification-read", args=[n.pk]),
                detail=n.body,
                level="danger",
                post=True,
            )
            for n in _messages(user)[:limit]
        ],
        more_url=reverse_lazy("stability:notifications"),
        order=30,
    )
)

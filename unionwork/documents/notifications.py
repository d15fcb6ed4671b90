"""What the documents module awaits of a user (the top bar's badge), its reminders and daily job.

* documents sent to the user's unit not yet acknowledged (签收);
* supervised items of the user's unit to report on;
* progress reports on the user's unit's items waiting for a decision (reviewers).

Deadline reminders of supervised items go to the recipient units through core's reminders
(``register_reminders``); the daily job recounts the overdue figure.
"""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import schedule
from unionwork.core.notifications import (
    Item,
    Reminder,
    ReminderSource,
    Source,
    register,
    register_reminders,
    window_end,
)
from unionwork.documents import queries, tasks
from unionwork.documents.models import SupervisionTarget, TargetState

schedule.register_daily("documents.overdue", tasks.recount_overdue)


def _acts(user) -> bool:
    return bool(getattr(user, "org_id", None)) and user.may("change")


def _ack(user, now):
    return queries.awaiting_ack(user) if _acts(user) else queries.inbox(user).none()


def _ack_items(user, now, limit):
    out = []
    for d in _ack(user, now).order_by("ack_due")[:limit]:
        late = d.ack_due < now
        out.append(
            Item(
                _("待签收：%(n)s %(t)s") % {"n": d.document.number, "t": d.document.title},
                reverse("documents:detail", args=[d.document_id]),
                detail=_("已超过签收时限")
                if late
                else _("签收时限 %(d)s") % {"d": f"{timezone.localtime(d.ack_due):%m-%d %H:%M}"},
                level="danger" if late else "warning",
                due=timezone.localtime(d.ack_due).date(),
            )
        )
    return out


register(
    Source(
        key="documents.acknowledge",
        label=gettext_lazy("待签收的公文"),
        count=lambda user, now: _ack(user, now).count(),
        items=_ack_items,
        more_url=reverse_lazy("documents:inbox"),
        order=20,
    )
)


def _reports(user, now):
    return queries.awaiting_report(user) if _acts(user) else queries.targets(user).none()


def _report_items(user, now, limit):
    today = timezone.localdate(now)
    return [
        Item(
            _("督办事项待报送：%(t)s") % {"t": t.item.title},
            reverse("documents:target", args=[t.pk]),
            detail=_("本次报送截至 %(n)s，完成时限 %(d)s")
            % {"n": t.next_due(today).isoformat(), "d": t.item.deadline.isoformat()},
            level="danger" if t.item.deadline < today else "warning",
            due=t.item.deadline,
        )
        for t in _reports(user, now)[:limit]
    ]


register(
    Source(
        key="documents.report",
        label=gettext_lazy("待报送的督办事项"),
        count=lambda user, now: _reports(user, now).count(),
        items=_report_items,
        more_url=reverse_lazy("documents:items"),
        order=21,
    )
)


def _decisions(user, now):
    if not getattr(user, "org_id", None) or not user.may("review"):
        return queries.awaiting_decision(user).none()
    return queries.awaiting_decision(user)


def _decision_items(user, now, limit):
    return [
        Item(
            _("进展待审核：%(u)s %(t)s") % {"u": r.target.recipient.name, "t": r.target.item.title},
            reverse("documents:target", args=[r.target_id]),
            level="info",
        )
        for r in _decisions(user, now).order_by("submitted_at")[:limit]
    ]


register(
    Source(
        key="documents.decide",
        label=gettext_lazy("待审核的督办进展"),
        count=lambda user, now: _decisions(user, now).count(),
        items=_decision_items,
        order=22,
    )
)


def _deadlines(day):
    """Supervised items due within the reminder window, per recipient not done."""
    rows = (
        SupervisionTarget.objects.filter(
            item__closed_at__isnull=True, item__deadline__gte=day, item__deadline__lte=window_end(day)
        )
        .exclude(state=TargetState.DONE)
        .select_related("item")
    )
    for t in rows:
        yield Reminder(
            subject=f"documents.item:{t.pk}",
            unit_ids=[t.recipient_id],
            title=_("督办事项即将到期：%(t)s") % {"t": t.item.title},
            body=_("完成时限 %(d)s，请按时报送进展。") % {"d": t.item.deadline.isoformat()},
            url=reverse("documents:target", args=[t.pk]),
            due_on=t.item.deadline,
        )


register_reminders(ReminderSource("documents.deadlines", _deadlines))

"""What the visits campaign awaits of a user: the deeds they own that are overdue; the deadline
reminders of deeds (to the owner's unit, before and on the promised date); the daily job that
counts overdue deeds among the deeds due."""

from __future__ import annotations

import datetime

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
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
from unionwork.visits import queries, tasks
from unionwork.visits.models import Deed

schedule.register_daily("visits.overdue_deeds", tasks.count_overdue_deeds)


def _items(user, now, limit):
    today = timezone.localdate(now)
    return [
        Item(
            str(d),
            d.get_absolute_url(),
            detail=_("承诺 %(d)s 前办结，已逾期 %(n)d 天")
            % {"d": d.promised_on.isoformat(), "n": (today - d.promised_on).days},
            level="danger",
            due=d.promised_on,
        )
        for d in queries.owned_overdue(user, today).order_by("promised_on", "pk")[:limit]
    ]


register(
    Source(
        key="visits.deeds",
        label=gettext_lazy("逾期未办结的实事"),
        count=lambda user, now: queries.owned_overdue(user, timezone.localdate(now)).count(),
        items=_items,
        more_url=format_lazy("{}?overdue=1", reverse_lazy("visits:deed-list")),
        order=40,
    )
)


def _deed_reminders(today: datetime.date):
    deeds = Deed.objects.open().filter(promised_on__lte=window_end(today)).select_related("owner")
    for d in deeds.iterator(chunk_size=2000):
        if d.owner.org_id is None:
            continue
        yield Reminder(
            subject=f"visits.deed:{d.pk}",
            unit_ids=[d.owner.org_id],
            title=_("办实事 %(d)s 到期：%(t)s") % {"d": d.promised_on.isoformat(), "t": d.title[:60]},
            body=_("责任人：%(o)s。请按期办结并登记办结情况。")
            % {"o": d.owner.full_name or d.owner.username},
            url=d.get_absolute_url(),
            due_on=d.promised_on,
        )


register_reminders(ReminderSource("visits.deeds", _deed_reminders))

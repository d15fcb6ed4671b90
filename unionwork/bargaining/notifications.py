"""Renewal reminders: a contract in force nearing its end with no successor reminds its union
(and the levels above it, up to the district) at the platform's reminder steps (``UNIONWORK_REMIND_DAYS``), and the
daily recount of time-driven figures is scheduled here."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from unionwork.bargaining import tasks
from unionwork.bargaining.models import Contract
from unionwork.core import schedule
from unionwork.core.notifications import (
    Reminder,
    ReminderSource,
    days_left_text,
    register_reminders,
    window_end,
)

schedule.register_daily("bargaining.recount", tasks.recount_time_driven, at=datetime.time(5, 0))


def _renewals(day: datetime.date):
    due = (
        Contract.objects.in_force(day)
        .filter(term_end__lte=window_end(day), renewal__isnull=True)
        .select_related("org")
        .order_by("term_end", "pk")
    )
    for c in due.iterator(chunk_size=500):
        # The union and every level above it but the city: the street and district that lead renewals.
        units = [int(x) for x in c.org.path.strip("/").split("/")[1:]] or [c.org_id]
        yield Reminder(
            subject=f"bargaining.renewal:{c.pk}",
            unit_ids=units,
            title=_("集体合同即将到期，请及时续签：%(t)s") % {"t": c.title},
            body=_("%(org)s的《%(t)s》于 %(d)s 期满（%(left)s），请及早开展协商续签。")
            % {
                "org": c.org.name,
                "t": c.title,
                "d": c.term_end.isoformat(),
                "left": days_left_text(day, c.term_end),
            },
            url=c.get_absolute_url(),
            due_on=c.term_end,
        )


register_reminders(ReminderSource("bargaining.renewal", _renewals))

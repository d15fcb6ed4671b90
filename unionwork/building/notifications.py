"""Reminders of union building: elections due (a committee's term ending) remind the union and
the level above it, at the steps of core.notifications (30, 7 and 1 days before by default).
Grades past their validity move to ``expired`` daily (``tasks.expire_grades``)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from unionwork.building import tasks
from unionwork.building.models import Committee
from unionwork.core import schedule
from unionwork.core.notifications import Reminder, ReminderSource, register_reminders, window_end

schedule.register_daily("building.expire_grades", tasks.expire_grades)


def election_reminders(today: datetime.date):
    """Current committees whose term ends between today and the end of the reminder window."""
    due = (
        Committee.objects.current()
        .filter(term_end__gte=today, term_end__lte=window_end(today))
        .select_related("org")
        .order_by("term_end", "pk")
    )
    for c in due.iterator(chunk_size=2000):
        units = [c.org_id] + ([c.org.parent_id] if c.org.parent_id else [])
        yield Reminder(
            subject=f"building.election:{c.pk}",
            unit_ids=units,
            title=_("%(u)s工会委员会任期将于 %(d)s 届满，请做好换届选举")
            % {"u": c.org.name, "d": c.term_end},
            body=_("现任主席：%(c)s。换届后请登记新一届委员会及选举情况。") % {"c": c.chairman},
            url=reverse("building:unit", args=[c.org_id]),
            due_on=c.term_end,
        )


register_reminders(ReminderSource("building.elections", election_reminders))

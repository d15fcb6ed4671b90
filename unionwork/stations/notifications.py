"""What awaits users of the service stations, and the daily job.

Relief above the approval amount waits for a reviewer (``stations.relief_pending``); the coverage
figure is recounted every day (``stations.recount``, see tasks.py).
"""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from unionwork.core import schedule
from unionwork.core.notifications import Item, Source, register
from unionwork.stations import queries, tasks

schedule.register_daily("stations.recount", tasks.recount_coverage)


def _count(user, now) -> int:
    return queries.pending_reliefs(user).count()


def _items(user, now, limit):
    return [
        Item(
            title=_("待审批救助：%(n)s %(a)s 元") % {"n": r.file.name, "a": r.amount},
            url=reverse("stations:hardship-detail", args=[r.file_id]),
        )
        for r in queries.pending_reliefs(user).order_by("on", "pk")[:limit]
    ]


register(
    Source(
        key="stations.relief_pending",
        label=_("待审批的救助"),
        count=_count,
        items=_items,
        more_url=reverse_lazy("stations:relief-pending"),
    )
)

"""The bargaining module's daily job, run by the platform's scheduler (``core.schedule``)."""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone


@task
def recount_time_driven(now_iso: str | None = None) -> dict:
    """Keep the kept figures right as time passes: contracts that came into force, entered the
    expiring window or expired today and congresses that fell overdue move their enterprises'
    figures (``actions.recount_day``)."""
    from unionwork.bargaining import actions

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    return {"recounted": actions.recount_day(timezone.localdate(now))}

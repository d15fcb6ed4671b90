"""Background tasks (django.tasks): the daily recount of overdue supervised items."""

from __future__ import annotations

from django.tasks import task

from unionwork.core import audit
from unionwork.documents import indicators


@task
def recount_overdue(now_iso: str = "") -> int:
    """A deadline passing makes items overdue with no action: recount the figure once a day."""
    with audit.acting_as(None, "task"):
        return indicators.rebuild_overdue()

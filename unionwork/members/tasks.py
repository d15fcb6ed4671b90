"""The members' daily job: released members not accepted in time become floating members."""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from unionwork.core import audit
from unionwork.members import actions


@task
def hand_over_floating(now_iso: str = "") -> int:
    """Hand released members over to their street union after the hand-over time (idempotent)."""
    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit.acting_as(None, "task"):
        return actions.hand_over_floating(
            timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
        )

"""The daily job of union building: grades past their validity period move to ``expired``."""

from __future__ import annotations

import datetime

from django.tasks import task
from django.utils import timezone

from unionwork.core import audit


@task
def expire_grades(now_iso: str = "") -> int:
    from unionwork.building import actions

    today = timezone.localdate(datetime.datetime.fromisoformat(now_iso)) if now_iso else timezone.localdate()
    with audit.acting_as(None, "task:building.expire_grades"):
        return actions.expire_grades(today)

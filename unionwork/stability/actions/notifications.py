"""Notifications to users inside the platform: reading them is the user's own business."""

from __future__ import annotations

from django.utils import timezone

from unionwork.stability.models import Notification


def mark_read(user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; returns how many."""
    qs = Notification.objects.filter(user=user, read_at=None)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())

"""Shared helpers of the stability tests: acting users, a quick incident, fixed times."""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.stability import actions

__all__ = ["as_user", "at", "demo_user", "make_user", "new_incident", "unit"]


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


def at(*args) -> datetime.datetime:
    """An aware local time: at(2026, 4, 5, 17, 0)."""
    return timezone.make_aware(datetime.datetime(*args))


def new_incident(user, org, *, severity="general", learned_at=None, now=None, concealed=False, **kw):
    now = now or timezone.now()
    fields = (
        dict(
            kind="wage_arrears",
            severity=severity,
            enterprise_name="大连测试演示机械有限公司",
            description="拖欠工资",
            learned_at=learned_at or now - datetime.timedelta(hours=1),
            workers_involved=10,
            now=now,
        )
        | kw
    )
    with as_user(user):
        if concealed:
            return actions.record_concealed_incident(user, org, **fields)
        return actions.report_incident(user, org, **fields)

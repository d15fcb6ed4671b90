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


# Names that mark 中山区's records in a page of 甘井子区's user (scope tests).
ZS_MARKERS = ["大连中山范围测试有限公司", "中山区情况", "中山某某", "中山组长"]


def zs_records() -> dict:
    """One record of each stability kind in 中山区, for the scope tests (names in ZS_MARKERS)."""
    zs = demo_user("zs_admin")
    incident = new_incident(zs, unit("210202001"), enterprise_name="大连中山范围测试有限公司")
    with as_user(zs):
        report = actions.file_report(
            zs,
            unit("210202"),
            "monthly",
            datetime.date(2026, 3, 1),
            summary="中山区情况",
            now=at(2026, 4, 1, 9, 0),
        )
        petition = actions.register_petition(
            zs,
            unit("210202001"),
            channel="visit",
            received_on=datetime.date(2026, 3, 2),
            petitioner="中山某某",
            kind="other",
            request="诉求",
        )
        day = actions.schedule_reception(
            zs, unit("210202"), date=datetime.date(2026, 3, 3), host="主席", place="中山"
        )
        response = actions.start_emergency_response(zs, incident, commander="主席", first_entry="到场")
        member = actions.add_group_member(
            zs, unit("210202"), name="中山组长", position="主席", group_role="leader", duties="全面"
        )
    return {
        "incident": incident,
        "case": incident.case,
        "report": report,
        "petition": petition,
        "day": day,
        "response": response,
        "member": member,
    }

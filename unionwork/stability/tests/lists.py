"""Rows for the stability list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

import datetime

from unionwork.stability import actions

from .helpers import as_user, demo_user, new_incident, unit

DAY = datetime.date(2026, 3, 2)


def incidents(n: int) -> None:
    """Incidents, each with its case."""
    gjz = demo_user("gjz_admin")
    for i in range(n):
        new_incident(gjz, unit("210211001"), enterprise_name=f"大连列表测试{i}有限公司")


def petitions(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):
            actions.register_petition(
                gjz,
                unit("210211001"),
                channel="visit",
                received_on=DAY,
                petitioner=f"来访人{i}",
                kind="other",
                request="诉求",
                open_as_case=False,
            )


def receptions(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):
            actions.schedule_reception(
                gjz, unit("210211"), date=DAY + datetime.timedelta(days=i), host="主席", place="会议室"
            )


def accountability(n: int) -> None:
    city = demo_user("city_admin")
    with as_user(city):
        for i in range(n):
            actions.record_accountability(
                city,
                unit("210211"),
                kind="criticism",
                decided_on=DAY,
                reason=f"迟报{i}",
                missed=[("monthly", datetime.date(2026, 1, 1))],
            )


def reports(n: int) -> None:
    """Monthly reports of 甘井子区 for months long past (one per unit and period): the demo's
    reports are those of the last few periods, fewer at the start of a month."""
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):
            actions.file_report(
                gjz,
                unit("210211"),
                "monthly",
                datetime.date(2019 + i // 12, 1 + i % 12, 1),
                summary=f"列表测试{i}",
            )


ROWS = {
    "stability:report-list": reports,
    "stability:incident-list": incidents,
    "stability:case-list": incidents,
    "stability:petition-list": petitions,
    "stability:reception-list": receptions,
    "stability:accountability-list": accountability,
}

"""Rows for the visits list pages, for the query-count test (core/tests/test_list_queries.py)."""

import datetime

from django.utils import timezone

from unionwork.visits import actions

from .helpers import as_user, demo_user, enterprise_in, unit, visit


def campaigns(n: int) -> None:
    gjz = demo_user("gjz_admin")
    day = datetime.date(2026, 1, 1)
    with as_user(gjz):
        for i in range(n):
            c = actions.set_campaign(
                gjz,
                unit("210211"),
                name=f"列表测试活动{i}",
                starts_on=day,
                ends_on=day,
                enterprises_per_month=1,
                households_per_month=1,
            )
            actions.pair(gjz, c, cadre=gjz, enterprises=[enterprise_in("210211")])


def visits(n: int) -> None:
    gjz = demo_user("gjz_admin")
    for i in range(n):
        visit(
            gjz,
            kind="household" if i % 2 else "enterprise",
            enterprise=enterprise_in("210211"),
            household_name=f"列表{i}",
        )


def deeds(n: int) -> None:
    gjz = demo_user("gjz_admin")
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "demand", "severity": 1, "text": "诉求"}],
    )
    f = v.findings.get()
    with as_user(gjz):
        for i in range(n):
            actions.promise_deed(
                gjz, f, title=f"列表实事{i}", owner=demo_user("gjz_editor"), promised_on=timezone.localdate()
            )


def reports(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for _i in range(n):
            actions.draft_report(
                gjz, unit("210211"), period_start=datetime.date(2026, 1, 1), period_end=timezone.localdate()
            )


def findings(n: int) -> None:
    gjz = demo_user("gjz_admin")
    visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "operations", "severity": 1, "text": f"列表发现{i}"} for i in range(n)],
    )


ROWS = {
    "visits:finding-list": findings,
    "visits:campaign-list": campaigns,
    "visits:visit-list": visits,
    "visits:deed-list": deeds,
    "visits:report-list": reports,
}

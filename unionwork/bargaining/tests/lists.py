"""Rows for the bargaining list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

from unionwork.bargaining import actions
from unionwork.core import audit
from unionwork.core.tests.factories import unit


def instructors(n: int) -> None:
    with audit.acting_as(None, "test"):
        for i in range(n):
            actions.add_instructor(None, unit("210211"), name=f"列表测试指导员{i}", employer="演示单位")


def rounds(n: int) -> None:
    import datetime

    with audit.acting_as(None, "test"):
        for i in range(n):
            actions.open_round(
                None,
                unit("210211"),
                subject=f"列表测试协商{i}",
                level="regional",
                offered_on=datetime.date(2026, 3, 2),
            )


def meetings(n: int) -> None:
    import datetime

    with audit.acting_as(None, "test"):
        for i in range(n):
            actions.record_tripartite(
                None,
                unit("210211"),
                held_on=datetime.date(2026, 3, 2),
                government_party="人社局",
                employer_party="工商联",
                union_party="总工会",
                topics=f"列表测试议题{i}",
            )


ROWS = {
    "bargaining:instructor-list": instructors,
    "bargaining:round-list": rounds,
    "bargaining:tripartite-list": meetings,
}

"""Rows for the bargaining list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

from unionwork.bargaining import actions
from unionwork.core import audit
from unionwork.core.tests.factories import unit


def instructors(n: int) -> None:
    with audit.acting_as(None, "test"):
        for i in range(n):
            actions.add_instructor(None, unit("210211"), name=f"列表测试指导员{i}", employer="演示单位")


ROWS = {"bargaining:instructor-list": instructors}

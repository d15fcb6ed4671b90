"""Rows for the documents list pages, for the query-count test (core/tests/test_list_queries.py)."""

import datetime

from unionwork.core import audit
from unionwork.core.tests.factories import unit
from unionwork.documents import actions

from .helpers import draft, issue, series


def documents(n: int) -> None:
    with audit.acting_as(None, "test"):
        for i in range(n):
            draft(title=f"列表测试公文{i}")


def receipts(n: int) -> None:
    with audit.acting_as(None, "test"):
        for _i in range(max(1, n // 10)):
            issue(draft(title="列表测试分发"))


def all_series(n: int) -> None:
    with audit.acting_as(None, "test"):
        for i in range(n):
            series(unit("2102"), f"列测{chr(0x4E00 + 7 * i)}发")


def items(n: int) -> None:
    with audit.acting_as(None, "test"):
        doc = issue(draft(title="列表测试督办"))
        for i in range(n):
            actions.add_item(None, doc, title=f"列表测试事项{i}", deadline=datetime.date(2026, 12, 31))


ROWS = {
    "documents:list": documents,
    "documents:inbox": receipts,
    "documents:series": all_series,
    "documents:items": items,
}

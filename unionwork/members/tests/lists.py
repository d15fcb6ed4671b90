"""Rows for the members' list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

from unionwork.core import audit
from unionwork.members import actions

from .helpers import register


def transits(n: int) -> None:
    """Members of 甘井子区 released (in transit)."""
    with audit.acting_as(None, "test"):
        for m in register("G0001", n):
            actions.release_member(None, m, note="列表测试")


ROWS = {"members:transits": transits}

"""Rows for core's list pages, for the query-count test (core/tests/test_list_queries.py) when
the demo data holds too few."""


def security_events(n: int) -> None:
    from unionwork.core import security

    for i in range(n):
        security.record("login_failed", username=f"nobody{i}", reason="test")


ROWS = {"core:security-events": security_events}

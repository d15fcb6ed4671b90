"""Rows for the accounts list, for the query-count test (core/tests/test_list_queries.py)."""


def accounts(n: int) -> None:
    from unionwork.core.tests.factories import make_user

    for i in range(n):
        make_user(f"list_rows_{i}", "210211", ["viewer"])


ROWS = {"accounts:list": accounts}

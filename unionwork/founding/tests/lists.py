"""Rows for the founding list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

import datetime


def submissions(n: int) -> None:
    """Pending foundings recorded by 甘井子区's clerk, each for a new enterprise."""
    from unionwork.core import audit
    from unionwork.core.tests.factories import demo_user
    from unionwork.founding import actions
    from unionwork.founding.models import FoundingRule

    from .factories import communities, enterprise

    rule = FoundingRule.current()
    if not rule.confirmation_required:
        FoundingRule.objects.filter(pk=rule.pk).update(confirmation_required=True)
    clerk = demo_user("gjz_editor")
    community = communities("210211", 1)[0]
    with audit.acting_as(clerk, "test"):
        for _ in range(n):
            e = enterprise(community, employees=60, user=clerk)
            actions.record_founding(
                clerk, enterprises=[e], founded_on=datetime.date(2025, 3, 1), chairman_name="王演示"
            )


ROWS = {"founding:submissions": submissions}

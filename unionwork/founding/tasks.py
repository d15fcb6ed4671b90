"""Background tasks of founding: the kept founding figures recounted after a change of the rule."""

import datetime

from django.tasks import task

from unionwork.core import audit


@task
def recount_founding_figures(asked_iso: str) -> str:
    """Recount this month's founding figures under the rule as it stands now (a large register's
    recount, off the request that changed the rule)."""
    from unionwork.founding import actions

    with audit.acting_as(None, "task"):
        actions.recount_for_rule(datetime.datetime.fromisoformat(asked_iso))
    return "done"

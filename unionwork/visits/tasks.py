"""The daily job: deeds past their promised date join the deeds due of ``visits.deeds_on_time``."""

from django.tasks import task


@task
def count_overdue_deeds() -> int:
    from unionwork.visits import actions

    return actions.count_overdue_deeds()

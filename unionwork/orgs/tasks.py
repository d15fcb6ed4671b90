"""Background tasks of the tree: a large re-zoning runs here, off the request, with progress."""

from django.tasks import task

from unionwork.core import audit


@task
def run_rezoning(rezoning_id: int) -> str:
    from unionwork.orgs import actions

    with audit.acting_as(None, "task"):
        return actions.run_rezoning(rezoning_id).status

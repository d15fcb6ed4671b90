"""Background tasks of the core: imports run here, off the request (Django's tasks framework)."""

from __future__ import annotations

from django.tasks import task

from unionwork.core import audit
from unionwork.core.models import ImportJob


@task
def process_import(job_id: int) -> str:
    """Check and write one uploaded import job as its uploader; return its final status."""
    from unionwork.core.imports.engine import run_import

    job = ImportJob.objects.select_related("user__org").get(pk=job_id)
    with audit.acting_as(job.user, "import"):
        run_import(job)
    return job.status


@task
def send_deadline_reminders(now_iso: str | None = None) -> dict:
    """Every module's deadline reminders due today, as notices (see core.notifications)."""
    import datetime

    from django.utils import timezone

    from unionwork.core import notifications

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    with audit.acting_as(None, "task"):
        return notifications.send_reminders(timezone.localdate(now))


@task
def purge_import_files(now_iso: str | None = None) -> int:
    """Delete uploaded and error files of imports older than ``UNIONWORK_IMPORT_FILE_DAYS``."""
    from unionwork.core.imports.jobs import purge_expired

    return purge_expired()


@task
def purge_security_events(now_iso: str | None = None) -> int:
    """Delete security events older than ``UNIONWORK_SECURITY_EVENT_DAYS`` (never under 180 days)."""
    import datetime

    from unionwork.core import security

    return security.purge(datetime.datetime.fromisoformat(now_iso) if now_iso else None)

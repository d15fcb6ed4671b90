"""Background tasks of the core: imports run here, off the request (Django's tasks framework)."""

from __future__ import annotations

import logging

from django.tasks import task

from unionwork.core import audit
from unionwork.core.models import ImportJob

logger = logging.getLogger(__name__)


def in_caller_transaction() -> bool:
    """Whether the code runs inside a transaction someone opened around it (a test, a command, an
    action calling another). Long work that would go to a background task is then done in place:
    the task would not see the rows not yet committed (a re-zoning, a founding rule's recount)."""
    from django.db import transaction

    return transaction.get_connection().in_atomic_block


@task
def process_import(job_id: int) -> str:
    """Check and write one uploaded import job as its uploader; return its final status.

    Jobs a dead worker left running are recovered first. Then the job runs in a child process
    with a capped address space (``UNIONWORK_IMPORT_MAX_MEMORY_MB``): a crash, an abort or a
    kill of that process ends only this job, marked failed with a message, and the worker goes on
    to the next one. Inside a transaction (tests) or without fork it runs in this process.
    """
    from unionwork.core.imports import engine

    with audit.acting_as(None, "task"):
        engine.recover_stale()
    if _may_isolate():
        _run_isolated(job_id)
        return ImportJob.objects.values_list("status", flat=True).get(pk=job_id)
    return _run_here(job_id)


def _run_here(job_id: int) -> str:
    from unionwork.core.imports.engine import run_import

    job = ImportJob.objects.select_related("user__org").get(pk=job_id)
    with audit.acting_as(job.user, "import"):
        run_import(job)
    return job.status


def _may_isolate() -> bool:
    import multiprocessing

    from django.conf import settings
    from django.db import connections

    default = connections["default"]
    return (
        getattr(settings, "UNIONWORK_IMPORT_ISOLATE", True)
        and "fork" in multiprocessing.get_all_start_methods()
        and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
        # an in-memory SQLite database (tests) is not shared with a child process
        and not (default.vendor == "sqlite" and default.is_in_memory_db())
    )


def _cap_memory() -> None:
    """Cap this process's address space at its present size plus UNIONWORK_IMPORT_MAX_MEMORY_MB."""
    import os
    import resource

    from django.conf import settings

    extra = int(getattr(settings, "UNIONWORK_IMPORT_MAX_MEMORY_MB", 2048)) * 1024 * 1024
    if extra <= 0:
        return
    try:
        with open("/proc/self/statm") as fh:
            present = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (present + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (OSError, ValueError):  # no /proc or a lower hard limit: run without the cap
        pass


def _child(job_id: int) -> None:
    from django.db import connections

    _cap_memory()
    try:
        _run_here(job_id)
    finally:
        connections.close_all()  # multiprocessing ends the child with os._exit: say goodbye first


def _run_isolated(job_id: int) -> None:
    import multiprocessing

    from django.db import DatabaseError, connections
    from django.utils import timezone

    from unionwork.core.imports import engine

    connections.close_all()  # the child opens its own connection
    process = multiprocessing.get_context("fork").Process(target=_child, args=(job_id,))
    process.start()
    while process.exitcode is None:
        process.join(timeout=30)
        try:  # this worker is alive: the job is not stale while its child works
            ImportJob.objects.filter(pk=job_id, status__in=engine.RUNNING).update(heartbeat_at=timezone.now())
        except DatabaseError:  # SQLite while the child writes: the lock is the child's
            pass
    if process.exitcode != 0:  # killed, aborted or raised: the job, if unfinished, failed
        if process.exitcode < 0:
            logger.error("import job %s: its process ended by signal %s", job_id, -process.exitcode)
        with audit.acting_as(None, "task"):
            engine.mark_interrupted(job_id)


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
def process_export(job_id: int) -> str:
    """Write one queued export as the user who asked for it (core.export_jobs); its final status."""
    from unionwork.core import export_jobs
    from unionwork.core.models import ExportJob

    with audit.acting_as(None, "task"):
        export_jobs.recover_stale()
    job = ExportJob.objects.select_related("user__org").get(pk=job_id)
    if job.finished:
        return job.status
    with audit.acting_as(job.user, "export"):
        export_jobs.run_export(job)
    return job.status


@task
def purge_export_files(now_iso: str | None = None) -> int:
    """Delete the files of exports older than ``UNIONWORK_EXPORT_FILE_DAYS``."""
    import datetime

    from unionwork.core import export_jobs

    return export_jobs.purge_expired(datetime.datetime.fromisoformat(now_iso) if now_iso else None)


@task
def purge_security_events(now_iso: str | None = None) -> int:
    """Delete security events older than ``UNIONWORK_SECURITY_EVENT_DAYS`` (never under 180 days)."""
    import datetime

    from unionwork.core import security

    return security.purge(datetime.datetime.fromisoformat(now_iso) if now_iso else None)


@task
def recover_exports(now_iso: str | None = None) -> int:
    """Exports left running by a stopped worker, marked failed (see export_jobs.recover_stale)."""
    import datetime

    from unionwork.core import export_jobs

    with audit.acting_as(None, "task"):
        return export_jobs.recover_stale(datetime.datetime.fromisoformat(now_iso) if now_iso else None)


@task
def recover_imports(now_iso: str | None = None) -> int:
    """Import jobs left checking or writing by a dead worker, marked failed (see engine.recover_stale)."""
    from unionwork.core.imports.engine import recover_stale

    with audit.acting_as(None, "task"):
        return recover_stale()

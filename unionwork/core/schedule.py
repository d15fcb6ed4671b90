"""Daily and hourly jobs, enqueued on the platform's own task queue by ``manage.py scheduler``.

django-tasks-db's ``db_worker`` runs tasks but schedules nothing. A small scheduler process,
started by ``make run`` beside the worker, checks once a minute which jobs are due and enqueues
them. Each job runs once per slot (a local day, or a local hour for hourly jobs): the slot is claimed by inserting a
:class:`~unionwork.core.models.ScheduledRun` row under a unique constraint, in the same
transaction as the enqueue, so two schedulers, a restart or a second ``--once`` enqueue nothing
twice (see docs/engineering.md for why not a task that re-enqueues itself).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from unionwork.core.models import ScheduledRun


@dataclass
class Job:
    key: str
    task: object  # a django.tasks Task taking the run time as an ISO string
    at: datetime.time = datetime.time(7, 0)
    hourly: bool = False

    def slot(self, local: datetime.datetime) -> str:
        return local.strftime("%Y-%m-%dT%H") if self.hourly else local.date().isoformat()


_JOBS: dict[str, Job] = {}


def register_daily(key: str, task, at: datetime.time = datetime.time(7, 0)) -> Job:
    """Run ``task(now_iso)`` once a day, at or after ``at`` local time."""
    _JOBS[key] = job = Job(key, task, at)
    return job


def register_hourly(key: str, task) -> Job:
    """Run ``task(now_iso)`` once every local hour."""
    _JOBS[key] = job = Job(key, task, datetime.time(0, 0), hourly=True)
    return job


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: (j.at, j.key))


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job due now whose slot nobody has claimed yet; return their keys."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    started = []
    for job in jobs():
        if local.time() < job.at:
            continue
        slot = job.slot(local)
        if ScheduledRun.objects.filter(job=job.key, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.key, slot=slot)
                result = job.task.enqueue(now.isoformat())
                run.task_id = str(getattr(result, "id", ""))[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler claimed the slot first
        started.append(job.key)
    return started

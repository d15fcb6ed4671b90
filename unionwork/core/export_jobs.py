"""Exports as a user meets them: a small list downloads at once, a large one is written by the worker.

A list page's "导出 Excel" (``?export=xlsx``) asks :func:`respond`. Up to
``UNIONWORK_EXPORT_INLINE_ROWS`` rows (5,000 by default; counted no further than that) the file is
written inside the request, as before. Past that, writing it would hold a web worker for seconds
or minutes (two million members take about two minutes), so :func:`start_export` records an
:class:`~unionwork.core.models.ExportJob` and queues :func:`unionwork.core.tasks.process_export`;
the user is sent to the job's page, which shows the rows written as they grow and the download
when the file is there (and a notice says so).

The worker does not trust what the request saw: :func:`run_export` builds the list again from
its URL and query string *as the user who asked* (:func:`spec_for`), so scope, role and filters
are those of the list page at the moment the file is written, through the same
``ScopedListView.export_spec`` the inline download uses. The file is encrypted at rest
(:mod:`unionwork.core.crypto`); only the user who asked downloads it (404 for anyone else, as for a
record outside the scope); :func:`purge_expired` deletes files older than
``UNIONWORK_EXPORT_FILE_DAYS``.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from unionwork.core import crypto, exports
from unionwork.core.models import ExportJob, lost_worker

logger = logging.getLogger(__name__)

PROGRESS_EVERY = exports.CHUNK_SIZE  # rows between two progress writes
# Query parameters that are not the list's: the export switch and the page shown.
NOT_THE_LIST = ("export", "page")
# A click on a list whose export the user queued this recently returns that job; an older one
# still unfinished (a worker stopped with it) does not block a new export.
SAME_JOB_WINDOW = datetime.timedelta(minutes=15)


@dataclass
class ExportSpec:
    """What an export writes: the file's name, its title row, its columns and its rows.

    ``prepare`` is called on the rows just before they are written (the export with full ID
    numbers audits the members it shows there); ``max_rows`` refuses a larger export with a
    message instead of writing it.
    """

    filename: str
    title: str
    columns: Sequence[exports.ColumnSpec]
    rows: Iterable[Any]
    prepare: Callable[[Iterable[Any]], Iterable[Any]] | None = None
    max_rows: int | None = None
    max_rows_message: str = ""

    def rows_to_write(self) -> Iterable[Any]:
        return self.prepare(self.rows) if self.prepare else self.rows


def inline_rows() -> int:
    return int(getattr(settings, "UNIONWORK_EXPORT_INLINE_ROWS", 5000))


def count_upto(rows: Iterable[Any], limit: int) -> int:
    """How many rows there are, counted no further than ``limit`` (keys only, unsorted)."""
    if isinstance(rows, QuerySet):
        return rows.order_by().values_list("pk", flat=True)[:limit].count()
    return min(len(rows), limit)  # a list or tuple


def respond(request, view):
    """The response to ``?export=xlsx`` on a list page: the file, or the page of a queued job."""
    spec = view.export_spec()
    limit = inline_rows()
    if count_upto(spec.rows, limit + 1) <= limit:
        return exports.xlsx_response(spec.filename, spec.title, spec.columns, spec.rows_to_write())
    job = start_export(request, spec)
    return redirect("core:export-job", pk=job.pk)


def list_query(request) -> str:
    """The list's own query string: its filters and sort, without the export switch and page."""
    query = request.GET.copy()
    for name in NOT_THE_LIST:
        query.pop(name, None)
    return query.urlencode()


def start_export(request, spec: ExportSpec) -> ExportJob:
    """Queue the export of the list ``request`` shows (its filters, its sort and any switch such
    as ``pii``; not its page); a job the user queued for the same list in the last
    ``SAME_JOB_WINDOW`` and still unfinished is returned instead of a second one (a double click)."""
    from unionwork.core import tasks

    user = request.user
    query = list_query(request)
    same = ExportJob.objects.filter(
        user=user,
        path=request.path,
        query=query,
        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING],
        created_at__gte=timezone.now() - SAME_JOB_WINDOW,
    ).first()
    if same is not None:
        return same
    job = ExportJob.objects.create(
        user=user,
        org_path=getattr(user, "org_path", "") or "",
        title=str(spec.title)[:200],
        filename=str(spec.filename)[:255],
        path=request.path,
        query=query,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    tasks.process_export.enqueue(job.pk)
    return job


def spec_for(job: ExportJob) -> ExportSpec:
    """The export of the job's list, built again as the job's user (their scope and roles now)."""
    try:
        match = resolve(job.path)
    except Resolver404:
        raise ExportGone(_("导出的列表已不存在。")) from None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not hasattr(view_class, "export_spec"):
        raise ExportGone(_("该页面不能导出。"))
    request = RequestFactory().get(job.path + ("?" + job.query if job.query else ""))
    request.user = job.user
    view = view_class(**match.func.view_initkwargs)
    view.setup(request, *match.args, **match.kwargs)
    return view.export_spec()


class ExportGone(Exception):
    """The export cannot be written any more (the list or the user's access is gone)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def run_export(job: ExportJob) -> None:
    """Write the job's file as its user; record progress, the outcome and a notice."""
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _write(job)
        except ExportGone as exc:
            _finish(job, ExportJob.Status.FAILED, exc.message)
        except (PermissionDenied, Http404):
            _finish(job, ExportJob.Status.FAILED, _("您的账号已无权导出此列表，导出未生成。"))
        except Exception:
            logger.exception("export job %s failed", job.pk)
            _finish(job, ExportJob.Status.FAILED, _("生成文件时出错，请稍后重试；如仍失败，请联系管理员。"))
        _notify(job)


def _write(job: ExportJob) -> None:
    if not job.user.is_active:
        raise ExportGone(_("账号已停用，导出未生成。"))
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, heartbeat_at=timezone.now())
    job.status = ExportJob.Status.RUNNING
    spec = spec_for(job)
    total = count_upto(spec.rows, 10**9)
    job.total_rows = total
    ExportJob.objects.filter(pk=job.pk).update(total_rows=total)
    if spec.max_rows is not None and total > spec.max_rows:
        raise ExportGone(spec.max_rows_message or _("导出行数超过上限，请先筛选后再导出。"))

    def progress(written: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(written_rows=written, heartbeat_at=timezone.now())

    with tempfile.TemporaryFile(prefix="uw-export-") as plain:
        written = exports.write_xlsx(
            plain, spec.title, spec.columns, spec.rows_to_write(), progress=progress, every=PROGRESS_EVERY
        )
        plain.seek(0)
        with crypto.encrypted_copy(plain) as sealed:
            job.file.save(f"export-{job.pk}.xlsx.enc", File(sealed), save=False)
    job.written_rows = written
    job.total_rows = max(total, written)
    _finish(job, ExportJob.Status.DONE, _("共导出 %(n)s 行。") % {"n": f"{written:,}"})


def _finish(job: ExportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save()


def stale_minutes() -> int:
    return int(getattr(settings, "UNIONWORK_EXPORT_STALE_MINUTES", 15))


def recover_stale(now: datetime.datetime | None = None) -> int:
    """Exports left running by a worker that stopped (no progress for
    ``UNIONWORK_EXPORT_STALE_MINUTES``): marked failed, and their users told to export again.
    Queued ones are left alone: they wait for a worker, they did not lose one."""
    stale = lost_worker(ExportJob, [ExportJob.Status.RUNNING], stale_minutes(), now)
    n = 0
    for job in stale.select_related("user"):
        with translation.override(job.language or settings.LANGUAGE_CODE):
            _finish(
                job, ExportJob.Status.FAILED, _("后台任务在生成文件时中断，导出未完成；请回到列表重新导出。")
            )
            _notify(job)
        n += 1
    return n


def _notify(job: ExportJob) -> None:
    from unionwork.core import notifications

    done = job.status == ExportJob.Status.DONE
    notifications.notify(
        [job.user],
        source="exports",
        key=f"export-{job.pk}",
        title=(_("导出文件已生成：%(f)s") if done else _("导出未能生成：%(f)s")) % {"f": job.filename},
        body=job.message,
        url=reverse("core:export-job", args=[job.pk]),
    )


def job_for(user, pk: int) -> ExportJob:
    """The user's own export job (Http404 for anyone else's: it may hold what they may not see)."""
    job = ExportJob.objects.restrict(user).filter(user=user, pk=pk).first()
    if job is None:
        raise Http404
    return job


LIST_SHOWN = 100  # the newest of a user's exports "我的导出" shows


def keep_days() -> int:
    """How many days an export's file is kept (``UNIONWORK_EXPORT_FILE_DAYS``)."""
    return int(getattr(settings, "UNIONWORK_EXPORT_FILE_DAYS", 7))


def _limits() -> dict:
    """What the export pages tell of the settings: the inline limit and how long files are kept."""
    return {"inline": inline_rows(), "keep_days": keep_days()}


def list_context(user) -> dict:
    """ "我的导出": the user's own export jobs, newest first (their index: user, -id)."""
    jobs = list(ExportJob.objects.restrict(user).filter(user=user).order_by("-id")[: LIST_SHOWN + 1])
    return {"jobs": jobs[:LIST_SHOWN], "more": len(jobs) > LIST_SHOWN, "shown": LIST_SHOWN, **_limits()}


def page_context(job: ExportJob) -> dict:
    return {"job": job, **_limits()}


def open_file(user, pk: int) -> tuple[Iterator[bytes], str]:
    """The decrypted chunks of the user's finished export and its file name (Http404 otherwise)."""
    job = job_for(user, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    fh = job.file.open("rb")

    def chunks() -> Iterator[bytes]:
        try:
            yield from crypto.decrypt_chunks(fh)
        finally:
            fh.close()

    return chunks(), job.filename


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Delete the files of export jobs older than ``UNIONWORK_EXPORT_FILE_DAYS`` (7 by default)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days())
    n = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        job.files_purged_at = timezone.now()
        job.save(update_fields=["file", "files_purged_at"])
        n += 1
    return n

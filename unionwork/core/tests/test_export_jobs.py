"""Large exports are written by the worker as the user who asked: the same rows as the inline
download, their scope, their progress, their file for them alone, gone after its days."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from unionwork.core import export_jobs, exports
from unionwork.core.models import AuditEvent, ExportJob, Notice
from unionwork.members.models import Member

from .factories import demo_user
from .test_list_queries import list_routes

pytestmark = pytest.mark.django_db


def _sheet(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def _body(resp) -> bytes:
    return b"".join(resp.streaming_content) if resp.streaming else resp.content


def _export_in_background(client, url: str) -> ExportJob:
    resp = client.get(url)
    assert resp.status_code == 302, url
    job = ExportJob.objects.latest("pk")
    assert resp["Location"] == reverse("core:export-job", args=[job.pk])
    return job


@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_every_list_writes_the_same_file_in_the_worker_as_in_the_request(
    client, module_demos, settings, route
):
    """Each list's export, too large for the request (the limit set to 0 rows), is written by the
    worker with exactly the rows and cells of the download the request gives under the limit."""
    client.force_login(demo_user("city_admin"))
    url = "/" + route.route + "?export=xlsx"
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 10**6
    inline = client.get(url)
    assert inline.status_code == 200, url
    expected = _sheet(_body(inline))
    if len(expected) <= 2:  # a title and a header: no row, nothing is sent to the worker
        settings.UNIONWORK_EXPORT_INLINE_ROWS = 0
        assert client.get(url).status_code == 200
        return
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 0
    job = _export_in_background(client, url)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.message
    assert job.written_rows == job.total_rows == len(expected) - 2
    written = client.get(reverse("core:export-file", args=[job.pk]))
    assert written.status_code == 200
    assert _sheet(_body(written)) == expected


def test_a_districts_export_holds_its_district_and_is_its_users_alone(client, module_demos, settings):
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx&page=3&sort=-pk")
    job.refresh_from_db()
    assert job.query == "sort=-pk" and job.path == reverse("members:list")
    shown = Member.objects.restrict(admin).count()
    assert shown < Member.objects.count()
    assert job.status == ExportJob.Status.DONE and job.written_rows == shown
    page = client.get(reverse("core:export-job", args=[job.pk])).content.decode()
    assert 'data-testid="export-download"' in page and f"{shown:,}" in page
    rows = _sheet(_body(client.get(reverse("core:export-file", args=[job.pk]))))
    in_scope = set(Member.objects.restrict(admin).values_list("name", flat=True))
    assert len(rows) - 2 == shown and {r[0] for r in rows[2:]} <= in_scope
    # The file is encrypted where it is kept.
    with job.file.open("rb") as fh:
        assert not fh.read(4).startswith(b"PK")
    # A colleague of the same district, and another district's administrator, get nothing.
    for other in ("gjz_viewer", "zs_admin", "city_admin"):
        client.force_login(demo_user(other))
        for name in ("core:export-job", "core:export-progress", "core:export-file"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404, (other, name)
    notice = Notice.objects.get(user=admin, key=f"export-{job.pk}")
    assert notice.url == reverse("core:export-job", args=[job.pk]) and job.filename in notice.title


def test_the_worker_reads_the_list_as_the_user_is_when_it_runs(client, module_demos, settings):
    """Queued, then the user's account is disabled: the file is not written, and the page says why."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    assert job.status == ExportJob.Status.PENDING
    page = client.get(reverse("core:export-progress", args=[job.pk])).content.decode()
    assert "hx-trigger" in page and "排队中" in page
    # A second click on the same list, while it is queued, is the same job; a job left unfinished
    # long ago (a worker stopped with it) does not stand in the way of a new one.
    assert _export_in_background(client, reverse("members:list") + "?export=xlsx").pk == job.pk
    old = timezone.now() - export_jobs.SAME_JOB_WINDOW - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk=job.pk).update(created_at=old)
    newer = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    assert newer.pk != job.pk and newer.status == ExportJob.Status.PENDING
    admin.is_active = False
    admin.save()
    from unionwork.core.tasks import process_export

    assert process_export.call(job.pk) == ExportJob.Status.FAILED
    job.refresh_from_db()
    assert not job.file and "停用" in job.message


def test_progress_is_recorded_as_rows_are_written(module_demos, monkeypatch):
    seen = []
    buf = io.BytesIO()
    n = exports.write_xlsx(buf, "t", [("n", lambda r: r)], range(10), progress=seen.append, every=3)
    assert n == 10 and seen == [3, 6, 9]


def test_a_large_export_with_full_id_numbers_is_audited_once_and_bounded(
    client, module_demos, settings, monkeypatch
):
    from unionwork.members import actions, pii

    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    before = AuditEvent.objects.filter(verb="view_pii").count()
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx&pii=1")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and "pii=1" in job.query
    assert AuditEvent.objects.filter(verb="view_pii").count() == before + 1
    event = AuditEvent.objects.filter(verb="view_pii").latest("pk")
    assert event.actor_id == admin.pk and event.after["count"] == job.written_rows
    member = Member.objects.restrict(admin).order_by("pk").first()
    text = str(_sheet(_body(client.get(reverse("core:export-file", args=[job.pk])))))
    assert pii.decrypt(member.id_cipher, member.pii_key) in text
    # Past the bound: refused with a message that says what to do, nothing audited.
    monkeypatch.setattr(actions, "PII_EXPORT_MAX", 2)
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx&pii=1&sort=pk")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "最多 2 人" in job.message and not job.file
    assert AuditEvent.objects.filter(verb="view_pii").count() == before + 1
    # A viewer may not ask for it at all.
    client.force_login(demo_user("gjz_viewer"))
    assert client.get(reverse("members:list") + "?export=xlsx&pii=1").status_code == 403


def test_files_past_their_days_are_deleted(client, module_demos, settings):
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    client.force_login(demo_user("gjz_admin"))
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    job.refresh_from_db()
    name = job.file.name
    storage = job.file.storage
    assert storage.exists(name)
    assert export_jobs.purge_expired(timezone.now() + datetime.timedelta(days=6)) == 0
    assert export_jobs.purge_expired(timezone.now() + datetime.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert not job.file and job.files_purged_at and not storage.exists(name)
    assert client.get(reverse("core:export-file", args=[job.pk])).status_code == 404
    assert "已过保留期限" in client.get(reverse("core:export-job", args=[job.pk])).content.decode()


@pytest.mark.parametrize("username", ["gjz_admin", "gjz_editor", "gjz_reviewer", "gjz_viewer", "jx_admin"])
def test_every_role_exports_what_its_list_shows(client, module_demos, settings, username):
    """Each demo role, past the inline limit: its job page, its progress and its file answer, and
    the file holds the rows its member list holds, no more."""
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    user = demo_user(username)
    client.force_login(user)
    job = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.message
    for name in ("core:export-job", "core:export-progress"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 200
    rows = _sheet(_body(client.get(reverse("core:export-file", args=[job.pk]))))
    assert len(rows) - 2 == job.written_rows == Member.objects.restrict(user).count() > 1


def test_an_export_whose_worker_stopped_is_marked_failed_and_its_user_told(client, module_demos, settings):
    """A job left running without progress past UNIONWORK_EXPORT_STALE_MINUTES lost its worker:
    the hourly task marks it failed and its user gets a notice; a job still writing, and one
    still queued, are left alone."""
    from unionwork.core.tasks import recover_exports

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    stopped = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    writing = _export_in_background(client, reverse("members:list") + "?export=xlsx&sort=pk")
    queued = _export_in_background(client, reverse("members:list") + "?export=xlsx&sort=-pk")
    now = timezone.now()
    long_ago = now - datetime.timedelta(minutes=settings.UNIONWORK_EXPORT_STALE_MINUTES + 1)
    ExportJob.objects.filter(pk=stopped.pk).update(status=ExportJob.Status.RUNNING, heartbeat_at=long_ago)
    ExportJob.objects.filter(pk=writing.pk).update(
        status=ExportJob.Status.RUNNING, heartbeat_at=now - datetime.timedelta(minutes=1)
    )
    ExportJob.objects.filter(pk=queued.pk).update(created_at=long_ago)
    assert recover_exports.call() == 1
    states = dict(ExportJob.objects.filter(user=admin).values_list("pk", "status"))
    assert states[stopped.pk] == ExportJob.Status.FAILED
    assert states[writing.pk] == ExportJob.Status.RUNNING and states[queued.pk] == ExportJob.Status.PENDING
    stopped.refresh_from_db()
    assert "中断" in stopped.message and stopped.finished_at is not None
    notice = Notice.objects.get(user=admin, key=f"export-{stopped.pk}")
    assert "未能生成" in notice.title
    # The page says so and polls no more; a new click on that list queues a new job.
    page = client.get(reverse("core:export-progress", args=[stopped.pk])).content.decode()
    assert "重新导出" in page and "生成失败" in page and "hx-trigger" not in page
    assert recover_exports.call() == 0


def test_my_exports_lists_the_users_own_jobs_with_their_files(client, module_demos, settings):
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 1
    admin, other = demo_user("gjz_admin"), demo_user("gjz_viewer")
    client.force_login(other)
    theirs = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    client.force_login(admin)
    empty = client.get(reverse("core:exports")).content.decode()
    assert 'data-testid="export-list-empty"' in empty and theirs.title not in empty
    done = _export_in_background(client, reverse("members:list") + "?export=xlsx")
    failed = _export_in_background(client, reverse("members:list") + "?export=xlsx&sort=pk")
    ExportJob.objects.filter(pk=failed.pk).update(status=ExportJob.Status.FAILED, message="演示：失败原因")
    page = client.get(reverse("core:exports")).content.decode()
    assert page.count('data-testid="export-row"') == 2
    assert reverse("core:export-file", args=[done.pk]) in page
    assert reverse("core:export-file", args=[failed.pk]) not in page and "演示：失败原因" in page
    assert reverse("core:export-job", args=[theirs.pk]) not in page
    # The navigation bar leads there from every page.
    assert reverse("core:exports") in client.get(reverse("core:home"), follow=True).content.decode()

"""Hostile spreadsheets cannot take the platform down (issue 10, point 1).

Each hostile file is built here (small in the test's own memory) and read by ``open_sheet``, the
way an import job reads it, in a separate Python process (forked from one started for the module)
whose address space is capped at 1 GiB above its start; the process reports whether the file was refused, with which message, and
how much its peak resident memory grew while reading. The bound asserted is ``MEMORY_BOUND_MB``.
Before the limits, the far cell made calamine ask for 512 GiB (the capped process died), the zip
bomb inflated gigabytes and the .xls far cell, the long CSV line and the over-limit CSVs were read.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone

from unionwork.core import tasks
from unionwork.core.imports import engine
from unionwork.core.imports.testing import run_upload
from unionwork.core.models import ImportJob

from .factories import demo_user

MEMORY_BOUND_MB = 64  # growth of peak RSS while a hostile file is checked and refused

# One reader process per module, started once (``reader``): Django set up, calamine, openpyxl and the
# translation catalogues loaded. Each file is read in a child forked from it (a second or so of
# start-up saved per file), which caps its own address space, sets the test's limits and reports.
_READ = r"""
import json, os, resource, sys
import django
django.setup()
from django.conf import settings
from unionwork.core.imports.readers import ImportFileError, open_sheet

def hwm_kb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])

def warm_up():
    # Lazy imports, translation catalogues: what is measured is the hostile file's share.
    import io, openpyxl
    from django.utils.translation import gettext
    gettext("文件是空的，请检查后重新上传。")
    warm = io.BytesIO()
    openpyxl.Workbook().save(warm)
    for name, data in (("w.xlsx", warm), ("w.csv", io.BytesIO(b"a,b\n1,2\n"))):
        try:
            list(open_sheet(data, name).rows())
        except ImportFileError:
            pass

def read(request):
    with open("/proc/self/statm") as fh:
        present = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (present + (1 << 30), resource.RLIM_INFINITY))
    for name, value in request["limits"].items():
        setattr(settings, f"UNIONWORK_IMPORT_{name.upper()}", int(value))
    warm_up()
    before = hwm_kb()
    out = {"refused": False, "message": "", "rows": 0}
    try:
        with open(request["path"], "rb") as fh:
            sheet = open_sheet(fh, request["path"])
            for _row in sheet.rows():
                out["rows"] += 1
    except ImportFileError as exc:
        out["refused"], out["message"] = True, exc.message
    # VmHWM, not ru_maxrss: a forked child's ru_maxrss starts from its parent's peak; its VmHWM
    # starts from what it holds at the fork, and "before" is read after the warm-up anyway.
    out["grew_mb"] = (hwm_kb() - before) / 1024
    out["peak_mb"] = hwm_kb() / 1024
    with open(request["report"], "w") as fh:
        json.dump(out, fh)

warm_up()
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            err = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            os.dup2(err, 2)
            read(request)
            code = 0
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


@pytest.fixture(scope="module")
def reader():
    """The reader process of this module's files (see ``_READ``)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionwork.settings", "PYTHONPATH": str(settings.BASE_DIR)}
    env = {k: v for k, v in env.items() if not k.startswith("UNIONWORK_IMPORT_")}
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _READ], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    yield proc
    proc.stdin.close()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def read_capped(reader, path: Path, **limits: int) -> dict:
    """Read ``path`` as an import does, in a capped process; its report (see the module docstring)."""
    report, stderr = path.with_name(path.name + ".report"), path.with_name(path.name + ".stderr")
    request = {"path": str(path), "limits": limits, "report": str(report), "stderr": str(stderr)}
    reader.stdin.write(json.dumps(request) + "\n")
    reader.stdin.flush()
    ready, _w, _x = select.select([reader.stdout], [], [], 300)
    assert ready, "the reading process did not answer within 300 s"
    line = reader.stdout.readline()
    assert line, f"the reader process ended ({reader.poll()})"
    status = json.loads(line)["status"]
    errors = stderr.read_text() if stderr.exists() else ""
    assert status == 0, f"the reading process died ({status}): {errors[-2000:]}"
    report = json.loads(report.read_text())
    print(path.name, report)  # the figures of the closing note (pytest -s)
    return report


def assert_refused(report: dict, *words: str) -> None:
    assert report["refused"], report
    for word in words:
        assert word in report["message"], report["message"]
    assert report["grew_mb"] < MEMORY_BOUND_MB, report


# -- the files ---------------------------------------------------------------------------------


def far_cell_xlsx(path: Path) -> Path:
    """A tiny workbook whose one value besides the header is at XFD1048576."""
    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    book.active["XFD1048576"] = "x"
    book.save(path)
    return path


def rewrite_sheet(path: Path, edit) -> Path:
    """The workbook at ``path`` with its first sheet's XML passed through ``edit``."""
    src = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            zout.writestr(info, data)
    return path


def zip_bomb_xlsx(path: Path, gib: float = 1.5) -> Path:
    """A valid workbook whose sheet XML holds ``gib`` GiB of zeros in one cell, ~1 MB compressed."""
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
                continue
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            zout.compresslevel = 9
            with zout.open(member, "w", force_zip64=True) as out:
                out.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                )
                zeros = b"0" * (1 << 20)
                for _ in range(int(gib * 1024)):  # written in chunks: the test holds 1 MB of it
                    out.write(zeros)
                out.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


def far_cell_xls(path: Path) -> Path:
    """A compound file whose Workbook stream has a cell record at row 65536, column 16384."""
    biff = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)
    biff += struct.pack("<HH", 0x0203, 14) + struct.pack("<HHHd", 0xFFFF, 0x3FFF, 0, 1.0)
    biff += struct.pack("<HH", 0x003C, 4096) + b"\x00" * 4096  # above the mini-stream cutoff
    biff += struct.pack("<HH", 0x000A, 0)
    n = -(-len(biff) // 512)
    stream = biff.ljust(n * 512, b"\x00")
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i if i < n - 1 else end for i in range(n)]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    difat = [0] + [free] * 108
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *difat)
    )

    def entry(name: str, kind: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw) if name else 0, kind, 1)
            + struct.pack("<III", free, free, 2 if kind == 5 else free)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = (entry("Root Entry", 5, end, 0) + entry("Workbook", 2, 2, len(biff))).ljust(512, b"\x00")
    path.write_bytes(header + fat_sector + directory + stream)
    return path


# -- refused before reading, in bounded memory ------------------------------------------------


def test_a_far_cell_xlsx_is_refused_in_bounded_memory(tmp_path, reader):
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    assert path.stat().st_size < 10_000
    assert_refused(read_capped(reader, path), "1,048,576", "500,000", "请删除")


def test_a_declared_dimension_alone_is_refused(tmp_path, reader):
    path = tmp_path / "declared.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    book.save(path)
    rewrite_sheet(path, lambda xml: re.sub(rb"<dimension [^>]*>", b'<dimension ref="A1:XFD1048576"/>', xml))
    assert b"A1:XFD1048576" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert_refused(read_capped(reader, path), "1,048,576")


def test_a_lying_dimension_does_not_hide_the_far_cell(tmp_path, reader):
    path = far_cell_xlsx(tmp_path / "lying.xlsx")
    rewrite_sheet(path, lambda xml: xml.replace(b'ref="A1:XFD1048576"', b'ref="A1:B2"'))
    sheet_xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert b'ref="A1:B2"' in sheet_xml and b'r="XFD1048576"' in sheet_xml
    assert_refused(read_capped(reader, path), "1,048,576")


def test_a_far_column_alone_is_refused(tmp_path, reader):
    book = openpyxl.Workbook()
    book.active["A1"], book.active["XFD1"] = "姓名", "x"
    book.save(tmp_path / "wide.xlsx")
    assert_refused(read_capped(reader, tmp_path / "wide.xlsx"), "16,384", "200 列")


def test_a_zip_bomb_xlsx_is_refused_in_bounded_memory(tmp_path, reader):
    path = zip_bomb_xlsx(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 3 * 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(path).infolist()) > 1.5 * (1 << 30)
    assert_refused(read_capped(reader, path), "解压后", "512.0 MB")


def test_a_zip_bomb_under_the_size_limit_is_refused_for_its_ratio(tmp_path, reader):
    path = zip_bomb_xlsx(tmp_path / "ratio.xlsx", gib=0.25)
    assert_refused(read_capped(reader, path), "压缩比异常")


def test_an_xls_with_a_far_cell_is_refused(tmp_path, reader):
    path = far_cell_xls(tmp_path / "far.xls")
    assert_refused(read_capped(reader, path), "16,384", "200 列")


def test_an_xls_over_the_byte_limit_is_refused(tmp_path, reader):
    path = far_cell_xls(tmp_path / "big.xls")
    assert_refused(read_capped(reader, path, max_file_bytes=4096), "文件大小", "超过上限")


def test_a_csv_over_the_row_limit_is_refused(tmp_path, reader):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"name,phone\n" + b"a,1\n" * 600_000)
    assert_refused(read_capped(reader, path), "500,000")


def test_a_csv_over_the_column_limit_is_refused(tmp_path, reader):
    path = tmp_path / "cols.csv"
    path.write_bytes(",".join(f"c{i}" for i in range(300)).encode() + b"\n1,2\n")
    assert_refused(read_capped(reader, path), "300", "200 列")


def test_a_csv_of_one_endless_line_is_refused_in_bounded_memory(tmp_path, reader):
    path = tmp_path / "line.csv"
    with path.open("wb") as fh:
        for _ in range(64):
            fh.write(b"," * (1 << 20))
    assert_refused(read_capped(reader, path), "字节")


def test_a_csv_over_the_byte_limit_is_refused(tmp_path, reader):
    path = tmp_path / "bytes.csv"
    path.write_bytes(b"name,phone\n" + b"a,1\n" * 3000)
    assert_refused(read_capped(reader, path, max_file_bytes=10_000), "文件大小", "超过上限")


def test_an_ordinary_file_is_still_read(tmp_path, reader):
    book = openpyxl.Workbook()
    for i in range(2000):
        book.active.append([f"姓名{i}", "13800000000", "2020-01-01"])
    book.save(tmp_path / "ok.xlsx")
    report = read_capped(reader, tmp_path / "ok.xlsx")
    assert not report["refused"] and report["rows"] == 2000


# -- the jobs ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hostile_upload_fails_its_job_with_the_message_and_its_file_is_deleted(tmp_path):
    user = demo_user("gjz_admin")
    job = run_upload(user, "members.roster", far_cell_xlsx(tmp_path / "far.xlsx").read_bytes(), "名册.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert "1,048,576" in job.message and "请删除" in job.message
    assert not job.file


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_process_dies_is_failed_and_the_next_job_runs(tmp_path, seeded, monkeypatch):
    user = demo_user("gjz_admin")
    content = far_cell_xlsx(tmp_path / "far.xlsx").read_bytes()
    real_may_isolate = tasks._may_isolate
    monkeypatch.setattr(tasks, "_may_isolate", lambda: True)
    # The child process is killed outright (as the kernel's OOM killer or an abort would).
    monkeypatch.setattr(tasks, "_child", lambda job_id: os.kill(os.getpid(), signal.SIGKILL))
    killed = run_upload(user, "members.roster", content, "名册.xlsx")
    assert killed.status == ImportJob.Status.ERROR
    assert "处理中断" in killed.message and "重新上传" in killed.message
    assert killed.errors and "处理中断" in killed.errors[0]["message"]
    assert killed.finished_at is not None and not killed.file

    monkeypatch.setattr(tasks, "_may_isolate", real_may_isolate)
    monkeypatch.undo()
    following = run_upload(user, "members.roster", content, "名册.xlsx")
    assert following.status == ImportJob.Status.FAILED  # it ran to its end: refused for its size
    assert "1,048,576" in following.message


@pytest.mark.django_db(transaction=True)
def test_calamine_aborting_on_a_far_cell_fails_only_its_job(tmp_path, seeded, settings, monkeypatch):
    """Defence in depth: with the limits lifted, calamine asks for 512 GiB and aborts the process
    (as every import did before this change); the capped child dies, the worker marks the job."""
    settings.UNIONWORK_IMPORT_MAX_ROWS = settings.UNIONWORK_IMPORT_MAX_COLUMNS = 10**7
    settings.UNIONWORK_IMPORT_MAX_CELLS = 10**15
    settings.UNIONWORK_IMPORT_MAX_MEMORY_MB = 512
    monkeypatch.setattr(tasks, "_may_isolate", lambda: True)
    user = demo_user("gjz_admin")
    job = run_upload(user, "members.roster", far_cell_xlsx(tmp_path / "far.xlsx").read_bytes(), "名册.xlsx")
    assert job.status == ImportJob.Status.ERROR
    assert "处理中断" in job.message and not job.file


@pytest.mark.django_db
def test_stale_running_jobs_are_recovered_and_fresh_ones_left_alone(tmp_path):
    from django.core.files.base import ContentFile

    user = demo_user("gjz_admin")
    now = timezone.now()

    def job(status, heartbeat):
        j = ImportJob(importer="members.roster", user=user, org_path=user.org_path, original_name="名册.xlsx")
        j.file.save("stale-test.xlsx.enc", ContentFile(b"x"), save=False)
        j.status, j.heartbeat_at = status, heartbeat
        j.save()
        return j

    stale = job(ImportJob.Status.WRITING, now - datetime.timedelta(hours=1))
    stale_checking = job(ImportJob.Status.CHECKING, now - datetime.timedelta(minutes=20))
    fresh = job(ImportJob.Status.WRITING, now - datetime.timedelta(minutes=1))
    pending = job(ImportJob.Status.PENDING, None)
    stale_file = Path(stale.file.path)

    assert tasks.recover_imports.call() == 2
    for j in (stale, stale_checking, fresh, pending):
        j.refresh_from_db()
    assert stale.status == stale_checking.status == ImportJob.Status.ERROR
    assert "处理中断" in stale.message and "重新上传" in stale.message
    assert not stale.file and not stale_file.exists()
    assert fresh.status == ImportJob.Status.WRITING and pending.status == ImportJob.Status.PENDING
    assert engine.recover_stale() == 0  # nothing left to recover


@pytest.mark.django_db
def test_each_new_import_first_recovers_jobs_a_dead_worker_left(tmp_path):
    user = demo_user("gjz_admin")
    left = ImportJob.objects.create(
        importer="members.roster",
        user=user,
        org_path=user.org_path,
        original_name="名册.xlsx",
        status=ImportJob.Status.CHECKING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=2),
    )
    run_upload(user, "members.roster", far_cell_xlsx(tmp_path / "far.xlsx").read_bytes(), "名册.xlsx")
    left.refresh_from_db()
    assert left.status == ImportJob.Status.ERROR and "处理中断" in left.message


@pytest.mark.django_db
def test_an_infinite_number_cell_is_marked_not_a_crash(tmp_path):
    """A number cell that overflows to inf (found by the import fuzz test) used to crash the
    writing of the marked error file; the job now fails with its row errors and its file."""
    path = tmp_path / "inf.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号", "性别"])
    book.active.append(["张三", "123", 12345])
    book.save(path)
    rewrite_sheet(path, lambda xml: xml.replace(b"<v>12345</v>", b"<v>1e999</v>"))
    assert b"1e999" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    job = run_upload(demo_user("gjz_admin"), "members.roster", path.read_bytes(), "名册.xlsx")
    assert job.status == ImportJob.Status.FAILED, job.message
    assert job.error_file

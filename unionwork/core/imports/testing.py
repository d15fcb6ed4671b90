"""Helpers for the tests of every importer: build files in memory and run them as a job."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

import openpyxl
from django.core.files import File

from unionwork.core import crypto
from unionwork.core.models import ImportJob


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, text_columns: Iterable[int] = ()) -> bytes:
    """An .xlsx file of ``rows`` (the first is the header); ``text_columns`` (0-based) are stored as text."""
    book = openpyxl.Workbook()
    ws = book.active
    text = set(text_columns)
    for row in rows:
        ws.append(list(row))
    if text:
        for row in ws.iter_rows():
            for cell in row:
                if cell.column - 1 in text:
                    cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    """A CSV file of ``rows`` in ``encoding`` (utf-8, utf-8-sig or gb18030)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def run_upload(user, importer: str, content: bytes, filename: str = "导入.xlsx", **options: Any) -> ImportJob:
    """Store ``content`` as an import job of ``user`` and process it through the task; the job, finished."""
    from django.tasks import TaskResultStatus

    from unionwork.core.tasks import process_import

    job = ImportJob(
        importer=importer, user=user, org_path=user.org_path, original_name=filename, options=options
    )
    # stored encrypted, as jobs.start_import stores every upload
    with crypto.encrypted_copy(io.BytesIO(content)) as sealed:
        job.file.save(f"test-{uuid.uuid4().hex}{PurePath(filename).suffix}.enc", File(sealed), save=False)
    job.save()
    result = process_import.enqueue(job.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    job.refresh_from_db()
    return job


def error_file_bytes(job: ImportJob) -> bytes:
    """The marked error file of a job, decrypted (it is stored encrypted)."""
    from unionwork.core import crypto

    with job.error_file.open("rb") as fh, crypto.plain_copy(fh) as plain:
        return plain.read()


def error_workbook(job: ImportJob):
    """The marked error file of a job as an openpyxl workbook."""
    return openpyxl.load_workbook(io.BytesIO(error_file_bytes(job)))


def xls_bytes(rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """A real .xls (Excel 97-2003) file of ``rows``, as older offices still keep them (needs xlwt)."""
    import datetime

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                ws.write(r, c, value, date_style)
            elif value is not None and value != "":
                ws.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

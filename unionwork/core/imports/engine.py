"""The import engine: read the file, check every row, then write all of it or nothing.

1. Read: the file streams row by row (:mod:`readers`); the header row is found among the first
   rows and matched to the importer's columns (an absent optional column is left unchanged).
2. Check, outside any transaction (SQLite is not locked while thousands of rows are checked):
   each cell is parsed by its column, keys repeated inside the file are refused, then in
   batches the existing records are fetched by key (one query a batch), keys used outside the
   user's scope are refused, and the importer's row hook checks across columns. Progress is
   saved every 1 % or so. Rows that pass are spilled to a temporary file, so a million-row
   file does not sit in memory.
3. If any row is wrong: nothing is written; the job gets the list of problems (row as Excel
   numbers it, column, what to do) and the file back with each bad cell marked (:mod:`report`).
   With ``options["dry_run"]``: nothing is written; the job reports what would be created and
   updated (``options["preview"]``). Otherwise the importer's ``save`` writes every row in one
   transaction; an action that still refuses a row rolls everything back and is reported as
   that row's problem.

One pass (``Importer.single_pass``, e.g. the roster): steps 2 and 3 run together inside one
transaction. Each batch is checked, then handed to ``save`` at once (through the importer's
``pack_batch``); nothing is spilled or read twice. Once a row fails, nothing more is written,
the remaining rows are still checked (every problem is reported) and the transaction is rolled
back: still all or nothing. From ``Importer.parallel_min_rows`` rows on, with a second core and
outside any transaction, the file is read and checked in a forked process that feeds the
writer (:class:`_Worker`). Progress is saved as batches are written (through a second
connection on PostgreSQL; on SQLite, which admits one writer, the job shows "writing" until the
commit).

A malformed file, a wrong extension, an empty file or missing columns give a Chinese message,
never a traceback; an unexpected failure is logged and reported without details.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core.imports.base import (
    ImportContext,
    Importer,
    Issue,
    Row,
    RowWriteError,
    WriteCounts,
    get_importer,
    messages_of,
)
from unionwork.core.imports.columns import CellError, Column
from unionwork.core.imports.readers import ImportFileError, Sheet, open_sheet
from unionwork.core.imports.report import write_marked_workbook
from unionwork.core.models import ImportJob

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10  # a title or notes may stand above the header
ERRORS_IN_JOB = 1000  # problems stored on the job (all are counted and marked in the file)
PREVIEW_LIMIT = 200
PROGRESS_MIN_STEP = 500

Status = ImportJob.Status


def normalize_header(text: Any) -> str:
    """A header as typed, without spaces, required-marks or line breaks: " 组织代码 *" -> "组织代码"."""
    text = str(text or "")
    for mark in ("（必填）", "(必填)", "*", "＊"):
        text = text.replace(mark, "")
    return "".join(text.split())


def _blank(cells: list[Any]) -> bool:
    for c in cells:
        if c != "" and c is not None and not (type(c) is str and c.isspace()):
            return False
    return True


def column_letter(index: int) -> str:
    """Excel's letter of a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass
class CheckResult:
    header_row: int = 0
    rows: int = 0  # data rows read (blank rows skipped)
    planned: WriteCounts = field(default_factory=WriteCounts)
    preview: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    spill: IO[bytes] | None = None


class Checker:
    """The checking pass over one file (step 2 of the module's docstring)."""

    def __init__(self, ctx: ImportContext, sheet: Sheet, on_progress=None, spill: IO[bytes] | None = None):
        self.ctx = ctx
        self.importer: Importer = ctx.importer
        self.sheet = sheet
        self.on_progress = on_progress or (lambda done, total: None)
        self.result = CheckResult(spill=spill)
        self.preview = bool(ctx.options.get("dry_run"))
        self.parsers: list[tuple[int, str, Any]] = []
        self.new_keys: set[Any] = set()  # keys that rows of the file would create

    # -- the header --------------------------------------------------------------------------
    def _lookup(self) -> dict[str, Column]:
        names: dict[str, Column] = {}
        for column in self.importer.columns:
            for name in (column.title, *map(str, column.aliases)):
                names[normalize_header(name)] = column
        return names

    def _match(self, cells: list[Any], names: dict[str, Column]) -> tuple[dict[str, int], list[str]]:
        found: dict[str, int] = {}
        ignored = []
        for idx, cell in enumerate(cells):
            text = normalize_header(cell)
            if not text:
                continue
            column = names.get(text)
            if column is None:
                ignored.append(str(cell).strip())
                continue
            fname = column.field or column.title
            if fname in found:
                raise ImportFileError(
                    _("表头“%(h)s”出现了两次（第 %(a)s 列和第 %(b)s 列），请删除多余的一列。")
                    % {"h": column.title, "a": column_letter(found[fname]), "b": column_letter(idx)}
                )
            found[fname] = idx
        return found, ignored

    def _needed(self) -> list[Column]:
        return [c for c in self.importer.columns if c.required or (c.field or c.title) in self.importer.key]

    def read_header(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        """Find the header among the first rows and bind each column present to its position."""
        names, needed = self._lookup(), self._needed()
        best: tuple[int, list[str]] | None = None
        seen = 0
        for number, cells in rows:
            if _blank(cells):
                continue
            seen += 1
            found, ignored = self._match(cells, names)
            missing = [c.title for c in needed if (c.field or c.title) not in found]
            if not missing:
                self._bind(number, found, ignored)
                return
            if best is None or len(missing) < len(best[1]):
                best = (number, missing)
            if seen >= HEADER_SEARCH_ROWS:
                break
        if best is None:
            raise ImportFileError(_("文件里没有内容：找不到表头和数据。请使用下载的模板填写后上传。"))
        raise ImportFileError(
            _("缺少必需的列：%(cols)s。请使用下载的模板，表头写在第一行，列名与模板一致。")
            % {"cols": "、".join(best[1])}
        )

    def _bind(self, number: int, found: dict[str, int], ignored: list[str]) -> None:
        ctx = self.ctx
        self.result.header_row = number
        self.result.ignored_headers = ignored
        ctx.col_index = dict(found)
        ctx.columns = {
            (c.field or c.title): c for c in self.importer.columns if (c.field or c.title) in found
        }
        self.parsers = [(found[f], f, c.prepare(ctx)) for f, c in ctx.columns.items()]

    # -- the rows ----------------------------------------------------------------------------
    def run(self) -> CheckResult:
        for _batch in self.batches():
            pass
        return self.result

    def batches(self, rows: Iterator[tuple[int, list[Any]]] | None = None) -> Iterator[list[Row]]:
        """Check the file; yield each batch of checked rows as long as no row anywhere has failed.

        The one-pass mode writes each batch as it is yielded (inside the write's transaction);
        once a row fails nothing more is yielded, but every row is still checked, so that all
        problems are reported. When the generator ends, :attr:`result` and the issues are final.
        """
        if rows is None:  # else the caller has read the header from ``rows`` already
            rows = self.sheet.rows()
            self.read_header(rows)
        total = max(self.sheet.total_lines - self.result.header_row, 0)
        step = max(PROGRESS_MIN_STEP, total // 100)
        next_report = step
        batch: list[Row] = []
        size = self.importer.batch_size
        parse, result, ctx = self.parse, self.result, self.ctx
        for number, cells in rows:
            if _blank(cells):
                continue
            result.rows += 1
            row = parse(number, cells)
            if row is not None:
                batch.append(row)
            if len(batch) >= size:
                self.check_batch(batch)
                if not ctx.error_count:
                    yield batch
                batch = []
            if result.rows >= next_report:
                self.on_progress(result.rows, max(total, result.rows))
                next_report += step
        self.check_batch(batch)
        if batch and not ctx.error_count:
            yield batch
        # An importer may check the file as a whole once every row is read (a full list's closures).
        self.importer.after_check(self.ctx, self.result)
        self._reword_forward_references()
        self.ctx.issues.sort(key=lambda i: (i.row or 0, -1 if i.col_index is None else i.col_index))

    def parse(self, number: int, cells: list[Any]) -> Row | None:
        """A row's cells parsed by their columns, its key checked against earlier rows."""
        ctx = self.ctx
        values: dict[str, Any] = {}
        failed = False
        width = len(cells)
        try:  # the common case: every cell is valid
            for idx, fname, parse in self.parsers:
                values[fname] = parse(cells[idx] if idx < width else "")
        except CellError:
            values = {}
            for idx, fname, parse in self.parsers:
                try:
                    values[fname] = parse(cells[idx] if idx < width else "")
                except CellError as exc:
                    ctx.error(number, fname, exc.message, exc.forward_key)
                    failed = True
        key = self.importer.key_of(values)
        if key is not None and key != "" and not (isinstance(key, tuple) and None in key):
            first = ctx.file_keys.get(key)
            if first is not None:
                ctx.error(
                    number,
                    self.importer.key[0],
                    _("与第 %(row)d 行重复：同一个“%(key)s”在文件中只能出现一次，请合并或删除重复的行。")
                    % {"row": first, "key": self.importer.key_text(key)},
                )
                failed = True
            else:
                ctx.file_keys[key] = number
        return None if failed else Row(number, values, key)

    def check_batch(self, batch: list[Row]) -> None:
        """Existing records by key (one query), keys taken outside the scope, the row hook."""
        if not batch:
            return
        ctx, importer = self.ctx, self.importer
        keys = [r.key for r in batch]
        existing = importer.fetch_existing(keys, ctx)
        taken = importer.taken_keys([k for k in keys if k not in existing], ctx)
        for row in batch:
            row.existing = existing.get(row.key)
            if row.existing is None and row.key in taken:
                ctx.error(row, importer.key[0], importer.taken_message(row.key))
                continue
            try:
                importer.validate_row(row, ctx)
            except CellError as exc:
                ctx.error(row, exc.field, exc.message)
            except ValidationError as exc:
                ctx.error(row, importer.error_fields.get(getattr(exc, "code", None) or ""), messages_of(exc))
            if not row.failed:
                self._plan(row)
        if not ctx.error_count and self.result.spill is not None:
            pickle.dump(
                [r for r in batch if not r.failed], self.result.spill, protocol=pickle.HIGHEST_PROTOCOL
            )

    def _plan(self, row: Row) -> None:
        planned, importer, ctx = self.result.planned, self.importer, self.ctx
        if row.existing is None:
            planned.created += 1
            self.new_keys.add(row.key)
            if self.preview and len(self.result.preview) < PREVIEW_LIMIT:
                self.result.preview.append(
                    {"row": row.number, "key": importer.key_text(row.key), "action": "create"}
                )
            return
        changes = importer.changes(row, row.existing, ctx)
        if not changes:
            planned.unchanged += 1
            return
        planned.updated += 1
        if self.preview and len(self.result.preview) < PREVIEW_LIMIT:
            self.result.preview.append(
                {
                    "row": row.number,
                    "key": importer.key_text(row.key),
                    "action": "update",
                    "changes": [
                        {
                            "column": c.column.title,
                            "old": c.column.display(c.old, ctx),
                            "new": c.column.display(c.new, ctx),
                        }
                        for c in changes
                    ],
                }
            )

    def _reword_forward_references(self) -> None:
        for key, issue in self.ctx.forward_refs:
            later = self.ctx.file_keys.get(key)
            if key in self.new_keys and issue.row is not None and later > issue.row:
                issue.message = _(
                    "“%(key)s”在本文件第 %(row)d 行才新增。请把第 %(row)d 行移到本行之前（被引用的行须写在前面）。"
                ) % {"key": key, "row": later}


def spilled_rows(spill: IO[bytes]) -> Iterator[Row]:
    """The rows that passed the check, read back batch by batch from the spill file."""
    spill.seek(0)
    while True:
        try:
            batch = pickle.load(spill)
        except EOFError:
            return
        yield from batch


# -- the job ---------------------------------------------------------------------------------


def _progress(job: ImportJob):
    def report(done: int, total: int) -> None:
        job.processed_rows, job.total_rows = done, total
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    return report


def _set_status(job: ImportJob, status: str) -> None:
    job.status = status
    ImportJob.objects.filter(pk=job.pk).update(status=status)


def _finish(job: ImportJob, status: str, message: str, **fields: Any) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()


def _counts_message(counts: WriteCounts) -> dict[str, int]:
    return {"c": counts.created, "u": counts.updated, "n": counts.unchanged}


def _ignored_note(result: CheckResult) -> str:
    if not result.ignored_headers:
        return ""
    return _("以下列不属于此类导入，已忽略：%(cols)s。") % {"cols": "、".join(result.ignored_headers[:20])}


def _fail(job: ImportJob, ctx: ImportContext, sheet: Sheet, result: CheckResult) -> None:
    """Nothing is written: store the problems and the file with each bad cell marked."""
    issues = ctx.issues
    rows = len({i.row for i in issues if i.row})
    message = _(
        "校验未通过：发现 %(n)d 处问题，涉及 %(rows)d 行。没有写入任何数据。"
        "请下载标注了问题的文件，按批注修改后重新上传。"
    ) % {"n": ctx.error_count, "rows": rows}
    columns = ctx.columns
    text_cols = {ctx.col_index[f] for f, c in columns.items() if c.text_format}
    secret_cols = {ctx.col_index[f] for f, c in columns.items() if c.secret}
    with tempfile.TemporaryFile() as tmp:
        write_marked_workbook(
            tmp,
            sheet,
            issues,
            header_row=result.header_row,
            text_columns=text_cols,
            secret_columns=secret_cols,
            title=str(ctx.importer.label),
        )
        tmp.seek(0)
        stem = PurePath(job.original_name).stem[:80] or "import"
        job.error_file.save(f"{stem}-错误标注.xlsx", File(tmp), save=False)
    _finish(
        job,
        Status.FAILED,
        message,
        error_count=ctx.error_count,
        errors=[i.as_dict() for i in issues[:ERRORS_IN_JOB]],
        processed_rows=result.rows,
        total_rows=result.rows,
    )


def _preview(job: ImportJob, result: CheckResult) -> None:
    counts = result.planned
    job.options = {**job.options, "preview": result.preview}
    message = _("预览（没有写入任何数据）：将新增 %(c)d 条，更新 %(u)d 条，%(n)d 条不变。") % _counts_message(
        counts
    )
    _finish(
        job,
        Status.DONE,
        message + _ignored_note(result),
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        processed_rows=result.rows,
        total_rows=result.rows,
    )


def _write(job: ImportJob, ctx: ImportContext, sheet: Sheet, result: CheckResult) -> None:
    """Write every checked row in one transaction, or nothing."""
    _set_status(job, Status.WRITING)
    try:
        with transaction.atomic():
            counts = ctx.importer.save(spilled_rows(result.spill), ctx)
    except RowWriteError as exc:
        ctx.issues, ctx.error_count = [], 0
        ctx.error(exc.row, exc.field, exc.message)
        _fail(job, ctx, sheet, result)
        return
    except DatabaseError:
        logger.exception("import job %s: the write failed", job.pk)
        _finish(
            job,
            Status.ERROR,
            _(
                "写入数据库时被拒绝（可能有人同时在修改相同的记录）。没有写入任何数据，请稍后重新导入；"
                "仍不成功时请联系管理员。"
            ),
        )
        return
    message = _("导入完成：新增 %(c)d 条，更新 %(u)d 条，%(n)d 条不变。") % _counts_message(counts)
    _finish(
        job,
        Status.DONE,
        message + _ignored_note(result),
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        processed_rows=result.rows,
        total_rows=result.rows,
    )


class _SideProgress:
    """Progress of a one-pass import, which runs inside its write transaction.

    PostgreSQL: saved through a second connection, in autocommit, so the job page sees it while
    the transaction runs. SQLite admits one writer at a time (the import holds the lock): the
    progress is saved inside the transaction and, for the job page meanwhile, in a small file
    beside the upload (:func:`side_progress`).
    """

    def __init__(self, job: ImportJob):
        self.job = job
        self.side = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        self.table = ImportJob._meta.db_table

    def __call__(self, done: int, total: int) -> None:
        job = self.job
        job.processed_rows, job.total_rows = done, total
        if self.side is None:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)
            _write_side_progress(job, done, total)
            return
        try:
            with self.side.cursor() as cur:
                cur.execute(
                    f'UPDATE "{self.table}" SET processed_rows = %s, total_rows = %s WHERE id = %s',  # noqa: S608
                    [done, total, job.pk],
                )
        except DatabaseError:  # progress is a courtesy: never let it fail the import
            logger.warning("import job %s: progress not saved", job.pk, exc_info=True)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
        _side_progress_path(self.job).unlink(missing_ok=True)


def _side_progress_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{job.pk}.json"


def _write_side_progress(job: ImportJob, done: int, total: int) -> None:
    path = _side_progress_path(job)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"done": done, "total": total}))
        tmp.replace(path)  # atomic: the page never reads half a file
    except OSError:  # progress is a courtesy: never let it fail the import
        logger.warning("import job %s: progress file not written", job.pk, exc_info=True)


def side_progress(job: ImportJob) -> tuple[int, int] | None:
    """(done, total) of a one-pass import still inside its transaction on SQLite, if any."""
    if job.finished:
        return None
    try:
        data = json.loads(_side_progress_path(job).read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _Rollback(Exception):
    """Raised inside the one-pass transaction when a row failed: nothing is written."""


def _packed(batches: Iterator[list[Row]], importer: Importer, ctx: ImportContext) -> Iterator[Any]:
    for batch in batches:
        yield from importer.pack_batch(batch, ctx)


def _use_worker(importer: Importer, estimate: int) -> bool:
    """Check in a second process when the file is large, a second core is there and it is safe."""
    import multiprocessing

    threshold = importer.parallel_min_rows
    return (
        threshold is not None
        and estimate >= threshold
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not any(c.in_atomic_block for c in connections.all(initialized_only=True))
    )


def _worker_main(job: ImportJob, ctx: ImportContext, queue) -> None:
    """The checking process of a one-pass import: checked batches go to the writing process."""
    try:
        importer = ctx.importer
        with job.file.storage.open(job.file.name, "rb") as fh:  # its own file handle
            sheet = open_sheet(fh, job.original_name)
            checker = Checker(ctx, sheet)
            waited = 0.0
            start = time.perf_counter()
            for batch in checker.batches():
                packed = list(importer.pack_batch(batch, ctx))
                t = time.perf_counter()
                queue.put(("batch", checker.result.rows, packed))
                waited += time.perf_counter() - t
            r = checker.result
            timing = (time.perf_counter() - start, waited)
            queue.put(("done", ctx.issues, ctx.error_count, (r.header_row, r.rows, r.ignored_headers, r.planned),
                       timing))
    except ImportFileError as exc:
        queue.put(("file_error", exc.message))
    except BaseException:  # noqa: BLE001 - reported to the writing process, which logs it
        import traceback

        queue.put(("error", traceback.format_exc()))
    finally:
        connections.close_all()
        queue.close()
        queue.join_thread()


class _Worker:
    """A forked process that reads and checks the file while this one writes (one-pass mode)."""

    def __init__(self, job: ImportJob, ctx: ImportContext):
        import multiprocessing

        mp = multiprocessing.get_context("fork")
        connections.close_all()  # neither process may use the other's database connection
        self.queue = mp.Queue(maxsize=4)
        self.process = mp.Process(target=_worker_main, args=(job, ctx, self.queue), daemon=True)
        self.process.start()

    def items(self, ctx: ImportContext, result: CheckResult, report) -> Iterator[Any]:
        import queue as queue_mod

        total = max(ctx.state.get("rows_estimate", 0), 1)
        waited, start = 0.0, time.perf_counter()
        while True:
            t = time.perf_counter()
            try:
                msg = self.queue.get(timeout=5)
            except queue_mod.Empty:
                if not self.process.is_alive():
                    raise RuntimeError("the checking process of the import ended without a result") from None
                continue
            waited += time.perf_counter() - t
            kind = msg[0]
            if kind == "batch":
                report(msg[1], max(total, msg[1]))
                yield from msg[2]
            elif kind == "done":
                ctx.issues, ctx.error_count = msg[1], msg[2]
                result.header_row, result.rows, result.ignored_headers, result.planned = msg[3]
                logger.info(
                    "one-pass import: checking process %.1f s (%.1f s waiting for the writer); "
                    "writer %.1f s (%.1f s waiting for checked rows)",
                    msg[4][0], msg[4][1], time.perf_counter() - start, waited,
                )
                return
            elif kind == "file_error":
                raise ImportFileError(msg[1])
            else:
                raise RuntimeError("the checking process of the import failed:\n" + msg[1])

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
        self.queue.close()
        self.queue.cancel_join_thread()


def _one_pass(job: ImportJob, ctx: ImportContext, sheet: Sheet) -> None:
    """Check and write in one pass, in one transaction; any failed row rolls all of it back.

    The rows are read once and never spilled: each checked batch is handed to the importer's
    ``save`` as soon as it is checked. Once a row fails nothing more is written, the remaining
    rows are still checked (every problem is reported), and the transaction is rolled back.
    With a large file and a second core, the reading and checking run in a forked process
    (:class:`_Worker`) while this process writes.
    """
    importer = ctx.importer
    checker = Checker(ctx, sheet)
    result = checker.result
    estimate = max(sheet.total_lines - 1, 0)
    ctx.state["rows_estimate"] = estimate
    job.processed_rows, job.total_rows, job.status = 0, estimate, Status.WRITING
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=0, total_rows=estimate, status=Status.WRITING)
    worker = _Worker(job, ctx) if _use_worker(importer, estimate) else None
    report = _SideProgress(job)
    try:
        with transaction.atomic():
            rows = sheet.rows()
            checker.read_header(rows)  # binds the columns (and lookups) before ``save`` starts
            if worker is not None:
                items = worker.items(ctx, result, report)
            else:
                checker.on_progress = report
                items = _packed(checker.batches(rows), importer, ctx)
            counts = importer.save(items, ctx)
            for _rest in items:  # a save that stopped early: the remaining rows are still checked
                pass
            if ctx.error_count:
                raise _Rollback
    except _Rollback:
        _fail(job, ctx, sheet, result)
        return
    except RowWriteError as exc:
        ctx.issues, ctx.error_count = [], 0
        ctx.error(exc.row, exc.field, exc.message)
        _fail(job, ctx, sheet, result)
        return
    except DatabaseError:
        logger.exception("import job %s: the write failed", job.pk)
        _finish(
            job,
            Status.ERROR,
            _(
                "写入数据库时被拒绝（可能有人同时在修改相同的记录）。没有写入任何数据，请稍后重新导入；"
                "仍不成功时请联系管理员。"
            ),
        )
        return
    finally:
        report.close()
        if worker is not None:
            worker.stop()
    message = _("导入完成：新增 %(c)d 条，更新 %(u)d 条，%(n)d 条不变。") % _counts_message(counts)
    _finish(
        job,
        Status.DONE,
        message + _ignored_note(result),
        created_count=counts.created,
        updated_count=counts.updated,
        unchanged_count=counts.unchanged,
        processed_rows=result.rows,
        total_rows=result.rows,
    )


def _file_problem(job: ImportJob, message: str) -> None:
    _finish(job, Status.FAILED, message, error_count=1, errors=[Issue(None, "", message).as_dict()])


def run_import(job: ImportJob) -> ImportJob:
    """Process one pending import job (see the module's docstring); return it, finished.

    Runs as the job's user: call it inside ``audit.acting_as(job.user, "import")`` (the task
    :func:`unionwork.core.tasks.process_import` does).
    """
    if job.status != Status.PENDING:
        return job
    try:
        importer_cls = get_importer(job.importer)
    except LookupError:
        _file_problem(job, _("未知的导入类型“%(name)s”。") % {"name": job.importer})
        return job
    ctx = ImportContext(job.user, importer_cls(), {**job.options, "job_id": job.pk})
    _set_status(job, Status.CHECKING)
    try:
        with job.file.open("rb") as fh, tempfile.TemporaryFile() as spill:
            sheet = open_sheet(fh, job.original_name)
            if ctx.importer.single_pass and not ctx.options.get("dry_run"):
                _one_pass(job, ctx, sheet)
                return job
            result = Checker(ctx, sheet, _progress(job), spill).run()
            if ctx.error_count:
                _fail(job, ctx, sheet, result)
            elif ctx.options.get("dry_run"):
                _preview(job, result)
            else:
                _write(job, ctx, sheet, result)
    except ImportFileError as exc:
        _file_problem(job, exc.message)
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            Status.ERROR,
            _("处理时发生内部错误，没有写入任何数据。请联系管理员（导入任务 #%(id)d）。") % {"id": job.pk},
        )
    finally:
        _forget_secrets(job, ctx.importer)
    return job


def _forget_secrets(job: ImportJob, importer: Importer) -> None:
    """An uploaded file with secrets (initial passwords) is deleted once processed, even a preview."""
    if any(c.secret for c in importer.columns) and job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def check_file(
    fileobj: IO[bytes], filename: str, importer: Importer, user: Any, options: dict | None = None
) -> tuple[ImportContext, CheckResult]:
    """Check a file without a job and without writing (for tests, commands and benchmarks)."""
    ctx = ImportContext(user, importer, options)
    sheet = open_sheet(fileobj, filename)
    return ctx, Checker(ctx, sheet).run()

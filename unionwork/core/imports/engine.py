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

import datetime
import json
import logging
import os
import pickle
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import crypto
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
from unionwork.core.imports.normalize import (
    SKIP_BLANK,
    SKIP_TITLE,
    SKIP_TOTAL,
    layout_key,
    normalize_header,
    not_a_record,
)
from unionwork.core.imports.readers import ImportFileError, Sheet, open_sheet
from unionwork.core.imports.report import ERROR_NOTE_HEADER, write_marked_workbook
from unionwork.core.models import ImportJob, ImportMapping, lost_worker

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10  # a title or notes may stand above the header
ERRORS_IN_JOB = 1000  # problems stored on the job (all are counted and marked in the file)
PREVIEW_LIMIT = 200
PROGRESS_MIN_STEP = 500

Status = ImportJob.Status


SKIPPED_KEPT = 500  # ranges of skipped rows listed on the job (all are counted)
# Headers every import knows and leaves aside, with why (named in the result, never silently).
COMMON_UNUSED = {
    "序号": gettext_lazy("序号，无需导入"),
    "编号": gettext_lazy("序号，无需导入"),
    "备注": gettext_lazy("备注，平台不保存"),
    normalize_header(ERROR_NOTE_HEADER): gettext_lazy("上次导入生成的错误说明"),
}


class HeaderMappingNeeded(Exception):
    """The header row lacks needed columns under any known name: the user maps the columns.

    ``headers``: (0-based position, header as written) of the row taken as the header;
    ``guesses``: position -> field of the columns recognised; ``missing``: titles of the needed
    columns not found; ``layout``: :func:`normalize.layout_key` of the row (mappings are kept by it).
    """

    def __init__(self, header_row: int, headers, guesses, missing, layout):
        super().__init__("header mapping needed")
        self.header_row = header_row
        self.headers = headers
        self.guesses = guesses
        self.missing = missing
        self.layout = layout

    def message(self) -> str:
        return _(
            "第 %(row)d 行像是表头，但找不到这些必需的列：%(cols)s。请在下一步把您文件中的列对应到平台的列"
            "（对应关系会记住，同样格式的文件下次无需再选）。"
        ) % {"row": self.header_row, "cols": "、".join(self.missing)}

    def as_dict(self) -> dict:
        return {
            "header_row": self.header_row,
            "headers": [[i, h] for i, h in self.headers],
            "guesses": {str(i): f for i, f in self.guesses.items()},
            "missing": self.missing,
            "layout": self.layout,
        }


_TOTAL_FIRST = frozenset("合总小共累本 \u3000")


def _maybe_total(cells: list[Any]) -> bool:
    for c in cells[:3]:
        if c.__class__ is str and c[:1] in _TOTAL_FIRST:
            return not_a_record(cells) == SKIP_TOTAL
    return False


def _first_text(cells: list[Any]) -> str:
    for c in cells:
        if c != "" and c is not None and not (type(c) is str and c.isspace()):
            return str(c)
    return ""


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
    rows: int = 0  # data rows read (rows that are not records are skipped)
    planned: WriteCounts = field(default_factory=WriteCounts)
    preview: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)  # columns of the file not imported
    # What the user reads about the file's columns: not recognised, recognised but not used,
    # left out by the user's mapping, absent optional columns and the defaults that stand in.
    columns_note: dict[str, list] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)  # {"from", "to", "reason", "text"}, merged
    skipped_count: int = 0
    spill: IO[bytes] | None = None

    def skip(self, number: int, reason: str, text: str = "") -> None:
        """Note a row that is not a record; consecutive rows of one reason make one range."""
        self.skipped_count += 1
        last = self.skipped[-1] if self.skipped else None
        if last and last["reason"] == reason and last["to"] == number - 1 and reason == SKIP_BLANK:
            last["to"] = number
        elif len(self.skipped) < SKIPPED_KEPT:
            self.skipped.append({"from": number, "to": number, "reason": reason, "text": _preview_text(text)})

    def state(self) -> dict:
        """What the checking process hands to the writing one (everything but the spill)."""
        return {
            k: getattr(self, k)
            for k in (
                "header_row",
                "rows",
                "planned",
                "ignored_headers",
                "columns_note",
                "skipped",
                "skipped_count",
            )
        }

    def set_state(self, state: dict) -> None:
        for k, v in state.items():
            setattr(self, k, v)


def _preview_text(text: Any) -> str:
    """A short, safe preview of a skipped row's first cell (long digit runs masked)."""
    import re

    text = str(text or "").strip()[:40]
    return re.sub(r"\d{6,}", lambda m: m.group(0)[:2] + "*" * (len(m.group(0)) - 2), text)


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
        self.defaults: list[tuple[str, Any]] = []  # absent columns' defaults, for every row
        self.header_keys: tuple[str, ...] = ()
        self.target: tuple[str, Any] | None = None  # (field, value) chosen in the upload form
        self.new_keys: set[Any] = set()  # keys that rows of the file would create

    # -- the header --------------------------------------------------------------------------
    def _lookup(self) -> dict[str, Column]:
        names: dict[str, Column] = {}
        for column in self.importer.columns:
            for name in (column.title, *map(str, column.aliases)):
                names[normalize_header(name)] = column
        return names

    def _saved_mappings(self) -> dict[str, dict[str, str]]:
        """Mappings of columns the user's node chose before for this importer, by layout."""
        given = self.ctx.options.get("mapping")
        found: dict[str, dict[str, str]] = {}
        org_path = getattr(self.ctx.user, "org_path", "") or ""
        if org_path:
            for m in ImportMapping.objects.filter(org_path=org_path, importer=self.importer.name):
                found[m.layout] = m.columns
        if given:  # chosen for this very job (the mapping step): it wins
            found[given["layout"]] = given["columns"]
        return found

    def _match(
        self, cells: list[Any], names: dict[str, Column], mapping: dict[str, str] | None
    ) -> tuple[dict[str, int], list[tuple[int, str]]]:
        by_field = {c.field or c.title: c for c in self.importer.columns}
        found: dict[str, int] = {}
        ignored: list[tuple[int, str]] = []
        for idx, cell in enumerate(cells):
            text = normalize_header(cell)
            if mapping is not None and str(idx) in mapping:
                chosen = mapping[str(idx)]
                column = by_field.get(chosen) if chosen else None
                if column is None:
                    ignored.append((idx, str(cell).strip()))
                    continue
            else:
                if not text:
                    continue
                column = names.get(text)
                if column is None:
                    ignored.append((idx, str(cell).strip()))
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
        # A record chosen in the upload form for ``target_field`` stands for its column.
        chosen = self.importer.target_field if self.ctx.options.get("target") else None
        return [
            c
            for c in self.importer.columns
            if (c.required or (c.field or c.title) in self.importer.key)
            and not (chosen and c.field == chosen)
        ]

    @staticmethod
    def _layout_cells(cells: list[Any]) -> list[Any]:
        """The header cells that make a layout: the error file's own notes column left out."""
        note = normalize_header(ERROR_NOTE_HEADER)
        return ["" if normalize_header(c) == note else c for c in cells]

    def read_header(self, rows: Iterator[tuple[int, list[Any]]]) -> None:
        """Find the header among the first rows and bind each column present to its position.

        A row is the header when every needed column is found in it, under its name, an alias,
        or a mapping the user's node chose before for the same layout. Rows above it (a title,
        notes) are listed as skipped. When no row qualifies, the likeliest one is offered to the
        user to map (:class:`HeaderMappingNeeded`).
        """
        names, needed = self._lookup(), self._needed()
        mappings = self._saved_mappings()
        best: tuple[int, int, int, list[Any], dict[str, int], list[str], str] | None = None
        seen = 0
        above: list[tuple[int, list[Any]]] = []
        duplicate: ImportFileError | None = None
        for number, cells in rows:
            if _blank(cells):
                above.append((number, cells))
                continue
            seen += 1
            layout = layout_key(self._layout_cells(cells))
            mapping = mappings.get(layout)
            try:
                found, ignored = self._match(cells, names, mapping)
            except ImportFileError as exc:  # a header twice: said if no row below is the header
                if mapping is not None or seen >= HEADER_SEARCH_ROWS:
                    raise
                duplicate = duplicate or exc
                above.append((number, cells))
                continue
            missing = [c.title for c in needed if (c.field or c.title) not in found]
            if not missing:
                for n, c in above:
                    self.result.skip(n, SKIP_BLANK if _blank(c) else SKIP_TITLE, _first_text(c))
                self._bind(number, cells, found, ignored, mapping)
                return
            texts = sum(1 for c in cells if type(c) is str and c.strip())
            score = (len(found), texts)
            if best is None or score > (best[1], best[2]):
                best = (number, len(found), texts, cells, found, missing, layout)
            above.append((number, cells))
            if seen >= HEADER_SEARCH_ROWS:
                break
        if duplicate is not None:
            raise duplicate
        if best is None:
            raise ImportFileError(_("文件里没有内容：找不到表头和数据。请使用下载的模板填写后上传。"))
        number, _n, texts, cells, found, missing, layout = best
        if texts < 2:
            raise ImportFileError(
                _("缺少必需的列：%(cols)s。请使用下载的模板，表头写在第一行，列名与模板一致。")
                % {"cols": "、".join(missing)}
            )
        headers = [(i, str(c).strip()) for i, c in enumerate(cells) if str(c).strip()]
        raise HeaderMappingNeeded(number, headers, {i: f for f, i in found.items()}, missing, layout)

    def _bind(
        self, number: int, cells: list[Any], found: dict[str, int], ignored: list[tuple[int, str]], mapping
    ) -> None:
        ctx, importer = self.ctx, self.importer
        self.result.header_row = number
        self.header_keys = tuple(normalize_header(c) for c in cells)
        while self.header_keys and not self.header_keys[-1]:
            self.header_keys = self.header_keys[:-1]
        known = {**{normalize_header(k): v for k, v in importer.unused_headers.items()}, **COMMON_UNUSED}
        note: dict[str, list] = {"unknown": [], "unused": [], "left_out": [], "absent": [], "defaulted": []}
        for idx, text in ignored:
            key = normalize_header(text)
            if mapping is not None and mapping.get(str(idx)) == "":
                note["left_out"].append(text)
            elif key in known:
                if key != normalize_header(ERROR_NOTE_HEADER):
                    note["unused"].append([text, str(known[key])])
            else:
                note["unknown"].append(text)
        for c in importer.columns:
            if c.check_only and (c.field or c.title) in found:
                note["unused"].append([str(cells[found[c.field or c.title]]).strip(), str(c.check_only)])
        ctx.col_index = dict(found)
        ctx.columns = {(c.field or c.title): c for c in importer.columns if (c.field or c.title) in found}
        ctx.defaulted = {}
        for c in importer.columns:
            fname = c.field or c.title
            if fname in found or c.field is None:
                continue
            if c.default is not None:
                ctx.defaulted[fname] = c
                note["defaulted"].append([c.title, c.display(c.default, ctx)])
            elif not c.required:
                note["absent"].append(c.title)
        self.result.ignored_headers = [t for _i, t in ignored]
        self.result.columns_note = {k: v for k, v in note.items() if v}
        target = ctx.options.get("target")
        if importer.target_field and target:
            column = next(c for c in importer.columns if c.field == importer.target_field)
            obj = column.target_choices(ctx.user).filter(pk=target).first()
            if obj is None:  # chosen in the form, then moved out of reach: say so, never guess
                raise ImportFileError(
                    _("上传时选择的%(noun)s已不在您的管辖范围内，请重新上传并选择。")
                    % {"noun": getattr(column, "noun", column.title)}
                )
            ctx.target = obj
            self.target = (importer.target_field, column.target_value(obj))
            if importer.target_field not in found:
                ctx.defaulted[importer.target_field] = column
                note["defaulted"].append([column.title, str(obj)])
                self.result.columns_note = {k: v for k, v in note.items() if v}
        self.defaults = [(f, c.default) for f, c in ctx.defaulted.items() if c.default is not None]
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
                result.skip(number, SKIP_BLANK)
                continue
            # A totals row may pass every cell's check (合计 is a valid name): looked for in every
            # row, cheaply (the first character of the first three cells), then confirmed.
            if _maybe_total(cells):
                result.skip(number, SKIP_TOTAL, _first_text(cells))
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
            # A row that fails may be no record at all (合计, 注：…, the header repeated): such
            # a row is skipped and listed, never refused and never imported.
            reason = not_a_record(cells, self.header_keys)
            if reason is not None:
                self.result.rows -= 1
                self.result.skip(number, reason, _first_text(cells))
                return None
            values = {}
            for idx, fname, parse in self.parsers:
                try:
                    values[fname] = parse(cells[idx] if idx < width else "")
                except CellError as exc:
                    ctx.error(number, fname, exc.message, exc.forward_key)
                    failed = True
        for fname, default in self.defaults:
            values[fname] = default
        if self.target is not None and values.get(self.target[0]) is None:
            values[self.target[0]] = self.target[1]
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
        ImportJob.objects.filter(pk=job.pk).update(
            processed_rows=done, total_rows=total, heartbeat_at=timezone.now()
        )

    return report


def _set_status(job: ImportJob, status: str) -> None:
    job.status = status
    job.heartbeat_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(status=status, heartbeat_at=job.heartbeat_at)


# A process works on jobs in these states; nobody does once it died.
RUNNING = (Status.CHECKING, Status.WRITING)


def interrupted_message() -> str:
    return _(
        "处理中断：处理这个文件的进程意外停止（可能文件过大或异常），没有写入任何数据。"
        "请检查文件后重新上传；仍不成功时请联系管理员。"
    )


def mark_interrupted(job_id: int) -> bool:
    """A job whose process died, as failed with a message the user sees; its upload deleted."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return False
    message = interrupted_message()
    _finish(job, Status.ERROR, message, error_count=1, errors=[Issue(None, "", message).as_dict()])
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    _side_progress_path(job).unlink(missing_ok=True)
    logger.warning("import job %s: its process died; marked as failed", job.pk)
    return True


def recover_stale(now=None) -> int:
    """Jobs left checking or writing by a dead worker (stale heartbeat), marked failed."""
    stale = lost_worker(ImportJob, RUNNING, getattr(settings, "UNIONWORK_IMPORT_STALE_MINUTES", 15), now)
    return sum(mark_interrupted(pk) for pk in stale.values_list("pk", flat=True))


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
    """What the user should know of the file besides the counts: skipped rows, columns not taken."""
    note = result.columns_note
    parts = []
    if result.skipped_count:
        parts.append(
            _("跳过了 %(n)d 行不是记录的行（标题、说明、合计或空行），见下方列表。")
            % {"n": result.skipped_count}
        )
    if note.get("unknown"):
        parts.append(_("以下列未能识别，没有导入：%(cols)s。") % {"cols": "、".join(note["unknown"][:20])})
    if note.get("unused"):  # the reasons are in ``columns_note`` (the job page lists them)
        parts.append(
            _("以下列已识别但不导入：%(cols)s。") % {"cols": "、".join(h for h, _why in note["unused"][:20])}
        )
    if note.get("left_out"):
        parts.append(
            _("按您选择的列对应，以下列不导入：%(cols)s。") % {"cols": "、".join(note["left_out"][:20])}
        )
    if note.get("defaulted"):
        parts.append(
            _("文件中没有这些列，新记录取默认值：%(cols)s。")
            % {"cols": "、".join(f"{h}＝{v}" for h, v in note["defaulted"])}
        )
    return "".join(parts)


def _result_fields(result: CheckResult) -> dict[str, Any]:
    return {
        "skipped": result.skipped,
        "skipped_count": result.skipped_count,
        "columns_note": result.columns_note,
    }


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
    secret_cols = {ctx.col_index[f] for f, c in columns.items() if c.secret and not c.personal}
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
        # It holds the user's rows, personal data included: stored encrypted (core.crypto),
        # under a random name; the download names it after the user's file.
        with crypto.encrypted_copy(tmp) as sealed:
            job.error_file.save(f"{uuid.uuid4().hex}.xlsx.enc", File(sealed), save=False)
    _finish(
        job,
        Status.FAILED,
        message + _ignored_note(result),
        error_count=ctx.error_count,
        errors=[i.as_dict() for i in issues[:ERRORS_IN_JOB]],
        processed_rows=result.rows,
        total_rows=result.rows,
        **_result_fields(result),
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
        **_result_fields(result),
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
        **_result_fields(result),
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
                    f'UPDATE "{self.table}" SET processed_rows = %s, total_rows = %s, heartbeat_at = %s '  # noqa: S608
                    "WHERE id = %s",
                    [done, total, timezone.now(), job.pk],
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
        with open(ctx.state["plain_path"], "rb") as fh:  # its own file handle on the plain copy
            sheet = open_sheet(fh, job.original_name)
            checker = Checker(ctx, sheet)
            waited = 0.0
            start = time.perf_counter()
            for batch in checker.batches():
                packed = list(importer.pack_batch(batch, ctx))
                t = time.perf_counter()
                queue.put(("batch", checker.result.rows, packed))
                waited += time.perf_counter() - t
            timing = (time.perf_counter() - start, waited)
            queue.put(("done", ctx.issues, ctx.error_count, checker.result.state(), timing))
    except ImportFileError as exc:
        queue.put(("file_error", exc.message))
    except HeaderMappingNeeded as exc:
        queue.put(("file_error", exc.message()))
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
                result.set_state(msg[3])
                logger.info(
                    "one-pass import: checking process %.1f s (%.1f s waiting for the writer); "
                    "writer %.1f s (%.1f s waiting for checked rows)",
                    msg[4][0],
                    msg[4][1],
                    time.perf_counter() - start,
                    waited,
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
        **_result_fields(result),
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
        with (
            job.file.open("rb") as stored,
            crypto.plain_copy(stored, named=True) as fh,
            tempfile.TemporaryFile() as spill,
        ):
            ctx.state["plain_path"] = fh.name  # the checking process of a large file opens it
            sheet = open_sheet(fh, job.original_name)
            if ctx.importer.single_pass and not ctx.options.get("dry_run"):
                _one_pass(job, ctx, sheet)
            else:
                result = Checker(ctx, sheet, _progress(job), spill).run()
                if ctx.error_count:
                    _fail(job, ctx, sheet, result)
                elif ctx.options.get("dry_run"):
                    _preview(job, result)
                else:
                    _write(job, ctx, sheet, result)
    except ImportFileError as exc:
        _file_problem(job, exc.message)
    except HeaderMappingNeeded as exc:
        job.options = {**job.options, "mapping_request": exc.as_dict()}
        _finish(job, Status.MAPPING, exc.message())
    except crypto.FileKeyError:
        logger.exception("import job %s: the stored file does not open", job.pk)
        _finish(job, Status.ERROR, _("上传的文件无法解密（密钥已更换？），没有写入任何数据。请重新上传。"))
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(
            job,
            Status.ERROR,
            _("处理时发生内部错误，没有写入任何数据。请联系管理员（导入任务 #%(id)d）。") % {"id": job.pk},
        )
    finally:
        _forget_upload(job, ctx.importer)
    if job.status == Status.DONE and not job.options.get("dry_run"):
        purge_superseded(job)
    return job


def _forget_upload(job: ImportJob, importer: Importer) -> None:
    """The uploaded file is deleted once processed (docs/keys.md).

    Kept only while the user still has a step to take with it: a preview to confirm, columns
    to map; a file with secrets (initial passwords) is deleted even then.
    """
    waiting = (job.status == Status.DONE and job.options.get("dry_run")) or job.status == Status.MAPPING
    if waiting and not any(c.secret and not c.personal for c in importer.columns):
        return
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


# Jobs no process is working on (a pending or running job keeps its file whatever its age).
SETTLED = (Status.DONE, Status.FAILED, Status.ERROR, Status.MAPPING)


def purge_files(job: ImportJob) -> None:
    """Delete a job's uploaded and error files (its record, counts and messages stay)."""
    for f in (job.file, job.error_file):
        if f:
            f.delete(save=False)
    job.files_purged_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(file="", error_file="", files_purged_at=job.files_purged_at)


def purge_superseded(job: ImportJob) -> int:
    """Once an import succeeds, the files of the same user's earlier jobs of that import go."""
    earlier = ImportJob.objects.filter(
        importer=job.importer, user_id=job.user_id, pk__lt=job.pk, status__in=SETTLED
    ).exclude(file="", error_file="")
    n = 0
    for old in earlier:
        purge_files(old)
        n += 1
    return n


def purge_expired(now=None) -> int:
    """Delete the files of jobs older than ``UNIONWORK_IMPORT_FILE_DAYS`` (7 by default)."""
    days = getattr(settings, "UNIONWORK_IMPORT_FILE_DAYS", 7)
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    n = 0
    for job in ImportJob.objects.filter(created_at__lt=cutoff, status__in=SETTLED).exclude(
        file="", error_file=""
    ):
        purge_files(job)
        n += 1
    return n


def check_file(
    fileobj: IO[bytes], filename: str, importer: Importer, user: Any, options: dict | None = None
) -> tuple[ImportContext, CheckResult]:
    """Check a file without a job and without writing (for tests, commands and benchmarks)."""
    ctx = ImportContext(user, importer, options)
    sheet = open_sheet(fileobj, filename)
    try:
        return ctx, Checker(ctx, sheet).run()
    except HeaderMappingNeeded as exc:
        raise ImportFileError(exc.message()) from None

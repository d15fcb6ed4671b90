"""The file given back when an import is refused: the user's rows, each bad cell marked.

The rows are streamed again from the uploaded file into a new workbook (xlsxwriter in constant
memory mode, so a million-row file costs no more memory than a small one): every row where it
was (title rows, notes and totals too), the values as they were written, each bad cell filled
red with a comment saying what is wrong and how to fix it, and a last column that sums up the
row's problems. Fixing the marked cells and uploading the file again works: the notes column
is recognised and left aside. Columns of codes are formatted as text, so the user can retype
them without Excel turning them into numbers again. Personal data stays in (the engine stores
the file encrypted, for the uploader only); only ``secret_columns`` (passwords) are emptied.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _

from unionwork.core.imports.base import Issue
from unionwork.core.imports.readers import Sheet

# The header of the notes column added to the file; a re-upload recognises and leaves it aside.
ERROR_NOTE_HEADER = "错误说明（导入时自动生成，可保留）"
MAX_COMMENTS = 10_000  # comments beyond these still get the red fill and the row's summary
AUTHOR = "工会工作平台"


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.cache: dict[tuple[bool, str], Any] = {}

    def get(self, bad: bool, kind: str) -> Any:
        key = (bad, kind)
        if key not in self.cache:
            spec: dict[str, Any] = {}
            if bad:
                spec.update(bg_color="#FFC7CE", font_color="#9C0006", border=1, border_color="#C00000")
            if kind == "text":
                spec["num_format"] = "@"
            elif kind == "date":
                spec["num_format"] = "yyyy-mm-dd"
            elif kind == "datetime":
                spec["num_format"] = "yyyy-mm-dd hh:mm:ss"
            elif kind == "header":
                spec.update(bold=True, bg_color="#D9E1F2", border=1)
            elif kind == "note":
                spec.update(font_color="#C00000")
            self.cache[key] = self.book.add_format(spec) if spec else None
        return self.cache[key]


def _write(ws: Any, r: int, c: int, value: Any, fmts: _Formats, bad: bool, text: bool) -> None:
    t = type(value)
    if t is str:
        if value:
            ws.write_string(r, c, value, fmts.get(bad, "text" if text else ""))
        elif bad or text:
            ws.write_blank(r, c, None, fmts.get(bad, "text" if text else ""))
    # Numbers kept as they came (text-formatted in a code column); inf/nan, which xlsxwriter
    # refuses, fall through to text at the end.
    elif (t is float and math.isfinite(value)) or t is int:
        ws.write_number(r, c, value, fmts.get(bad, "text" if text else ""))
    elif t is bool:
        ws.write_boolean(r, c, value, fmts.get(bad, ""))
    elif isinstance(value, datetime.datetime):
        ws.write_datetime(r, c, value, fmts.get(bad, "datetime"))
    elif isinstance(value, datetime.date):
        ws.write_datetime(r, c, value, fmts.get(bad, "date"))
    elif value is None:
        if bad:
            ws.write_blank(r, c, None, fmts.get(bad, ""))
    else:
        ws.write_string(r, c, str(value), fmts.get(bad, "text" if text else ""))


def write_marked_workbook(
    target: IO[bytes] | str,
    sheet: Sheet,
    issues: list[Issue],
    *,
    header_row: int,
    text_columns: set[int],
    secret_columns: set[int],
    title: str = "",
) -> None:
    """Write the file's rows again with every issue marked (see the module's docstring)."""
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    by_row: dict[int, list[str]] = defaultdict(list)
    for issue in issues:
        if issue.row is None:
            continue
        if issue.col_index is not None:
            by_cell[(issue.row, issue.col_index)].append(issue.message)
        by_row[issue.row].append(f"「{issue.column}」{issue.message}" if issue.column else issue.message)
    bad_cols_by_row: dict[int, list[int]] = defaultdict(list)
    for row, col in by_cell:
        bad_cols_by_row[row].append(col)

    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False})
    fmts = _Formats(book)
    ws = book.add_worksheet((title or _("导入数据"))[:31])
    note_col = max([sheet.width, *(c + 1 for _r, c in by_cell)] or [1])
    for c in text_columns:
        ws.set_column(c, c, 18, fmts.get(False, "text"))
    ws.set_column(note_col, note_col, 60)
    comments = 0
    for number, cells in sheet.rows():
        r = number - 1
        if number == header_row:
            for c, value in enumerate(cells):
                if value != "":
                    ws.write_string(r, c, str(value), fmts.get(False, "header"))
                if c in secret_columns:
                    ws.write_comment(
                        r, c, _("为安全起见，此列内容没有保留在本文件中，请重新填写。"), {"author": AUTHOR}
                    )
            ws.write_string(r, note_col, ERROR_NOTE_HEADER, fmts.get(True, "header"))
            continue
        bad_here = bad_cols_by_row.get(number, ())
        for c, value in enumerate(cells):
            bad = c in bad_here
            if c in secret_columns and number > header_row:
                value = ""
            _write(ws, r, c, value, fmts, bad, c in text_columns)
        for c in sorted(bad_here):
            if c >= len(cells):
                _write(ws, r, c, "", fmts, True, c in text_columns)
        for c in sorted(bad_here):
            if comments < MAX_COMMENTS:
                ws.write_comment(
                    r, c, "\n".join(by_cell[(number, c)]), {"author": AUTHOR, "x_scale": 2.5, "y_scale": 2}
                )
                comments += 1
        if number in by_row:
            ws.write_string(r, note_col, "；".join(by_row[number]), fmts.get(False, "note"))
    if header_row:
        ws.freeze_panes(header_row, 0)
    book.close()

"""Any list to .xlsx: one formatted sheet, streamed with xlsxwriter in constant-memory mode.

``columns`` is a list of ``(header, accessor)``; an accessor is a dotted attribute path
("parent.name", "get_kind_display": callables on the way are called) or a callable taking the
row. Querysets are iterated in chunks, so a 200,000-row export stays within a few tens of MB.
Strings are always written as text, never as formulas (no formula injection from user data).
"""

from __future__ import annotations

import datetime
import decimal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
WIDTH_SAMPLE = 200  # rows looked at to size the columns
MAX_WIDTH = 60
EXACT_INT_LIMIT = 10**15  # larger integers (ID numbers) lose digits as Excel numbers

Accessor = str | Callable[[Any], Any]
ColumnSpec = tuple[Any, Accessor]


def accessor_function(accessor: Accessor) -> Callable[[Any], Any]:
    """A function reading a value from a row: the callable itself, or a dotted attribute path."""
    if callable(accessor):
        return accessor
    parts = accessor.split(".")

    def read(obj: Any) -> Any:
        value = obj
        for part in parts:
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
            if callable(value):
                value = value()
        return value

    return read


def display_width(value: Any) -> int:
    """Width of a value in Excel's character units (a Chinese character counts two)."""
    text = str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class _Writer:
    """One worksheet being written: formats, the current row, column widths."""

    def __init__(self, book: xlsxwriter.Workbook, sheet_name: str):
        self.book = book
        self.ws = book.add_worksheet(sheet_name[:31])
        self.title_fmt = book.add_format({"bold": True, "font_size": 14})
        self.header_fmt = book.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center", "valign": "vcenter"}
        )
        self.date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.text_fmt = book.add_format({"num_format": "@"})
        self.row = 0

    def write_cell(self, c: int, value: Any) -> None:
        ws, r = self.ws, self.row
        if value is None or value == "":
            return
        if isinstance(value, bool):
            ws.write_string(r, c, _("是") if value else _("否"))
        elif isinstance(value, int):
            if abs(value) < EXACT_INT_LIMIT:
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value), self.text_fmt)
        elif isinstance(value, float | decimal.Decimal):
            ws.write_number(r, c, float(value))
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            ws.write_datetime(r, c, value, self.datetime_fmt)
        elif isinstance(value, datetime.date):
            ws.write_datetime(r, c, value, self.date_fmt)
        elif isinstance(value, list | tuple | set):
            ws.write_string(r, c, "、".join(str(v) for v in value))
        else:  # str, lazy translations, model instances, anything else: as text
            ws.write_string(r, c, str(value))


def _cell_value(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def _iterate(rows: Iterable[Any]) -> Iterable[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return rows


def write_xlsx(
    target: str | IO[bytes],
    title: str,
    columns: Sequence[ColumnSpec],
    rows: Iterable[Any],
    *,
    sheet_name: str | None = None,
    title_row: bool = True,
    progress: Callable[[int], None] | None = None,
    every: int = CHUNK_SIZE,
) -> int:
    """Write rows to an .xlsx file or binary file object; return the number of rows written.

    ``progress(n)`` is called after every ``every`` rows with the number written so far.

    A bold title row (``title``, if ``title_row``), a bold header row, frozen under the header,
    an autofilter over the data, columns sized from the header and the first rows.
    """
    readers = [accessor_function(acc) for _h, acc in columns]
    headers = [str(h) for h, _a in columns]
    book = xlsxwriter.Workbook(
        target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    w = _Writer(book, sheet_name or _safe_sheet_name(title) or "Sheet1")
    if title and title_row:
        w.ws.write_string(0, 0, str(title), w.title_fmt)
        w.row = 1
    header_row = w.row
    widths = [min(MAX_WIDTH, max(8, display_width(h) + 2)) for h in headers]
    it = iter(_iterate(rows))
    sample = [[_cell_value(read(obj)) for read in readers] for obj in islice(it, WIDTH_SAMPLE)]
    for values in sample:
        for c, value in enumerate(values):
            if value is not None:
                widths[c] = min(MAX_WIDTH, max(widths[c], display_width(value) + 2))
    for c, width in enumerate(widths):
        w.ws.set_column(c, c, width)
    for c, header in enumerate(headers):
        w.ws.write_string(header_row, c, header, w.header_fmt)
    count = 0
    for values in _chain_rows(sample, it, readers):
        w.row += 1
        for c, value in enumerate(values):
            w.write_cell(c, value)
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    w.ws.freeze_panes(header_row + 1, 0)
    if headers:
        w.ws.autofilter(header_row, 0, header_row + count, len(headers) - 1)
    book.close()
    return count


def _chain_rows(sample: list[list[Any]], rest: Iterable[Any], readers: list[Callable[[Any], Any]]):
    yield from sample
    for obj in rest:
        yield [_cell_value(read(obj)) for read in readers]


def _safe_sheet_name(title: str) -> str:
    return "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31]


def xlsx_response(
    filename: str, title: str, columns: Sequence[ColumnSpec], rows: Iterable[Any]
) -> FileResponse:
    """An .xlsx download of ``rows``: written to a temporary file, streamed, then deleted.

    ``filename`` may be Chinese; the header carries it per RFC 5987 (``filename*=utf-8''…``).
    """
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    tmp = tempfile.TemporaryFile()
    try:
        write_xlsx(tmp, title, columns, rows)
    except BaseException:
        tmp.close()
        raise
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)

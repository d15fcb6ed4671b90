"""Reading an uploaded file as rows of cells: .xlsx and .xls with python-calamine, .csv as text.

Every reader streams ``(row number as Excel shows it, cells from column A)`` and knows roughly
how many lines the file has, for progress. A file that cannot be read raises
:class:`ImportFileError` with a Chinese message, never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any, Protocol

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls")
EXTENSIONS = (*EXCEL_EXTENSIONS, ".csv")
SNIFF_BYTES = 1 << 20


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, without the needed columns)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Sheet(Protocol):
    total_lines: int  # lines in the file, header included (approximate for CSV)
    width: int  # columns of the widest row

    def rows(self) -> Iterator[tuple[int, list[Any]]]: ...


def extension_of(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def check_extension(filename: str) -> str:
    """The file's extension, or ImportFileError if it is not one we read."""
    ext = extension_of(filename)
    if ext not in EXTENSIONS:
        raise ImportFileError(
            _("不支持的文件类型“%(ext)s”。请上传 .xlsx、.xls 或 .csv 文件。") % {"ext": ext or _("无扩展名")}
        )
    return ext


def open_sheet(fileobj: IO[bytes], filename: str) -> Sheet:
    """The first sheet of an Excel file, or a CSV file, by the file name's extension.

    ``fileobj`` is a binary file positioned at its start; it must stay open while rows are read.
    """
    ext = check_extension(filename)
    if ext == ".csv":
        return CsvSheet(fileobj)
    return ExcelSheet(fileobj)


class ExcelSheet:
    """The first visible worksheet of an .xlsx or .xls file (the format is detected from the content)."""

    def __init__(self, fileobj: IO[bytes]):
        head = fileobj.read(8)
        if not head:
            raise ImportFileError(_("文件是空的，请检查后重新上传。"))
        fileobj.seek(0)
        from unionwork.core.imports import limits

        # Before calamine allocates anything for it: size, zip members, the sheet's area.
        limits.check_upload(fileobj)
        try:
            book = CalamineWorkbook.from_filelike(fileobj)
            sheet = book.get_sheet_by_name(self._first_sheet(book))
        except ImportFileError:
            raise
        except Exception:  # calamine raises several kinds, all meaning "not a readable workbook"
            raise ImportFileError(
                _(
                    "无法读取这个文件：它已损坏、加了密码，或不是 Excel 文件。请在 Excel 中另存为 .xlsx 后重新上传。"
                )
            ) from None
        self._sheet = sheet
        start, end = sheet.start, sheet.end
        self._row0, self._col0 = start or (0, 0)
        self.total_lines = sheet.height + self._row0
        self.width = (end[1] + 1) if end else 0

    @staticmethod
    def _first_sheet(book: CalamineWorkbook) -> str:
        for meta in book.sheets_metadata:
            if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
                return meta.name
        raise ImportFileError(_("文件里没有可读取的工作表。"))

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        pad = [""] * self._col0
        number = self._row0
        for cells in self._sheet.iter_rows():
            number += 1
            yield number, (pad + cells if pad else cells)


def detect_encoding(head: bytes) -> str:
    """utf-8-sig when the start of the file is valid UTF-8 (with or without BOM), else GB18030."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


class CsvSheet:
    """A CSV file in UTF-8 (with or without BOM) or GB18030, comma- or tab-separated."""

    def __init__(self, fileobj: IO[bytes]):
        from unionwork.core.imports import limits

        self._limits = limits.Limits.from_settings()
        self._file = fileobj
        fileobj.seek(0)
        limits.check_size(limits.file_size(fileobj), self._limits)
        head = fileobj.read(SNIFF_BYTES)
        if not head.strip():
            raise ImportFileError(_("文件是空的，请检查后重新上传。"))
        if b"\x00" in head:
            raise ImportFileError(
                _(
                    "这不是有效的 CSV 文本文件（可能是改了扩展名的其他文件）。请在 Excel 中另存为 CSV 或 .xlsx 后上传。"
                )
            )
        self.encoding = detect_encoding(head)
        first_line = head.split(b"\n", 1)[0]
        self.delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
        lines = 0
        longest = carry = 0  # the longest line bounds what csv.reader holds for one row
        # Chunks, never the whole file; a quarter of the sniff size keeps split()'s pieces small.
        for chunk in itertools.chain((head,), iter(lambda: fileobj.read(SNIFF_BYTES // 4), b"")):
            parts = chunk.split(b"\n")
            lines += len(parts) - 1
            if len(parts) == 1:
                carry += len(parts[0])
            else:
                longest = max(longest, carry + len(parts[0]), *map(len, parts[1:-1]))
                carry = len(parts[-1])
            if max(longest, carry) > self._limits.max_line_bytes:
                raise ImportFileError(
                    _(
                        "文件第 %(line)s 行超过 %(max)s 字节，不像是正常的表格行（可能缺少换行或不是 CSV 文件）。"
                        "请在 Excel 中打开检查后另存为 .xlsx 上传。"
                    )
                    % {"line": f"{lines + 1:,}", "max": f"{self._limits.max_line_bytes:,}"}
                )
        self.total_lines = lines + 1
        if lines > self._limits.max_rows:
            limits.check_area(lines, 1, self._limits)
        self.width = 0

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        self._file.seek(0)
        text = io.TextIOWrapper(self._file, encoding=self.encoding, newline="")
        try:
            for number, cells in enumerate(csv.reader(text, delimiter=self.delimiter), start=1):
                if len(cells) > self.width:
                    self.width = len(cells)
                    if self.width > self._limits.max_columns:
                        from unionwork.core.imports import limits

                        limits.check_area(number, self.width, self._limits)
                yield number, cells
        except UnicodeDecodeError:
            raise ImportFileError(
                _("文件中有无法识别的文字编码。请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”后重新上传。")
            ) from None
        except csv.Error:
            raise ImportFileError(
                _("CSV 文件格式有误（例如引号不成对）。请在 Excel 中另存为 .xlsx 后上传。")
            ) from None
        finally:
            text.detach()  # leave the underlying file open for the next pass

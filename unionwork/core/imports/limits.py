"""Bounds an upload must keep before any reader allocates for it (issue 10, point 1).

python-calamine builds a worksheet as one dense rectangle from the top-left to the bottom-right
cell it finds: a 9 KB .xlsx with one cell at XFD1048576 asks for 16,384 x 1,048,576 cells
(512 GiB) and the process aborts. A zip bomb (a sheet of zeros, ~1,000:1) inflates gigabytes
from a small upload. So, before calamine sees the file:

- .xlsx/.xlsm (a zip): the members are listed with ``infolist`` (nothing inflated): their count,
  their total uncompressed size and each large member's compression ratio; then each worksheet's
  XML is streamed in chunks (never held whole) for its declared ``<dimension ref>`` and the
  row and column numbers its rows and cells actually use;
- .xls (an OLE compound file): its size, and the row and column of every cell record in its
  Workbook stream, read sector by sector;
- .csv: its size, then (while counting its lines) rows and, as rows are read, columns.

Every refusal is an :class:`ImportFileError` saying in Chinese what is too big, the limit and
what to do. The limits are settings (``UNIONWORK_IMPORT_MAX_*``, see settings.py).
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from unionwork.core.imports.readers import ImportFileError

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cells: int
    max_file_bytes: int
    max_uncompressed_bytes: int
    max_members: int
    max_ratio: int
    max_line_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        get = lambda name, default: int(getattr(settings, f"UNIONWORK_IMPORT_{name}", default))  # noqa: E731
        return cls(
            max_rows=get("MAX_ROWS", 500_000),
            max_columns=get("MAX_COLUMNS", 200),
            max_cells=get("MAX_CELLS", 10_000_000),
            max_file_bytes=get("MAX_FILE_BYTES", 100 * 1024 * 1024),
            max_uncompressed_bytes=get("MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024),
            max_members=get("MAX_ZIP_MEMBERS", 2_000),
            max_ratio=get("MAX_COMPRESSION_RATIO", 200),
            max_line_bytes=get("MAX_LINE_BYTES", 1024 * 1024),
        )


def _mib(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:,.1f} KB"
    return f"{n / (1024 * 1024):,.1f} MB"


def _too_many_rows(rows: int, limits: Limits) -> ImportFileError:
    return ImportFileError(
        _(
            "文件的数据区域达到第 %(rows)s 行，超过一次导入的上限 %(max)s 行。"
            "请删除数据以下的空行（或把数据复制到新的工作表），或把文件拆成几个较小的文件分别导入。"
        )
        % {"rows": f"{rows:,}", "max": f"{limits.max_rows:,}"}
    )


def _too_many_columns(cols: int, limits: Limits) -> ImportFileError:
    return ImportFileError(
        _(
            "文件的数据区域有 %(cols)s 列，超过上限 %(max)s 列。"
            "请删除数据右侧的空列和无关的列（或把需要的列复制到新的工作表）后重新上传。"
        )
        % {"cols": f"{cols:,}", "max": f"{limits.max_columns:,}"}
    )


def check_area(rows: int, cols: int, limits: Limits) -> None:
    """The rectangle a reader would allocate (rows x columns) is within the limits."""
    if rows > limits.max_rows:
        raise _too_many_rows(rows, limits)
    if cols > limits.max_columns:
        raise _too_many_columns(cols, limits)
    if rows * cols > limits.max_cells:
        raise ImportFileError(
            _(
                "文件的数据区域（%(rows)s 行 × %(cols)s 列）超过一次导入的上限 %(max)s 个单元格。"
                "请删除多余的行和列，或把文件拆成几个较小的文件分别导入。"
            )
            % {"rows": f"{rows:,}", "cols": f"{cols:,}", "max": f"{limits.max_cells:,}"}
        )


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise ImportFileError(
            _("文件大小 %(size)s，超过上限 %(max)s。请把文件拆成几个较小的文件分别导入。")
            % {"size": _mib(size), "max": _mib(limits.max_file_bytes)}
        )


def file_size(fileobj: IO[bytes]) -> int:
    pos = fileobj.tell()
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(pos)
    return size


def check_upload(fileobj: IO[bytes], limits: Limits | None = None) -> None:
    """Refuse an Excel upload over the limits, by its content (as calamine detects the format).

    ``fileobj`` is a seekable binary file; it is left at its start.
    """
    limits = limits or Limits.from_settings()
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    check_size(file_size(fileobj), limits)
    try:
        if head.startswith(ZIP_MAGIC):
            check_xlsx(fileobj, limits)
        elif head == CFB_MAGIC:
            check_xls(fileobj, limits)
    finally:
        fileobj.seek(0)


# -- .xlsx ------------------------------------------------------------------------------------

_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
# Tags of a worksheet, namespace prefix allowed; attributes are read from the tag's own text.
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_R_ATTR = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]*)([0-9]*)[\"']")
_REF = re.compile(r"\$?([A-Za-z]{1,4})?\$?([0-9]{1,9})?")


def column_number(letters: bytes | str) -> int:
    """1 for A, 16384 for XFD (letters beyond Excel's are still counted)."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _declared(ref: str) -> tuple[int, int]:
    """Rows and columns of a ``<dimension ref>`` such as ``A1:XFD1048576`` (0, 0 if unreadable)."""
    rows = cols = 0
    for part in ref.split(":")[:2]:
        m = _REF.fullmatch(part.strip())
        if not m:
            continue
        if m.group(1):
            cols = max(cols, column_number(m.group(1)))
        if m.group(2):
            rows = max(rows, int(m.group(2)))
    return rows, cols


def check_xlsx(fileobj: IO[bytes], limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip calamine reads either: it says so in its own words
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ImportFileError(
                _(
                    "文件包含 %(n)s 个内部部件，超过上限 %(max)s 个，不像是普通的 Excel 文件。请在 Excel 中另存为 .xlsx 后重新上传。"
                )
                % {"n": f"{len(infos):,}", "max": f"{limits.max_members:,}"}
            )
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_bytes:
            raise ImportFileError(
                _(
                    "文件解压后有 %(size)s，超过上限 %(max)s（可能是异常或被构造的文件）。"
                    "请把数据复制到新的工作簿、删除多余的工作表和空行后另存为 .xlsx，或拆成几个文件分别导入。"
                )
                % {"size": _mib(total), "max": _mib(limits.max_uncompressed_bytes)}
            )
        for info in infos:
            # Small members may compress very well (a blank sheet); only large ones are judged.
            if info.file_size > CHUNK and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise ImportFileError(
                    _(
                        "文件中的“%(name)s”压缩比异常（解压后是压缩时的 %(ratio)s 倍，上限 %(max)s 倍），"
                        "可能是被构造的文件，已拒绝。请在 Excel 中另存为 .xlsx 后重新上传。"
                    )
                    % {
                        "name": info.filename,
                        "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                        "max": f"{limits.max_ratio:,}",
                    }
                )
        try:
            for info in infos:
                if _WORKSHEET.match(info.filename):
                    rows, cols = _sheet_area(archive, info)
                    check_area(rows, cols, limits)
                elif not info.is_dir():
                    # zipfile inflates no more than the declared size and then checks the CRC: a
                    # member that lies about its size (to pass the checks above) fails here.
                    with archive.open(info) as stream:
                        while stream.read(CHUNK):
                            pass
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
            raise ImportFileError(
                _(
                    "文件已损坏或被篡改（压缩内容与它声明的大小不符），已拒绝。请在 Excel 中另存为 .xlsx 后重新上传。"
                )
            ) from None


def _sheet_area(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The rows and columns a reader would allocate for this worksheet, by streaming its XML.

    The larger of what ``<dimension ref>`` declares and what the rows and cells use: a cell's
    ``r`` gives its place; a row or cell without ``r`` follows the previous one (counted as one
    more, which can only overestimate). Inflated at most ``info.file_size`` (already bounded),
    ``CHUNK`` at a time.
    """
    max_row = max_col = 0
    row_no = 0
    col_no = 0
    tail = b""
    with archive.open(info) as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            data = tail + chunk
            cut = data.rfind(b">") + 1
            data, tail = data[:cut], data[cut:]
            if len(tail) > CHUNK:  # no tag ends in a whole chunk: not a sheet calamine reads
                tail = tail[-256:]
            if not max_row and not max_col:
                m = _DIMENSION.search(data)
                if m:
                    max_row, max_col = _declared(m.group(1).decode("ascii", "replace"))
            pos = 0
            while True:
                row_m = _ROW_TAG.search(data, pos)
                cell_m = _CELL_TAG.search(data, pos)
                if not row_m and not cell_m:
                    break
                if row_m and (not cell_m or row_m.start() < cell_m.start()):
                    r = _R_ATTR.search(row_m.group(1))
                    row_no = int(r.group(2)) if r and r.group(2) else row_no + 1
                    col_no = 0
                    max_row = max(max_row, row_no)
                    pos = row_m.end()
                else:
                    r = _R_ATTR.search(cell_m.group(1))
                    if r and r.group(1):
                        col_no = column_number(r.group(1))
                        if r.group(2):
                            max_row = max(max_row, int(r.group(2)))
                    else:
                        col_no += 1
                    max_col = max(max_col, col_no)
                    pos = cell_m.end()
    return max_row, max_col


# -- .xls -------------------------------------------------------------------------------------

# BIFF cell records: each starts with row (u16) and column (u16); MULRK/MULBLANK then span to
# the last column, stored in the record's last two bytes.
_CELL_RECORDS = {0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x0206, 0x0406}
_MULTI_RECORDS = {0x00BD, 0x00BE}
_ENDOFCHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF


def check_xls(fileobj: IO[bytes], limits: Limits) -> None:
    """Rows and columns used by the cell records of an .xls's Workbook stream.

    A minimal reader of the compound file (header, FAT, directory, one stream's sector chain),
    reading one sector at a time; anything it does not understand is left to calamine.
    """
    try:
        stream = _cfb_stream(fileobj, ("Workbook", "Book"))
    except (struct.error, ValueError, IndexError, KeyError):
        return
    if stream is None:
        return
    max_row = max_col = 0
    buf = b""
    for block in stream:
        buf += block
        pos = 0
        while pos + 4 <= len(buf):
            rtype, length = struct.unpack_from("<HH", buf, pos)
            if pos + 4 + length > len(buf):
                break
            body = buf[pos + 4 : pos + 4 + length]
            if (rtype in _CELL_RECORDS or rtype in _MULTI_RECORDS) and length >= 4:
                row, col = struct.unpack_from("<HH", body, 0)
                if rtype in _MULTI_RECORDS and length >= 6:
                    col = max(col, struct.unpack_from("<H", body, length - 2)[0])
                max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
            pos += 4 + length
        buf = buf[pos:]
    check_area(max_row, max_col, limits)


def _cfb_stream(fileobj: IO[bytes], names: tuple[str, ...]):
    """The sectors of the first stream named in ``names``, as an iterator (None if absent)."""
    fileobj.seek(0)
    header = fileobj.read(512)
    if len(header) < 512 or header[:8] != CFB_MAGIC:
        return None
    shift = struct.unpack_from("<H", header, 30)[0]
    if not 7 <= shift <= 16:
        return None
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", header, 44)
    mini_cutoff = struct.unpack_from("<I", header, 56)[0]
    first_difat, n_difat = struct.unpack_from("<II", header, 68)
    total_sectors = max(file_size(fileobj) // size, 1)

    def sector(n: int) -> bytes:
        if n >= total_sectors:
            raise ValueError("sector out of range")
        fileobj.seek((n + 1) * size)
        return fileobj.read(size)

    difat = list(struct.unpack_from("<109I", header, 76))
    d, seen = first_difat, 0
    while d not in (_ENDOFCHAIN, _FREE) and seen < n_difat and seen < total_sectors:
        entries = struct.unpack(f"<{size // 4}I", sector(d))
        difat.extend(entries[:-1])
        d = entries[-1]
        seen += 1
    fat_sectors = [s for s in difat if s not in (_ENDOFCHAIN, _FREE)][:n_fat]
    if len(fat_sectors) > total_sectors:
        return None
    fat: list[int] = []
    for s in fat_sectors:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s)))

    def chain(start: int):
        n, steps = start, 0
        while n not in (_ENDOFCHAIN, _FREE) and steps <= total_sectors:
            yield n
            n = fat[n] if n < len(fat) else _ENDOFCHAIN
            steps += 1

    for s in chain(first_dir):
        block = sector(s)
        for off in range(0, size, 128):
            entry = block[off : off + 128]
            name_len = struct.unpack_from("<H", entry, 64)[0]
            name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
            if entry[66] == 2 and name in names:
                start, length = struct.unpack_from("<IQ", entry, 116)
                if size == 512:  # version 3: the high half is not used
                    length &= 0xFFFFFFFF
                if length < mini_cutoff:
                    return None  # a tiny workbook in the mini stream: too small to matter

                def sectors(start=start, length=length):
                    left = length
                    for n in chain(start):
                        if left <= 0:
                            break
                        yield sector(n)[: min(size, left)]
                        left -= size

                return sectors()
    return None

"""Cell and header text as offices type it, brought to one form before it is checked.

Rosters are typed by hand, pasted from Word and WeChat, and kept in Excel for years: digits
and letters in full width (１３８…, ＡＢＣ), ideographic and non-breaking spaces, phone numbers
with +86, 0086, spaces, dashes or brackets, dates as 2023年5月1日, 2023.5.1, 20230501 or only
a month (2023年5月). These functions give each its one form; the columns call them before
parsing, so a checked value never depends on how it was typed. Pure text in, text out: no
Django, no database, cheap enough for the per-cell hot path (ASCII cells are left alone).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

# Full-width digits and letters -> ASCII; the spaces Word, WeChat and web pages leave -> " ";
# zero-width characters and the byte-order mark -> nothing. Punctuation is left as typed
# (（）in a union's name is part of the name).
_CELL_TABLE: dict[int, Any] = {}
for _c in range(0xFF10, 0xFF1A):
    _CELL_TABLE[_c] = _c - 0xFEE0
for _c in (*range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)):
    _CELL_TABLE[_c] = _c - 0xFEE0
for _c in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000):
    _CELL_TABLE[_c] = " "
for _c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
    _CELL_TABLE[_c] = None

# For numbers, phones and dates: every full-width ASCII character (－＋（）．／：).
_WIDE_TABLE: dict[int, Any] = dict(_CELL_TABLE)
for _c in range(0xFF01, 0xFF5F):
    _WIDE_TABLE[_c] = _c - 0xFEE0
_WIDE_TABLE.update({0x2014: "-", 0x2013: "-", 0x2012: "-", 0x2212: "-", 0x2015: "-", 0x3002: "."})


def normalize_text(text: str) -> str:
    """A cell's text with full-width digits and letters made ASCII and odd spaces made plain, trimmed."""
    if text.isascii():
        return text.strip()
    return text.translate(_CELL_TABLE).strip()


def normalize_wide(text: str) -> str:
    """Like :func:`normalize_text`, but every full-width ASCII sign too (for numbers, phones, dates)."""
    if text.isascii():
        return text.strip()
    return text.translate(_WIDE_TABLE).strip()


# -- phone numbers -----------------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s\-()\[\].·/]+")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")


def normalize_phone(text: str) -> str:
    """A phone number as typed -> 13812345678 or 0411-84123456 (or the text, tidied, if neither).

    Removes spaces, dashes, brackets and dots; a leading +86, 0086 or 86 before a mobile number;
    splits a landline's area code (010 and 02x have three digits, the rest four).
    """
    text = normalize_wide(text)
    if len(text) == 11 and text.isdigit():
        return text
    compact = _PHONE_NOISE.sub("", text)
    for prefix in ("+86", "0086", "86"):
        if compact.startswith(prefix):
            rest = compact[len(prefix) :]
            if _MOBILE.fullmatch(rest) or (prefix != "86" and _LANDLINE.fullmatch("0" + rest.lstrip("0"))):
                compact = rest if _MOBILE.fullmatch(rest) else "0" + rest.lstrip("0")
                break
    if _MOBILE.fullmatch(compact):
        return compact
    if _LANDLINE.fullmatch(compact) and len(compact) in (10, 11, 12):
        area = 3 if compact[1] in "12" else 4
        return f"{compact[:area]}-{compact[area:]}"
    return text


# -- dates ------------------------------------------------------------------------------------

EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIAL_MAX = 2958465  # 9999-12-31


class MonthDate(datetime.date):
    """A date given only to the month (2023年5月): the 1st of that month, marked as such.

    Checks that compare with a full date (a birth date against the ID number) compare the
    year and month only.
    """

    month_only = True

    def __reduce__(self):  # pickled between the checking and writing processes
        return (MonthDate, (self.year, self.month, self.day))


_DAY_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*[ T]?\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?")
_COMPACT_DAY_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_COMPACT_MONTH_RE = re.compile(r"(\d{4})(\d{2})")


class DateFormatError(ValueError):
    """Text that is no date; ``nonexistent`` when it has a date's form but no such day exists."""

    def __init__(self, text: str, nonexistent: bool = False, ambiguous: bool = False):
        super().__init__(text)
        self.text = text
        self.nonexistent = nonexistent
        self.ambiguous = ambiguous


def _make(year: int, month: int, day: int | None, text: str) -> datetime.date:
    try:
        if day is None:
            return MonthDate(year, month, 1)
        return datetime.date(year, month, day)
    except ValueError:
        raise DateFormatError(text, nonexistent=True) from None


def parse_date_text(text: str) -> datetime.date:
    """A date as Chinese offices type it; a :class:`MonthDate` when only the month is given.

    2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501, with a time of day or not;
    2023年5月, 2023.5, 2023-05, 2023/5, 202305. Full-width digits and signs are accepted.
    """
    text = normalize_wide(text)
    if m := _DAY_RE.fullmatch(text):
        y, mo, d = (int(g) for g in m.groups())
        return _make(y, mo, d, text)
    if m := _MONTH_RE.fullmatch(text):
        y, mo = (int(g) for g in m.groups())
        return _make(y, mo, None, text)
    if m := _COMPACT_DAY_RE.fullmatch(text):
        y, mo, d = (int(g) for g in m.groups())
        return _make(y, mo, d, text)
    if (m := _COMPACT_MONTH_RE.fullmatch(text)) and 1900 <= int(m.group(1)) <= 2100:
        y, mo = (int(g) for g in m.groups())
        return _make(y, mo, None, text)
    raise DateFormatError(text)


def parse_date_number(raw: float | int) -> datetime.date:
    """A date typed into a number cell: 20230501, 202305, 2023.5 (Excel made it a number), or a serial."""
    if isinstance(raw, float) and not math.isfinite(raw):  # a file can hold inf or nan; int() refuses them
        raise DateFormatError(repr(raw))
    if isinstance(raw, float) and not raw.is_integer():
        whole = int(raw)
        if 1900 <= whole <= 2100:  # 2023.5 typed as a month; Excel keeps it as a number
            digits = repr(raw).split(".")[1]
            if digits == "1":  # 2023.1 and 2023.10 are the same number: January or October?
                raise DateFormatError(repr(raw), ambiguous=True)
            month = int(digits) if len(digits) == 2 else int(digits)
            if 1 <= month <= 12:
                return _make(whole, month, None, repr(raw))
            raise DateFormatError(repr(raw))
        raw = whole  # a serial with a time of day
    number = int(raw)
    if 19000101 <= number <= 29991231:
        return parse_date_text(str(number))
    if 190001 <= number <= 210012 and 1 <= number % 100 <= 12:
        return _make(number // 100, number % 100, None, str(number))
    if 1 <= number <= SERIAL_MAX:
        return EXCEL_EPOCH + datetime.timedelta(days=number)
    raise DateFormatError(str(raw))


# -- headers ----------------------------------------------------------------------------------

_BRACKETED = re.compile(r"[(\[【（［〔][^)\]】）］〕]*[)\]】）］〕]")
_HEADER_DROP = re.compile(r"[\s*＊:：、,，.。·_\-—~～'\"“”‘’?？!！()\[\]【】〔〕]+")


def normalize_header(text: Any) -> str:
    """A header as the platform compares it: " 联系电话（手机）* " -> "联系电话".

    NFKC (full width to ASCII), lower case, without spaces and line breaks, required-marks,
    bracketed remarks (（必填）, (yyyy-mm-dd)), trailing colons and other punctuation.
    """
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    stripped = _BRACKETED.sub("", text)
    text = _HEADER_DROP.sub("", stripped if _HEADER_DROP.sub("", stripped) else text)
    # Removing signs can bring a letter next to a combining mark: compose again (idempotent).
    return unicodedata.normalize("NFKC", text).lower()


def layout_key(headers: Iterable[Any]) -> str:
    """The identity of a header row's layout: its normalised headers in order (blank ones too)."""
    parts = [normalize_header(h) for h in headers]
    while parts and not parts[-1]:
        parts.pop()
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


# -- rows that are not records ----------------------------------------------------------------

TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总数", "累计")
NOTE_PREFIXES = (
    "注",
    "备注",
    "说明",
    "填表说明",
    "填报说明",
    "填表人",
    "填报人",
    "制表人",
    "制表",
    "审核人",
    "审核",
    "负责人",
    "联系人",
    "联系电话",
    "填表日期",
    "填报日期",
    "制表日期",
    "日期",
    "单位盖章",
    "盖章",
    "以下空白",
    "此页空白",
    "本页小计",
)
SKIP_TOTAL, SKIP_NOTE, SKIP_HEADER, SKIP_BLANK, SKIP_TITLE = "total", "note", "header", "blank", "title"


def _filled(cells: list[Any]) -> list[Any]:
    return [c for c in cells if c is not None and c != "" and not (type(c) is str and c.isspace())]


def not_a_record(cells: list[Any], header_keys: tuple[str, ...] = ()) -> str | None:
    """Why a row that failed its checks is clearly not a record, or None (it is a bad record).

    Conservative on purpose: only totals rows (合计/总计/小计 … among the first filled cells),
    notes and sign-off lines (注：…, 填表人：…) with at most three filled cells, and a repeat of
    the header row. Anything else that fails is refused with its problems, never skipped.
    """
    filled = _filled(cells)
    if not filled:
        return SKIP_BLANK
    for cell in filled[:3]:
        if type(cell) is str:
            text = "".join(normalize_text(cell).split())
            if text.startswith(TOTAL_WORDS) or text.endswith(("合计", "总计", "小计")):
                return SKIP_TOTAL
    if header_keys:
        keys = tuple(normalize_header(c) for c in cells)
        while keys and not keys[-1]:
            keys = keys[:-1]
        if keys == header_keys:
            return SKIP_HEADER
    if len(filled) <= 3 and type(filled[0]) is str:
        text = "".join(normalize_text(filled[0]).split())
        prefix = _prefix(text)
        if prefix:
            rest = text[len(prefix) :]
            if rest[:1] in (":", "：") or (len(filled) == 1 and (not rest or len(text) >= 6)):
                return SKIP_NOTE
        if len(filled) == 1 and len(text) >= 12 and ("。" in text or "：" in text or ":" in text):
            return SKIP_NOTE  # one sentence across the sheet: a note, not a person
    return None


def _prefix(text: str) -> str:
    return max((p for p in NOTE_PREFIXES if text.startswith(p)), key=len, default="")

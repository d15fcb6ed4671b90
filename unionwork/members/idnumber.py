"""Citizen ID numbers (公民身份号码, GB 11643-1999): check, convert and read them.

An 18-character number is: a 6-digit address code (where the number was issued), the birth
date YYYYMMDD, a 3-digit sequence (odd for men, even for women) and a check character (0-9 or
X, ISO 7064 MOD 11-2). A legacy 15-digit number has a 2-digit year (19YY) and no check
character; it is converted to 18 characters.

python-stdnum's ``cn.ric.validate()`` is not used: it refuses valid numbers whose address code
did not yet exist in the holder's birth year (the code is where the number was issued, not
where the holder was born: every resident of 中山区 born before 1983 would fail). Only its
check-character function is used; the date and the address code's format are checked here.

This is the hot path of million-row rosters: :func:`parse_id` is a few string operations and
dictionary look-ups per number, no regular expressions and no date arithmetic.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from stdnum.cn.ric import calc_check_digit

from unionwork.core import masking

# First two digits of an address code: the provinces, and 81/82/83 (residence permits of Hong
# Kong, Macao and Taiwan residents, which use the same format).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
MIN_BIRTH = datetime.date(1900, 1, 1)
DIGITS = frozenset("0123456789")


class IdNumberError(ValueError):
    """A number that is not a valid citizen ID; ``message`` says how to fix it (Chinese)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class CitizenId(NamedTuple):
    """A checked number (a tuple: cheap to pickle between an import's check and its write)."""

    number: str  # 18 characters, upper-case X
    birth_date: datetime.date
    sex: str  # "M" or "F"
    converted: bool = False  # given as a legacy 15-digit number


_dates: dict[str, datetime.date] = {}
_dates_until: list[datetime.date] = []


def _date_table() -> dict[str, datetime.date]:
    """Every valid birth date from 1900 to today by its YYYYMMDD text (about 46,000 entries)."""
    today = datetime.date.today()
    if not _dates_until or _dates_until[0] != today:
        table = {}
        day, one = MIN_BIRTH, datetime.timedelta(days=1)
        while day <= today:
            table[day.strftime("%Y%m%d")] = day
            day += one
        _dates.clear()
        _dates.update(table)
        _dates_until[:] = [today]
    return _dates


def excel_number_message(raw: Any) -> str:
    return _(
        "身份证号被 Excel 存成了数字（%(v)s），末几位已经丢失。请把这一列设置为“文本”格式，"
        "重新输入或粘贴原始号码后再导入。"
    ) % {"v": masking.redact_ids(f"{raw:.15g}" if isinstance(raw, float | int) else str(raw)[:30])}


def check_character(first17: str) -> str:
    """The check character of the first 17 digits (GB 11643, via python-stdnum)."""
    return calc_check_digit(first17 + "0")


def convert_15_to_18(number: str) -> str:
    """A legacy 15-digit number as 18 characters: 19 before the year, the check character after."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_character(first17)


def parse_id(raw: Any) -> CitizenId:
    """The ID number of a cell or form field, checked; :class:`IdNumberError` says what is wrong.

    Accepts 18 characters (a lower-case x is read as X) or a legacy 15-digit number, with spaces
    around or inside. A number Excel has stored as a number is refused: its last digits are gone.
    """
    t = type(raw)
    if t is float or t is int:
        raise IdNumberError("excel_number", excel_number_message(raw))
    if t is not str:
        raise IdNumberError("format", _("身份证号应为 18 位文字。"))
    text = raw.strip()
    if " " in text or "\u3000" in text:
        text = text.replace(" ", "").replace("\u3000", "")
    if not text:
        raise IdNumberError("required", _("必填，请填写身份证号。"))
    if ("E+" in text or "e+" in text) and "." in text:
        raise IdNumberError("excel_number", excel_number_message(text))
    converted = False
    n = len(text)
    if n == 18:
        last = text[17]
        if last == "x":
            text = text[:17] + "X"
            last = "X"
        if not DIGITS.issuperset(text[:17]) or (last not in DIGITS and last != "X"):
            # Where the wrong character is, not the number: a message is stored and shown beyond the form.
            at = next(i for i, c in enumerate(text) if c not in DIGITS and not (i == 17 and c == "X"))
            raise IdNumberError(
                "format",
                _("身份证号只能由数字和末位的 X 组成（第 %(i)d 位是“%(c)s”），请核对。")
                % {"i": at + 1, "c": text[at]},
            )
    elif n == 15:
        if not DIGITS.issuperset(text):
            raise IdNumberError("format", _("15 位身份证号只能由数字组成，请核对。"))
        text = convert_15_to_18(text)
        converted = True
    else:
        if n > 15 and DIGITS.issuperset(text) and text.endswith("000"):
            raise IdNumberError("excel_number", excel_number_message(text))
        raise IdNumberError(
            "length", _("身份证号应为 18 位（或旧的 15 位），现为 %(n)d 位，请核对。") % {"n": n}
        )
    if text[:2] not in PROVINCES or text[2:6] == "0000":
        raise IdNumberError(
            "region",
            _("身份证号前 6 位地址码“%(code)s”不是有效的行政区划代码，请核对。") % {"code": text[:6]},
        )
    birth = _dates.get(text[6:14]) or _date_table().get(text[6:14])
    if birth is None:
        raise IdNumberError(
            "birth_date",
            _("身份证号中的出生日期“%(d)s”不存在或晚于今天，请核对第 7 至 14 位。") % {"d": text[6:14]},
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        if text.endswith("000"):  # Excel keeps 15 significant digits: 2.10202E+17 -> ...000
            raise IdNumberError("excel_number", excel_number_message(text))
        raise IdNumberError(
            "checksum",
            _("身份证号校验位（最后一位）不对：按前 17 位应为“%(c)s”。请核对号码是否抄错。")
            % {"c": expected},
        )
    sex = "M" if text[16] in "13579" else "F"
    return CitizenId(text, birth, sex, converted)


def mask(number: str) -> str:
    """A number as everyone may see it (one rule for every output: :func:`core.masking.mask_id`)."""
    return masking.mask_id(number)


def make_id(region: str, birth: datetime.date, sequence: int) -> str:
    """A well-formed number (for demo data and tests): region, birth date, 3-digit sequence."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_character(first17)

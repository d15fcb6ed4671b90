"""The identifiers the platform checks, each in one place: every module imports them from here.

- the unified social credit code of an organisation (统一社会信用代码, GB 32100-2015);
- the citizen ID number (公民身份号码, GB 11643-1999);
- the member service card number (会员服务卡号: the city's prefix, a serial, a Luhn digit).

Each check says what is wrong and how to fix it, in Chinese, through :class:`IdentifierError`.

python-stdnum gives the check characters (``cn.uscc``, ``cn.ric``, ``luhn``), but two of its
``validate()`` functions refuse valid identifiers, so the rest is checked here:

- ``cn.uscc.validate()``/``is_valid()`` refuse codes whose registration authority (the first
  character) is a letter (A, N, Y …), which GB 32100 allows. The rule here accepts them (the
  founding module's rule; the stability module used ``is_valid`` and refused them: settled on
  accepting, issue 11).
- ``cn.ric.validate()`` refuses a number whose address code did not yet exist in the holder's
  birth year, but the code is where the number was issued, not where the holder was born (every
  resident of 中山区 born before 1983 would fail). The date and the region's format are
  checked here.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from unionwork.core import masking


class IdentifierError(ValidationError, ValueError):
    """An identifier that is not valid: ``message`` says how to fix it (Chinese), ``code`` what is
    wrong. A ``ValidationError`` for forms, a ``ValueError`` for parsers and importers."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


# -- the unified social credit code -------------------------------------------------------------
# 18 characters: registration authority (1), organisation category (1), administrative division
# (6 digits), organisation code (9), check character (1). The alphabet leaves out I, O, Z, S and
# V, which read like 1, 0, 2, 5 and U.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_LENGTH = 18
_USCC_ALLOWED = frozenset(USCC_ALPHABET)


def normalize_uscc(raw) -> str:
    """Upper case, full-width folded to half-width, spaces and hyphens removed."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(ch for ch in text if ch not in " -\t\u3000").upper()


def uscc_problem(code: str) -> str | None:
    """What is wrong with an (already normalised) code, in Chinese; None when it is valid."""
    if not code:
        return _("统一社会信用代码为空，请填写营业执照上的 18 位代码。")
    if len(code) != USCC_LENGTH:
        return _("统一社会信用代码应为 18 位，此处为 %(n)d 位，请对照营业执照核对。") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in _USCC_ALLOWED})
    if bad:
        return _(
            "统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V 等字母），请对照营业执照核对。"
        ) % {"chars": "、".join(bad)}
    if not code[2:8].isdigit():
        return _("统一社会信用代码第 3—8 位应为行政区划代码（6 位数字），请对照营业执照核对。")
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：末位应为 %(c)s，请核对是否录错。") % {"c": expected}
    return None


def is_valid_uscc(raw) -> bool:
    return uscc_problem(normalize_uscc(raw)) is None


def validate_uscc(raw) -> str:
    """The normalised code, or an :class:`IdentifierError` (code ``uscc``) that says the fix."""
    code = normalize_uscc(raw)
    message = uscc_problem(code)
    if message:
        raise IdentifierError("uscc", message)
    return code


def uscc_with_check(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    first17 = normalize_uscc(first17)
    if len(first17) != 17 or any(ch not in _USCC_ALLOWED for ch in first17):
        raise ValueError(f"17 characters of {USCC_ALPHABET} expected: {first17!r}")
    return first17 + stdnum_uscc.calc_check_digit(first17)


# -- the citizen ID number -------------------------------------------------------------------
# An 18-character number is: a 6-digit address code (where the number was issued), the birth
# date YYYYMMDD, a 3-digit sequence (odd for men, even for women) and a check character (0-9 or
# X, ISO 7064 MOD 11-2). A legacy 15-digit number has a 2-digit year (19YY) and no check
# character; it is converted to 18 characters.
#
# This is the hot path of million-row rosters: :func:`parse_id` is a few string operations and
# dictionary look-ups per number, no regular expressions and no date arithmetic.

# First two digits of an address code: the provinces, and 81/82/83 (residence permits of Hong
# Kong, Macao and Taiwan residents, which use the same format).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
MIN_BIRTH = datetime.date(1900, 1, 1)
DIGITS = frozenset("0123456789")


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


def id_check_character(first17: str) -> str:
    """The check character of the first 17 digits (GB 11643, via python-stdnum's ``cn.ric``)."""
    return stdnum_ric.calc_check_digit(first17 + "0")


def convert_15_to_18(number: str) -> str:
    """A legacy 15-digit number as 18 characters: 19 before the year, the check character after."""
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_character(first17)


def parse_id(raw: Any) -> CitizenId:
    """The ID number of a cell or form field, checked; :class:`IdentifierError` says what is wrong.

    Accepts 18 characters (a lower-case x is read as X) or a legacy 15-digit number, with spaces
    around or inside. A number Excel has stored as a number is refused: its last digits are gone.
    """
    t = type(raw)
    if t is float or t is int:
        raise IdentifierError("excel_number", excel_number_message(raw))
    if t is not str:
        raise IdentifierError("format", _("身份证号应为 18 位文字。"))
    text = raw.strip()
    if " " in text or "\u3000" in text:
        text = text.replace(" ", "").replace("\u3000", "")
    if not text:
        raise IdentifierError("required", _("必填，请填写身份证号。"))
    if ("E+" in text or "e+" in text) and "." in text:
        raise IdentifierError("excel_number", excel_number_message(text))
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
            raise IdentifierError(
                "format",
                _("身份证号只能由数字和末位的 X 组成（第 %(i)d 位是“%(c)s”），请核对。")
                % {"i": at + 1, "c": text[at]},
            )
    elif n == 15:
        if not DIGITS.issuperset(text):
            raise IdentifierError("format", _("15 位身份证号只能由数字组成，请核对。"))
        text = convert_15_to_18(text)
        converted = True
    else:
        if n > 15 and DIGITS.issuperset(text) and text.endswith("000"):
            raise IdentifierError("excel_number", excel_number_message(text))
        raise IdentifierError(
            "length", _("身份证号应为 18 位（或旧的 15 位），现为 %(n)d 位，请核对。") % {"n": n}
        )
    if text[:2] not in PROVINCES or text[2:6] == "0000":
        raise IdentifierError(
            "region",
            _("身份证号前 6 位地址码“%(code)s”不是有效的行政区划代码，请核对。") % {"code": text[:6]},
        )
    birth = _dates.get(text[6:14]) or _date_table().get(text[6:14])
    if birth is None:
        raise IdentifierError(
            "birth_date",
            _("身份证号中的出生日期“%(d)s”不存在或晚于今天，请核对第 7 至 14 位。") % {"d": text[6:14]},
        )
    expected = id_check_character(text[:17])
    if text[17] != expected:
        if text.endswith("000"):  # Excel keeps 15 significant digits: 2.10202E+17 -> ...000
            raise IdentifierError("excel_number", excel_number_message(text))
        raise IdentifierError(
            "checksum",
            _("身份证号校验位（最后一位）不对：按前 17 位应为“%(c)s”。请核对号码是否抄错。")
            % {"c": expected},
        )
    sex = "M" if text[16] in "13579" else "F"
    return CitizenId(text, birth, sex, converted)


def make_id(region: str, birth: datetime.date, sequence: int) -> str:
    """A well-formed number (for demo data and tests): region, birth date, 3-digit sequence."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_character(first17)


# -- the member service card number ------------------------------------------------------------
# The city's 4-digit prefix, a 9-digit serial and a Luhn check digit (python-stdnum's ``luhn``):
# 14 digits, so that one wrong or two swapped digits of a number read aloud are caught.
CARD_LENGTH = 14


def card_check_digit(body: str) -> str:
    """The Luhn check digit of a card number's first 13 digits."""
    return luhn.calc_check_digit(body)


def card_number_problem(number: str) -> str | None:
    """What is wrong with a card number (spaces already removed), in Chinese; None when valid."""
    if not number:
        return _("会员服务卡号为空，请填写卡面上的 14 位卡号。")
    if not DIGITS.issuperset(number):
        return _("会员服务卡号只能由数字组成，请对照卡面核对。")
    if len(number) != CARD_LENGTH:
        return _("会员服务卡号应为 14 位，此处为 %(n)d 位，请对照卡面核对。") % {"n": len(number)}
    expected = card_check_digit(number[:-1])
    if number[-1] != expected:
        return _("会员服务卡号校验位（最后一位）不对：按前 13 位应为 %(c)s，请核对卡号是否抄错。") % {
            "c": expected
        }
    return None


def validate_card_number(raw) -> str:
    """The card number without spaces, or an :class:`IdentifierError` (code ``card_number``)."""
    number = unicodedata.normalize("NFKC", str(raw or "")).replace(" ", "").replace("-", "")
    message = card_number_problem(number)
    if message:
        raise IdentifierError("card_number", message)
    return number

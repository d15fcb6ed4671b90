"""The unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters: registration authority (1), organisation category (1), administrative division
(6 digits), organisation code (9), check character (1). The check character is computed with
python-stdnum's ``calc_check_digit``; its ``validate()`` is NOT used because it refuses codes
whose registration authority is a letter (A, N, Y …), which GB 32100 allows.

The alphabet leaves out I, O, Z, S and V, which read like 1, 0, 2, 5 and U.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn.uscc import calc_check_digit

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LENGTH = 18
_ALLOWED = frozenset(ALPHABET)


def normalize(raw) -> str:
    """Upper case, full-width folded to half-width, spaces and hyphens removed."""
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    return "".join(ch for ch in text if ch not in " -\t\u3000").upper()


def problem(code: str) -> str | None:
    """What is wrong with an (already normalised) code, in Chinese; None when it is valid."""
    if not code:
        return _("统一社会信用代码为空。")
    if len(code) != LENGTH:
        return _("统一社会信用代码应为 18 位，此处为 %(n)d 位。") % {"n": len(code)}
    bad = sorted({ch for ch in code if ch not in _ALLOWED})
    if bad:
        return _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V 等字母）。") % {
            "chars": "、".join(bad)
        }
    if not code[2:8].isdigit():
        return _("统一社会信用代码第 3—8 位应为行政区划代码（6 位数字）。")
    expected = calc_check_digit(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：末位应为 %(c)s，请核对是否录错。") % {"c": expected}
    return None


def is_valid(raw) -> bool:
    return problem(normalize(raw)) is None


def validate(raw) -> str:
    """The normalised code, or a ValidationError with a Chinese message."""
    code = normalize(raw)
    message = problem(code)
    if message:
        raise ValidationError(message, code="uscc")
    return code


def with_check(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    first17 = normalize(first17)
    if len(first17) != 17 or any(ch not in _ALLOWED for ch in first17):
        raise ValueError(f"17 characters of {ALPHABET} expected: {first17!r}")
    return first17 + calc_check_digit(first17)

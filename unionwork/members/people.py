"""Names and phone numbers of people: checked, normalised, and spelled in pinyin for search.

Pinyin of a person's name is taken character by character (the common reading of each, with
the surname corrections of :data:`unionwork.core.text.SURNAME_OVERRIDES`): names are not words,
so pypinyin's phrase dictionary helps little, and character look-ups cost about a microsecond,
where a full ``lazy_pinyin`` call costs 25 (a million-row roster has hundreds of thousands of
distinct names). Every member's pinyin is made by this one function, forms and imports alike.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from unionwork.core.text import SURNAME_OVERRIDES, is_digits

NAME_MAX = 50
_NAME_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z·•．. \-]{2,50}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")

_char_pinyin: dict[str, str] = {}


def _syllable(ch: str) -> str:
    s = _char_pinyin.get(ch)
    if s is None:
        if ch.isascii():
            s = ch.lower() if ch.isalnum() else ""
        else:
            s = lazy_pinyin(ch, style=Style.NORMAL, errors=lambda x: [""])[0].lower()
            s = "".join(c for c in s if c.isalnum())
        _char_pinyin[ch] = s
    return s


_name_pinyin: dict[str, tuple[str, str]] = {}


def person_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a person's name, lower case: 单田芳 -> ("shantianfang", "stf")."""
    hit = _name_pinyin.get(name)
    if hit is not None:
        return hit
    if not name:
        return "", ""
    result = _person_pinyin(name)
    if len(_name_pinyin) < 100_000:
        _name_pinyin[name] = result
    return result


def _person_pinyin(name: str) -> tuple[str, str]:
    syllables = [_syllable(ch) for ch in name]
    first = SURNAME_OVERRIDES.get(name[0])
    if first:
        syllables[0] = first
    full = "".join(syllables)
    if name.isascii():  # a Latin name: its words' first letters
        initials = "".join(w[0].lower() for w in re.split(r"[\s·.\-]+", name) if w)
    else:
        initials = "".join(s[0] for s in syllables if s)
    return full, initials


def clean_name(raw: str) -> str:
    """A name with outer spaces removed; ValueError with a Chinese message if it is not one."""
    name = (raw or "").strip()
    if "\u3000" in name:
        name = name.replace("\u3000", "")
    if not name:
        raise ValueError(_("必填，请填写姓名。"))
    if len(name) > NAME_MAX:
        raise ValueError(_("姓名过长（最多 %(n)d 个字）。") % {"n": NAME_MAX})
    if not _NAME_RE.fullmatch(name):
        raise ValueError(
            _("姓名“%(v)s”含有数字或符号，请只填写汉字（少数民族姓名可用“·”分隔）。") % {"v": name[:20]}
        )
    return name


def clean_phone(raw: str) -> str:
    """A mobile (11 digits, 1[3-9]…) or landline (0411-84123456) number; ValueError if not one."""
    if len(raw) == 11 and is_digits(raw) and raw[0] == "1" and raw[1] in "3456789":
        return raw  # the common case, without the general rules below
    text = (raw or "").strip().replace(" ", "").replace("\u3000", "")
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not text:
        return ""
    if _MOBILE_RE.fullmatch(text) or _LANDLINE_RE.fullmatch(text):
        return text
    raise ValueError(
        _("“%(v)s”不是有效的电话号码。请填写 11 位手机号，或带区号的固定电话如 0411-84123456。")
        % {"v": text[:20]}
    )

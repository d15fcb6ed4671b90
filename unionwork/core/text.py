"""Text helpers: pinyin for search by name, initials and full spelling."""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Administrative names end in words whose heteronyms pypinyin gets right; surnames that it gets
# wrong for names are corrected here (单 shan, 曾 zeng, 解 xie, 区 ou, 仇 qiu, 查 zha).
SURNAME_OVERRIDES = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "查": "zha",
    "朴": "piao",
}


@lru_cache(maxsize=65536)
def pinyin_of(text: str, person: bool = False) -> tuple[str, str]:
    """(full pinyin without tones, initials), lower case, letters and digits only."""
    if not text:
        return "", ""
    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: list(s))
    if person and text[0] in SURNAME_OVERRIDES:
        syllables[0] = SURNAME_OVERRIDES[text[0]]
    syllables = [s.lower() for s in syllables if s.strip()]
    full = "".join(s for s in syllables if s.isalnum())
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full, initials


def is_digits(value: str) -> bool:
    """One or more ASCII digits: ``str.isdigit`` also accepts ``¹`` and ``①``, which ``int`` refuses."""
    return value.isascii() and value.isdigit()

"""How personal identifiers are shown to people who may not see them in full.

One function per identifier, used by every page, export, API response, picker label, error
message and import record, so that a change here changes every output at once.

The citizen ID mask shows the first 2 characters (the province) and the last one (the check
character), e.g. ``21***************X``. What a masked number gives away is judged together with
what the same output shows beside it: sex (it fixes the parity of digit 17) and an age band of
ten years (:func:`age_band`), never the birth date. Even for an onlooker who knows the full
6-digit address code (the union's district is on the page), that leaves about 3,650 birth dates
x 500 sequence numbers / 11 check characters, over 150,000 candidates; an age band of four years
(under 20) still leaves over 60,000. ``members/tests/test_masking.py`` counts them for every
role and output. Showing more (the birth year, the region, a second trailing digit) must be
counted again there first.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

ID_SHOWN_HEAD = 2
ID_SHOWN_TAIL = 1
# Age bands of ten years; below the first edge one band, from the last edge one band.
AGE_EDGES = (20, 30, 40, 50, 60)

# ID-like runs in free text: 14 to 20 digits (a trailing X counts), or a number in Excel's
# scientific form with many digits (2.10202198503151E+17). Phone numbers (11 digits) stay.
_ID_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{14,20}[Xx]?(?![0-9])|[0-9]\.[0-9]{8,}[Ee][+]?[0-9]{1,2}")


def mask_id(number: str) -> str:
    """A citizen ID (or any ID-like run of characters) as everyone may see it."""
    number = str(number or "")
    n = len(number)
    if n <= ID_SHOWN_HEAD + ID_SHOWN_TAIL + 4:
        return "*" * n
    return number[:ID_SHOWN_HEAD] + "*" * (n - ID_SHOWN_HEAD - ID_SHOWN_TAIL) + number[n - ID_SHOWN_TAIL :]


def redact_ids(text):
    """``text`` with every ID-like run masked by :func:`mask_id` (messages, import records)."""
    if not text or not isinstance(text, str):
        return text
    return _ID_RUN.sub(
        lambda m: mask_id(m.group(0)) if "." not in m.group(0) else "*" * len(m.group(0)), text
    )


def redact_tree(value):
    """:func:`redact_ids` over the strings of a JSON-like value (lists and dicts)."""
    if isinstance(value, str):
        return redact_ids(value)
    if isinstance(value, list):
        return [redact_tree(v) for v in value]
    if isinstance(value, dict):
        return {k: redact_tree(v) for k, v in value.items()}
    return value


def mask_phone(phone: str) -> str:
    """A phone number for those who need not call: the first 3 and the last 4 digits (138****5678)."""
    phone = str(phone or "")
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band_bounds(age: int) -> tuple[int, int | None]:
    """The band of an age as (lowest age, highest age or None for open-ended)."""
    if age < AGE_EDGES[0]:
        return (0, AGE_EDGES[0] - 1)
    for lo, hi in zip(AGE_EDGES, AGE_EDGES[1:], strict=False):
        if lo <= age < hi:
            return (lo, hi - 1)
    return (AGE_EDGES[-1], None)


def age_band(birth: datetime.date | None, today: datetime.date | None = None) -> str:
    """The age band shown instead of a birth date, e.g. ``30–39岁``."""
    if birth is None:
        return ""
    lo, hi = age_band_bounds(age_on(birth, today or timezone.localdate()))
    if lo == 0:
        return _("%(n)d岁以下") % {"n": hi + 1}
    if hi is None:
        return _("%(n)d岁及以上") % {"n": lo}
    return f"{lo}–{hi}岁"

"""Declared columns of an import: each turns one cell into a value, or says how to fix it.

A column is declared once on an importer and shared by every job, so it holds no state of a
job: :meth:`Column.prepare` returns the function that parses a cell for one job (a reference
column loads its lookup tables there, one query per column). Parsing is the per-cell hot path
of million-row imports, so it is a few type checks and no queries.

Cells come from python-calamine (str, float, int, bool, date, datetime, time, timedelta; ``""``
for an empty cell) or from a CSV file (always str). Text is normalised before it is parsed
(:mod:`normalize`: full-width digits and letters, odd spaces), so ``１３８`` reads as ``138``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from unionwork.core.imports.normalize import (
    DateFormatError,
    normalize_text,
    normalize_wide,
    parse_date_number,
    parse_date_text,
)

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from unionwork.core.imports.base import ImportContext

Parser = Callable[[Any], Any]

# An integral float at or above this has already lost digits in Excel (15 significant digits).
EXACT_FLOAT_LIMIT = 1e15
EXCEL_EPOCH = datetime.date(1899, 12, 30)


# The largest integer a database column holds (PostgreSQL's bigint, SQLite's INTEGER).
BIGINT_MAX = 2**63 - 1


class CellError(Exception):
    """A value the import refuses; the message says what is wrong and how to fix it (Chinese).

    ``field`` names the column when raised from a row-level hook; ``forward_key`` marks a
    reference to a key that only appears further down the file (the engine rewords it).
    """

    def __init__(self, message: str, field: str | None = None, forward_key: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.forward_key = forward_key


@dataclass(frozen=True)
class Pending:
    """A reference to a record that an earlier row of the same file creates (by its key)."""

    key: str
    row: int

    def __str__(self) -> str:
        return self.key


def _is_number(raw: Any) -> bool:
    t = type(raw)
    return t is float or t is int


def cell_text(raw: Any, *, keep_text: bool = False) -> str:
    """The text of a cell. Numbers are refused where Excel has already lost digits.

    ``keep_text``: the column holds codes (ID numbers, division codes): a numeric cell is only
    accepted when it is a whole number below 10^15, which Excel still holds exactly.
    """
    t = type(raw)
    if t is str:
        return raw.strip() if raw.isascii() else normalize_text(raw)
    if t is float or t is int:
        if abs(raw) >= EXACT_FLOAT_LIMIT:
            raise CellError(
                _(
                    "Excel 把这个编号存成了数字（%(v)s），末几位已经丢失。请把整列设置为“文本”格式，"
                    "重新输入或粘贴原始编号后再导入。"
                )
                % {"v": f"{raw:.15g}"}
            )
        if t is float and not raw.is_integer():
            if keep_text:
                raise CellError(
                    _("这一列是编号，不能是小数（%(v)s）。请把整列设置为“文本”格式后重新输入。") % {"v": raw}
                )
            return repr(raw)
        return str(int(raw))
    if t is bool:
        raise CellError(_("这里应填写文字，不能是逻辑值 TRUE/FALSE。"))
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        raise CellError(_("Excel 把内容识别成了日期或时间。请把这一列设置为“文本”格式后重新输入。"))
    return str(raw).strip()


class Column:
    """One column of an import file: its Chinese header and how a cell becomes a value.

    ``field``: the key of the value in a row (by default also the model field it updates;
    ``None`` for a column that only the importer's hooks use). ``compare``: whether the
    column takes part in detecting changes of existing records. ``secret``: the value is
    never echoed (in messages, previews or the marked file). ``keep_if_blank``: an empty cell
    leaves an existing record's value as it is (instead of clearing it).
    """

    empty_value: Any = None
    text_format = False  # the template formats the column as text, so codes stay text
    default_width = 16

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        required: bool = False,
        help: str = "",
        aliases: Sequence[str] = (),
        compare: bool = True,
        secret: bool = False,
        keep_if_blank: bool = False,
        width: int | None = None,
        default: Any = None,
        default_help: str = "",
        check_only: str = "",
        personal: bool = False,
    ):
        self.header = header
        # ``default``: the value of new records when the column is absent or its cell blank
        # (``default_help`` says so in the template and on the upload page).
        self.default = default
        self.default_help = default_help
        # ``check_only``: the column is read only to check others (why, named in the result).
        self.check_only = check_only
        # ``personal``: a ``secret`` column of personal data (ID numbers) that the marked error
        # file keeps, so that it can be fixed and uploaded again (the file is stored encrypted).
        self.personal = personal
        self.field = field
        self.required = required
        self.help = help
        self.aliases = tuple(aliases)
        self.compare = compare and field is not None
        self.secret = secret
        self.keep_if_blank = keep_if_blank
        self.width = width or self.default_width

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.title}>"

    @property
    def title(self) -> str:
        """The header as written in files (headers may be lazy translations)."""
        return str(self.header)

    # -- parsing -----------------------------------------------------------------------------
    def prepare(self, ctx: ImportContext) -> Parser:
        """The function that parses this column's cells during one import."""
        if type(self).clean is not Column.clean:
            return self.clean
        # :meth:`clean` as one closure (the per-cell hot path of million-row files).
        parse, required = self.parse, self.required
        empty = self.empty_value if self.default is None else self.default

        def clean(raw: Any) -> Any:
            if raw.__class__ is str:
                if raw and not raw.isspace():
                    # Full-width digits and letters, odd spaces: one form before any check.
                    return parse(raw if raw.isascii() else normalize_text(raw))
            elif raw is not None and raw != "":
                return parse(raw)
            if required:
                raise CellError(_("必填，请填写。"))
            return empty

        return clean

    def clean(self, raw: Any) -> Any:
        """Check a required cell is filled, then parse it; an empty cell gives the default."""
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            if self.required:
                raise CellError(_("必填，请填写。"))
            return self.empty_value if self.default is None else self.default
        if type(raw) is str and not raw.isascii():
            raw = normalize_text(raw)
        return self.parse(raw)

    def parse(self, raw: Any) -> Any:
        return cell_text(raw)

    # -- comparing and showing ---------------------------------------------------------------
    def current(self, obj: Model) -> Any:
        """The value an existing record holds for this column, comparable with a parsed one."""
        return getattr(obj, self.field)

    def comparable(self, value: Any) -> Any:
        """A parsed value in the form :meth:`current` returns."""
        return value

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        """A value as the user reads it (previews of changes)."""
        if self.secret:
            return "******"
        if value is None:
            return ""
        return str(value)

    # -- the template ------------------------------------------------------------------------
    def template_choices(self) -> list[str]:
        """The values offered as a drop-down list in the template (none by default)."""
        return []

    def strict_choices(self) -> bool:
        """Whether the drop-down refuses other values (a multiple choice accepts combinations)."""
        return True

    def describe(self) -> str:
        """What the column expects, for the template's notes and the upload page."""
        parts = [_("必填") if self.required else _("选填")]
        kind = self.kind_help()
        if kind:
            parts.append(kind)
        if self.help:
            parts.append(str(self.help))
        if self.default_help:
            parts.append(str(self.default_help))
        if self.keep_if_blank:
            parts.append(_("已有记录此格留空则保持不变"))
        return "；".join(parts) + "。"

    def kind_help(self) -> str:
        return _("文字")


class TextColumn(Column):
    """Text: trimmed, with a maximum length and an optional pattern.

    ``digits_only``: only the digits 0–9 (implies ``keep_text``). ``keep_text``: a code column;
    numeric cells are refused unless whole and below 10^15 (see :func:`cell_text`).
    """

    text_format = True
    empty_value = ""

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        max_length: int | None = None,
        pattern: str | None = None,
        pattern_help: str = "",
        digits_only: bool = False,
        keep_text: bool = False,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.max_length = max_length
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_help = pattern_help
        self.digits_only = digits_only
        self.keep_text = keep_text or digits_only

    def parse(self, raw: Any) -> str:
        text = cell_text(raw, keep_text=self.keep_text)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(
                _("内容过长：%(n)d 个字，最多 %(max)d 个字，请缩短。")
                % {"n": len(text), "max": self.max_length}
            )
        if self.digits_only and not (text.isascii() and text.isdigit()):
            raise CellError(_("只能填写数字 0–9，不能有字母、空格或其他符号。"))
        if self.pattern is not None and not self.pattern.fullmatch(text):
            raise CellError(str(self.pattern_help) or _("格式不对，请按模板说明填写。"))
        return text

    def kind_help(self) -> str:
        text = _("数字编号，请保持“文本”格式") if self.digits_only else _("文字")
        if self.keep_text and not self.digits_only:
            text = _("编号，请保持“文本”格式")
        if self.max_length:
            text += _("，最多 %(max)d 个字") % {"max": self.max_length}
        if self.pattern_help:
            text += "；" + str(self.pattern_help).rstrip("。")
        return text


def _number_text(raw: Any) -> str:
    if type(raw) is bool or not isinstance(raw, str):
        raise CellError(_("请填写数字。"))
    return normalize_wide(raw).replace(",", "").replace("，", "")


class IntegerColumn(Column):
    """A whole number between ``min_value`` and ``max_value``."""

    default_width = 12

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        min_value: int | None = None,
        max_value: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.min_value = min_value
        self.max_value = max_value

    def parse(self, raw: Any) -> int:
        if _is_number(raw):
            if not float(raw).is_integer():
                raise CellError(_("请填写整数，不能有小数（%(v)s）。") % {"v": raw})
            value = int(raw)
        else:
            text = _number_text(raw)
            if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
                raise CellError(_("请填写整数（“%(v)s”不是整数）。") % {"v": text[:30]})
            value = int(text.split(".")[0])
        if abs(value) > BIGINT_MAX:  # beyond any integer column of the database
            raise CellError(_("数值过大，请核对。"))
        return _in_range(value, self.min_value, self.max_value)

    def kind_help(self) -> str:
        return _("整数") + _range_help(self.min_value, self.max_value)


def _in_range(value: Any, low: Any, high: Any) -> Any:
    if low is not None and value < low:
        raise CellError(_("不能小于 %(min)s，请核对。") % {"min": low})
    if high is not None and value > high:
        raise CellError(_("不能大于 %(max)s，请核对。") % {"max": high})
    return value


def _range_help(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return _("，%(min)s 到 %(max)s") % {"min": low, "max": high}
    if low is not None:
        return _("，不小于 %(min)s") % {"min": low}
    if high is not None:
        return _("，不大于 %(max)s") % {"max": high}
    return ""


class DecimalColumn(Column):
    """A decimal number with at most ``decimal_places`` places (amounts, areas)."""

    default_width = 12

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        decimal_places: int = 2,
        max_digits: int = 18,
        min_value: Decimal | int | None = None,
        max_value: Decimal | int | None = None,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.decimal_places = decimal_places
        self.max_digits = max_digits
        self.quantum = Decimal(1).scaleb(-decimal_places)
        self.min_value = min_value
        self.max_value = max_value

    def parse(self, raw: Any) -> Decimal:
        try:
            value = Decimal(repr(raw)) if _is_number(raw) else Decimal(_number_text(raw))
        except InvalidOperation:
            raise CellError(_("请填写数字（“%(v)s”不是数字）。") % {"v": str(raw)[:30]}) from None
        if not value.is_finite():
            raise CellError(_("请填写数字。"))
        if value.adjusted() + 1 > self.max_digits - self.decimal_places:
            raise CellError(_("数值过大，请核对。"))
        rounded = value.quantize(self.quantum)
        # Excel's binary floats (0.1 + 0.2) carry noise far below any real decimal place.
        if rounded != value and abs(rounded - value) > Decimal("1e-9"):
            raise CellError(_("最多 %(n)d 位小数，请核对。") % {"n": self.decimal_places})
        return _in_range(rounded, self.min_value, self.max_value)

    def kind_help(self) -> str:
        return _("数字，最多 %(n)d 位小数") % {"n": self.decimal_places} + _range_help(
            self.min_value, self.max_value
        )


class DateColumn(Column):
    """A date: an Excel date or serial, 2024-01-31, 2024/1/31, 2024.1.31, 2024年1月31日, 20240131.

    A month alone (2024年1月, 2024.1, 202401) is read as the 1st of the month, as a
    :class:`~unionwork.core.imports.normalize.MonthDate` (checks against a full date compare
    the month only).
    """

    default_width = 14

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        min_value: datetime.date | None = None,
        max_value: datetime.date | None = None,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.min_value = min_value
        self.max_value = max_value

    def parse(self, raw: Any) -> datetime.date:
        if isinstance(raw, datetime.datetime):
            value = raw.date()
        elif isinstance(raw, datetime.date):
            value = raw
        elif _is_number(raw):
            value = self._from_number(raw)
        elif isinstance(raw, str):
            value = self._from_text(raw.strip())
        else:
            raise CellError(self._format_message(str(raw)))
        return _in_range(value, self.min_value, self.max_value)

    def _from_number(self, raw: float | int) -> datetime.date:
        try:
            return parse_date_number(raw)
        except DateFormatError as exc:
            raise self._error(exc) from None

    def _from_text(self, text: str) -> datetime.date:
        try:
            return parse_date_text(text)
        except DateFormatError as exc:
            raise self._error(exc) from None

    def _error(self, exc: DateFormatError) -> CellError:
        if exc.nonexistent:
            return CellError(_("日期“%(v)s”不存在，请核对年月日。") % {"v": exc.text[:30]})
        if exc.ambiguous:
            return CellError(
                _(
                    "Excel 把“%(v)s”存成了数字，分不清是 1 月还是 10 月。请把这一格设为“文本”格式，"
                    "写成如 2024年10月 或 2024-10-01。"
                )
                % {"v": exc.text}
            )
        return CellError(self._format_message(exc.text))

    @staticmethod
    def _format_message(text: str) -> str:
        return _("日期格式不对：“%(v)s”。请填写如 2024-01-31、2024/1/31、2024.1.31 或 2024年1月31日。") % {
            "v": text[:30]
        }

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else super().display(value, ctx)

    def kind_help(self) -> str:
        return _("日期，如 2024-01-31、2024/1/31 或 2024年1月31日")


TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "对", "有"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "×", "x", "错", "无"})


class BoolColumn(Column):
    """是 or 否 (also Y/N, 1/0, √/×, and Excel's TRUE/FALSE)."""

    default_width = 10

    def parse(self, raw: Any) -> bool:
        if type(raw) is bool:
            return raw
        if _is_number(raw) and raw in (0, 1):
            return bool(raw)
        text = normalize_wide(str(raw)).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise CellError(_("请填写“是”或“否”（现为“%(v)s”）。") % {"v": str(raw)[:30]})

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        if value is None:
            return ""
        return _("是") if value else _("否")

    def template_choices(self) -> list[str]:
        return [_("是"), _("否")]

    def kind_help(self) -> str:
        return _("从下拉列表选择“是”或“否”")


_SPLIT_RE = re.compile(r"[、,，;；/\s]+")


class ChoiceColumn(Column):
    """One of fixed choices, written as its Chinese label (the stored value is accepted too).

    ``choices``: (stored value, label) pairs, e.g. a TextChoices' ``.choices``. ``multiple``:
    several labels separated by 、 or a comma; the value is then a list in the choices' order.
    """

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        choices: Iterable[tuple[Any, Any]],
        multiple: bool = False,
        synonyms: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.choices = [(value, str(label)) for value, label in choices]
        self.multiple = multiple
        self.empty_value = [] if multiple else None
        self._lookup: dict[str, Any] = {}
        # ``synonyms``: other words offices use for a choice (本科 for 大学本科), word -> value.
        for word, value in (synonyms or {}).items():
            self._lookup[str(word)] = value
            self._lookup["".join(str(word).split()).lower()] = value
        for value, label in self.choices:
            self._lookup[label] = value
            self._lookup[str(value).lower()] = value
        self._order = {value: i for i, (value, _label) in enumerate(self.choices)}
        self._labels = {value: label for value, label in self.choices}

    def clean(self, raw: Any) -> Any:
        value = super().clean(raw)
        return [] if value is self.empty_value and self.multiple else value

    def _one(self, text: str) -> Any:
        value = self._lookup.get(text, _MISSING)
        if value is _MISSING:
            value = self._lookup.get("".join(text.split()).lower(), _MISSING)
        if value is _MISSING:
            raise CellError(
                _("“%(v)s”不是可选的值。可选：%(options)s。")
                % {"v": text[:30], "options": "、".join(label for _value, label in self.choices)}
            )
        return value

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw)
        if not self.multiple:
            return self._one(text)
        values = {self._one(part) for part in _SPLIT_RE.split(text) if part}
        return sorted(values, key=self._order.__getitem__)

    def current(self, obj: Model) -> Any:
        value = getattr(obj, self.field)
        if self.multiple:
            return sorted(set(value or []), key=lambda v: self._order.get(v, len(self._order)))
        return value

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        if self.multiple:
            return "、".join(self._labels.get(v, str(v)) for v in value or [])
        return "" if value is None else self._labels.get(value, str(value))

    def template_choices(self) -> list[str]:
        return [label for _value, label in self.choices]

    def strict_choices(self) -> bool:
        return not self.multiple

    def kind_help(self) -> str:
        if self.multiple:
            return _("可填一个或多个，用顿号“、”或逗号分隔：%(options)s") % {
                "options": "、".join(self.template_choices())
            }
        return _("从下拉列表选择")


_MISSING = object()
_AMBIGUOUS = object()


class RefLookup:
    """One job's lookup tables of a reference column: by code, by name, by id."""

    def __init__(self, column: ReferenceColumn, ctx: ImportContext):
        self.column = column
        self.ctx = ctx
        self.by_code: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        self.by_pk: dict[Any, Any] = {}
        qs = column.queryset(ctx.user)
        self.model = qs.model
        if column.only:
            qs = qs.only(*column.only)
        for obj in qs.iterator(chunk_size=2000):
            self.by_pk[obj.pk] = obj
            code = getattr(obj, column.code_field) if column.code_field else None
            if code:
                self.by_code[str(code)] = obj
            name = getattr(obj, column.name_field) if column.name_field else None
            if name:
                self.by_name[name] = _AMBIGUOUS if name in self.by_name else obj

    def resolve(self, raw: Any) -> Any:
        """The record a cell names by code or by name, or a :class:`Pending` row of the file."""
        column = self.column
        if raw is None or raw == "" or (type(raw) is str and not raw.strip()):
            if column.required:
                raise CellError(_("必填，请填写。"))
            return None
        text = cell_text(raw, keep_text=True)
        obj = self.by_code.get(text)
        if obj is not None:
            return obj
        obj = self.by_name.get(text)
        if obj is _AMBIGUOUS:
            raise CellError(_("名称“%(v)s”对应多个%(noun)s，请改填代码。") % {"v": text, "noun": column.noun})
        if obj is not None:
            return obj
        if column.self_reference:
            row = self.ctx.file_keys.get(text)
            if row is not None:
                return Pending(text, row)
        raise CellError(
            _("在您的管辖范围内找不到代码或名称为“%(v)s”的%(noun)s。请核对；重名时请改填代码。")
            % {"v": text[:50], "noun": column.noun},
            forward_key=text if column.self_reference else None,
        )


class ReferenceColumn(Column):
    """A reference to another record, by its code or its (unique) name.

    ``queryset(user)`` gives the records that may be named, normally restricted to the user's
    scope: a record outside it is reported exactly like one that does not exist. It is loaded
    once per import into dictionaries (``only`` limits the fields loaded). The value is the
    record. ``self_reference``: the column names records of the file's own kind, so a key
    created by an earlier row of the file is accepted (as :class:`Pending`).
    """

    default_width = 24

    def __init__(
        self,
        header: str,
        field: str | None,
        *,
        queryset: Callable[[Any], QuerySet],
        noun: str = "",
        code_field: str | None = "code",
        name_field: str | None = "name",
        self_reference: bool = False,
        only: Sequence[str] = (),
        picker: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(header, field, **kwargs)
        self.queryset = queryset
        # params narrowing the picker's search when the record is chosen in the upload form
        self.picker_params = dict(picker or {})
        self.noun_text = noun
        self.code_field = code_field
        self.name_field = name_field
        self.self_reference = self_reference
        self.only = tuple(only)

    @property
    def noun(self) -> str:
        return str(self.noun_text) or _("记录")

    def prepare(self, ctx: ImportContext) -> Parser:
        lookup = RefLookup(self, ctx)
        ctx.refs[self.field or self.title] = lookup
        return lookup.resolve

    def current(self, obj: Model) -> Any:
        return getattr(obj, f"{self.field}_id")

    def comparable(self, value: Any) -> Any:
        if value is None or isinstance(value, Pending):
            return value
        return value.pk

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        if value is None:
            return ""
        if isinstance(value, Pending):
            return _("%(key)s（本文件第 %(row)d 行新增）") % {"key": value.key, "row": value.row}
        if hasattr(value, "pk"):
            return self._label(value)
        # An id, as current() gives it: named from the lookup table, else fetched (previews only).
        lookup = ctx.refs.get(self.field or self.title) if ctx else None
        found = lookup.by_pk.get(value) if lookup else None
        if found is None and lookup is not None:
            found = lookup.model._base_manager.filter(pk=value).first()
        return self._label(found) if found is not None else f"#{value}"

    def _label(self, obj: Any) -> str:
        code = getattr(obj, self.code_field, "") if self.code_field else ""
        name = getattr(obj, self.name_field, "") if self.name_field else str(obj)
        return f"{name}（{code}）" if code else str(name)

    def kind_help(self) -> str:
        return _("填%(noun)s的代码或名称（重名时须填代码）") % {"noun": self.noun}

    def target_value(self, obj: Any) -> Any:
        """The value a row takes when the record is chosen in the upload form (the record)."""
        return obj

    def target_choices(self, user: Any):
        """The records the upload form offers as the target (the same scoped queryset)."""
        return self.queryset(user)

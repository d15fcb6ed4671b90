"""Importers: what a module declares to take a kind of record from a file, and the registry.

A module declares a subclass of :class:`Importer` in its ``imports.py`` (columns, natural key,
the scoped queryset of existing records, a row hook for checks across columns) and registers
it. The engine (:mod:`unionwork.core.imports.engine`) does the rest: reading, checking every
row, writing all or nothing, progress, the marked error file.

The default :meth:`Importer.save` is the bulk path (``bulk_create``/``bulk_update`` in batches,
one audit event per record through ``audit.record_many``). A module whose writes must go
through its actions, one record at a time, derives from :class:`RowwiseImporter` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import batched
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.imports.columns import CellError, Column, Pending
from unionwork.core.registry import Registry
from unionwork.core.scope import path_in_scope


@dataclass
class Issue:
    """One problem of the file: its row as Excel numbers it, its column, what to do."""

    row: int | None
    column: str  # the column's header, "" for the row as a whole or the file
    message: str
    col_index: int | None = None  # 0-based position in the file, to mark the cell

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = _("第 %(row)d 行") % {"row": self.row} if self.row else ""
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message


class Row:
    """One data row: its number in the file and its parsed values by field."""

    __slots__ = ("number", "values", "key", "existing", "failed")

    def __init__(self, number: int, values: dict[str, Any], key: Any = None):
        self.number = number
        self.values = values
        self.key = key
        self.existing: models.Model | None = None  # the record with this key, if any
        self.failed = False

    def __getstate__(self):  # spilled to disk between checking and writing, without the record
        return (self.number, self.values, self.key)

    def __setstate__(self, state):
        self.number, self.values, self.key = state
        self.existing = None
        self.failed = False

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def __repr__(self) -> str:
        return f"<Row {self.number} {self.values!r}>"


class ImportContext:
    """What one import run knows: the user, its options, the file's columns and keys, its issues.

    ``state`` is free for the importer's hooks (e.g. what earlier rows of the file create).
    """

    max_issues = 100_000  # issues kept in detail; beyond this they are only counted

    def __init__(self, user: Any, importer: Importer, options: dict | None = None):
        self.user = user
        self.importer = importer
        self.options = dict(options or {})
        self.state: dict[str, Any] = {}
        self.file_keys: dict[Any, int] = {}  # natural key -> row of its first appearance
        self.columns: dict[str, Column] = {}  # field -> column present in the file
        self.defaulted: dict[str, Column] = {}  # field -> absent column whose default new rows take
        self.target: Any = None  # the record chosen in the upload form for ``Importer.target_field``
        self.col_index: dict[str, int] = {}  # field -> position in the file
        self.refs: dict[str, Any] = {}  # field -> lookup tables of a reference column
        self.issues: list[Issue] = []
        self.error_count = 0
        self.forward_refs: list[tuple[str, Issue]] = []

    def has(self, field_name: str) -> bool:
        """Whether the file has the column of ``field_name`` (absent columns are left unchanged)."""
        return field_name in self.columns

    def error(
        self, row: Row | int | None, field_name: str | None, message: str, forward_key: str | None = None
    ) -> None:
        """Record a problem of a row (and of one of its columns, if ``field_name`` is given)."""
        number = row.number if isinstance(row, Row) else row
        if isinstance(row, Row):
            row.failed = True
        self.error_count += 1
        if len(self.issues) >= self.max_issues:
            return
        column = self.columns.get(field_name) if field_name else None
        if column is None and field_name:
            column = next((c for c in self.importer.columns if c.field == field_name), None)
        issue = Issue(
            row=number,
            column=column.title if column else "",
            message=message,
            col_index=self.col_index.get(field_name) if field_name else None,
        )
        self.issues.append(issue)
        if forward_key is not None:
            self.forward_refs.append((forward_key, issue))


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: str, n: int = 1) -> None:
        setattr(self, outcome, getattr(self, outcome) + n)


@dataclass
class Change:
    column: Column
    old: Any
    new: Any


class RowWriteError(Exception):
    """A write refused for one row (an action's ActionError): everything is rolled back."""

    def __init__(self, row: int, field_name: str | None, message: str):
        super().__init__(message)
        self.row = row
        self.field = field_name
        self.message = message


IMPORTERS = Registry("importer")


def register(importer_cls: type[Importer]) -> type[Importer]:
    """Declare an importer under its ``name`` (a class decorator in a module's imports.py,
    collected by core.registry.declare); a second importer under a taken name is refused."""
    return IMPORTERS.add(importer_cls.name, importer_cls)


def get_importer(name: str) -> type[Importer]:
    """The importer registered under ``name``; LookupError if there is none."""
    try:
        return IMPORTERS.get(name)
    except KeyError:
        raise LookupError(name) from None


def all_importers() -> list[type[Importer]]:
    """Every registered importer, by name."""
    return [IMPORTERS.get(k) for k in sorted(IMPORTERS.keys())]


def messages_of(exc: ValidationError) -> str:
    """The Chinese messages of a ValidationError (an ActionError) as one line."""
    return "；".join(str(m).rstrip("。") for m in exc.messages) + "。"


class Importer:
    """A kind of record that can be imported from a file. Declare, then :func:`register`.

    ``name``: the registry key ("orgs.units"); ``label``: Chinese, for pages and the template;
    ``model``: the records written; ``columns``: the file's columns; ``key``: the fields of the
    natural key (each the ``field`` of a column); ``permission``: the action the user's roles
    must allow besides "change" (e.g. "manage").
    """

    name: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    key: ClassVar[tuple[str, ...]]
    permission: ClassVar[str] = "change"
    description: ClassVar[str] = ""
    batch_size: ClassVar[int] = 2000
    audit_note: ClassVar[str] = "导入"
    # An ActionError's code -> the field whose column it concerns (for hooks and rowwise writes).
    error_fields: ClassVar[dict[str, str]] = {}
    # Headers offices keep in their files that this import knows but does not take, with why
    # (named in the result: nothing is dropped silently), e.g. {"民族": _("平台不记录民族")}.
    unused_headers: ClassVar[dict[str, str]] = {}
    # A reference column the user may fill once in the upload form instead (the union a district
    # user imports into): its blank cells, or the whole absent column, take the chosen record.
    target_field: ClassVar[str | None] = None
    # One pass: each batch is checked, then written at once, all inside one transaction; a row
    # that fails anywhere rolls everything back (the rows are read once, nothing is spilled).
    # ``save`` then receives what :meth:`pack_batch` makes of each checked batch, as it comes.
    single_pass: ClassVar[bool] = False
    # One pass, from this many rows on: read and check in a second process while this one writes.
    parallel_min_rows: ClassVar[int | None] = None

    # -- declared behaviour ------------------------------------------------------------------
    def queryset(self, user: Any) -> models.QuerySet:
        """The existing records the user may change through this import (scoped)."""
        return self.model.objects.restrict(user, self.permission)

    def validate_row(self, row: Row, ctx: ImportContext) -> None:
        """Checks across columns of a row whose cells are each valid; ``row.existing`` is set.

        Report with ``ctx.error(row, field, message)`` or raise :class:`CellError` /
        ``ActionError``.
        """

    def after_check(self, ctx: ImportContext, result) -> None:
        """Checks of the file as a whole, once every row is read (e.g. a full list's closures)."""

    def pack_batch(self, rows: list[Row], ctx: ImportContext) -> Iterable[Any]:
        """What ``save`` receives for a batch of checked rows in the one-pass mode (the rows).

        In the parallel mode this runs in the checking process and its result is pickled to the
        writing process: an importer may prepare its writes here (e.g. tuples ready to insert).
        """
        return rows

    # -- natural keys ------------------------------------------------------------------------
    def key_of(self, values: dict[str, Any]) -> Any:
        if len(self.key) == 1:
            return values.get(self.key[0])
        return tuple(values.get(f) for f in self.key)

    def key_text(self, key: Any) -> str:
        return "、".join(map(str, key)) if isinstance(key, tuple) else str(key)

    def _key_filter(self, keys: list[Any]) -> dict[str, Any]:
        return {f"{self.key[0]}__in": [k[0] if isinstance(k, tuple) else k for k in keys]}

    def fetch_existing(self, keys: list[Any], ctx: ImportContext) -> dict[Any, models.Model]:
        """The records in scope that have these keys, by key (one query)."""
        if not keys:
            return {}
        found = {}
        for obj in self.queryset(ctx.user).filter(**self._key_filter(keys)):
            found[self.key_of({f: getattr(obj, f) for f in self.key})] = obj
        return found

    def taken_keys(self, keys: list[Any], ctx: ImportContext) -> set[Any]:
        """Of keys not found in scope, those used by records outside it (they cannot be created)."""
        if not keys:
            return set()
        wanted = set(keys)
        rows = self.model._base_manager.filter(**self._key_filter(keys)).values_list(*self.key)
        return {k for r in rows if (k := (r[0] if len(self.key) == 1 else tuple(r))) in wanted}

    def taken_message(self, key: Any) -> str:
        return _("“%(key)s”已被使用，且不在您可以修改的范围内。请核对，或换一个。") % {
            "key": self.key_text(key)
        }

    # -- changes -----------------------------------------------------------------------------
    def changes(self, row: Row, obj: models.Model, ctx: ImportContext) -> list[Change]:
        """What the row would change in an existing record (columns absent from the file: nothing)."""
        out = []
        for fname, column in ctx.columns.items():
            if not column.compare or fname not in row.values:
                continue
            value = row.values[fname]
            if column.keep_if_blank and value in (None, "", []):
                continue
            old, new = column.current(obj), column.comparable(value)
            if old != new and not (old in (None, "") and new in (None, "")):
                out.append(Change(column, old, new))
        return out

    # -- the bulk write ----------------------------------------------------------------------
    def save(self, rows: Iterable[Row], ctx: ImportContext) -> WriteCounts:
        """Create new records, update changed ones, count unchanged ones; audited, in batches.

        The engine calls this inside one transaction, with the rows that passed every check.
        """
        counts = WriteCounts()
        for batch in batched(rows, self.batch_size):
            self._save_batch(list(batch), ctx, counts)
        return counts

    def _save_batch(self, batch: list[Row], ctx: ImportContext, counts: WriteCounts) -> None:
        existing = self.fetch_existing([r.key for r in batch], ctx)
        created: list[models.Model] = []
        updated: list[tuple[models.Model, dict]] = []
        fields: set[str] = set()
        for row in batch:
            obj = existing.get(row.key)
            if obj is None:
                obj = self.build(row, ctx)
                created.append(obj)
            else:
                changes = self.changes(row, obj, ctx)
                if not changes:
                    counts.unchanged += 1
                    continue
                updated.append((obj, audit.snapshot(obj)))
                self.apply(obj, row, changes, ctx)
                fields.update(c.column.field for c in changes)
            if not self.in_scope(obj, ctx):
                raise RowWriteError(row.number, None, _("这一行的记录将落在您的管辖范围之外，不能导入。"))
        if created:
            self.model._default_manager.bulk_create(created, batch_size=self.batch_size)
        if updated:
            self.model._default_manager.bulk_update(
                [o for o, _b in updated], sorted(fields), batch_size=self.batch_size
            )
        audit.record_many(
            [(o, "create", None, audit.snapshot(o)) for o in created]
            + [(o, "update", before, audit.snapshot(o)) for o, before in updated],
            note=self.audit_note,
        )
        counts.created += len(created)
        counts.updated += len(updated)

    def build(self, row: Row, ctx: ImportContext) -> models.Model:
        """A new, unsaved record from a row (override to set derived fields).

        A blank cell of a ``keep_if_blank`` column leaves the model's default.
        """
        fields = {}
        for name, value in row.values.items():
            column = ctx.columns.get(name) or ctx.defaulted[name]
            if column.compare and not (column.keep_if_blank and value in (None, "", [])):
                fields[name] = value
        return self.model(**fields)

    def apply(self, obj: models.Model, row: Row, changes: list[Change], ctx: ImportContext) -> None:
        """Apply a row's changes to an existing record (unsaved)."""
        for change in changes:
            setattr(obj, change.column.field, row.values[change.column.field])

    def in_scope(self, obj: models.Model, ctx: ImportContext) -> bool:
        """Whether a record, as it will be written, still lies in the user's scope."""
        getter = getattr(obj, "audit_org_path", None)
        return getter is None or path_in_scope(ctx.user, getter())


class RowwiseImporter(Importer):
    """An importer whose writes go through a module's actions, one row at a time.

    Implement :meth:`write_row`. An ``ActionError`` it raises rolls back the whole import and
    is reported as that row's error, on the column named by ``error_fields[error.code]``.
    """

    def write_row(self, row: Row, ctx: ImportContext) -> str:
        """Write one row; return "created", "updated" or "unchanged"."""
        raise NotImplementedError

    def save(self, rows: Iterable[Row], ctx: ImportContext) -> WriteCounts:
        counts = WriteCounts()
        for batch in batched(rows, self.batch_size):
            batch = list(batch)
            existing = self.fetch_existing([r.key for r in batch], ctx)
            for row in batch:
                row.existing = existing.get(row.key)
                counts.add(self._write(row, ctx))
        return counts

    def _write(self, row: Row, ctx: ImportContext) -> str:
        try:
            return self.write_row(row, ctx)
        except CellError as exc:
            raise RowWriteError(row.number, exc.field, exc.message) from exc
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            raise RowWriteError(row.number, self.error_fields.get(code or ""), messages_of(exc)) from exc


__all__ = [
    "Change",
    "ImportContext",
    "Importer",
    "Issue",
    "Pending",
    "Row",
    "RowWriteError",
    "RowwiseImporter",
    "WriteCounts",
    "all_importers",
    "get_importer",
    "messages_of",
    "register",
]

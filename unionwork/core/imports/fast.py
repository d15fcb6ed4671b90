"""The fast path of bulk writes, for importers whose files run to a million rows.

:meth:`Importer.save`'s default (``bulk_create`` plus one ``audit.record_many`` event per
record) writes about 5,000 rows a second: Django builds a model instance per row and the audit
trail serialises, hashes and inserts a full snapshot per row. A roster of a million members
needs five times that. These helpers are generic (they know no module):

* :func:`reserve_ids` hands out primary keys in advance, so rows that refer to each other
  (a member and its first membership) are written without reading ids back;
* :func:`insert_rows` writes tuples straight through the driver: one prepared ``executemany``
  on SQLite, ``COPY ... FROM STDIN`` on PostgreSQL;
* :func:`bulk_cache` gives SQLite a larger page cache while a big write runs (index pages stay
  in memory instead of being re-read for every row);
* :func:`record_groups` appends one audit event per *group* of records written together (for
  instance the members one import added to one union), naming every record of the group in
  its ``after``; the events are in the hash chain like any other.

An importer calls them from its ``save``, inside the engine's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from unionwork.core import audit

SQLITE_BULK_CACHE_KIB = 128 * 1024  # 128 MiB of page cache while a bulk write runs


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for new rows of ``model``, never given to anyone else.

    SQLite: the next ids after the table's highest (the engine's write transaction holds the
    database lock, so nobody else inserts meanwhile). PostgreSQL: drawn from the table's sequence.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [r[0] for r in cur.fetchall()]
        cur.execute(f'SELECT MAX("{pk}") FROM "{table}"')  # noqa: S608 - names from the model
        high = cur.fetchone()[0] or 0
        try:
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            high = max(high, row[0] if row else 0)
        except Exception:  # no AUTOINCREMENT table yet
            pass
    return list(range(high + 1, high + 1 + count))


def _sqlite_adapter(field: models.Field):
    ops = connection.ops
    internal = field.get_internal_type()
    if internal == "DateTimeField":
        last: list = [None, None]  # rows of one batch mostly share one timestamp

        def adapt_datetime(v):
            if v is None:
                return None
            if v is not last[0]:
                last[0], last[1] = v, ops.adapt_datetimefield_value(v)
            return last[1]

        return adapt_datetime
    if internal == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if internal == "BooleanField":
        return lambda v: None if v is None else int(v)
    return None


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, adapted: bool = False
) -> int:
    """Insert tuples of values (in the order of ``fields``, attnames such as ``union_id``).

    Values are plain Python (str, int, bytes, date, aware datetime, bool, None); no model
    instance is built and no default is filled in: give every column. ``adapted``: the values
    are already in the database's form (dates as ISO text, datetimes as
    ``connection.ops.adapt_datetimefield_value`` gives them, booleans as 0/1 on SQLite), so
    they go to the driver untouched.
    """
    opts = model._meta
    by_attname = {f.attname: f for f in opts.concrete_fields}
    cols = [by_attname[name].column for name in fields]
    table = opts.db_table
    count = 0
    if connection.vendor == "postgresql":
        collist = ", ".join(f'"{c}"' for c in cols)
        with connection.cursor() as cur:
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f'COPY "{table}" ({collist}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    adapters = (
        []
        if adapted
        else [(i, a) for i, name in enumerate(fields) if (a := _sqlite_adapter(by_attname[name])) is not None]
    )

    def adapted_rows() -> Iterator[tuple]:
        nonlocal count
        for row in rows:
            count += 1
            if adapters:
                row = list(row)
                for i, a in adapters:
                    row[i] = a(row[i])
            yield row

    collist = ", ".join(f'"{c}"' for c in cols)
    sql = f'INSERT INTO "{table}" ({collist}) VALUES ({", ".join("?" * len(cols))})'
    connection.ensure_connection()
    cur = connection.connection.cursor()
    try:
        if adapters:
            cur.executemany(sql, adapted_rows())
        else:
            if not isinstance(rows, list | tuple):
                rows = list(rows)
            cur.executemany(sql, rows)
            count = len(rows)
    finally:
        cur.close()
    return count


@contextmanager
def bulk_cache(kib: int = SQLITE_BULK_CACHE_KIB):
    """A larger SQLite page cache for the block (no effect on other databases)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")


def record_groups(model_label: str, verb: str, groups: Iterable[dict[str, Any]], note: str = "") -> int:
    """Append one audit event per group of records written in bulk; returns the events written.

    Each group: ``object_id`` (e.g. the union the records went to), ``object_repr``,
    ``org_path`` (scope of the event) and ``after`` (JSON: every record of the group, by id,
    with the fields worth keeping). The actor is the current one, as for :func:`audit.record`.
    """
    events = [
        audit._build(
            model_label,
            g.get("object_id", ""),
            g.get("object_repr", ""),
            verb,
            None,
            g["after"],
            note,
            g.get("org_path", ""),
        )
        for g in groups
    ]
    audit._append(events)
    return len(events)


_MISS = object()


def memoized(parse, limit: int = 50_000):
    """A cell parser that remembers its answers (and refusals) per distinct cell value.

    For columns whose cells repeat (choices, dates, references): a million cells of a
    choice column are parsed a handful of times. Only hashable cells are remembered.
    """
    from unionwork.core.imports.columns import CellError

    cache: dict = {}

    def parse_memo(raw):
        try:
            hit = cache.get(raw, _MISS)
        except TypeError:  # unhashable
            return parse(raw)
        if hit is _MISS:
            try:
                hit = (True, parse(raw))
            except CellError as exc:
                hit = (False, exc)
            if len(cache) < limit:
                cache[raw] = hit
        if hit[0]:
            return hit[1]
        exc = hit[1]
        raise CellError(exc.message, exc.field, exc.forward_key)

    return parse_memo


class MemoizedColumn:
    """Mixin for a column whose parser is a pure function of the cell: parse each value once."""

    def prepare(self, ctx):
        return memoized(super().prepare(ctx))


@contextmanager
def indexes_deferred(model: type[models.Model], names: Sequence[str]):
    """Drop the named (non-unique) indexes of ``model`` for the block and build them again after.

    Loading many rows into a table without its secondary indexes, then building each index in
    one sorted pass, is several times faster than updating every index row by row. SQLite only
    (DDL is transactional there and readers keep the old schema until the commit); elsewhere
    (PostgreSQL would lock the table for readers) the block runs with the indexes in place.
    Call it inside the transaction of the write.
    """
    if connection.vendor != "sqlite":
        yield
        return
    wanted = set(names)
    # Indexes, and unique constraints with a condition (SQLite builds them as partial unique
    # indexes). A unique index rebuilt at the end of the write still refuses any duplicate:
    # the whole transaction then fails, and SQLite's write lock kept everyone else out meanwhile.
    indexes = [i for i in model._meta.indexes if i.name in wanted] + [
        c
        for c in model._meta.constraints
        if c.name in wanted and isinstance(c, models.UniqueConstraint) and c.condition is not None
    ]
    editor = connection.SchemaEditorClass(connection, collect_sql=True)
    editor.deferred_sql = []  # set by __enter__, which SQLite refuses inside a transaction
    with connection.cursor() as cur:
        cur.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [model._meta.db_table]
        )
        present = {r[0] for r in cur.fetchall()}
        indexes = [i for i in indexes if i.name in present]
        for index in indexes:
            cur.execute(str(index.remove_sql(model, editor)))
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for index in indexes:
                cur.execute(str(index.create_sql(model, editor)))

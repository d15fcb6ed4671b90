"""Declared indicators, rolled up over subtrees and months.

A module declares each indicator once (:class:`Indicator`) and registers it. The platform keeps,
for every org unit, the indicator's numerator and denominator summed over the unit's subtree,
month by month, in :class:`~unionwork.core.models.IndicatorValue`:

* A module's action that changes a counted record calls :func:`bump` in its transaction with the
  record's org path (and industrial path): every ancestor's current-month row moves by the same
  delta, so every level sees the change at once and a read is one indexed row.
* A month without a change has no row; its figure is the latest row at or before it, so last
  year's figure stays what it was when records change later.
* :func:`rebuild` recomputes a month from the module's own count (after bulk loads, or to
  repair); :func:`live_subtree` is the plain aggregate the benchmarks and checks compare with.

Units linked to an industrial union are counted in that union's figure too (through their
industrial path), so the city's figure is the sum over its territorial children, and an
industrial union's figure is the sum over its linked units, in any district.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import DateField, F, Func, OuterRef, Q, Subquery, Value, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, RowNumber, Substr
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext

from unionwork.core.lookups import int_array
from unionwork.core.models import IndicatorValue
from unionwork.core.registry import Registry

RATE = "%"
COUNT = "count"
# Tags of indicators kept for one module's own pages rather than read as key figures:
# "detail" keeps an indicator off the dashboard, the statistical tables and the organisation
# pages' figures; "breakdown" (a figure of one group of a breakdown, one indicator per group:
# by ownership, by industry) keeps it off every list a person picks indicators from as well
# (see :func:`listed`).
DETAIL = "detail"
BREAKDOWN = "breakdown"


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int
    unit: str = RATE

    @property
    def rate(self) -> float | None:
        """The percentage (for rates), or None when nothing is expected."""
        if self.unit != RATE:
            return float(self.numerator)
        return round(self.numerator * 100.0 / self.denominator, 1) if self.denominator else None

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.numerator + other.numerator, self.denominator + other.denominator, self.unit)


@dataclass(frozen=True)
class Indicator:
    """One indicator, declared by the module that owns its records.

    ``own_counts()`` yields ``(path, ipath, numerator, denominator)`` for each unit's own records
    (not its subtree's); ``live_subtree(path)`` is the same figure by a plain aggregate query over
    a subtree. Both serve rebuilds, tests and benchmarks; pages read the stored roll-up.
    """

    key: str
    label: str
    numerator_label: str
    denominator_label: str = ""
    unit: str = RATE
    higher_is_better: bool = True
    target: float | None = None
    module: str = ""
    own_counts: Callable[[], Iterable[tuple[str, str, int, int]]] | None = None
    live_subtree: Callable[[str], tuple[int, int]] | None = None
    deadline: datetime.date | None = None
    description: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    # Several indicators counted by one scan of the module's records: ``family()`` returns the own
    # counts of each of them ({key: [(path, ipath, numerator, denominator), ...]}), and
    # :func:`rebuild_many` calls it once for all the indicators that share it.
    family: Callable[[], dict[str, list[tuple[str, str, int, int]]]] | None = None


INDICATORS = Registry("indicator")


def register(indicator: Indicator) -> Indicator:
    """Declare an indicator (in a module's indicators.py, collected by core.registry.declare)."""
    return INDICATORS.add(indicator.key, indicator)


def get(key: str) -> Indicator:
    try:
        return INDICATORS.get(key)
    except KeyError:
        raise KeyError(f"indicator {key!r} is not registered") from None


def all_indicators() -> list[Indicator]:
    return INDICATORS.values()


def listed() -> list[Indicator]:
    """The indicators a person picks or reads by name (an assessment item, a supervised item, the
    API's list): every registered one except the groups of a module's breakdowns (tag
    ``breakdown``), which only that module's pages read."""
    return [i for i in all_indicators() if BREAKDOWN not in i.tags]


def month_of(when: datetime.date | datetime.datetime | None = None) -> datetime.date:
    when = when or timezone.localdate()
    if isinstance(when, datetime.datetime):
        when = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    return when.replace(day=1)


def path_ids(path: str) -> list[int]:
    """The ids a path names, from the root (a part's path names its part id)."""
    return [int(x) for x in path.strip("/").split("/") if x]


# -- parts of a figure that no unit holds ------------------------------------------------------
# An industrial union's enterprises lie in every district: its figure by district is no unit's
# figure. Such a part is kept as rows of its own, under an id no org unit has (negative, made of
# the whole's id and the child's), with the path "/<part id>/" and no parent: nothing in the
# tree's moves, scopes or roll-ups reads it. A record counts in a part through one more chain in
# its ``ipath``, after PART_SEP (several parts, several chains); :func:`parts_kept` lists a
# whole's parts, :func:`part_of` names the whole and the child of each. The module that declares parts recounts them when what they follow moves in
# a way no record's tracker sees (see ``founding.indicators.recount_parts``).
PART_SEP = ";"
_PART_CHILD_BITS = 32


def part_id(whole: int, child: int) -> int:
    """The kept id of the part of ``whole``'s figure that lies under ``child``."""
    if not (0 < whole < 1 << 30 and 0 < child < 1 << _PART_CHILD_BITS):
        raise ValueError(f"no part id for ({whole}, {child})")
    return -((whole << _PART_CHILD_BITS) | child)


def part_of(uid: int) -> tuple[int, int] | None:
    """(whole, child) of a part id, None for an org unit's id."""
    if uid >= 0:
        return None
    return -uid >> _PART_CHILD_BITS, -uid & ((1 << _PART_CHILD_BITS) - 1)


def part_chain(*part_ids: int) -> str:
    """What a record adds to its ``ipath`` to count in these parts."""
    return "".join(f"{PART_SEP}/{pid}/" for pid in part_ids)


def parts_kept(whole: int) -> list[int]:
    """The ids of the parts of ``whole``'s figures that have rows (of any indicator, any month),
    in order: one range read of the unit index."""
    lo, hi = -((whole << _PART_CHILD_BITS) | ((1 << _PART_CHILD_BITS) - 1)), -(whole << _PART_CHILD_BITS)
    return sorted(
        IndicatorValue.objects.filter(unit_id__gte=lo, unit_id__lte=hi)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct(),
        reverse=True,
    )


def _ancestors(path: str, ipath: str = "") -> dict[int, tuple[str, int | None]]:
    """Every unit whose figure includes a record at ``path``: id -> (its path, its parent id);
    and every part its ``ipath`` names after PART_SEP (its path, no parent)."""
    out: dict[int, tuple[str, int | None]] = {}
    for chain in (path, *ipath.split(PART_SEP)):
        ids = path_ids(chain)
        for i, uid in enumerate(ids):
            if uid in out:
                continue
            prefix = "/" + "/".join(str(x) for x in ids[: i + 1]) + "/"
            out[uid] = (prefix, ids[i - 1] if i else None)
    return out


def _latest_rows(key: str, unit_ids: Iterable[int], month: datetime.date) -> dict[int, IndicatorValue]:
    """The latest row at or before ``month`` for each unit (one row each, not their history)."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return {}
    return {row.unit_id: row for row in _latest_qs([key], unit_ids, month)}


@transaction.atomic
def bump(key: str, path: str, ipath: str = "", numerator: int = 0, denominator: int = 0, when=None) -> None:
    """Move the figure of every unit above a record (``path``, ``ipath``) by a delta, this month.

    Call it in the transaction of the action that changed the record.
    """
    if not numerator and not denominator:
        return
    get(key)
    month = month_of(when)
    chain = _ancestors(path, ipath)
    if not chain:
        return
    updated = IndicatorValue.objects.filter(indicator=key, unit_id__in=list(chain), month=month).update(
        numerator=F("numerator") + numerator, denominator=F("denominator") + denominator
    )
    if updated == len(chain):
        return
    have = set(
        IndicatorValue.objects.filter(indicator=key, unit_id__in=list(chain), month=month).values_list(
            "unit_id", flat=True
        )
    )
    missing = [uid for uid in chain if uid not in have]
    prior = _latest_rows(key, missing, month)
    new = []
    for uid in missing:
        base = prior.get(uid)
        unit_path, parent_id = chain[uid]
        new.append(
            IndicatorValue(
                indicator=key,
                unit_id=uid,
                parent_id=base.parent_id if base else parent_id,
                unit_path=base.unit_path if base else unit_path,
                unit_ipath=base.unit_ipath if base else "",
                month=month,
                numerator=(base.numerator if base else 0) + numerator,
                denominator=(base.denominator if base else 0) + denominator,
            )
        )
    IndicatorValue.objects.bulk_create(new)


@transaction.atomic
def bump_many(key: str, deltas: Iterable[tuple[str, str, int, int]], when=None) -> int:
    """Apply many records' deltas ``(path, ipath, numerator, denominator)`` at once (bulk writes).

    The deltas are summed per unit above them first, so a 100,000-row import costs one update
    per touched unit, not per record. Returns the number of units moved.
    """
    get(key)
    month = month_of(when)
    per_unit: dict[int, list] = {}
    meta: dict[int, tuple[str, int | None]] = {}
    for path, ipath, num, den in deltas:
        if not num and not den:
            continue
        for uid, info in _ancestors(path, ipath).items():
            d = per_unit.setdefault(uid, [0, 0])
            d[0] += num
            d[1] += den
            meta.setdefault(uid, info)
    per_unit = {uid: d for uid, d in per_unit.items() if d[0] or d[1]}
    if not per_unit:
        return 0
    have = set(
        IndicatorValue.objects.filter(indicator=key, unit_id__in=list(per_unit), month=month).values_list(
            "unit_id", flat=True
        )
    )
    # One update per distinct delta (a single record moves every level above it by the same).
    by_delta: dict[tuple[int, int], list[int]] = defaultdict(list)
    for uid in have:
        by_delta[tuple(per_unit[uid])].append(uid)
    for (num, den), uids in by_delta.items():
        IndicatorValue.objects.filter(indicator=key, unit_id__in=uids, month=month).update(
            numerator=F("numerator") + num, denominator=F("denominator") + den
        )
    missing = [uid for uid in per_unit if uid not in have]
    prior = _latest_rows(key, missing, month)
    new = []
    for uid in missing:
        base = prior.get(uid)
        num, den = per_unit[uid]
        unit_path, parent_id = meta[uid]
        new.append(
            IndicatorValue(
                indicator=key,
                unit_id=uid,
                parent_id=base.parent_id if base else parent_id,
                unit_path=base.unit_path if base else unit_path,
                unit_ipath=base.unit_ipath if base else "",
                month=month,
                numerator=(base.numerator if base else 0) + num,
                denominator=(base.denominator if base else 0) + den,
            )
        )
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    return len(per_unit)


class Tracker:
    """Keeps an indicator right around a change of records: their contributions are read before
    and after, and the difference is applied to every level at once (see :func:`tracking`)."""

    def __init__(self, key: str, contributions: Callable[[Iterable], dict], ids: Iterable = ()):
        self.key = key
        self.contributions = contributions
        self.ids = set(ids)
        self.before = contributions(self.ids) if self.ids else {}

    def add(self, *ids) -> None:
        """Records created (or first touched) inside the block: they had no contribution before."""
        self.ids.update(ids)

    def finish(self) -> None:
        after = self.contributions(self.ids) if self.ids else {}
        deltas = []
        for pk in self.ids:
            b, a = self.before.get(pk), after.get(pk)
            if b == a:
                continue
            if b:
                deltas.append((b[0], b[1], -b[2], -b[3]))
            if a:
                deltas.append(a)
        bump_many(self.key, deltas)


class tracking:  # noqa: N801 - used as a context manager, like transaction.atomic
    """``with indicators.tracking(KEY, contributions, ids) as t: ...change...; t.add(new_id)``.

    ``contributions(ids)`` returns ``{pk: (path, ipath, numerator, denominator)}`` for the records
    as they stand in the database. Use it inside the action's transaction.
    """

    def __init__(self, key: str, contributions: Callable[[Iterable], dict], ids: Iterable = ()):
        self.tracker = Tracker(key, contributions, ids)

    def __enter__(self) -> Tracker:
        return self.tracker

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.tracker.finish()


def value(key: str, unit, month=None) -> Figure:
    """The figure of ``unit``'s subtree at the end of ``month`` (now, by default): one indexed row."""
    ind = get(key)
    row = (
        IndicatorValue.objects.filter(indicator=key, unit_id=unit.pk, month__lte=month_of(month))
        .order_by("-month")
        .values_list("numerator", "denominator")
        .first()
    )
    return Figure(*(row or (0, 0)), unit=ind.unit)


def unit_values(keys: Iterable[str], unit, month=None) -> dict[str, Figure]:
    """Several indicators' figures of one unit at the end of ``month``, in one query: for each key
    what ``value`` reads (a node's key figures, one indicator after another, took one query each)."""
    keys = list(keys)
    latest = (
        IndicatorValue.objects.filter(
            indicator=OuterRef("indicator"), unit_id=unit.pk, month__lte=month_of(month)
        )
        .order_by("-month")
        .values("month")[:1]
    )
    rows = IndicatorValue.objects.filter(indicator__in=keys, unit_id=unit.pk, month=Subquery(latest))
    got = {k: (n, d) for k, n, d in rows.values_list("indicator", "numerator", "denominator")}
    return {k: Figure(*got.get(k, (0, 0)), unit=get(k).unit) for k in keys}


def _latest_figures(
    keys: list[str], unit_ids: list[int], month: datetime.date
) -> dict[tuple[str, int], tuple]:
    """(key, unit id) -> (numerator, denominator) of the latest row at or before ``month``.

    The database picks each unit's latest row (:func:`_latest_sql`), so only one row per key and
    unit crosses to Python, however many months of history it has: fetching every month's row and
    keeping the first cost seconds for 1,800 units × 40 indicators.
    """
    if not keys or not unit_ids:
        return {}
    sql, params = _latest_sql(keys, unit_ids, month)
    with connections[IndicatorValue.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        return {(k, uid): (num, den) for k, uid, num, den, _id in cursor.fetchall()}


def _latest_sql(keys: list[str], unit_ids: list[int], month: datetime.date, by=None) -> tuple[str, list]:
    """SQL for each (key, unit)'s latest row at or before ``month``: its columns are ``indicator,
    unit_id, [sum_group,] numerator, denominator, id``, ``sum_group`` being the expression ``by`` over
    the row's own columns (such as the district its path lies in).

    On PostgreSQL one backward probe of the unique index (indicator, unit, month) per pair, a
    LATERAL ``LIMIT 1``: its cost is the number of pairs, however many months of history the
    figures hold. Elsewhere a window over the keys' and units' rows, numbered by month within each
    pair: it reads every month's rows. ``bench/bench_history.py`` times both on the city: an
    industrial union's 1,834 units × 4 indicators summed by district 19 ms by probes, 34 by the
    window with one month of rows; 38 and 145 ms with twelve. For many keys at once (a statistical
    table's subtotal over all of the union's units × 34 indicators: 62,000 pairs, most without a
    row) PostgreSQL scans each unit's rows instead (:func:`_latest_sql_unit_scan`).
    """
    if connections[IndicatorValue.objects.db].vendor == "postgresql":
        if len(keys) >= UNIT_SCAN_MIN_KEYS:
            return _latest_sql_unit_scan(keys, unit_ids, month, by)
        return _latest_sql_probe(keys, unit_ids, month, by)
    return _latest_sql_window(keys, unit_ids, month, by)


# From this many keys on, PostgreSQL reads each unit's rows once (:func:`_latest_sql_unit_scan`)
# rather than probing every (key, unit) pair. ``bench/bench_history.py`` times both on the city:
# for an industrial union's 1,834 units the scan is faster from 4 keys while the figures hold one
# month, but with twelve months of rows for every figure it is slower up to 8 keys (0.5-0.9x the
# probe's speed) and faster only for many (34 keys, a statistical table's: 1.3x).
UNIT_SCAN_MIN_KEYS = 16


def _by_sql(by) -> tuple[str, list]:
    """``, <by> AS sum_group`` compiled against the table's own name (which the rows are given)."""
    if by is None:
        return "", []
    query = IndicatorValue.objects.all().query
    compiler = query.get_compiler(IndicatorValue.objects.db)
    expr_sql, expr_params = compiler.compile(by.resolve_expression(query))
    return f", {expr_sql} AS sum_group", list(expr_params)


def _latest_sql_probe(keys, unit_ids, month, by=None) -> tuple[str, list]:
    table = IndicatorValue._meta.db_table
    group_sql, group_params = _by_sql(by)
    sql = (
        f'SELECT k.indicator, u.unit_id{group_sql}, "{table}".numerator, "{table}".denominator, "{table}".id '  # noqa: S608 - the model's own table; values are parameters
        "FROM unnest(%s::varchar[]) AS k(indicator) CROSS JOIN unnest(%s::bigint[]) AS u(unit_id) "
        f"CROSS JOIN LATERAL (SELECT * FROM {table} iv WHERE iv.indicator = k.indicator "
        f'AND iv.unit_id = u.unit_id AND iv.month <= %s ORDER BY iv.month DESC LIMIT 1) "{table}"'
    )
    return sql, [*group_params, list(keys), int_array(unit_ids), month]


def _latest_sql_unit_scan(keys, unit_ids, month, by=None) -> tuple[str, list]:
    """The same rows as :func:`_latest_sql_probe`, found unit by unit: one backward scan of the index
    (unit, indicator, month) per unit, which reads that unit's rows up to ``month`` and keeps each
    key's first. Its cost is the number of units and their rows, not units × keys: a statistical
    table's subtotal over an industrial union's 1,834 units × 34 indicators is 1,834 scans instead
    of 62,000 probes, most of which find no row (19 against 201 ms with one month of figures, 255
    against 333 with twelve). It reads every month's rows of the unit, of every indicator, so for
    a few keys the probe is cheaper (``UNIT_SCAN_MIN_KEYS``). Without ``by`` the index covers what
    is read."""
    table = IndicatorValue._meta.db_table
    group_sql, group_params = _by_sql(by)
    columns = "iv.*" if by is not None else "iv.indicator, iv.numerator, iv.denominator, iv.id"
    sql = (
        f'SELECT "{table}".indicator, u.unit_id{group_sql}, "{table}".numerator, "{table}".denominator, '  # noqa: S608 - the model's own table; values are parameters
        f'"{table}".id FROM unnest(%s::bigint[]) AS u(unit_id) '
        f"CROSS JOIN LATERAL (SELECT DISTINCT ON (iv.indicator) {columns} FROM {table} iv "
        "WHERE iv.unit_id = u.unit_id AND iv.indicator = ANY(%s::varchar[]) AND iv.month <= %s "
        f'ORDER BY iv.indicator DESC, iv.month DESC) "{table}"'
    )
    return sql, [*group_params, int_array(unit_ids), list(keys), month]


def rows_until(month) -> Q:
    """Kept rows of ``month`` and before, for a read that names many units (``unit_id IN (…)``).

    On SQLite the month is compared through a unary plus, which keeps the index (indicator, unit,
    month) from serving the range: SQLite 3.40's seek-scan over ``unit_id IN (…)`` followed by a
    range on ``month`` returned rows past the month once the list held some 90 units (a figure
    read as of last year gave this month's; Debian 12's SQLite is 3.40.1). The units are still
    found by the index; each unit's few months are then tested row by row.
    """
    if connections[IndicatorValue.objects.db].vendor == "sqlite":
        column = Func(F("month"), template="+%(expressions)s", output_field=DateField())
        return Q(LessThanOrEqual(column, month))
    return Q(month__lte=month)


def _latest_by_window(keys, unit_ids, month):
    return IndicatorValue.objects.filter(
        rows_until(month), indicator__in=keys, unit_id__in=unit_ids
    ).annotate(n=Window(RowNumber(), partition_by=[F("indicator"), F("unit_id")], order_by=F("month").desc()))


def _latest_sql_window(keys, unit_ids, month, by=None) -> tuple[str, list]:
    latest = _latest_by_window(keys, unit_ids, month)
    if by is not None:
        latest = latest.annotate(sum_group=by)
    latest = latest.filter(n=1).values_list(
        "indicator", "unit_id", *(["sum_group"] if by is not None else []), "numerator", "denominator", "id"
    )
    sql, params = latest.query.get_compiler(using=latest.db).as_sql()
    return sql, list(params)


def _latest_qs(keys: list[str], unit_ids: list[int], month: datetime.date):
    """Each (key, unit)'s latest row at or before ``month`` as model instances (a few units' rows,
    for :func:`bump`): the rows :func:`_latest_sql` finds, read back by id."""
    if connections[IndicatorValue.objects.db].vendor == "postgresql":
        sql, params = _latest_sql_probe(keys, unit_ids, month)
        return IndicatorValue.objects.filter(pk__in=RawSQL(f"SELECT id FROM ({sql}) latest", params))  # noqa: S611 - our own SQL, values as parameters
    return IndicatorValue.objects.filter(
        pk__in=_latest_by_window(keys, unit_ids, month).filter(n=1).values("pk")
    )


def sums_many(keys: Iterable[str], unit_ids: Iterable[int], month=None) -> dict[str, Figure]:
    """Each indicator's figures of several units at ``month`` added up: what summing ``values_many``
    gives, summed by the database (a group's subtotal over an industrial union's 1,800 linked units
    without carrying their 60,000 rows to Python). One query."""
    keys = list(keys)
    got = _summed(keys, list(unit_ids), month, None)
    return {k: got.get((k, None), Figure(0, 0, get(k).unit)) for k in keys}


def sums_by(keys: Iterable[str], unit_ids: Iterable[int], by, month=None) -> dict[str, dict[object, Figure]]:
    """``sums_many`` in groups: ``by`` is an expression over the figure rows' own columns, for
    example the district each unit's path lies in (``orgs.queries.child_prefix("unit_path",
    city.path)``): key -> group -> summed figure (a group without rows is absent). One query."""
    keys = list(keys)
    out: dict[str, dict[object, Figure]] = {k: {} for k in keys}
    for (key, group), fig in _summed(keys, list(unit_ids), month, by).items():
        out[key][group] = fig
    return out


def _summed(keys: list[str], unit_ids: list[int], month, by) -> dict[tuple[str, object], Figure]:
    if not keys or not unit_ids:
        return {}
    sql, params = _latest_sql(keys, unit_ids, month_of(month), by)
    group = ", sum_group" if by is not None else ""
    # Summed over the latest rows themselves: a join back to the table by key cost twice as much.
    with connections[IndicatorValue.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT indicator{group}, SUM(numerator), SUM(denominator) FROM ({sql}) latest "  # noqa: S608 - the ORM's own SQL, values as parameters
            f"GROUP BY indicator{group}",
            params,
        )
        rows = cursor.fetchall()
    units = {k: get(k).unit for k in keys}
    out = {}
    for row in rows:
        key, num, den = row[0], row[-2], row[-1]
        grp = row[1] if by is not None else None
        out[key, grp] = Figure(int(num or 0), int(den or 0), units[key])  # PostgreSQL sums to numeric
    return out


def values(key: str, unit_ids: Iterable[int], month=None) -> dict[int, Figure]:
    """The figures of several units at once (one query)."""
    ind = get(key)
    got = _latest_figures([key], list(unit_ids), month_of(month))
    return {uid: Figure(num, den, ind.unit) for (_k, uid), (num, den) in got.items()}


def values_many(keys: Iterable[str], unit_ids: Iterable[int], month=None) -> dict[str, dict[int, Figure]]:
    """``values`` of several indicators for the same units, in one query: key -> unit id -> figure
    (a unit without records is absent, as in ``values``)."""
    keys = list(keys)
    out: dict[str, dict[int, Figure]] = {k: {} for k in keys}
    got = _latest_figures(keys, list(unit_ids), month_of(month))
    units = {k: get(k).unit for k in keys}
    for (k, uid), (num, den) in got.items():
        out[k][uid] = Figure(num, den, units[k])
    return out


def children_values(key: str, children: Iterable, month=None) -> list[tuple[object, Figure]]:
    """(child, figure) for given child units, zero where a child has no records."""
    children = list(children)
    ind = get(key)
    got = values(key, [c.pk for c in children], month)
    return [(c, got.get(c.pk, Figure(0, 0, ind.unit))) for c in children]


def trend(key: str, unit, months: int = 12, until=None) -> list[tuple[datetime.date, Figure | None]]:
    """The figure at the end of each of the last ``months`` months.

    A month before the unit's first row has no figure (None), not zero: the indicator had no
    data yet, and a chart draws a gap there rather than a fall to nothing.
    """
    ind = get(key)
    end = month_of(until)
    series = []
    m = end
    for _ in range(months):
        series.append(m)
        m = (m - datetime.timedelta(days=1)).replace(day=1)
    series.reverse()
    rows = list(
        IndicatorValue.objects.filter(indicator=key, unit_id=unit.pk, month__lte=end)
        .order_by("month")
        .values_list("month", "numerator", "denominator")
    )
    out, i, current = [], 0, None
    for m in series:
        while i < len(rows) and rows[i][0] <= m:
            current = (rows[i][1], rows[i][2])
            i += 1
        out.append((m, None if current is None else Figure(*current, unit=ind.unit)))
    return out


def parse_month(raw: str | None) -> datetime.date | None:
    """``YYYY-MM`` (the ``?month=`` of every figure page) as the first of that month, or None.

    A month after the current one is read as the current one: no figure exists for it yet.
    """
    raw = (raw or "").strip()
    try:
        year, month = (int(x) for x in raw.split("-")[:2])
        when = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None
    if when.year < 2000:
        return None
    return min(when, month_of())


def month_from_request(request) -> datetime.date:
    """The as-of month a figure page shows: ``?month=YYYY-MM``, the current month by default."""
    return parse_month(request.GET.get("month")) or month_of()


@transaction.atomic
def rebuild(
    key: str, month=None, counts: Iterable[tuple[str, str, int, int]] | None = None, *, sparse: bool = False
) -> int:
    """Recompute a month's rows of one indicator from the module's own counts; returns rows written.

    ``counts`` may carry the own counts already computed (one grouped query serving several
    indicators); by default the indicator's ``own_counts()`` is read. With ``sparse`` a unit whose
    figure equals its latest earlier row gets no row this month, as if its figure had not moved
    (history written after the fact, month by month from the earliest: the demo's past months).
    """
    ind = get(key)
    if counts is None and ind.own_counts is None:
        raise ValueError(f"indicator {key} declares no own_counts")
    month = month_of(month)
    # Summed by place first: the records of one unit (a community's thousand enterprises) walk
    # up the tree once, not once each.
    by_place: dict[tuple[str, str], list] = {}
    for path, ipath, num, den in counts if counts is not None else ind.own_counts():
        place = by_place.get((path, ipath))
        if place is None:
            by_place[(path, ipath)] = [num, den]
        else:
            place[0] += num
            place[1] += den
    totals: dict[int, list] = {}
    meta: dict[int, tuple[str, int | None, str]] = {}
    for (path, ipath), (num, den) in by_place.items():
        for uid, (upath, parent) in _ancestors(path, ipath).items():
            t = totals.setdefault(uid, [0, 0])
            t[0] += num
            t[1] += den
            if uid not in meta or upath == path:
                meta[uid] = (upath, parent, ipath.split(PART_SEP)[0] if upath == path else "")
    IndicatorValue.objects.filter(indicator=key, month=month).delete()
    counted = list(totals)
    if sparse:
        before = _latest_rows(key, list(totals), previous_month(month))
        totals = {
            uid: t
            for uid, t in totals.items()
            if uid not in before or [before[uid].numerator, before[uid].denominator] != t
        }
    rows = [
        IndicatorValue(
            indicator=key,
            unit_id=uid,
            parent_id=meta[uid][1],
            unit_path=meta[uid][0],
            unit_ipath=meta[uid][2],
            month=month,
            numerator=n,
            denominator=d,
        )
        for uid, (n, d) in totals.items()
    ]
    # Units that had a figure before but have none now fall to zero this month.
    stale = _latest_rows(
        key,
        IndicatorValue.objects.filter(indicator=key, month__lt=month)
        .exclude(unit_id__in=counted)
        .values_list("unit_id", flat=True)
        .distinct(),
        month,
    )
    for uid, r in stale.items():
        if r.numerator or r.denominator:
            rows.append(
                IndicatorValue(
                    indicator=key,
                    unit_id=uid,
                    parent_id=r.parent_id,
                    unit_path=r.unit_path,
                    unit_ipath=r.unit_ipath,
                    month=month,
                )
            )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def rebuild_many(keys: Iterable[str] | None = None, month=None, on_each=None) -> dict[str, int]:
    """Recount several indicators (by default every one that can be recounted): what
    :func:`rebuild` does for each, the indicators of one ``family`` sharing one scan of their
    records. ``on_each(indicator, rows)`` is told of each one rebuilt. Returns rows per key."""
    if keys is None:
        chosen = [i for i in all_indicators() if i.own_counts is not None or i.family is not None]
    else:
        chosen = [get(k) for k in keys]
    scanned: dict = {}
    out: dict[str, int] = {}
    for ind in chosen:
        counts = None
        if ind.family is not None:
            if ind.family not in scanned:
                scanned[ind.family] = ind.family()
            counts = scanned[ind.family].get(ind.key, [])
        out[ind.key] = rebuild(ind.key, month, counts=counts)
        if on_each is not None:
            on_each(ind, out[ind.key])
    return out


_MOVE_KEYS_AT_ONCE = 12  # indicators whose rows one statement of subtree_moved copies or rewrites


@transaction.atomic
def subtree_moved(old_path: str, new_path: str, old_ipath: str = "", new_ipath: str = "", when=None) -> None:
    """Carry every indicator's figures along when a subtree moves in the tree, or when a unit is
    linked to another industrial union (same path, other ``ipath``). Called by the tree's actions.

    From ``when``'s month on, the subtree's figure leaves its old ancestors and joins the new ones
    (earlier months keep what they were), and the subtree's rows of that month follow the new
    paths. Set-based: a few statements per indicator for the ancestors, and for the subtree one
    copy of its latest rows and one path rewrite, whatever its size.
    """
    month = month_of(when)
    new_ids = path_ids(new_path)
    root_id = new_ids[-1]
    old_chain = {k: v for k, v in _ancestors(old_path, old_ipath).items() if k != root_id}
    new_chain = {k: v for k, v in _ancestors(new_path, new_ipath).items() if k != root_id}
    roots: dict[str, IndicatorValue] = {}
    for row in IndicatorValue.objects.filter(unit_id=root_id, month__lte=month).order_by(
        "indicator", "-month"
    ):
        roots.setdefault(row.indicator, row)
    for key, root in roots.items():
        if root.numerator or root.denominator:
            _bump_chain(key, old_chain, -root.numerator, -root.denominator, month)
            _bump_chain(key, new_chain, root.numerator, root.denominator, month)
    # The subtree's own rows this month follow the new paths (earlier months keep the old ones):
    # a copy and a rewrite per few indicators (each key's statements touch only its own rows, so
    # this is what one per indicator did, without three round trips for each of ~100 indicators;
    # a few, not all at once, so that a large subtree's rows are held a few keys at a time), the
    # keys named so that the statements read the (indicator, unit_path) index.
    keys = sorted({i.key for i in all_indicators()} | set(roots))
    where = Q(unit_id=root_id) if old_path == new_path else _prefix(old_path)
    for start in range(0, len(keys), _MOVE_KEYS_AT_ONCE):
        subtree = Q(indicator__in=keys[start : start + _MOVE_KEYS_AT_ONCE]) & where
        carry_forward(subtree, month)
        if old_path != new_path:
            IndicatorValue.objects.filter(subtree, month=month).update(
                unit_path=Concat(Value(new_path), Substr("unit_path", len(old_path) + 1))
            )
    IndicatorValue.objects.filter(unit_id=root_id, month=month).update(
        parent_id=new_ids[-2] if len(new_ids) > 1 else None, unit_ipath=new_ipath
    )


def _prefix(path: str) -> Q:
    from unionwork.core.scope import prefix_q

    return prefix_q("unit_path", path)


def carry_forward(where: Q, month) -> int:
    """Give every unit matched by ``where`` (on its rows) a row for ``month``, a copy of its latest
    earlier one where it has none, so that a change of this month (a path, a correction) can be
    made in place: one read of the latest rows and one bulk insert. Returns rows written."""
    month = month_of(month)
    have = set(IndicatorValue.objects.filter(where, month=month).values_list("indicator", "unit_id"))
    latest = Subquery(
        IndicatorValue.objects.filter(
            indicator=OuterRef("indicator"), unit_id=OuterRef("unit_id"), month__lt=month
        )
        .order_by("-month")
        .values("month")[:1]
    )
    rows = (
        IndicatorValue.objects.filter(where, month__lt=month)
        .annotate(latest=latest)
        .filter(month=F("latest"))
        .values_list(
            "indicator", "unit_id", "parent_id", "unit_path", "unit_ipath", "numerator", "denominator"
        )
    )
    new = [
        IndicatorValue(
            indicator=key,
            unit_id=uid,
            parent_id=parent,
            unit_path=upath,
            unit_ipath=ipath,
            month=month,
            numerator=num,
            denominator=den,
        )
        for key, uid, parent, upath, ipath, num, den in rows.iterator(chunk_size=5000)
        if (key, uid) not in have
    ]
    IndicatorValue.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _bump_chain(key, chain, num, den, month):
    for uid, (upath, parent) in chain.items():
        row = _latest_rows(key, [uid], month).get(uid)
        if row is not None and row.month == month:
            IndicatorValue.objects.filter(pk=row.pk).update(
                numerator=F("numerator") + num, denominator=F("denominator") + den
            )
        else:
            IndicatorValue.objects.create(
                indicator=key,
                unit_id=uid,
                parent_id=row.parent_id if row else parent,
                unit_path=row.unit_path if row else upath,
                unit_ipath=row.unit_ipath if row else "",
                month=month,
                numerator=(row.numerator if row else 0) + num,
                denominator=(row.denominator if row else 0) + den,
            )


def live_totals(key: str, path: str) -> Figure:
    """The same figure by the module's plain aggregate over the subtree (baseline, checks)."""
    ind = get(key)
    if ind.live_subtree is None:
        raise ValueError(f"indicator {key} declares no live_subtree")
    return Figure(*ind.live_subtree(path), unit=ind.unit)


def subtree_sums(key: str) -> dict[int, list[int]]:
    """For checks: the roll-up computed afresh from own counts (unit id -> [num, den])."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for path, ipath, num, den in get(key).own_counts():
        for uid in _ancestors(path, ipath):
            sums[uid][0] += num
            sums[uid][1] += den
    return dict(sums)


def unit_figures_at(unit, months: Iterable, keys: Iterable[str] | None = None) -> dict:
    """The kept figures of one unit at the end of each of several months, every indicator that has
    any (or only ``keys``), in one query: ``{month: {key: Figure}}`` (a month before an
    indicator's first row has no entry for it). For timelines: the figures before and after an
    event are those of the month before it and of its month."""
    months = sorted({month_of(m) for m in months})
    if not months:
        return {}
    qs = IndicatorValue.objects.filter(unit_id=unit.pk, month__lte=months[-1])
    if keys is not None:
        qs = qs.filter(indicator__in=list(keys))
    rows: dict[str, list] = defaultdict(list)
    for key, m, num, den in qs.order_by("indicator", "month").values_list(
        "indicator", "month", "numerator", "denominator"
    ):
        rows[key].append((m, num, den))
    out: dict = {m: {} for m in months}
    for key, series in rows.items():
        try:
            unit_kind = get(key).unit
        except KeyError:
            continue
        i, current = 0, None
        for m in months:
            while i < len(series) and series[i][0] <= m:
                current = series[i]
                i += 1
            if current is not None:
                out[m][key] = Figure(current[1], current[2], unit_kind)
    return out


def previous_month(month) -> datetime.date:
    return (month_of(month) - datetime.timedelta(days=1)).replace(day=1)


# -- closed months (DHIS2's expiry days) ---------------------------------------------------------
def closes_on(month) -> datetime.date:
    """The day ``month``'s figures close: day N of the next month (``UNIONWORK_MONTH_CLOSES_ON_DAY``)."""
    from django.conf import settings

    day = max(1, min(28, int(getattr(settings, "UNIONWORK_MONTH_CLOSES_ON_DAY", 10))))
    nxt = (month_of(month).replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt.replace(day=day)


def is_closed(month, today: datetime.date | None = None) -> bool:
    """Whether ``month``'s kept figures are closed: no action changes them any more (actions bump
    the current month; only :func:`correct_closed_month` touches a closed one)."""
    today = today or timezone.localdate()
    return month_of(month) < month_of(today) and today >= closes_on(month)


@transaction.atomic
def correct_closed_month(
    user, key: str, unit, month, numerator: int = 0, denominator: int = 0, reason: str = ""
):
    """Correct a closed month's kept figure of ``unit`` (and so of every level above it) by a
    delta, for that month only: the level above the unit does it (an administrator whose node
    lies strictly above the unit), with a reason; audited, and listed on the figure pages.

    Later months keep their figures: where the next month had no row of its own (it read this
    month's), one is written with the figure as it was, so the correction stays in its month.
    """
    from unionwork.core import audit, scope
    from unionwork.core.errors import ActionError
    from unionwork.core.models import IndicatorCorrection

    get(key)
    month = month_of(month)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(gettext("请填写更正原因。"), code="reason_required")
    if not numerator and not denominator:
        raise ActionError(gettext("更正的增减不能都为零。"), code="zero")
    if not is_closed(month):
        raise ActionError(
            gettext("%(m)s 尚未结账（次月 %(d)s 日结账）：请直接在业务中修改记录。")
            % {"m": month.strftime("%Y-%m"), "d": closes_on(month).day},
            code="open_month",
        )
    scope.check_record(user, unit, "manage", what=gettext("该组织"))
    if user is not None and not (unit.path.startswith(user.org_path) and unit.pk != user.org_id):
        raise ActionError(gettext("已结账月份的数字只能由上级组织更正。"), code="not_above")
    chain = _ancestors(unit.path)  # territorial chain: an industrial figure is corrected at its union
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    base = _latest_rows(key, list(chain), month)
    if following <= month_of():
        have_next = set(
            IndicatorValue.objects.filter(
                indicator=key, unit_id__in=list(chain), month=following
            ).values_list("unit_id", flat=True)
        )
        IndicatorValue.objects.bulk_create(
            [
                IndicatorValue(
                    indicator=key,
                    unit_id=uid,
                    parent_id=r.parent_id,
                    unit_path=r.unit_path,
                    unit_ipath=r.unit_ipath,
                    month=following,
                    numerator=r.numerator,
                    denominator=r.denominator,
                )
                for uid, r in base.items()
                if uid not in have_next
            ]
        )
    _bump_chain(key, chain, numerator, denominator, month)
    fix = IndicatorCorrection.objects.create(
        indicator=key,
        unit_id=unit.pk,
        unit_path=unit.path,
        unit_name=str(unit)[:100],
        month=month,
        numerator=numerator,
        denominator=denominator,
        reason=reason[:500],
        actor_label=audit.current_actor().label,
    )
    audit.record(fix, "correct", None, audit.snapshot(fix), note=reason)
    return fix


def corrections(unit, month=None) -> list:
    """The corrections that changed ``unit``'s figures of ``month`` (its own or any unit's below)."""
    from unionwork.core.models import IndicatorCorrection
    from unionwork.core.scope import prefix_q

    return list(IndicatorCorrection.objects.filter(prefix_q("unit_path", unit.path), month=month_of(month)))

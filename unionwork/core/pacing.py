"""Targets paced against the calendar: "half the time gone, half the task done" (时间过半、任务过半).

A module declares a :class:`PacedTarget` in its ``pacing.py`` (collected by
:func:`unionwork.core.registry.declare`, like its indicators): a kept indicator, a target value
(or per-unit targets with their own dates, e.g. the founding targets signed as responsibility
letters), a start and a deadline. For a unit and a day, :func:`pace` gives

* the share of time gone: (day − start) / (deadline − start), 0 % on the day of the start and
  before, 100 % on the deadline day and after;
* the share of the task done, read from the kept indicator (never recounted): the figure at the
  end of the day's month over the target (``LEVEL``: a rate or a count as it stands, e.g. card
  coverage against 90 %), or its growth since the month before the start (``INCREASE``: e.g. new
  grassroots unions against the year's founding target);
* no state (``NO_DATA``) for a rate with nothing to measure at that date (no denominator);
* a warning when the task lags the time by more than the tolerance (setting
  ``UNIONWORK_PACING_TOLERANCE``, percentage points): done < gone − tolerance. Exactly at the
  tolerance is not a warning. After the deadline a task not done is missed.

:func:`behind` lists, for a level, the units below it (given by the caller: core knows no tree
module) whose pace warns, each with the trend of its share done over the last months
(:func:`unionwork.core.indicators.trend`). Core imports no module; the pages and the API of the
modules that own the targets show it (``core/_pacing.html``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from unionwork.core import indicators
from unionwork.core.registry import Registry

LEVEL = "level"
INCREASE = "increase"

ON_PACE, BEHIND, MET, MISSED, NOT_STARTED = "on_pace", "behind", "met", "missed", "not_started"
# A rate with nothing to measure yet (no denominator: no members, no enterprises): neither done nor late.
NO_DATA = "no_data"


@dataclass(frozen=True)
class Window:
    """A unit's target for one year: the value to reach, from ``start`` to ``deadline``."""

    target: float
    start: datetime.date
    deadline: datetime.date


@dataclass(frozen=True)
class PacedTarget:
    """A target with a deadline, paced against the calendar.

    ``target`` with ``start``/``deadline`` as (month, day) in the year serves every unit alike;
    ``windows(unit_ids, year)`` gives per-unit targets instead (``{unit_id: Window}``; a unit
    without one has no target that year).
    """

    key: str
    label: str
    indicator: str
    measure: str = LEVEL
    target: float | None = None
    start: tuple[int, int] = (1, 1)
    deadline: tuple[int, int] = (12, 31)
    windows: Callable[[list[int], int], dict[int, Window]] | None = None
    module: str = ""
    description: str = ""

    def windows_for(self, unit_ids: Iterable[int], year: int) -> dict[int, Window]:
        ids = list(unit_ids)
        if self.windows is not None:
            return self.windows(ids, year)
        if self.target is None:
            return {}
        w = Window(float(self.target), datetime.date(year, *self.start), datetime.date(year, *self.deadline))
        return dict.fromkeys(ids, w)


TARGETS = Registry("paced target")


def register(target: PacedTarget) -> PacedTarget:
    """Declare a paced target (in a module's pacing.py, collected by core.registry.declare)."""
    return TARGETS.add(target.key, target)


def get(key: str) -> PacedTarget:
    try:
        return TARGETS.get(key)
    except KeyError:
        raise KeyError(f"paced target {key!r} is not registered") from None


def all_targets() -> list[PacedTarget]:
    return TARGETS.values()


def tolerance() -> float:
    """Percentage points the task may lag the time before a warning."""
    return float(getattr(settings, "UNIONWORK_PACING_TOLERANCE", 10.0))


def time_share(start: datetime.date, deadline: datetime.date, day: datetime.date) -> float:
    """Percent of the time from ``start`` to ``deadline`` gone on ``day`` (0 to 100)."""
    if day <= start:
        return 0.0
    if day >= deadline or deadline <= start:
        return 100.0
    return round((day - start).days * 100.0 / (deadline - start).days, 1)


def _previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _amount(pt: PacedTarget, fig: indicators.Figure | None) -> float:
    if fig is None:
        return 0.0
    if fig.unit == indicators.RATE:
        return float(fig.rate or 0.0)
    return float(fig.numerator)


@dataclass
class Pace:
    """Where one unit stands against a paced target on a day."""

    target: PacedTarget
    unit: object
    day: datetime.date
    window: Window | None
    time: float = 0.0  # percent of the time gone
    done: float = 0.0  # the figure counted towards the target (a rate, a count, or a growth)
    task: float = 0.0  # percent of the task done (capped at 100)
    tolerance: float = 0.0
    state: str = NOT_STARTED
    base: float = 0.0  # the figure before the start (INCREASE), subtracted from the figure
    trend: list[tuple[datetime.date, float | None]] = field(default_factory=list)

    @property
    def warning(self) -> bool:
        """The task lags the time by more than the tolerance (or the deadline passed undone)."""
        return self.state in (BEHIND, MISSED)

    @property
    def has_target(self) -> bool:
        return self.window is not None and self.window.target > 0

    @property
    def lag(self) -> float:
        return round(self.time - self.task, 1)


def _task_share(window: Window, done: float) -> float:
    if window.target <= 0:
        return 100.0
    return round(min(done * 100.0 / window.target, 100.0), 1)


def _state(window: Window, day: datetime.date, time: float, task: float, tol: float) -> str:
    if task >= 100.0:
        return MET
    if day > window.deadline:
        return MISSED
    if day < window.start:
        return NOT_STARTED
    return BEHIND if task < time - tol else ON_PACE


def _baseline(pt: PacedTarget, unit, window: Window) -> float:
    if pt.measure != INCREASE:
        return 0.0
    return _amount(pt, indicators.value(pt.indicator, unit, _previous_month(window.start)))


def _fill(out: Pace, fig: indicators.Figure | None, base: float) -> Pace:
    window = out.window
    out.base = base
    out.done = round(_amount(out.target, fig) - base, 1)
    out.time = time_share(window.start, window.deadline, out.day)
    out.task = _task_share(window, out.done)
    out.state = _state(window, out.day, out.time, out.task, out.tolerance)
    if fig is None or (fig.unit == indicators.RATE and not fig.denominator):
        if out.target.measure == LEVEL and (fig is None or fig.unit == indicators.RATE):
            out.state = NO_DATA
    return out


def pace(key: str, unit, day: datetime.date | None = None, *, window: Window | None = None) -> Pace:
    """The pace of ``unit`` against the target ``key`` on ``day`` (today by default): figures
    as they stood at the end of ``day``'s month, read from the kept indicator."""
    pt = get(key)
    day = day or timezone.localdate()
    if window is None:
        window = pt.windows_for([unit.pk], day.year).get(unit.pk)
    out = Pace(pt, unit, day, window, tolerance=tolerance())
    if window is None:
        return out
    # Once the deadline has passed, the figure as it stood at the deadline: credit goes by the
    # date records reached the platform (the kept figure of the deadline's month).
    fig = indicators.value(pt.indicator, unit, min(day, window.deadline))
    return _fill(out, fig, _baseline(pt, unit, window))


def with_trend(p: Pace, months: int = 6) -> Pace:
    """Add the share of the task done at the end of each of the last ``months`` months."""
    return with_trends([p], months)[0]


def with_trends(rows: list[Pace], months: int = 6) -> list[Pace]:
    """The trend of each row (the share of the task done at the end of each of the last
    ``months`` months, None before the figure had data), read in one query for all of them."""
    from unionwork.core.models import IndicatorValue

    rows = [p for p in rows if p.window is not None]
    if not rows:
        return rows
    ends = {p.unit.pk: indicators.month_of(min(p.day, p.window.deadline)) for p in rows}
    stored: dict[int, list[tuple[datetime.date, indicators.Figure]]] = {}
    qs = IndicatorValue.objects.filter(
        indicators.rows_until(max(ends.values())), indicator=rows[0].target.indicator, unit_id__in=list(ends)
    ).order_by("unit_id", "month")
    unit_kind = indicators.get(rows[0].target.indicator).unit
    for uid, month, num, den in qs.values_list("unit_id", "month", "numerator", "denominator"):
        stored.setdefault(uid, []).append((month, indicators.Figure(num, den, unit_kind)))
    for p in rows:
        series, m = [], ends[p.unit.pk]
        for _ in range(months):
            series.append(m)
            m = _previous_month(m)
        series.reverse()
        values, current, i = stored.get(p.unit.pk, []), None, 0
        p.trend = []
        for m in series:
            while i < len(values) and values[i][0] <= m:
                current = values[i][1]
                i += 1
            p.trend.append(
                (m, None if current is None else _task_share(p.window, _amount(p.target, current) - p.base))
            )
    return rows


def paces(key: str | PacedTarget, units: Iterable, day: datetime.date | None = None) -> list[Pace]:
    """The pace of several units: their windows and figures read a few queries at once (one per
    distinct deadline month and start month), never one per unit. ``key`` is a registered
    target's key, or a target made on the spot (a hard requirement of an assessment scheme)."""
    pt = key if isinstance(key, PacedTarget) else get(key)
    day = day or timezone.localdate()
    units = list(units)
    windows = pt.windows_for([u.pk for u in units], day.year)
    tol = tolerance()
    # The months a window is read at: its deadline's (or the day's) and, for growth, the one before
    # its start. Worked out once per distinct window: a target every unit shares has one window,
    # and an industrial union's dashboard paces its 1,834 units.
    months_of: dict[Window, tuple[datetime.date, datetime.date | None]] = {}

    def months(w: Window) -> tuple[datetime.date, datetime.date | None]:
        got = months_of.get(w)
        if got is None:
            start = _previous_month(w.start) if pt.measure == INCREASE else None
            got = months_of[w] = (indicators.month_of(min(day, w.deadline)), start)
        return got

    by_month: dict[datetime.date, list[int]] = {}
    by_start: dict[datetime.date, list[int]] = {}
    for u in units:
        w = windows.get(u.pk)
        if w is None:
            continue
        month, start = months(w)
        by_month.setdefault(month, []).append(u.pk)
        if start is not None:
            by_start.setdefault(start, []).append(u.pk)
    figs: dict[tuple[datetime.date, int], indicators.Figure] = {}
    for month, ids in [*by_month.items(), *by_start.items()]:
        for uid, f in indicators.values(pt.indicator, ids, month).items():
            figs[month, uid] = f
    out = []
    for u in units:
        p = Pace(pt, u, day, windows.get(u.pk), tolerance=tol)
        if p.window is not None:
            month, start = months(p.window)
            base = 0.0 if start is None else _amount(pt, figs.get((start, u.pk)))
            _fill(p, figs.get((month, u.pk)), base)
        out.append(p)
    return out


def behind(
    key: str, children: Iterable, day: datetime.date | None = None, months: int = 6, limit: int = 10
) -> list[Pace]:
    """The units among ``children`` (the level below a node, given by the caller) whose pace warns,
    furthest behind first, the first ``limit`` with the trend of the last ``months`` months."""
    out = [p for p in paces(key, children, day) if p.has_target and p.warning]
    out.sort(key=lambda p: (-p.lag, str(getattr(p.unit, "name", ""))))
    return with_trends(out[:limit], months)


def for_node(
    key: str, unit, children: Iterable, day: datetime.date | None = None, months: int = 6, limit: int = 10
) -> tuple[Pace, list[Pace]]:
    """A node's pace and its children behind pace (with their trend), in four queries at most for
    targets of one deadline: the windows, the figures, the figures before the start, the trends."""
    rows = paces(key, [unit, *children], day)
    node, others = rows[0], rows[1:]
    late = [p for p in others if p.has_target and p.warning]
    late.sort(key=lambda p: (-p.lag, str(getattr(p.unit, "name", ""))))
    return node, with_trends(late[:limit], months)


def day_for(month: datetime.date | None = None) -> datetime.date:
    """The day a page showing ``month`` (``?month=``) is paced on: today for the current month,
    the last day of a past one."""
    today = timezone.localdate()
    if month is None or (month.year, month.month) >= (today.year, today.month):
        return today
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)

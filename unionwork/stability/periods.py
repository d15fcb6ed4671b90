"""Reporting periods and their deadlines: plain functions, no database writes.

Every reporting unit files one monthly report per month. On each day of a heightened period it
also files a daily report (the monthly report stays due: it sums up the month). A period's
deadline is an instant; a report filed at or before it is on time, after it late, and a period
whose deadline has passed without a report is missed (漏报). Missed reports are never stored:
they are the expected periods minus the filed ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from unionwork.stability.models import PeriodKind, ReportingPolicy


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    deadline: datetime.datetime

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTHLY:
            return f"{self.start:%Y年%m月}月报"
        return f"{self.start:%Y年%m月%d日}日报"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.start.isoformat()}"

    def is_due(self, now: datetime.datetime) -> bool:
        """The deadline has passed: a report not filed now is missed."""
        return now > self.deadline


def get_policy() -> ReportingPolicy:
    """The reporting rules in force (the defaults until a city administrator saves them)."""
    return ReportingPolicy.objects.filter(pk=1).first() or ReportingPolicy(pk=1)


def _aware(day: datetime.date, at: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, at))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def monthly_period(day: datetime.date, policy: ReportingPolicy | None = None) -> Period:
    policy = policy or get_policy()
    start = month_start(day)
    due_day = next_month(start).replace(day=policy.monthly_deadline_day)
    return Period(PeriodKind.MONTHLY, start, _aware(due_day, policy.monthly_deadline_time))


def daily_period(day: datetime.date, policy: ReportingPolicy | None = None) -> Period:
    policy = policy or get_policy()
    return Period(PeriodKind.DAILY, day, _aware(day, policy.daily_deadline_time))


def heightened_windows() -> list[tuple[datetime.date, datetime.date]]:
    from unionwork.stability.models import HeightenedPeriod

    return list(HeightenedPeriod.objects.filter(cancelled=False).values_list("starts_on", "ends_on"))


def heightened_days(
    first: datetime.date, last: datetime.date, windows: Iterable[tuple[datetime.date, datetime.date]]
) -> list[datetime.date]:
    """The days between ``first`` and ``last`` (inclusive) that fall in a heightened period."""
    days: set[datetime.date] = set()
    for start, end in windows:
        lo, hi = max(start, first), min(end, last)
        while lo <= hi:
            days.add(lo)
            lo += datetime.timedelta(days=1)
    return sorted(days)


def periods_between(
    first: datetime.date,
    last: datetime.date,
    policy: ReportingPolicy | None = None,
    windows: Iterable[tuple[datetime.date, datetime.date]] | None = None,
) -> list[Period]:
    """Every period that starts between ``first`` and ``last``: months, then heightened days."""
    policy = policy or get_policy()
    windows = heightened_windows() if windows is None else list(windows)
    out = []
    month = month_start(first) if first.day == 1 else next_month(first)
    while month <= last:
        out.append(monthly_period(month, policy))
        month = next_month(month)
    out += [daily_period(d, policy) for d in heightened_days(first, last, windows)]
    return out


def periods_of_month(month: datetime.date, policy=None, windows=None) -> list[Period]:
    start = month_start(month)
    return periods_between(start, next_month(start) - datetime.timedelta(days=1), policy, windows)


def fileable_periods(
    now: datetime.datetime | None = None, months_back: int = 12, policy=None, windows=None
) -> list[Period]:
    """The periods a report may be filed for now: begun already, within the last months, newest first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = month_start(today)
    for _ in range(months_back):
        first = month_start(first - datetime.timedelta(days=1))
    periods = periods_between(first, today, policy, windows)
    return sorted(periods, key=lambda p: (p.start, p.kind), reverse=True)


def period_for(kind: str, start: datetime.date, policy=None, windows=None) -> Period | None:
    """The period of that kind starting that day, or None when there is none (not a heightened day)."""
    policy = policy or get_policy()
    if kind == PeriodKind.MONTHLY:
        return monthly_period(start, policy) if start.day == 1 else None
    if kind == PeriodKind.DAILY:
        windows = heightened_windows() if windows is None else windows
        return daily_period(start, policy) if heightened_days(start, start, windows) else None
    return None


def parse_key(key: str) -> tuple[str, datetime.date] | None:
    try:
        kind, iso = key.split(":", 1)
        return kind, datetime.date.fromisoformat(iso)
    except ValueError:
        return None

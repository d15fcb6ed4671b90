"""Benchmark: report timeliness rolled up over the whole city, set-based.

    .venv/bin/python bench/bench_stability_timeliness.py [--months N] [--heightened-days D]

Sets up Django against a scratch SQLite database in /tmp (migrate, Dalian's divisions: about 2,000
units that must report), bulk-loads N months of monthly reports (and D heightened days of daily
reports in the last month) for 85% of the units, 10% of them late, then times for the last month:

* the page's figure: ``queries.report_timeliness`` for the city (one row per district, zone and
  industrial union, rolled up), a fixed handful of aggregate queries;
* the baseline: the same figure computed unit by unit (two queries per reporting unit), the way a
  naive page would.

Both must agree. Prints a summary and, as its last line, one JSON object with the figure's time,
the baseline's and their ratio.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from unionwork.demo.foundation import seed_foundation

    seed_foundation()


def load(months: int, heightened_days: int, today: datetime.date) -> tuple[datetime.date, int]:
    """Bulk-load reports (bench set-up only: the actions file one at a time). Returns the last month."""
    from unionwork.orgs.models import OrgUnit
    from unionwork.stability import periods as P
    from unionwork.stability.models import HeightenedPeriod, Report
    from unionwork.stability.queries import reporting_units

    rng = random.Random(2012)
    city = OrgUnit.objects.get(code="2102")
    units = list(reporting_units(city).values_list("pk", flat=True))
    last = P.month_start(P.month_start(today) - datetime.timedelta(days=1))
    if heightened_days:
        HeightenedPeriod.objects.create(
            name="基准敏感时期", starts_on=last, ends_on=last + datetime.timedelta(days=heightened_days - 1)
        )
    month = last
    for _ in range(months - 1):
        month = P.month_start(month - datetime.timedelta(days=1))
    periods = P.periods_between(month, P.next_month(last) - datetime.timedelta(days=1))
    rows = []
    for p in periods:
        for uid in units:
            if rng.random() < 0.15:
                continue  # missed
            late = rng.random() < 0.1
            filed = p.deadline + (datetime.timedelta(hours=3) if late else -datetime.timedelta(hours=5))
            rows.append(
                Report(
                    org_id=uid,
                    period_kind=p.kind,
                    period_start=p.start,
                    is_nil=True,
                    deadline=p.deadline,
                    filed_at=filed,
                    is_late=late,
                )
            )
    Report.objects.bulk_create(rows, batch_size=5000)
    return last, len(units)


def naive(user, node, month, now) -> dict[str, int]:
    """Unit by unit: every reporting unit's periods and reports, summed in Python."""
    from unionwork.stability import periods as P
    from unionwork.stability.models import Report
    from unionwork.stability.queries import reporting_units

    periods = [p for p in P.periods_of_month(month) if p.is_due(now)]
    totals = {"expected": 0, "on_time": 0, "late": 0, "missing": 0}
    for unit in reporting_units(node):
        filed = {
            (k, s): late
            for k, s, late in Report.objects.filter(org=unit).values_list(
                "period_kind", "period_start", "is_late"
            )
        }
        for p in periods:
            totals["expected"] += 1
            state = filed.get((p.kind, p.start))
            key = "missing" if state is None else ("late" if state else "on_time")
            totals[key] += 1
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--heightened-days", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench_stability_", dir="/tmp"))
    try:
        t0 = time.perf_counter()
        setup_django(workdir)
        print(f"数据库准备（迁移、大连区划）：{time.perf_counter() - t0:.1f} 秒，位于 {workdir}")
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from unionwork.orgs.models import OrgUnit
        from unionwork.stability import queries
        from unionwork.stability.models import Report

        now = timezone.now()
        t0 = time.perf_counter()
        month, n_units = load(args.months, args.heightened_days, timezone.localdate(now))
        print(
            f"载入 {Report.objects.count():,} 份报告（{n_units:,} 个须报送单位，{args.months} 个月）：{time.perf_counter() - t0:.1f} 秒"
        )

        user = get_user_model().objects.select_related("org").get(username="city_admin")
        city = OrgUnit.objects.get(code="2102")
        runs = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                table = queries.report_timeliness(user, city, month, now=now)
                runs.append(time.perf_counter() - t0)
        value = min(runs)
        print(
            f"全市逐级汇总（{len(table.body)} 行，{len(ctx.captured_queries)} 次查询）：{value * 1000:.0f} 毫秒"
        )

        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx_naive:
            expected = naive(user, city, month, now)
        baseline = time.perf_counter() - t0
        print(f"基线：逐个单位计算（{len(ctx_naive.captured_queries):,} 次查询）：{baseline * 1000:.0f} 毫秒")
        got = {k: table.total.get(k) for k in expected}
        assert got == expected, (got, expected)
        assert got["expected"] == sum(r.get("expected") for r in table.body)
        print(
            f"合计：应报 {got['expected']:,}，按时 {got['on_time']:,}，迟报 {got['late']:,}，漏报 {got['missing']:,}（两种算法一致）"
        )
        ratio = baseline / value
        print(f"集合式汇总比逐个单位计算快 {ratio:.1f} 倍")
        print(
            json.dumps(
                {
                    "name": "stability_timeliness_city",
                    "value": round(value * 1000, 1),
                    "unit": "ms",
                    "baseline": round(baseline * 1000, 1),
                    "ratio": round(ratio, 2),
                    "queries": len(ctx.captured_queries),
                    "baseline_queries": len(ctx_naive.captured_queries),
                    "reporting_units": n_units,
                    "reports": Report.objects.count(),
                },
                ensure_ascii=False,
            )
        )
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

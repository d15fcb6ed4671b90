"""Benchmark: every indicator's figure for every district and township node, at city scale.

    .venv/bin/python bench/bench_indicators.py [--db PATH] [--members N] [--rebuild]

Builds (once, then reuses) a city-scale SQLite database: Dalian's real tree, about 100,000
demo enterprises, 30,000 grassroots unions and N members (default 2,000,000), via
``manage.py demo --scale city``. Then, for the city, every district and every township node and
every registered indicator, times in the same run:

* the platform's figure: ``indicators.value`` (the maintained roll-up, one indexed row);
* the baseline: the same figure by a plain aggregate query over the node's subtree
  (``indicators.live_totals``, the module's own count);
* the dashboard's whole server-side read for the node (key figures, ranked children, trend).

Both figures must agree. Prints medians and 95th percentiles, and as its last line one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/unionwork-bench-city.sqlite3")
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    args = parser.parse_args()
    db = Path(args.db)
    if args.rebuild and db.exists():
        db.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    fresh = not db.exists()
    call_command("migrate", verbosity=0)
    if fresh:
        started = time.monotonic()
        call_command("demo", scale="city", members=args.members)
        print(f"built the city-scale database in {time.monotonic() - started:.0f} s", flush=True)

    from django.contrib.auth import get_user_model

    from unionwork.core import indicators
    from unionwork.dashboard import queries
    from unionwork.orgs.models import OrgKind, OrgUnit

    inds = [i for i in indicators.all_indicators() if i.live_subtree]
    city = OrgUnit.objects.get(kind=OrgKind.CITY, parent=None)
    nodes = [city, *OrgUnit.objects.filter(kind__in=[OrgKind.DISTRICT, OrgKind.TOWNSHIP]).order_by("path")]
    admin = get_user_model().objects.get(username="city_admin")
    rollup, plain, page = [], [], []
    mismatches = 0
    for node in nodes:
        for ind in inds:
            t0 = time.perf_counter()
            fig = indicators.value(ind.key, node)
            t1 = time.perf_counter()
            live = indicators.live_totals(ind.key, node.path)
            t2 = time.perf_counter()
            rollup.append((t1 - t0) * 1000)
            plain.append((t2 - t1) * 1000)
            if (fig.numerator, fig.denominator) != (live.numerator, live.denominator):
                mismatches += 1
                print(f"MISMATCH {ind.key} {node.name}: roll-up {fig} plain {live}")
        t0 = time.perf_counter()
        queries.key_figures(node)
        if inds:
            queries.table(admin, node, inds[0])
            indicators.trend(inds[0].key, node, 12)
        page.append((time.perf_counter() - t0) * 1000)
    med_r, med_p = statistics.median(rollup), statistics.median(plain)
    print(f"{len(nodes)} nodes x {len(inds)} indicators ({', '.join(i.key for i in inds)})")
    print(
        f"roll-up figure:   median {med_r:.2f} ms, p95 {pct(rollup, 0.95):.2f} ms, max {max(rollup):.2f} ms"
    )
    print(f"plain aggregate:  median {med_p:.2f} ms, p95 {pct(plain, 0.95):.2f} ms, max {max(plain):.2f} ms")
    print(
        f"dashboard read:   median {statistics.median(page):.1f} ms, p95 {pct(page, 0.95):.1f} ms, max {max(page):.1f} ms"
    )
    print(f"mismatches: {mismatches}")
    print(
        json.dumps(
            {
                "name": "indicator_figures_city_scale",
                "value": round(med_r, 3),
                "unit": "ms (median per node and indicator)",
                "p95": round(pct(rollup, 0.95), 3),
                "baseline": {
                    "plain_aggregate_median_ms": round(med_p, 3),
                    "plain_aggregate_p95_ms": round(pct(plain, 0.95), 3),
                },
                "ratio": round(med_p / med_r, 1) if med_r else None,
                "ratio_p95": round(pct(plain, 0.95) / pct(rollup, 0.95), 1) if pct(rollup, 0.95) else None,
                "dashboard_read_median_ms": round(statistics.median(page), 1),
                "dashboard_read_max_ms": round(max(page), 1),
                "nodes": len(nodes),
                "indicators": len(inds),
                "mismatches": mismatches,
            },
            ensure_ascii=False,
        )
    )
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()

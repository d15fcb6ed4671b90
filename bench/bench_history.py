"""Benchmark: reading kept figures as their months of history grow, two ways side by side.

    .venv/bin/python bench/bench_history.py [--db postgres://postgres@127.0.0.1:5432/city] \
        [--months 11] [--repeat 5]

Without ``--db`` it builds the small demo into its own PostgreSQL database (once, then reuses
it); the figures the docs quote are of the city (``manage.py demo --scale city``).

The kept indicators add a row per unit and indicator for every month in which a figure moved,
so a platform in use for a year holds about twelve rows where the demo holds one. A figure page
reads, for each unit it shows, the latest row at or before the month it shows. Two ways to find
it are timed on the same data, side by side:

* ``probe`` (what PostgreSQL runs): one backward probe of the unique index (indicator, unit,
  month) per key and unit, a LATERAL ``LIMIT 1``;
* ``unit scan`` (what PostgreSQL runs for many keys at once, ``UNIT_SCAN_MIN_KEYS``): one
  backward scan of the index (unit, indicator, month) per unit, keeping each key's latest row;
* ``window`` (the portable way, SQLite's): every row of the keys and units up to the month,
  numbered by month within each (key, unit) by a window, the first kept.

Each is timed on the database as it is (the demo: one month), then with ``--months`` earlier
months added to every kept figure (copies of the current rows, inserted in a transaction that is
rolled back at the end, with fresh planner statistics). What is timed: the industrial union's
members by district (its 1,834 linked units' figures summed by district, ``sums_by``), the same
units' figures read one by one (``values_many``, a statistical table's page), the city's districts
× every listed indicator, and three pages in process (the union's members figures, its dashboard
and statistical table). Prints p50 per case, way and history, and as its last line one JSON object
with the ratios window / probe and probe / unit scan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/unionwork_bench_history"


def ensure_database(url: str) -> bool:
    """The default database: created and filled with the small demo once. False without a server."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=5) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                return True
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"bench_history: skipped, no PostgreSQL server at {url} ({exc})")
        return False
    env = os.environ | {"DATABASE_URL": url}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*manage, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    return True


def timed(fn, repeat: int) -> float:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="a postgres:// URL (a city-scale demo database)")
    parser.add_argument("--months", type=int, default=11, help="earlier months of history to add")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.db == DEFAULT_DB and not ensure_database(args.db):
        return
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from unionwork.core import indicators
    from unionwork.members.queries import _kept_fields
    from unionwork.orgs.models import OrgKind, OrgUnit
    from unionwork.orgs.queries import child_prefix

    if connection.vendor != "postgresql":
        sys.exit("bench_history: the probe is PostgreSQL's; give --db a postgres:// URL")
    user = get_user_model().objects.get(username="jx_admin")  # 机械冶金产业工会
    union = user.org
    assert union.kind == OrgKind.INDUSTRIAL
    linked = list(
        OrgUnit.objects.filter(ipath__startswith=union.path)
        .exclude(path__startswith=union.path)
        .values_list("pk", flat=True)
    )
    city = OrgUnit.objects.get(parent__isnull=True)
    districts = list(OrgUnit.objects.filter(parent=city).values_list("pk", flat=True))
    keys = list(_kept_fields())
    listed = [i.key for i in indicators.listed()]
    table_keys = [k.key for k in indicators.listed() if indicators.DETAIL not in k.tags]
    by_district = child_prefix("unit_path", city.path)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    cases = {
        f"union's {len(linked)} units by district (sums_by, {len(keys)} keys)": lambda: indicators.sums_by(
            keys, linked, by_district
        ),
        f"union's {len(linked)} units one by one (values_many, {len(keys)} keys)": lambda: (
            indicators.values_many(keys, linked)
        ),
        f"union's {len(linked)} units summed (sums_many, {len(table_keys)} keys: a table's subtotal)": lambda: (
            indicators.sums_many(table_keys, linked)
        ),
        **{
            f"union's {len(linked)} units one by one (values_many, {n} of the table's keys)": (
                lambda n=n: indicators.values_many(table_keys[:n], linked)
            )
            for n in (1, 4, 8)
        },
        f"city's {len(districts)} districts × {len(listed)} indicators (values_many)": lambda: (
            indicators.values_many(listed, districts)
        ),
        "page /members/ (the union)": page("/members/"),
        "page /dashboard/ (the union)": page("/dashboard/"),
        "page /dashboard/table/ (the union)": page("/dashboard/table/"),
    }
    ways = {
        "probe": indicators._latest_sql_probe,
        "unit scan": indicators._latest_sql_unit_scan,
        "window": indicators._latest_sql_window,
    }
    chosen = indicators._latest_sql
    results: dict[str, dict[str, float]] = {}

    def measure(history: str) -> None:
        for way, fn in ways.items():
            indicators._latest_sql = fn
            try:
                for name, case in cases.items():
                    results.setdefault(name, {})[f"{way}, {history}"] = timed(case, args.repeat)
            finally:
                indicators._latest_sql = chosen
            print(f"measured {way}, {history}", flush=True)

    rows = indicators.IndicatorValue.objects.count()
    measure("1 month")
    with transaction.atomic():
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {indicators.IndicatorValue._meta.db_table} "  # noqa: S608 - the model's own table
                "(indicator, unit_id, parent_id, unit_path, unit_ipath, month, numerator, denominator) "
                "SELECT indicator, unit_id, parent_id, unit_path, unit_ipath, "
                "(month - make_interval(months => g))::date, numerator, denominator "
                f"FROM {indicators.IndicatorValue._meta.db_table}, generate_series(1, %s) g",
                [args.months],
            )
            added = cursor.rowcount
            cursor.execute(f"ANALYZE {indicators.IndicatorValue._meta.db_table}")
        print(
            f"added {added:,} rows of history to {rows:,} in {time.monotonic() - started:.0f} s", flush=True
        )
        measure(f"{args.months + 1} months")
        transaction.set_rollback(True)

    history = f"{args.months + 1} months"
    head = "".join(f"{way + ' 1 / ' + history:>26}" for way in ways)
    print(f"\n{'case':<62}{head}  window/probe  probe/unit scan")
    summary = {}
    for name, got in results.items():
        cells = "".join(
            f"{got[f'{way}, 1 month']:>13.1f} / {got[f'{way}, {history}']:>7.1f} ms" for way in ways
        )
        window = got[f"window, {history}"] / got[f"probe, {history}"]
        unit_scan = got[f"probe, {history}"] / got[f"unit scan, {history}"]
        print(f"{name:<62}{cells}  {window:>11.1f}×  {unit_scan:>14.1f}×")
        summary[name] = {k: round(v, 1) for k, v in got.items()} | {
            "ratio_window_probe": round(window, 2),
            "ratio_probe_unit_scan": round(unit_scan, 2),
        }
    # The rolled-back rows leave the table and its indexes bloated: rewrite them as they were.
    connection.cursor().execute(f"VACUUM FULL ANALYZE {indicators.IndicatorValue._meta.db_table}")
    print(json.dumps({"benchmark": "history", "rows": rows, "months_added": args.months, "cases": summary}))


if __name__ == "__main__":
    main()

"""Benchmark: re-zoning a whole district (every street of it) into a new zone, at city scale.

    .venv/bin/python bench/bench_rezone.py [--db PATH] [--members N] [--rebuild]

Builds (once, then reuses) a SQLite database: Dalian's real tree, the founding module's
city-scale demo (about 100,000 enterprises and 30,000 grassroots unions over every community),
and ``--members`` (default 300,000) member rows in the unions of the district with the most
unions (written directly, as a roll-call of that district would be at city scale). Every
indicator is rebuilt and its rows dated two months back, so the re-zoning has to carry every row
of the district forward (the worst case: nothing changed since).

Then, on a copy of that database, it times ``orgs.actions.rezone`` moving every street of that
district into a new zone (inline, one transaction per batch of streets: as the background task
runs it), checks that the district's and the zone's figures changed by exactly the streets' and
the city's not at all, that the months before are untouched, and times as-of reads after it
(a node's figure a year back and two months back, and the children of the district as of then).

Prints the figures, and as its last line one JSON object.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def build(members: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from unionwork.core import audit, indicators
    from unionwork.core.models import IndicatorValue
    from unionwork.demo.foundation import seed_foundation
    from unionwork.founding import demo as founding_demo
    from unionwork.members.models import Member
    from unionwork.orgs.models import OrgKind, OrgUnit

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    seed_foundation()
    founding_demo.seed_city(stdout=sys.stdout)
    print(f"founding city scale in {time.monotonic() - started:.0f} s", flush=True)
    districts = OrgUnit.objects.filter(kind=OrgKind.DISTRICT)
    counts = {
        d.pk: OrgUnit.objects.filter(path__startswith=d.path, kind=OrgKind.GRASSROOTS).count()
        for d in districts
    }
    district = OrgUnit.objects.get(pk=max(counts, key=counts.get))
    unions = list(
        OrgUnit.objects.filter(path__startswith=district.path, kind=OrgKind.GRASSROOTS).values_list(
            "pk", "path"
        )
    )
    now = timezone.now()
    today = timezone.localdate()
    with audit.acting_as(None, "bench"), transaction.atomic():
        batch = []
        for i in range(members):
            pk, path = unions[i % len(unions)]
            batch.append(
                Member(
                    name=f"演示会员{i}",
                    id_cipher=b"x",
                    id_hash=f"{i:032x}",
                    pii_key="bench",
                    birth_year=1960 + i % 40,
                    sex="M" if i % 2 else "F",
                    employment_form="contract",
                    union_id=pk,
                    org_path=path,
                    joined_on=today - datetime.timedelta(days=400),
                    card_status="active" if i % 3 else "none",
                    is_demo=True,
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) == 20000:
                Member.objects.bulk_create(batch)
                batch = []
        Member.objects.bulk_create(batch)
    print(f"{members:,} members in {district.name} ({len(unions):,} unions)", flush=True)
    past = indicators.month_of(today.replace(day=1) - datetime.timedelta(days=40))
    with transaction.atomic():
        IndicatorValue.objects.all().delete()
        for ind in indicators.all_indicators():
            if ind.own_counts is not None:
                indicators.rebuild(ind.key, past)
    rows = IndicatorValue.objects.values("indicator").annotate(n=Count("pk")).count()
    print(f"indicators rebuilt at {past:%Y-%m} ({rows} indicators)", flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/unionwork-bench-rezone.sqlite3")
    parser.add_argument("--members", type=int, default=300_000)
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    base = Path(args.db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    os.environ["TASKS_BACKEND"] = "immediate"
    sys.path.insert(0, str(ROOT))
    if args.build_only:
        os.environ["DATABASE_URL"] = f"sqlite:///{base}"
        import django

        django.setup()
        build(args.members)
        return
    if args.rebuild and base.exists():
        base.unlink()
    if not base.exists():
        cmd = [sys.executable, __file__, "--build-only", "--db", str(base), "--members", str(args.members)]
        subprocess.run(cmd, check=True)
    work = base.with_suffix(".run.sqlite3")
    shutil.copyfile(base, work)
    os.environ["DATABASE_URL"] = f"sqlite:///{work}"
    import django

    django.setup()

    from django.contrib.auth import get_user_model

    from unionwork.core import audit, indicators
    from unionwork.core.models import IndicatorValue
    from unionwork.members.models import Member
    from unionwork.orgs import actions, queries
    from unionwork.orgs.models import OrgKind, OrgUnit

    admin = get_user_model().objects.get(username="city_admin")
    city = OrgUnit.objects.get(parent=None, kind=OrgKind.CITY)
    district = max(
        OrgUnit.objects.filter(kind=OrgKind.DISTRICT),
        key=lambda d: Member.objects.filter(org_path__startswith=d.path).count(),
    )
    streets = list(OrgUnit.objects.filter(parent=district, kind=OrgKind.TOWNSHIP, status="active"))
    subtree_units = OrgUnit.objects.filter(path__startswith=district.path).count()
    subtree_rows = IndicatorValue.objects.filter(unit_path__startswith=district.path).count()
    members_moved = Member.objects.filter(org_path__startswith=district.path).count()
    keys = sorted(set(IndicatorValue.objects.values_list("indicator", flat=True)))
    past = IndicatorValue.objects.order_by("month").values_list("month", flat=True).first()
    street_sum = {k: sum(indicators.value(k, s).numerator for s in streets) for k in keys}
    before = {(k, u.pk): indicators.value(k, u).numerator for k in keys for u in (city, district)}
    before_past = {(k, u.pk): indicators.value(k, u, past).numerator for k in keys for u in (city, district)}
    print(
        f"{district.name}: {len(streets)} streets, {subtree_units:,} units, {members_moved:,} members, "
        f"{subtree_rows:,} kept indicator rows ({len(keys)} indicators)",
        flush=True,
    )
    with audit.acting_as(admin, "bench"):
        zone = actions.create_unit(admin, parent=city, name="演示新区总工会（基准）", kind=OrgKind.ZONE)
        t0 = time.perf_counter()
        actions.REZONE_INLINE_MAX = 10**9  # inline here; the task runs the same function
        rz = actions.rezone(admin, streets, zone, reason="基准：整区区划调整")
        seconds = time.perf_counter() - t0
    print(f"re-zoning: {seconds:.1f} s ({rz.status}, {rz.done}/{rz.total})", flush=True)

    district.refresh_from_db()
    zone.refresh_from_db()
    errors = []
    for k in keys:
        if indicators.value(k, city).numerator != before[(k, city.pk)]:
            errors.append(f"{k}: the city's figure changed")
        if indicators.value(k, district).numerator != before[(k, district.pk)] - street_sum[k]:
            errors.append(f"{k}: the district did not lose exactly its streets' figure")
        if indicators.value(k, zone).numerator != street_sum[k]:
            errors.append(f"{k}: the zone's figure is not its streets'")
        for u in (city, district):
            if indicators.value(k, u, past).numerator != before_past[(k, u.pk)]:
                errors.append(f"{k}: {u.name}'s figure of {past:%Y-%m} changed")
    left = Member.objects.filter(org_path__startswith=district.path).count()
    in_zone = Member.objects.filter(org_path__startswith=zone.path).count()
    if in_zone != members_moved or left:
        errors.append(f"members: {in_zone} in the zone, {left} left in the district")
    for e in errors:
        print("ERROR", e)

    # As-of reads after the re-zoning: figures a year and two months back, and the district's
    # children as of then (every street), as the figure pages read them.
    year_back = indicators.month_of(past.replace(year=past.year - 1))
    nodes = [city, district, zone, *streets]
    reads = []
    for month in (year_back, past, None):
        for node in nodes:
            for k in keys:
                t0 = time.perf_counter()
                indicators.value(k, node, month)
                reads.append((time.perf_counter() - t0) * 1000)
    tree_reads = []
    for month in (year_back, past):
        t0 = time.perf_counter()
        kids = list(queries.children_as_of(admin, district, month))
        tree_reads.append((time.perf_counter() - t0) * 1000)
        if len([c for c in kids if c.kind == OrgKind.TOWNSHIP]) != len(streets):
            errors.append(f"children of {district.name} as of {month:%Y-%m}: {len(kids)}")
    print(
        f"as-of figure reads: median {statistics.median(reads):.2f} ms, p95 {pct(reads, 0.95):.2f} ms; "
        f"as-of children: max {max(tree_reads):.1f} ms"
    )
    print(
        json.dumps(
            {
                "name": "rezone_district_city_scale",
                "value": round(seconds, 2),
                "unit": "s (every street of the largest district into a new zone)",
                "streets": len(streets),
                "units_moved": subtree_units - 1,
                "members_moved": members_moved,
                "indicator_rows_in_subtree": subtree_rows,
                "indicators": len(keys),
                "as_of_read_p95_ms": round(pct(reads, 0.95), 3),
                "as_of_children_max_ms": round(max(tree_reads), 1),
                "errors": len(errors),
            },
            ensure_ascii=False,
        )
    )
    from django.db import connection

    connection.close()
    for leftover in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
        leftover.unlink(missing_ok=True)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()

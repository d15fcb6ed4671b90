"""Benchmark: finding a member in scope among two million, by name, pinyin or exact ID number.

Runs alone: ``.venv/bin/python bench/bench_members_search.py [--members N] [--repeat R]``.
A scratch SQLite database in /tmp gets Dalian's tree and ``members.demo.seed_city(N)`` (default
2,000,000 members over 2,000 grassroots unions). Then each kind of search runs as the member
list runs it (``queries.search_members`` on ``Member.objects.restrict(user)``, newest first,
first page of 50, with the union of each row), as the city's administrator and as 甘井子区's,
and its median and worst time are printed; the page's row count (for paging) is timed apart.
The last line is one JSON object; ``value`` is the worst median of the first-page searches.
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
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/bench_members_search.sqlite3")
LIMIT_MS = 100


def _setup(members: int, reuse: bool) -> None:
    fresh = not (reuse and DB.exists())
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(str(DB) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    os.environ.setdefault("UNIONWORK_PII_KEY", "bench-only-key-" + "x" * 32)
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        from unionwork.demo.foundation import seed_foundation
        from unionwork.members.demo import seed_city

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        seed_foundation()
        seed_city(members)
        print(f"准备：{members:,} 名会员，{time.perf_counter() - t:.0f} s")


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an existing scratch database")
    args = parser.parse_args()
    _setup(args.members, args.reuse)

    from unionwork.core.tests.factories import demo_user
    from unionwork.members import queries
    from unionwork.members.demo import demo_people
    from unionwork.members.models import Member
    from unionwork.orgs.models import OrgUnit

    total = Member.objects.count()
    people = list(demo_people(20, seed=2102))  # seed_city's first people
    gjz = OrgUnit.objects.get(code="210211")
    in_gjz = (
        Member.objects.filter(org_path__gte=gjz.path, org_path__lt=gjz.path[:-1] + "0").order_by("pk").first()
    )
    from unionwork.members import pii

    gjz_number = pii.decrypt(in_gjz.id_cipher, in_gjz.pii_key)
    name = people[0][0]
    searches = {
        "身份证号（精确）": people[1][1].number,
        "姓名（全名）": name,
        "姓名（前两字）": name[:2],
        "姓（单字）": name[:1],
        "拼音（全拼）": Member.objects.filter(name=name).values_list("pinyin", flat=True).first(),
        "拼音（首字母）": Member.objects.filter(name=name).values_list("initials", flat=True).first(),
    }
    results, worst = [], 0.0
    for username in ("city_admin", "gjz_admin"):
        user = demo_user(username)
        base = Member.objects.restrict(user)
        cases = dict(searches)
        if username == "gjz_admin":
            cases["身份证号（精确）"] = gjz_number
            cases["姓名（全名）"] = in_gjz.name
        for label, q in cases.items():
            qs = queries.search_members(base, q).select_related("union").order_by("-pk")
            med, mx, rows = timed(lambda qs=qs: list(qs[:50]), args.repeat)
            cmed, cmx, count = timed(lambda qs=qs: qs.count(), max(3, args.repeat // 2))
            worst = max(worst, med)
            results.append(
                {
                    "user": username,
                    "search": label,
                    "q": q if "身份证" not in label else q[:6] + "…",
                    "first_page_ms": round(med, 1),
                    "first_page_max_ms": round(mx, 1),
                    "rows": len(rows),
                    "count_ms": round(cmed, 1),
                    "count": count,
                }
            )
            print(
                f"{username:10} {label:10} 首页 {med:7.1f} ms（最慢 {mx:6.1f}）  {len(rows):3} 行 | "
                f"计数 {cmed:7.1f} ms = {count:,}"
            )
    print(
        json.dumps(
            {
                "name": "members_search",
                "value": round(worst, 1),
                "unit": "ms",
                "baselines": {"limit_ms": LIMIT_MS},
                "ratios": {"vs_limit": round(worst / LIMIT_MS, 3)},
                "members": total,
                "cases": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

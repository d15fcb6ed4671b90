"""Benchmark: finding a member in scope among two million, by name, pinyin or exact ID number.

Runs alone: ``.venv/bin/python bench/bench_members_search.py [--members N] [--repeat R]``.
A scratch SQLite database in /tmp gets Dalian's tree and ``members.demo.seed_city(N)`` (default
2,000,000 members over 2,000 grassroots unions). With ``--db URL`` it runs instead on a database
``manage.py demo`` built (the small demo, ``--scale city`` or ``--scale province``; PostgreSQL or
SQLite), as the industrial union 机械冶金产业工会 (jx_admin) too. Then each kind of search runs
as the member list runs it (``queries.search_members`` on ``Member.objects.restrict(user)``,
newest first, first page of 50, with the union of each row), as the city's administrator and as
甘井子区's, for a member of that user's own scope (the first registered), and its median and
worst time are printed; the page's row count is timed apart, bounded as the page counts it
(``core.views.BoundedPaginator``: the first 10,001 keys). The last line is one JSON object;
``value`` is the worst median of the first-page searches.
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


def _setup(members: int, reuse: bool, db: str = "") -> None:
    if db:
        os.environ["DATABASE_URL"] = db if "://" in db else f"sqlite:///{db}"
    else:
        fresh = not (reuse and DB.exists())
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(str(DB) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    if not db:  # a built database keeps the key it was built with (the environment's)
        os.environ.setdefault("UNIONWORK_PII_KEY", "bench-only-key-" + "x" * 32)
    import django

    django.setup()
    if not db and fresh:
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
    parser.add_argument(
        "--db", default="", help="a database manage.py demo built (postgres:// URL or SQLite path)"
    )
    args = parser.parse_args()
    _setup(args.members, args.reuse, args.db)

    from django.db import connection

    from unionwork.core.tests.factories import demo_user
    from unionwork.core.views import BoundedPaginator
    from unionwork.members import pii, queries
    from unionwork.members.models import Member

    total = Member.objects.count()
    users = ["city_admin", "gjz_admin"] + (["jx_admin"] if args.db else [])
    results, worst = [], 0.0
    for username in users:
        user = demo_user(username)
        base = Member.objects.restrict(user)
        person = base.order_by("pk").first()  # the first registered member the user sees
        cases = {
            "身份证号（精确）": pii.decrypt(person.id_cipher, person.pii_key),
            "姓名（全名）": person.name,
            "姓名（前两字）": person.name[:2],
            "姓（单字）": person.name[:1],
            "拼音（全拼）": person.pinyin,
            "拼音（首字母）": person.initials,
        }
        for label, q in cases.items():
            qs = queries.search_members(base, q).select_related("union").order_by("-pk")
            med, mx, rows = timed(lambda qs=qs: list(qs[:50]), args.repeat)
            cmed, cmx, count = timed(lambda qs=qs: BoundedPaginator(qs, 50).count, max(3, args.repeat // 2))
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
            shown = f"{count:,}" if count <= BoundedPaginator.limit else f"{BoundedPaginator.limit:,}+"
            print(
                f"{username:10} {label:10} 首页 {med:7.1f} ms（最慢 {mx:6.1f}）  {len(rows):3} 行 | "
                f"计数 {cmed:7.1f} ms = {shown}"
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
                "database": connection.vendor,
                "cases": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

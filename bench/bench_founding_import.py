"""Benchmark: the statistics bureau's enterprise list through the import mechanism.

    .venv/bin/python bench/bench_founding_import.py [--rows N]      (default 100,000)

Sets up Django against a scratch SQLite database in /tmp (migrate, Dalian's divisions, the
demo accounts, the industrial unions' industries), writes an .xlsx of N enterprises with valid credit codes over every community,
then in the same database:

* baseline: a bare ``bulk_create`` of the same rows (no checks, no audit), then removed again;
* the import: the file through ``founding.enterprises`` as city_admin, the way the upload page
  runs it (read, check every row, write all in one transaction with one audit event per record).

Prints a summary and, as its last line, one JSON object with the import's rows/s, the baseline's
and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from unionwork.demo.foundation import seed_foundation

    seed_foundation()
    # The industrial unions declare the demo's industries (as `manage.py demo` does): every
    # enterprise of those industries counts in its union's part of its district too.
    from unionwork.core import audit
    from unionwork.founding import actions
    from unionwork.founding.demo import INDUSTRIES_OF_UNION
    from unionwork.orgs.models import OrgUnit

    with audit.acting_as(None, "command:bench"):
        for code, industries in INDUSTRIES_OF_UNION.items():
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is not None:
                actions.set_industries(None, unit, industries)


def make_rows(n: int):
    """N enterprise rows as the bureau's file carries them (header first)."""
    import random

    from unionwork.core.identifiers import uscc_with_check
    from unionwork.founding.demo import INDUSTRY_WEIGHTS, OWNERSHIP_WEIGHTS
    from unionwork.founding.models import Industry, Ownership
    from unionwork.orgs.models import OrgKind, OrgUnit

    rng = random.Random(4754)
    communities = list(
        OrgUnit.objects.filter(kind=OrgKind.COMMUNITY).order_by("code").values_list("code", flat=True)
    )
    ownership_labels = dict(Ownership.choices)
    industry_labels = dict(Industry.choices)
    ownerships = rng.choices(list(OWNERSHIP_WEIGHTS), weights=list(OWNERSHIP_WEIGHTS.values()), k=n)
    industries = rng.choices(list(INDUSTRY_WEIGHTS), weights=list(INDUSTRY_WEIGHTS.values()), k=n)
    header = [
        "统一社会信用代码",
        "单位名称",
        "登记注册类型",
        "行业门类",
        "从业人员数",
        "注册资本（万元）",
        "重点项目",
        "地址",
        "所在村（社区）",
        "经营状态",
    ]
    rows = [header]
    for i in range(n):
        community = communities[i % len(communities)]
        rows.append(
            [
                uscc_with_check(f"91{community[:6]}BE{i:07d}"),
                f"大连基准测试企业{i}有限公司（演示）",
                str(ownership_labels[ownerships[i]]),
                str(industry_labels[industries[i]]),
                rng.randint(0, 800),
                round(rng.uniform(1, 5000), 2),
                "是" if rng.random() < 0.02 else "否",
                f"演示路{i % 500}号",
                community,
                "在营",
            ]
        )
    return rows


def write_xlsx(rows, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("企业名录")
    text = book.add_format({"num_format": "@"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(r, c, value, text if c in (0, 8) else None)
            else:
                ws.write_number(r, c, value)
    book.close()


def bare_insert(rows) -> float:
    """The same rows as plain Enterprise records, one bulk_create: seconds (then removed)."""
    from decimal import Decimal

    from django.db import transaction

    from unionwork.founding.models import Enterprise, Industry, Ownership
    from unionwork.orgs.models import OrgKind, OrgUnit

    by_code = dict(OrgUnit.objects.filter(kind=OrgKind.COMMUNITY).values_list("code", "pk"))
    own = {str(label): value for value, label in Ownership.choices}
    ind = {str(label): value for value, label in Industry.choices}
    started = time.perf_counter()
    with transaction.atomic():
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    uscc=r[0],
                    name=r[1],
                    ownership=own[r[2]],
                    industry=ind[r[3]],
                    employees=r[4],
                    registered_capital=Decimal(str(r[5])),
                    is_key_project=r[6] == "是",
                    address=r[7],
                    community_id=by_code[r[8]],
                )
                for r in rows[1:]
            ],
            batch_size=2000,
        )
    elapsed = time.perf_counter() - started
    Enterprise.objects.all().delete()
    return elapsed


def run_import(path: Path, dry_run: bool = False):
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from unionwork.core import audit
    from unionwork.core.imports.engine import run_import as engine_run
    from unionwork.core.models import ImportJob

    user = get_user_model().objects.select_related("org").get(username="city_admin")
    job = ImportJob(
        importer="founding.enterprises",
        user=user,
        org_path=user.org_path,
        original_name=path.name,
        options={"dry_run": dry_run},
    )
    with path.open("rb") as fh:
        job.file.save(path.name, File(fh), save=False)
    job.save()
    started = time.perf_counter()
    with audit.acting_as(user, "import"):
        engine_run(job)
    return time.perf_counter() - started, job


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench_founding_", dir="/tmp"))
    try:
        t0 = time.perf_counter()
        setup_django(workdir)
        print(f"数据库准备（迁移、大连区划）：{time.perf_counter() - t0:.1f} 秒，位于 {workdir}")
        t0 = time.perf_counter()
        rows = make_rows(args.rows)
        path = workdir / f"enterprises-{args.rows}.xlsx"
        write_xlsx(rows, path)
        print(
            f"生成 {args.rows:,} 行企业名录 .xlsx：{time.perf_counter() - t0:.1f} 秒，{path.stat().st_size / 1e6:.1f} MB"
        )

        baseline_s = bare_insert(rows)
        baseline = args.rows / baseline_s
        print(f"基线：裸 bulk_create 同样的行：{baseline_s:.1f} 秒，{baseline:,.0f} 行/秒")

        from unionwork.core.models import AuditEvent
        from unionwork.founding.models import Enterprise

        check_s, preview = run_import(path, dry_run=True)
        assert preview.status == "done", (preview.status, preview.message, preview.errors[:3])
        print(f"只校验（预览）：{check_s:.1f} 秒，{args.rows / check_s:,.0f} 行/秒 — {preview.message}")

        audit_before = AuditEvent.objects.count()
        import_s, job = run_import(path)
        assert job.status == "done", (job.status, job.message, job.errors[:3])
        assert Enterprise.objects.count() == args.rows == job.created_count
        audited = AuditEvent.objects.count() - audit_before
        value = args.rows / import_s
        print(
            f"导入（校验全部行 + 写入 + 审计 {audited:,} 条）：{import_s:.1f} 秒，{value:,.0f} 行/秒 — {job.message}"
        )
        ratio = value / baseline
        print(f"导入速度为裸插入的 {ratio:.2f} 倍（即慢 {1 / ratio:.1f} 倍）")
        print(
            json.dumps(
                {
                    "name": "founding_import_enterprises",
                    "value": round(value, 1),
                    "unit": "rows/s",
                    "baseline": round(baseline, 1),
                    "ratio": round(ratio, 4),
                    "rows": args.rows,
                    "check_only_rows_per_s": round(args.rows / check_s, 1),
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

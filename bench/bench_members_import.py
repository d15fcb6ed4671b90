"""Benchmark: a roster of N members (default 1,000,000) imported through the core import mechanism.

Runs alone: ``.venv/bin/python bench/bench_members_import.py [--rows N] [--format csv|xlsx]``.
A scratch SQLite database in /tmp is migrated and given Dalian's tree; a CSV roster of N valid,
fictitious members over 200 grassroots unions of 甘井子区 is written; then, as 甘井子区's editor:

1. the import: a real import job through ``engine.run_import`` (read, check every row against
   the ID rules and the register, write all in one transaction, audit);
2. the bare insert: the same rows, already encrypted and hashed, inserted with one
   ``executemany`` into the same tables (all indexes in place) of a fresh copy of the database;
3. django-import-export on a 20,000-row slice, when it is installed (otherwise skipped).

Prints rows/s, both ratios and the peak memory (ru_maxrss of this process plus that of the import's
checking process, which runs beside it); the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/bench_members_import.sqlite3")
BARE_DB = Path("/tmp/bench_members_import_bare.sqlite3")
MEDIA = Path("/tmp/bench_members_import_media")
TARGET = 25_000


def _setup_django() -> None:
    for p in (DB, BARE_DB):
        for suffix in ("", "-wal", "-shm"):
            Path(str(p) + suffix).unlink(missing_ok=True)
    shutil.rmtree(MEDIA, ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ["MEDIA_ROOT"] = str(MEDIA)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionwork.settings")
    os.environ.setdefault("UNIONWORK_PII_KEY", "bench-only-key-" + "x" * 32)
    # a million-row roster is above the default limit of one upload (a district's roster)
    os.environ.setdefault("UNIONWORK_IMPORT_MAX_ROWS", "2000000")
    import django

    django.setup()


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_children_mib() -> float:
    """The largest peak of a finished child process (the import's checking process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _unions(n: int = 200):
    from unionwork.core import audit
    from unionwork.orgs import actions as org_actions
    from unionwork.orgs.models import OrgKind, OrgUnit

    gjz = OrgUnit.objects.get(code="210211")
    communities = list(
        OrgUnit.objects.filter(path__startswith=gjz.path, kind=OrgKind.COMMUNITY).order_by("code")
    )
    out = list(OrgUnit.objects.filter(code__in=["G0001", "G0002"]))
    with audit.acting_as(None, "command:bench"):
        for i in range(n - len(out)):
            out.append(
                org_actions.create_unit(
                    None,
                    parent=communities[i % len(communities)],
                    name=f"甘井子基准测试{i + 1:04d}有限公司工会（演示）",
                    kind=OrgKind.GRASSROOTS,
                    code=f"GB{i + 1:04d}",
                    is_demo=True,
                    reason="基准测试",
                )
            )
    return out


HEADER = ["姓名", "身份证号", "性别", "联系电话", "文化程度", "用工形式", "所在工会", "入会日期"]
EDUCATION = {
    "postgraduate": "研究生",
    "bachelor": "大学本科",
    "college": "大学专科",
    "secondary": "高中、中专、技校",
    "junior": "初中及以下",
}


def write_roster(path: Path, rows: int, unions) -> None:
    from unionwork.members.demo import demo_people
    from unionwork.members.models import EmploymentForm

    forms = dict(EmploymentForm.choices)
    codes = [u.code for u in unions]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i, (name, cid, phone, form, edu) in enumerate(demo_people(rows, seed=4242)):
            w.writerow(
                [
                    name,
                    cid.number,
                    "男" if cid.sex == "M" else "女",
                    phone,
                    EDUCATION[edu],
                    str(forms[form]),
                    codes[i * len(codes) // rows],
                    "2021-03-01",
                ]
            )


def write_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    ws = book.add_worksheet("名册")
    text = book.add_format({"num_format": "@"})
    with csv_path.open(encoding="utf-8") as fh:
        for r, row in enumerate(csv.reader(fh)):
            for c, value in enumerate(row):
                ws.write_string(r, c, value, text)
    book.close()


def run_import(path: Path, user) -> tuple[float, object]:
    from django.core.files import File

    from unionwork.core import audit
    from unionwork.core.imports.engine import run_import as engine_run
    from unionwork.core.models import ImportJob

    job = ImportJob(importer="members.roster", user=user, org_path=user.org_path, original_name=path.name)
    with path.open("rb") as fh:
        job.file.save(path.name, File(fh), save=False)
    job.save()
    start = time.perf_counter()
    with audit.acting_as(user, "import"):
        engine_run(job)
    return time.perf_counter() - start, job


def bare_insert(path: Path, unions) -> float:
    """The same rows (encrypted, hashed, pinyin made beforehand) straight into a fresh copy."""
    import sqlite3

    from django.utils import timezone

    from unionwork.members import pii
    from unionwork.members.people import person_pinyin

    by_code = {u.code: u for u in unions}
    enc, h, key = pii.encryptor(), pii.hasher(), pii.current_key()
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, (name, number, sex, phone, _edu, _form, code, joined) in enumerate(reader, start=1):
            unit = by_code[code]
            full, initials = person_pinyin(name)
            rows.append(
                (
                    i,
                    name,
                    full,
                    initials,
                    enc(number),
                    h(number),
                    key.key_id,
                    int(number[6:10]),
                    "M" if sex == "男" else "F",
                    phone,
                    "bachelor",
                    "contract",
                    unit.pk,
                    unit.path,
                    unit.ipath,
                    "active",
                    joined,
                    None,
                    "none",
                    0,
                    now,
                    now,
                )
            )
    con = sqlite3.connect(BARE_DB, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-262144")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO members_member (id, name, pinyin, initials, id_cipher, id_hash, pii_key, birth_year,"
        " sex, phone, education, employment_form, union_id, org_path, org_ipath, status, joined_on, left_on,"
        " card_status, is_demo, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    con.execute(
        "INSERT INTO members_membership (member_id, union_id, org_path, id_hash, status, started_on, ended_on,"
        " end_note, source, job_id, created_at) SELECT id, union_id, org_path, id_hash, 'active', joined_on, NULL,"
        " '', 'import', NULL, created_at FROM members_member"
    )
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def import_export_baseline(path: Path, unions, slice_rows: int = 20_000) -> float | None:
    try:
        import import_export  # noqa: F401
    except ImportError:
        print(
            "django-import-export 未安装，跳过该基线（请由负责人把 django-import-export 加入 pyproject.toml 的 "
            "dev extras 后再运行）。django-import-export is not installed: baseline skipped."
        )
        return None
    import tablib
    from import_export import fields, resources

    from unionwork.members.models import Member

    by_code = {u.code: u for u in unions}

    class MemberResource(resources.ModelResource):
        union = fields.Field(attribute="union_id", column_name="所在工会")

        class Meta:
            model = Member
            fields = ("name", "phone", "union")
            import_id_fields = ()

    data = tablib.Dataset(headers=["name", "phone", "所在工会"])
    with path.open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, row in enumerate(reader):
            if i >= slice_rows:
                break
            data.append([row[0], row[3], by_code[row[6]].pk])
    start = time.perf_counter()
    MemberResource().import_data(data, dry_run=True)
    return slice_rows / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    _setup_django()
    from django.core.management import call_command

    from unionwork.core.tests.factories import demo_user
    from unionwork.demo.foundation import seed_foundation
    from unionwork.members.models import Member, Membership

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed_foundation()
    unions = _unions()
    shutil.copy(DB, BARE_DB)  # the bare insert starts from the same empty register
    roster = Path(f"/tmp/bench_members_roster_{args.rows}.csv")
    write_roster(roster, args.rows, unions)
    source = roster
    if args.format == "xlsx":
        source = roster.with_suffix(".xlsx")
        write_xlsx(roster, source)
    print(
        f"准备：{time.perf_counter() - t0:.1f} s（{args.rows:,} 行，{source.stat().st_size / 2**20:.0f} MiB）"
    )

    user = demo_user("gjz_editor")
    children_before = peak_children_mib()  # the migrations and the roster run no child: 0
    elapsed, job = run_import(source, user)
    own_peak = peak_mib()
    child_peak = peak_children_mib() if peak_children_mib() > children_before else 0.0
    peak = own_peak + child_peak  # both processes run side by side: counted together
    ok = job.status == "done" and job.created_count == args.rows
    written = Member.objects.count()
    assert ok, f"import failed: {job.status} {job.message} {job.errors[:3]}"
    assert written == args.rows and Membership.objects.count() == args.rows
    rate = args.rows / elapsed
    print(
        f"导入：{elapsed:.1f} s，{rate:,.0f} 行/秒，峰值内存 {peak:.0f} MiB（写入进程 {own_peak:.0f} + 校验进程 "
        f"{child_peak:.0f}）（{job.message}）"
    )

    bare_s = bare_insert(roster, unions)
    bare_rate = args.rows / bare_s
    print(f"裸插入（同样的行，已加密，全部索引）：{bare_s:.1f} s，{bare_rate:,.0f} 行/秒")
    ie_rate = import_export_baseline(roster, unions)
    if ie_rate is not None:
        print(f"django-import-export（{20_000:,} 行切片，仅校验）：{ie_rate:,.0f} 行/秒")
    result = {
        "name": "members_import",
        "value": round(rate, 1),
        "unit": "rows/s",
        "baselines": {
            "bare_insert": round(bare_rate, 1),
            "django_import_export": ie_rate and round(ie_rate, 1),
        },
        "ratios": {
            "vs_bare_insert": round(rate / bare_rate, 3),
            "vs_django_import_export": round(rate / ie_rate, 2) if ie_rate else None,
        },
        "rows": args.rows,
        "format": args.format,
        "seconds": round(elapsed, 2),
        "peak_rss_mib": round(peak, 1),
        "peak_rss_mib_writer": round(own_peak, 1),
        "peak_rss_mib_checker": round(child_peak, 1),
        "target_rows_per_s": TARGET,
        "meets_target": rate >= TARGET and peak <= 1024,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""Benchmark: a month-end afternoon — 50 cadres browsing, 20 units filing, a 100,000-row roster importing.

    .venv/bin/python bench/bench_load.py [--db URL_OR_PATH] [--scale small|city] [--users 50]
        [--filers 20] [--rows 100000] [--seconds 60] [--server auto|gunicorn|runserver]
        [--worker-nice 10] [--baseline FILE]

All at once, against a real server on loopback (gunicorn on PostgreSQL, as ``make serve`` runs
it; ``runserver`` on SQLite) and the task worker as its own process (``manage.py db_worker``, at
the CPU priority ``deploy/serve.sh`` gives it: ``nice`` 10, ``--worker-nice``):

- **browsing**: ``--users`` threads, each a keep-alive session of one of four administrators
  (city, 甘井子区, a street, an industrial union), requesting in turn the ten most used pages of
  ``bench_pages.ten_pages`` (dashboard, member and enterprise lists and searches, figure pages,
  a member's page), each page followed by the top bar's request for its 待办 badge when the page
  asks for it, as a browser does (``--no-badge``: never, as the runs before 2026-12-01 late did);
- **filing**: ``--filers`` threads, each filing this period's stability report for its own units
  in turn through the page a clerk uses (GET the form, POST it with its CSRF token), as at the
  deadline of a month;
- **importing**: one member roster of ``--rows`` rows (fictitious people, valid check digits,
  marked 演示 by their unions) uploaded through the import page once the others run; the worker
  checks and writes it while the pages are being served.

Reported per page kind: p50, p95, p99, requests and errors (any status but the expected one, or
no answer within 30 s); the import's wall time and whether it finished inside the run (the run
waits for it after the browsing stops, up to ``--import-wait`` seconds). Goals (issue 19): p95
under 150 ms for lists, searches and dashboards, no errors, no request waiting on the import (the
p95 while importing is compared with a run of the same pages before the upload, side by side in
the output: ``quiet`` against ``loaded``).

The last line is one JSON object; ``--baseline FILE`` (an earlier run's last line) adds each page
kind's baseline p95 and the ratio baseline/now. The run mutates the database it is given (reports
filed, members imported): use a scratch copy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_pages  # noqa: E402  (bench/ is not a package: each script runs alone)

ROOT = bench_pages.ROOT
LIMIT_MS = 150
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERIOD_RE = re.compile(r'<option value="([a-z]+:\d{4}-\d{2}-\d{2})"')


def pct(values, q):
    return bench_pages.pct(values, q)


def sessions(users) -> list[tuple[str, tuple[str, str]]]:
    """A signed-in session per user, made in this process (no login round trip in the timed run;
    under the production settings one that has passed the administrators' second factor)."""
    return [(label, bench_pages.session_cookie(user)) for label, user in users]


def _session(cookie: tuple[str, str]):
    """A keep-alive client with the user's session, speaking as the reverse proxy does."""
    import requests

    class BehindProxy(requests.Session):
        # The run speaks plain HTTP on loopback in place of the TLS proxy. The production
        # settings' cookies are Secure, which a client sends over HTTPS only: keep them sendable,
        # as a browser's are behind the proxy. (A cookie policy does not do: requests prepares
        # each request from a fresh jar with the default policy.)
        def send(self, request, **kwargs):
            response = super().send(request, **kwargs)
            for kept in self.cookies:
                kept.secure = False
            return response

    s = BehindProxy()
    # The host the server's own Set-Cookie names, so a renewed session replaces this one
    # instead of standing beside it.
    s.cookies.set(*cookie, domain="127.0.0.1", path="/")
    s.headers["X-Forwarded-Proto"] = "https"
    return s


def street_clerks(n_filers: int) -> list[tuple[object, list[int]]]:
    """``n_filers`` street clerks (data-entry accounts made for the run, one per street of the
    city with the most communities), each with the units it files for: its street and the
    communities below that must report and have not filed this period."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.utils import timezone

    from unionwork.core import scope
    from unionwork.orgs.models import OrgKind, OrgUnit
    from unionwork.stability import periods
    from unionwork.stability.actions.reports import must_report
    from unionwork.stability.models import Report

    User = get_user_model()  # noqa: N806
    policy = periods.get_policy()
    current = periods.fileable_periods(timezone.now(), months_back=0, policy=policy)
    filed = set()
    if current:
        p = current[0]
        filed = set(
            Report.objects.filter(period_kind=p.kind, period_start=p.start).values_list("org_id", flat=True)
        )
    streets = (
        OrgUnit.objects.active()
        .filter(kind=OrgKind.TOWNSHIP)
        .annotate(n=Count("children"))
        .order_by("-n", "path")[:n_filers]
    )
    out = []
    for i, street in enumerate(streets):
        user = User.objects.filter(username=f"bench_filer_{i:02d}").first()
        if user is None:
            user = User(username=f"bench_filer_{i:02d}", full_name=f"街道填报员{i:02d}（压测）", org=street)
            user.roles = [scope.EDITOR]
            user.set_unusable_password()
            user.save()
        units = [street, *OrgUnit.objects.active().filter(parent=street).order_by("path")]
        out.append((user, [u.pk for u in units if must_report(u, policy) and u.pk not in filed]))
    return out


def write_roster(path: Path, rows: int) -> None:
    """``rows`` fictitious members over up to 200 grassroots unions of 甘井子区 (IDs new each run)."""
    import csv

    from unionwork.members.demo import demo_people
    from unionwork.members.models import EmploymentForm
    from unionwork.orgs.models import OrgKind, OrgUnit

    gjz = OrgUnit.objects.get(code="210211")
    codes = list(
        OrgUnit.objects.active()
        .filter(path__startswith=gjz.path, kind=OrgKind.GRASSROOTS, code__isnull=False)
        .order_by("path")
        .values_list("code", flat=True)[:200]
    )
    if not codes:
        raise SystemExit("no grassroots union with a code in 甘井子区: build the demo first")
    forms = dict(EmploymentForm.choices)
    # 冲突处理 跳过: a fictitious ID that happens to equal a demo member's is skipped, as an office
    # would, rather than failing the whole file (all or nothing) on a coincidence.
    header = [
        "姓名",
        "身份证号",
        "性别",
        "联系电话",
        "文化程度",
        "用工形式",
        "所在工会",
        "入会日期",
        "冲突处理",
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i, (name, cid, phone, form, _edu) in enumerate(demo_people(rows, seed=int(time.time()))):
            w.writerow(
                [
                    name,
                    cid.number,
                    "男" if cid.sex == "M" else "女",
                    phone,
                    "大学本科",
                    str(forms[form]),
                    codes[i % len(codes)],
                    "2021-03-01",
                    "跳过",
                ]
            )


class Tally:
    def __init__(self):
        self.rows: list[tuple[str, str, float, bool]] = []  # (phase, kind, ms, ok)
        self.lock = threading.Lock()

    def add(self, phase: str, kind: str, ms: float, ok: bool) -> None:
        with self.lock:
            self.rows.append((phase, kind, ms, ok))

    def summary(self, phase: str) -> dict:
        kinds = defaultdict(list)
        errors = defaultdict(int)
        for ph, kind, ms, ok in self.rows:
            if ph != phase:
                continue
            kinds[kind].append(ms)
            errors[kind] += 0 if ok else 1
        return {
            kind: {
                "p50": round(pct(ms, 0.5), 1),
                "p95": round(pct(ms, 0.95), 1),
                "p99": round(pct(ms, 0.99), 1),
                "n": len(ms),
                "errors": errors[kind],
            }
            for kind, ms in sorted(kinds.items())
        }


BADGE_URL, BADGE_NAME = bench_pages.BADGE_URL, bench_pages.BADGE_NAME


def browse(base, cookie, pages, stop, tally, phase_of, seed, think=(0.0, 0.0), badge=True) -> None:
    import random

    rnd = random.Random(seed)
    s = _session(cookie)
    j = seed
    if think[1]:
        stop.wait(rnd.uniform(0, think[1]))  # users do not all click at the same instant
    while not stop.is_set():
        name, url = pages[j % len(pages)]
        j += 1
        t0 = time.perf_counter()
        asks = False
        try:
            r = s.get(base + url, timeout=30, allow_redirects=False)
            ok, asks = r.status_code == 200, bench_pages.BADGE_LOADER in r.content
        except Exception:  # noqa: BLE001 - any failure to answer is an error of the run
            ok = False
        tally.add(phase_of(), name, (time.perf_counter() - t0) * 1000, ok)
        if badge and ok and asks:  # what the browser asks next: the top bar's 待办 count (htmx)
            t0 = time.perf_counter()
            try:
                ok = s.get(base + BADGE_URL, headers={"HX-Request": "true"}, timeout=30).status_code == 200
            except Exception:  # noqa: BLE001 - any failure to answer is an error of the run
                ok = False
            tally.add(phase_of(), BADGE_NAME, (time.perf_counter() - t0) * 1000, ok)
        if think[1]:
            stop.wait(rnd.uniform(*think))  # reading the page before the next click


def file_reports(base, cookie, units, stop, tally, phase_of, think=(0.0, 0.0)) -> None:
    import random

    rnd = random.Random(len(units))
    s = _session(cookie)
    for unit in units:
        if stop.is_set():
            return
        t0 = time.perf_counter()
        ok = False
        try:
            form = s.get(base + "/stability/reports/file/", timeout=30)
            token = CSRF_RE.search(form.text)
            period = PERIOD_RE.search(form.text)
            if token and period:
                r = s.post(
                    base + "/stability/reports/file/",
                    data={
                        "csrfmiddlewaretoken": token.group(1),
                        "org": unit,
                        "period": period.group(1),
                        "summary": "压测：本期排查情况（演示）",
                        "disputes_found": 1,
                        "disputes_resolved": 1,
                        "workers_involved": 3,
                    },
                    # As the browser sends it over HTTPS (the CSRF check compares it with the host).
                    headers={"Referer": base.replace("http://", "https://") + "/stability/reports/file/"},
                    timeout=30,
                    allow_redirects=False,
                )
                ok = r.status_code == 302
        except Exception:  # noqa: BLE001
            ok = False
        tally.add(phase_of(), "file a report (GET + POST)", (time.perf_counter() - t0) * 1000, ok)
        if think[1]:
            stop.wait(rnd.uniform(*think))


def upload_roster(base, cookie, path: Path) -> tuple[int | None, float]:
    s = _session(cookie)
    url = base + "/imports/members.roster/"
    page = s.get(url, timeout=60)
    token = CSRF_RE.search(page.text)
    t0 = time.perf_counter()
    with path.open("rb") as fh:
        r = s.post(
            url,
            data={"csrfmiddlewaretoken": token.group(1) if token else ""},
            files={"file": (path.name, fh, "text/csv")},
            headers={"Referer": url.replace("http://", "https://")},
            timeout=120,
            allow_redirects=False,
        )
    m = re.search(r"/imports/jobs/(\d+)/", r.headers.get("Location", ""))
    return (int(m.group(1)) if m else None), (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--filers", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60, help="seconds under load (after a quiet phase)")
    parser.add_argument(
        "--quiet-seconds", type=float, default=20, help="browsing alone first, as the reference"
    )
    parser.add_argument("--import-wait", type=float, default=900)
    parser.add_argument("--server", choices=["auto", "runserver", "gunicorn"], default="auto")
    parser.add_argument("--settings", choices=["auto", "production", "development"], default="auto")
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds a cadre reads a page (or a clerk a form) before the next click, drawn evenly; 0: none",
    )
    parser.add_argument(
        "--no-badge", action="store_true", help="pages without the badge request that follows each"
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=int(os.environ.get("UNIONWORK_WORKER_NICE", "10")),
        help="the task worker's nice value, as deploy/serve.sh runs it (default 10; 0: the web's priority)",
    )
    parser.add_argument("--baseline")
    args = parser.parse_args()
    bench_pages.setup(args)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from unionwork.core.models import ImportJob
    from unionwork.members.models import Member

    User = get_user_model()  # noqa: N806
    users = [(label, User.objects.get(username=name)) for label, name in bench_pages.USERS]
    n_members = Member.objects.count()
    print(f"database: {connection.vendor}, {n_members:,} members", flush=True)
    cookies = sessions(users)
    pages_of = [bench_pages.ten_pages(user) for _label, user in users]
    city_cookie = cookies[0][1]
    think = bench_pages.parse_think(args.think)
    clerks = street_clerks(args.filers)
    clerk_cookies = sessions([("filer", user) for user, _units in clerks])
    filing = [(cookie, units) for (_label, cookie), (_user, units) in zip(clerk_cookies, clerks, strict=True)]
    print(
        f"filers: {len(filing)} street clerks, {sum(len(u) for _c, u in filing)} reports to file", flush=True
    )
    roster = Path(tempfile.mkdtemp(prefix="unionwork-load-")) / "会员名册.csv"
    write_roster(roster, args.rows)
    print(f"roster: {args.rows:,} rows, {roster.stat().st_size / 1e6:.1f} MB", flush=True)
    connection.close()

    server = args.server
    if server == "auto":
        server = "runserver" if connection.vendor == "sqlite" else "gunicorn"
    port = bench_pages.free_port()
    env = {**os.environ, "TASKS_BACKEND": "database"}
    os.environ["TASKS_BACKEND"] = "database"
    proc, label = bench_pages.start_server(server, port, {"TASKS_BACKEND": "database"})
    worker = subprocess.Popen(
        ["nice", "-n", str(args.worker_nice), str(ROOT / ".venv/bin/python"), "manage.py", "db_worker"]
        + ["--queue-name", "*"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    tally = Tally()
    phase = {"now": "quiet"}
    stop = threading.Event()
    stop_filing = threading.Event()
    import_result: dict = {}
    try:
        browsers = [
            threading.Thread(
                target=browse,
                args=(base, cookies[i % 4][1], pages_of[i % 4], stop, tally, lambda: phase["now"], i, think),
                kwargs={"badge": not args.no_badge},
            )
            for i in range(args.users)
        ]
        for t in browsers:
            t.start()
        time.sleep(args.quiet_seconds)
        phase["now"] = "loaded"
        filers = [
            threading.Thread(
                target=file_reports, args=(base, cookie, units, stop_filing, tally, lambda: "loaded", think)
            )
            for cookie, units in filing
        ]
        for t in filers:
            t.start()
        job_id, upload_ms = upload_roster(base, city_cookie, roster)
        started = time.monotonic()
        import_result = {"job": job_id, "upload_ms": round(upload_ms, 1)}
        done_at: dict = {}

        def watch():  # the import's own wall time, read from its job row once a second
            from django.db import connection as conn

            while job_id and time.monotonic() - started < args.import_wait:
                job = ImportJob.objects.filter(pk=job_id).first()
                if job is None or job.finished:
                    done_at["t"], done_at["status"] = time.monotonic(), job.status if job else None
                    break
                time.sleep(1)
            conn.close()

        watcher = threading.Thread(target=watch)
        watcher.start()
        time.sleep(max(0.0, args.seconds - (time.monotonic() - started)))
        stop.set()
        stop_filing.set()
        for t in browsers + filers:
            t.join(timeout=60)
        watcher.join()  # waits for the import after the browsing stops, up to --import-wait
        took = done_at["t"] - started if "t" in done_at else None
        import_result.update(
            {
                "status": done_at.get("status"),
                "seconds": round(took, 1) if took is not None else None,
                "rows_per_s": round(args.rows / took) if took else None,
                "finished_during_load": took is not None and took <= args.seconds,
            }
        )
    finally:
        stop.set()
        stop_filing.set()
        for p in (proc, worker):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    quiet, loaded = tally.summary("quiet"), tally.summary("loaded")
    baseline = {}
    if args.baseline:
        baseline = json.loads(Path(args.baseline).read_text().strip().splitlines()[-1]).get("loaded", {})
    print(
        f"{'page kind':40s} {'quiet p95':>10s} {'loaded p50':>11s} {'p95':>8s} {'p99':>8s} {'n':>6s} errors"
    )
    for kind, row in loaded.items():
        q = quiet.get(kind, {}).get("p95", 0)
        if kind in baseline and row["p95"]:
            row["baseline_p95"] = baseline[kind]["p95"]
            row["ratio_p95"] = round(baseline[kind]["p95"] / row["p95"], 2)
        mark = " SLOW" if row["p95"] > LIMIT_MS else ""
        print(
            f"{kind:40s} {q:10.1f} {row['p50']:11.1f} {row['p95']:8.1f} {row['p99']:8.1f} "
            f"{row['n']:6d} {row['errors']}{mark}"
        )
    errors = sum(r["errors"] for r in loaded.values()) + sum(r["errors"] for r in quiet.values())
    worst = max(loaded.items(), key=lambda kv: kv[1]["p95"]) if loaded else ("", {"p95": 0})
    print(f"import: {import_result}")
    print(
        json.dumps(
            {
                "name": "load",
                "value": worst[1]["p95"],
                "unit": "ms (worst page kind's p95 under load)",
                "database": connection.vendor,
                "members": n_members,
                "server": label,
                "users": args.users,
                "filers": args.filers,
                "think_s": list(think),
                "rows": args.rows,
                "worker_nice": args.worker_nice,
                "errors": errors,
                "limit_ms": LIMIT_MS,
                "over_limit": sorted(k for k, r in loaded.items() if r["p95"] > LIMIT_MS),
                "import": import_result,
                "quiet": quiet,
                "loaded": loaded,
            },
            ensure_ascii=False,
        )
    )
    if errors or import_result.get("status") != "done":
        # The goal is 0 errors and the roster imported: say so in the exit status, so that
        # `make bench` stops here instead of reporting a run in which nothing was filed.
        sys.exit(f"bench_load: {errors} failed requests, import {import_result.get('status')}")


if __name__ == "__main__":
    main()

"""Benchmark: large list exports, inside the request (before) and by the worker (now), side by side.

Runs alone, on the database ``bench_pages.py`` builds (``--db``; default its small SQLite file):

    .venv/bin/python bench/bench_exports.py --db postgres://postgres@127.0.0.1:5432/city

For each export (甘井子区's member register as its administrator, the city's enterprises and
members of one street as the city's): the rows, then
* **in the request**: ``?export=xlsx`` with the inline limit raised above the rows, the way every
  export ran before ``core.export_jobs`` (a web worker held for the whole file);
* **queued**: the same request under the default limit: what the user now waits for (the job
  recorded and queued, a redirect to its page), the task backend being the database's;
* **the worker**: ``tasks.process_export`` run as the worker runs it (the list read again as the
  user, the file written, encrypted and stored), in a forked process whose peak memory is taken.
Each is timed once after a warm-up of the list. The last line is one JSON object; ``value`` is the
slowest queued request in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _in_child(fn):
    """fn() in a forked process: (its result, its peak resident memory in MB)."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            result = fn()
            payload = json.dumps(
                {"ok": result, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
            )
        except BaseException as exc:  # noqa: BLE001
            payload = json.dumps({"error": repr(exc)})
        os.write(write, payload.encode())
        os.close(write)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        data = json.loads(fh.read() or "{}")
    os.waitpid(pid, 0)
    if "error" in data:
        raise RuntimeError(data["error"])
    return data["ok"], data["rss"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="postgres:// URL or SQLite path (default: bench_pages' small file)")
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument(
        "--skip-inline", action="store_true", help="do not time the export inside the request"
    )
    args = parser.parse_args()
    args.rebuild = False
    args.default_gc = False
    import bench_pages

    bench_pages.setup(args)  # the task backend is the database's, as in production
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from unionwork.core.models import ExportJob
    from unionwork.core.tasks import process_export
    from unionwork.orgs.models import OrgKind, OrgUnit

    User = get_user_model()  # noqa: N806
    street = OrgUnit.objects.filter(parent__code="210211", kind=OrgKind.TOWNSHIP).order_by("code").first()
    cases = [
        ("gjz_admin", "甘井子区会员名册", reverse("members:list"), {}),
        ("city_admin", "全市企业", reverse("founding:enterprises"), {}),
        ("city_admin", "一个街道的会员", reverse("members:list"), {"under": street.pk}),
    ]
    results = []
    for username, label, path, params in cases:
        user = User.objects.get(username=username)
        client = bench_pages.signed_in_client(user)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = path + "?" + (query + "&" if query else "") + "export=xlsx"
        client.get(path + ("?" + query if query else ""))  # the list, warm
        row = {"export": label, "user": username}
        if not args.skip_inline:
            settings.UNIONWORK_EXPORT_INLINE_ROWS = 10**9
            t = time.perf_counter()
            resp = client.get(url)
            size = len(b"".join(resp.streaming_content)) if resp.streaming else len(resp.content)
            row["inline_s"] = round(time.perf_counter() - t, 2)
            row["inline_bytes"] = size
        ExportJob.objects.filter(user=user).delete()
        for limit in (5000, 0):  # 0: a list under 5,000 rows (the small demo) is queued all the same
            settings.UNIONWORK_EXPORT_INLINE_ROWS = limit
            t = time.perf_counter()
            resp = client.get(url)
            row["queued_ms"] = round((time.perf_counter() - t) * 1000, 1)
            row["inline_limit"] = limit
            if resp.status_code == 302:
                break
        assert resp.status_code == 302, (url, resp.status_code)
        job = ExportJob.objects.get(user=user)
        t = time.perf_counter()
        status, rss = _in_child(lambda job=job: process_export.call(job.pk))
        row["worker_s"] = round(time.perf_counter() - t, 2)
        job.refresh_from_db()
        assert status == ExportJob.Status.DONE, job.message
        row["rows"] = job.written_rows
        row["worker_rows_per_s"] = round(job.written_rows / row["worker_s"])
        row["worker_peak_mb"] = round(rss)
        if "inline_s" in row:
            row["worker_vs_inline"] = round(row["worker_s"] / row["inline_s"], 2)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        results.append(row)
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).delete()
    print(
        json.dumps(
            {
                "benchmark": "exports",
                "unit": "ms",
                "value": max(r["queued_ms"] for r in results),
                "exports": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

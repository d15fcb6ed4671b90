"""Benchmark: every page kind of every module, one user at a time, then 20 users at once.

    .venv/bin/python bench/bench_pages.py [--db URL_OR_PATH] [--scale small|city] [--repeat R]
        [--users 20] [--seconds 30] [--server auto|runserver|gunicorn] [--baseline FILE]

The database: ``--db`` (a ``postgres://`` URL or a SQLite path); by default a SQLite file in
/tmp for the scale, built once with ``manage.py demo --scale SCALE`` and reused (``--rebuild``).

**One user at a time.** The pages come from the URL resolver, as the scope test finds them: every
list view (a ``ScopedListView``) with no filter, with each of its filters alone, sorted by each of
its sortable columns both ways, with each kind of
search its ``q`` accepts (a name's first character, a name's start, pinyin, initials, an ID
number), and its ``.xlsx`` export of a page of rows (the list narrowed by a search to a page at
most, ``export_probe``); every other
page without arguments (home and figure pages); detail and figure pages with arguments, filled
from the links of the pages already seen (each list's first rows, each figure page's children).
Each is requested, through the Django test client in this process, as the administrators of the
city, of 甘井子区, of a street (街道) in it and of an industrial union (机械冶金产业工会); the time
is the server's time for the whole request (middleware, queries, template), the number of
queries is counted. Per page kind (the URL name plus the filter or search): p50, p95, queries.

**20 users at once.** A real server on loopback: on PostgreSQL gunicorn as deploy/ runs it
(``deploy/gunicorn.conf.py``, 2 × cores + 1 sync workers) with the production settings
(``unionwork.settings_production``: DEBUG off, HTTPS behind the proxy, administrators past their
second factor; the client sends what the proxy adds, ``X-Forwarded-Proto: https``); on SQLite
``manage.py runserver`` as ``make run`` starts it (``--server``, ``--settings`` choose otherwise).
20 users, each a keep-alive connection of one of the four accounts, request the ten most used
pages in turn for 30 s, each page followed by the top bar's request for the 待办 badge when the page
asks for it as a browser does (a page rendered while the session's count is fresh carries it and
asks nothing; ``--no-badge``: never, as runs before 2026-12-01 late did); each reads a page for
``--think`` seconds (drawn evenly, default 1–3 s) before the next click. A second run without pauses (``--think 0``; skip it with
``--skip-saturation``) gives the server's throughput when every user clicks again the moment a
page arrives (then the time per request is users ÷ throughput). A request over 30 s is an error;
the runs are bounded. p50, p95, p99, requests per second and errors, per page and overall.

The last line is one JSON object. With ``--baseline FILE`` (an earlier run's last line), each
page kind's p95 is reported with the ratio baseline/now.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
LIMIT_ONE_MS = 100
LIMIT_MANY_MS = 150
USERS = [
    ("city", "city_admin"),
    ("district", "gjz_admin"),
    ("street", "bench_street_admin"),
    ("industrial", "jx_admin"),
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


# The demo databases' personal data and audit chain are keyed from the development SECRET_KEY
# (settings.py); with it the production settings still open them (members/pii.py, core/crypto.py).
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def production_env() -> dict:
    """The production settings as deploy/ runs them (DEBUG off, HTTPS behind the proxy, second
    factor for administrators), on loopback: the benchmark's client speaks for the proxy
    (``X-Forwarded-Proto: https``, see ``HEADERS``)."""
    return {
        "DJANGO_SETTINGS_MODULE": "unionwork.settings_production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or DEV_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BEHIND_TLS_PROXY": "1",
    }


def wants_production(args) -> bool:
    """Production settings for the PostgreSQL runs (gunicorn, as ``make serve``); SQLite runs as
    ``make run`` does (development settings, runserver), unless ``--settings`` says otherwise."""
    choice = getattr(args, "settings", "auto")
    if choice != "auto":
        return choice == "production"
    return "://" in (args.db or "") and not (args.db or "").startswith("sqlite")


# What the reverse proxy adds to every request it passes on (deploy/nginx.conf.example).
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}


def _env(args) -> dict:
    env = {
        # As in production: a task (a large export) is queued for the worker, not run in the request.
        "TASKS_BACKEND": "database",
        "DJANGO_SETTINGS_MODULE": "unionwork.settings",
        "UNIONWORK_PII_KEY": os.environ.get("UNIONWORK_PII_KEY", ""),
    }
    if wants_production(args):
        env.update(production_env())
    db = args.db or f"/tmp/unionwork-bench-pages-{args.scale}.sqlite3"
    env["DATABASE_URL"] = db if "://" in db else f"sqlite:///{Path(db).resolve()}"
    return {k: v for k, v in env.items() if v}


_MADE_DEVICES: list[int] = []


def _forget_devices() -> None:
    """Remove the second-factor devices this run made: left behind, they would ask the demo's
    administrators for a code they do not have when the database is opened with ``make run``."""
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    try:
        TOTPDevice.objects.filter(pk__in=_MADE_DEVICES, name="benchmark").delete()
    finally:
        connection.close()


def session_cookie(user) -> tuple[str, str]:
    """(cookie name, value) of a signed-in session of ``user``, made in this process (no login
    round trip in the timed run). Where the settings demand a second factor of administrators, the
    session is one that has passed it (a confirmed TOTP device, signed in with it), as a cadre's
    would be after typing the code once."""
    from django.conf import settings
    from django.test import Client

    c = Client(HTTP_HOST="127.0.0.1")
    c.force_login(user)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from unionwork.accounts.middleware import HAS_DEVICE

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and getattr(settings, "UNIONWORK_REQUIRE_ADMIN_2FA", False):
        device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
        if not _MADE_DEVICES:
            atexit.register(_forget_devices)
        _MADE_DEVICES.append(device.pk)
    if device is not None:
        session = c.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[HAS_DEVICE] = True
        session.save()
    return settings.SESSION_COOKIE_NAME, c.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in_client(user):
    """A test client of ``user``'s session that speaks as the proxy does (``HEADERS``)."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    if user is not None:
        name, value = session_cookie(user)
        client.cookies[name] = value
    return client


def setup(args) -> None:
    os.environ.update(_env(args))
    url = os.environ["DATABASE_URL"]
    sqlite = url.startswith("sqlite")
    path = Path(url.removeprefix("sqlite:///").removeprefix("sqlite://")) if sqlite else None
    if sqlite and args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    from unionwork.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    from django.conf import settings

    if not settings.DEBUG:  # the manifest of static files the production settings serve
        call_command("collectstatic", interactive=False, verbosity=0)
    if not OrgUnit.objects.exists() or args.rebuild:
        started = time.monotonic()
        call_command("demo", scale=args.scale)
        print(f"built the {args.scale}-scale database in {time.monotonic() - started:.0f} s", flush=True)
    street_account()
    if not getattr(
        args, "default_gc", False
    ):  # the garbage collector as the WSGI application sets it (core/runtime.py)
        from unionwork.core.runtime import tune_gc

        tune_gc()


def forget_queued_exports(users) -> None:
    """The exports the walk queued (a large list's "export" page kind) are not left for a worker."""
    from django_tasks_db.models import DBTaskResult

    from unionwork.core.models import ExportJob

    ExportJob.objects.filter(user__in=[u for _label, u in users], status=ExportJob.Status.PENDING).delete()
    DBTaskResult.objects.filter(task_path="unionwork.core.tasks.process_export", status="READY").delete()


def street_account():
    """The demo has no street account: an administrator of 甘井子区's largest street (by members)."""
    from django.contrib.auth import get_user_model

    from unionwork.core import scope
    from unionwork.orgs.models import OrgKind, OrgUnit

    User = get_user_model()  # noqa: N806
    if User.objects.filter(username="bench_street_admin").exists():
        return
    gjz = OrgUnit.objects.get(code="210211")
    street = OrgUnit.objects.filter(parent=gjz, kind=OrgKind.TOWNSHIP).order_by("code").first()
    user = User(username="bench_street_admin", full_name="街道管理员（压测）", org=street)
    user.roles = [scope.ADMINISTRATOR]
    user.set_unusable_password()
    user.save()


# -- the pages ----------------------------------------------------------------------------------


def walk(resolver, prefix="", ns=""):
    from django.urls import URLPattern, URLResolver

    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from walk(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{ns}:{p.name}" if ns else p.name), p


# The trivial page (no query) timed beside the walk, to say how fast the machine was.
CALIBRATION_URL = "/healthz"
CALIBRATION_KIND = "(calibration: /healthz)"
SKIP_PREFIXES = (
    "api/",
    "static/",
    "admin/",
    "accounts/login",
    "accounts/logout",
    "accounts/2fa",
    "i18n/",
    "healthz",
)


def page_routes():
    """(route, url name, callback) of every GET page: API, static files and forms apart."""
    from django.urls import get_resolver

    from unionwork.core.views import ActionFormView

    out = []
    for route, name, p in walk(get_resolver()):
        route = route.lstrip("^")
        if route.startswith(SKIP_PREFIXES) or not name:
            continue
        cls = getattr(p.callback, "view_class", None)
        if cls is not None and issubclass(cls, ActionFormView):
            continue  # forms: measured by their own tests, not page kinds of reading
        if getattr(p.callback, "__wrapped__", None) is not None and "require_POST" in repr(p.callback):
            continue
        out.append((route, name, p.callback))
    return out


def list_view_class(callback):
    from unionwork.core.views import ScopedListView

    cls = getattr(callback, "view_class", None)
    return cls if cls is not None and issubclass(cls, ScopedListView) else None


LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')


def search_probes(obj, model) -> dict[str, str]:
    """The kinds of search a list's ``q`` accepts, filled from one of its rows."""
    probes = {}
    name = str(getattr(obj, "name", "") or getattr(obj, "title", "") or getattr(obj, "enterprise_name", ""))
    if name:
        probes["name_1char"] = name[:1]
        probes["name_prefix"] = name[:3]
    pinyin = getattr(obj, "pinyin", "")
    if pinyin:
        probes["pinyin"] = pinyin[:8]
    initials = getattr(obj, "initials", "")
    if initials:
        probes["initials"] = initials[:3]
    number = getattr(obj, "id_number", None) if model._meta.label_lower == "members.member" else None
    if number:
        probes["id_number"] = number
    uscc = getattr(obj, "uscc", "")
    if uscc:
        probes["uscc"] = uscc
    return probes


def export_probe(view_cls, user, url: str, obj) -> str | None:
    """A search that narrows the list to a page of rows at most, for its export (the issue's
    "exports of a page of rows"): the first of the name's start, its pinyin, the whole name and
    the other searches that does. An export of a whole list is a matter of rows a second
    (``bench_exports.py``); an export of more than ``UNIONWORK_EXPORT_INLINE_ROWS`` is queued.
    A list that no search narrows so far keeps its export, of whatever the search leaves."""
    from django.conf import settings
    from django.test import RequestFactory

    probes = search_probes(obj, view_cls.model)
    whole = str(getattr(obj, "name", "") or getattr(obj, "title", "") or getattr(obj, "enterprise_name", ""))
    page = settings.UNIONWORK_PAGE_SIZE
    for q in dict.fromkeys(
        [probes.get("name_prefix"), probes.get("pinyin"), whole or None, *probes.values()]
    ):
        if not q:
            continue
        request = RequestFactory().get(url, {"q": q})
        request.user = user
        view = view_cls()
        view.setup(request)
        try:
            _fs, qs = view.filtered()
            if qs[: page + 1].count() <= page:
                return q
        except Exception:  # noqa: BLE001 - a search this list refuses
            continue
    # A list no search narrows (it has none): its export as the walk met it before.
    return probes.get("name_prefix") or probes.get("pinyin") or next(iter(probes.values()), None)


def filter_probes(view_cls, request, first_obj, child) -> dict[str, dict]:
    """One query string per filter of the list (its first choice, a child unit for a subtree)."""
    import datetime

    import django_filters

    from unionwork.core.filters import SubtreeFilter

    fs_cls = view_cls.filterset_class
    if isinstance(fs_cls, property):
        fs_cls = fs_cls.fget(view_cls())
    if fs_cls is None:
        return {}
    fs = fs_cls(None, queryset=view_cls.model.objects.none(), request=request)
    out: dict[str, dict] = {}
    today = datetime.date.today()
    for name, f in fs.filters.items():
        field = fs.form.fields.get(name)
        if name == "q":
            continue
        if isinstance(f, SubtreeFilter):
            if child is not None:
                out[name] = {name: child.code or child.pk}
        elif isinstance(f, django_filters.ChoiceFilter):
            choices = [c for c, _label in getattr(field, "choices", []) if c not in ("", None)]
            if choices:
                out[name] = {name: choices[0]}
        elif isinstance(f, django_filters.DateFilter):
            day = today.replace(year=today.year - 1) if name in ("since", "from") else today
            out[name] = {name: day.isoformat()}
        elif isinstance(f, django_filters.NumberFilter):
            out[name] = {name: today.year}
        elif isinstance(f, django_filters.BooleanFilter):
            out[name] = {name: "true"}
        elif name == "month":
            out[name] = {name: today.strftime("%Y-%m")}
    return out


def plan(user) -> list[tuple[str, str]]:
    """(page kind, URL) for one user: lists, filters, searches, exports, figure and detail pages."""
    from django.test import RequestFactory
    from django.urls import Resolver404, resolve

    from unionwork.orgs.models import OrgKind, OrgUnit

    rf = RequestFactory()
    request = rf.get("/")
    request.user = user
    unit = user.org
    child = (
        OrgUnit.objects.filter(parent=unit).exclude(kind=OrgKind.INDUSTRIAL).order_by("-kind", "code").first()
    )
    pages: list[tuple[str, str]] = []
    with_args: dict[str, tuple[str, object]] = {}
    for route, name, callback in page_routes():
        if "<" in route or "(?P" in route:
            with_args[name] = (route, callback)
            continue
        url = "/" + route
        cls = list_view_class(callback)
        if cls is None:
            pages.append((name, url))
            continue
        pages.append((f"{name} (list)", url))
        view = cls()
        view.request, view.args, view.kwargs = request, (), {}
        view.setup(request)
        try:
            _fs, qs = view.filtered()
            first = list(qs[:3])
        except Exception:  # noqa: BLE001 - a list that needs arguments
            first = []
        for fname, params in filter_probes(cls, request, first[0] if first else None, child).items():
            pages.append((f"{name} ?{fname}", url + "?" + urlencode(params)))
        # Each column it sorts by, both ways (since 2026-12-02: the member list's sorts took 2 s).
        for column in cls.columns:
            if column.sort:
                for way in ("", "-"):
                    pages.append(
                        (f"{name} ?sort={way}{column.accessor}", f"{url}?sort={way}{column.accessor}")
                    )
        if first:
            for kind, value in search_probes(first[0], cls.model).items():
                pages.append((f"{name} ?q={kind}", url + "?" + urlencode({"q": value})))
            q = export_probe(cls, user, url, first[0])
            if q:
                pages.append((f"{name} export", url + "?" + urlencode({"q": q, "export": "xlsx"})))
            for obj in first[:2]:
                get_url = getattr(obj, "get_absolute_url", None)
                if get_url:
                    try:
                        detail = get_url()
                        pages.append((resolve(detail).view_name, detail))
                    except (Resolver404, Exception):  # noqa: BLE001
                        pass
    # Routes with arguments: the user's own node and a child where an id names a unit, else the
    # links met on the pages above (filled in by ``fill_from_links`` as they are requested).
    for name, (route, _callback) in with_args.items():
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if len(params) == 1 and params[0][1] in ("pk", "org_id") and _unit_page(name):
            for node in [unit, child]:
                if node is not None:
                    pages.append((name, "/" + re.sub(r"<[^>]+>", str(node.pk), route)))
    return pages


def _unit_page(name: str) -> bool:
    """Pages whose id is an org unit (figure pages of a node)."""
    return name in UNIT_PAGES


UNIT_PAGES = {
    "members:node",
    "members:node-export",
    "founding:unit",
    "founding:targets-unit",
    "orgs:detail",
    "orgs:children",
    "dashboard:node",
    "dashboard:node-table",
}


def measure_one_user(users, repeat: int, budget_s: float, only: str = "") -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    from unionwork.core.views import ActionFormView

    times: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    statuses: dict[str, set] = defaultdict(set)
    worst_url: dict[str, tuple[float, str]] = {}
    started = time.monotonic()
    for label, user in users:
        client = signed_in_client(user)
        todo = plan(user)
        if only:
            todo = [(k, u) for k, u in todo if re.search(only, k)]
        seen_kinds = {k for k, _u in todo}
        i = 0
        while i < len(todo):
            kind, url = todo[i]
            i += 1
            for r in range(repeat + 1):
                reset_queries()
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    resp = client.get(url)
                    if resp.streaming:
                        body = b"".join(resp.streaming_content)
                    else:
                        body = resp.content
                    ms = (time.perf_counter() - t0) * 1000
                if r == 0:
                    statuses[kind].add(resp.status_code)
                    if resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
                        # Links to pages with arguments not met yet: one sample of each kind.
                        for link in LINK.findall(body.decode("utf-8", "replace")):
                            try:
                                match = resolve(link)
                            except Resolver404:
                                continue
                            name = match.view_name
                            if name in seen_kinds or not match.kwargs:
                                continue
                            cls = getattr(match.func, "view_class", None)
                            if cls is not None and issubclass(cls, ActionFormView):
                                continue  # a form, not a page of reading
                            if any(link.startswith("/" + p) for p in SKIP_PREFIXES):
                                continue
                            seen_kinds.add(name)
                            if not only or re.search(only, name):
                                todo.append((name, link))
                    continue  # the first request warms caches; it is not counted
                times[kind].append(ms)
                queries[kind].append(len(ctx.captured_queries))
                if ms > worst_url.get(kind, (0, ""))[0]:
                    worst_url[kind] = (ms, f"{label}:{url}")
            if time.monotonic() - started > budget_s:
                print(f"time budget of {budget_s:.0f} s spent: stopping the one-user walk", flush=True)
                break
    # The machine's state during the walk: the trivial page (/healthz, no query) the same way.
    # (Until 2026-12-02 this asked for /healthz/, a 404 page: its figures were of that page.)
    client = signed_in_client(None)
    calib, calib_status = [], set()
    for _ in range(30):
        t0 = time.perf_counter()
        response = client.get(CALIBRATION_URL)
        calib.append((time.perf_counter() - t0) * 1000)
        calib_status.add(response.status_code)
    if calib_status != {200}:
        raise SystemExit(f"the calibration page {CALIBRATION_URL} answered {sorted(calib_status)}, not 200")
    kinds = {}
    kinds[CALIBRATION_KIND] = {
        "p50": round(statistics.median(calib), 1),
        "p95": round(pct(calib, 0.95), 1),
        "queries": 0,
        "n": len(calib),
        "status": sorted(calib_status),
        "worst": "",
    }
    for kind in sorted(times):
        if statuses[kind] == {405}:
            continue  # a POST-only address, not a page
        kinds[kind] = {
            "p50": round(statistics.median(times[kind]), 1),
            "p95": round(pct(times[kind], 0.95), 1),
            "queries": max(queries[kind]),
            "n": len(times[kind]),
            "status": sorted(statuses[kind]),
            "worst": worst_url[kind][1],
        }
    return kinds


# -- concurrent ---------------------------------------------------------------------------------


BADGE_URL = "/notifications/badge/"  # loaded by a page's top bar after the page (htmx) ...
BADGE_LOADER = b'hx-get="/notifications/badge/"'  # ... when the page carries this (no fresh count)
BADGE_NAME = "待办 badge (when the page asks)"


def ten_pages(user) -> list[tuple[str, str]]:
    """The ten most used pages (the dashboard, the lists and searches cadres open all day, the
    figure pages of a node, a member's page), for one user (a member in the user's scope)."""
    from unionwork.members.models import Member
    from unionwork.orgs.models import OrgUnit

    gjz = OrgUnit.objects.get(code="210211")
    member = Member.objects.restrict(user).order_by("pk").first()
    surname = member.name[:1] if member else "王"
    initials = (member.initials[:3] if member else "wxy") or "wxy"
    return [
        ("dashboard", "/dashboard/"),
        ("member list", "/members/list/"),
        ("member list, a district", f"/members/list/?under={gjz.code}"),
        ("member search, surname", "/members/list/?" + urlencode({"q": surname})),
        ("member search, initials", f"/members/list/?q={initials}"),
        ("members figures", "/members/"),
        ("enterprise list", "/founding/enterprises/"),
        ("enterprise search, name", "/founding/enterprises/?" + urlencode({"q": "大连"})),
        ("founding figures", "/founding/"),
        ("member page", member.get_absolute_url() if member else "/members/"),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kind: str, port: int, env: dict) -> tuple[subprocess.Popen, str]:
    """gunicorn as deploy/ runs it (deploy/gunicorn.conf.py: 2 × cores + 1 sync workers), or
    ``manage.py runserver`` as ``make run`` starts it. The environment's settings module decides
    DEBUG (the production settings for gunicorn on PostgreSQL, see ``wants_production``)."""
    py = str(ROOT / ".venv" / "bin" / "python")
    env = {**os.environ, **env}
    production = env.get("DJANGO_SETTINGS_MODULE", "").endswith("settings_production")
    settings_label = "production settings, DEBUG off" if production else "development settings, DEBUG on"
    if kind == "gunicorn":
        env["UNIONWORK_BIND"] = f"127.0.0.1:{port}"
        env.setdefault("UNIONWORK_ACCESS_LOG", "/dev/null")
        if os.environ.get("BENCH_WORKERS"):
            env["WEB_CONCURRENCY"] = os.environ["BENCH_WORKERS"]
        if os.environ.get("BENCH_THREADS"):
            env["UNIONWORK_WEB_THREADS"] = os.environ["BENCH_THREADS"]
        cmd = [py, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        workers = env.get("WEB_CONCURRENCY") or str(min(2 * (os.cpu_count() or 1) + 1, 9))
        threads = env.get("UNIONWORK_WEB_THREADS", "1")
        label = (
            f"gunicorn (deploy/gunicorn.conf.py: {workers} sync workers × {threads} thread; {settings_label})"
        )
    else:
        cmd = [py, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        label = f"manage.py runserver (threaded, as make run starts it; {settings_label})"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", CALIBRATION_URL, headers=HEADERS)
            conn.getresponse().read()
            return proc, label
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the server ({label}) did not start")


def parse_think(text: str) -> tuple[float, float]:
    """``"1-3"`` → (1.0, 3.0): a user's pause between two clicks, drawn evenly; ``"0"`` none."""
    lo, _sep, hi = text.partition("-")
    return float(lo), float(hi or lo)


def measure_concurrent(
    users, n_users: int, seconds: float, server: str, think=(0.0, 0.0), badge: bool = True
) -> dict:
    """``n_users`` users at once against a real server, each in turn through the ten pages as
    one of ``users``; after each answer a user pauses for ``think`` seconds (drawn evenly between
    the two bounds: reading the page) before the next click. ``think=(0, 0)`` is the saturation
    run: every user clicks again the moment a page arrives. With ``badge`` each page is followed,
    as in the browser, by the top bar's request for its 待办 count (reported as its own kind)."""
    import random

    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    if server == "auto":
        try:
            import gunicorn  # noqa: F401

            server = "runserver" if sqlite else "gunicorn"
        except ImportError:
            server = "runserver"
    cookies = ["=".join(session_cookie(user)) for _label, user in users]
    pages_of = [ten_pages(user) for _label, user in users]
    pages = pages_of[0]
    connection.close()
    port = free_port()
    proc, label = start_server(server, port, {})
    results: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    stop_at = 0.0

    def run(i: int):
        rnd = random.Random(i)
        cookie = cookies[i % len(cookies)]
        mine = pages_of[i % len(pages_of)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(name: str, url: str, **extra) -> tuple[int | str, bytes]:
            """One timed request on the user's keep-alive connection (opened again after a failure)."""
            nonlocal conn
            t0 = time.perf_counter()
            ok: int | str = "no answer"
            body = b""
            try:
                conn.request("GET", url, headers={"Cookie": cookie, **HEADERS, **extra})
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                results.append((name, (time.perf_counter() - t0) * 1000, ok))
            return ok, body

        j = i
        if think[1]:
            time.sleep(rnd.uniform(0, think[1]))  # users do not all click at the same instant
        while time.monotonic() < stop_at:
            name, url = mine[j % len(mine)]
            j += 1
            ok, body = get(name, url)
            if badge and ok == 200 and BADGE_LOADER in body:  # what the browser asks next (htmx)
                get(BADGE_NAME, BADGE_URL, **{"HX-Request": "true"})
            if think[1]:
                time.sleep(rnd.uniform(*think))
        conn.close()

    try:
        # Warm up: each page once.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _name, url in pages:
            warm.request("GET", url, headers={"Cookie": cookies[0], **HEADERS})
            resp = warm.getresponse()
            resp.read()
            if resp.status != 200:
                raise SystemExit(
                    f"warm-up: {url} answered {resp.status} (not signed in as the server expects?)"
                )
        warm.close()
        t0 = time.monotonic()
        stop_at = t0 + seconds
        threads = [threading.Thread(target=run, args=(i,)) for i in range(n_users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 60)
        elapsed = time.monotonic() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    all_ms = [ms for _n, ms, _ok in results]
    per_page = {}
    for name in [n for n, _url in pages] + ([BADGE_NAME] if badge else []):
        ms = [m for n, m, _ok in results if n == name]
        per_page[name] = {
            "p50": round(pct(ms, 0.5), 1),
            "p95": round(pct(ms, 0.95), 1),
            "p99": round(pct(ms, 0.99), 1),
            "n": len(ms),
            "errors": sum(1 for n, _m, ok in results if n == name and ok != 200),
        }
    return {
        "server": label,
        "users": n_users,
        "think_s": list(think),
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "req_per_s": round(len(results) / elapsed, 1) if elapsed else 0,
        "p50": round(pct(all_ms, 0.5), 1),
        "p95": round(pct(all_ms, 0.95), 1),
        "p99": round(pct(all_ms, 0.99), 1),
        "errors": sum(1 for _n, _m, ok in results if ok != 200),
        "error_kinds": sorted({str(ok) for _n, _m, ok in results if ok != 200}),
        "pages": per_page,
    }


def report_concurrent(run: dict) -> None:
    for name, row in run["pages"].items():
        print(
            f"{name:30s} p50 {row['p50']:8.1f}  p95 {row['p95']:8.1f}  p99 {row['p99']:8.1f} ms"
            f"  n {row['n']}  errors {row['errors']}"
        )
    lo, hi = run["think_s"]
    pause = f"each pausing {lo:g}–{hi:g} s between clicks" if hi else "no pause between clicks (saturation)"
    print(
        f"{run['users']} users, {pause}, {run['seconds']} s, {run['server']}: "
        f"{run['req_per_s']} req/s, p50 {run['p50']} p95 {run['p95']} p99 {run['p99']} ms, errors {run['errors']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="postgres:// URL or SQLite path (default: a scratch file in /tmp)")
    parser.add_argument("--scale", choices=["small", "city"], default="small")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page (after a warm-up)")
    parser.add_argument("--budget", type=float, default=1800, help="seconds for the one-user walk at most")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", choices=["auto", "runserver", "gunicorn"], default="auto")
    parser.add_argument(
        "--settings",
        choices=["auto", "production", "development"],
        default="auto",
        help="auto: production settings on PostgreSQL (gunicorn, as make serve), development on SQLite (make run)",
    )
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds a user reads a page before the next click, drawn evenly (default 1-3); 0: none",
    )
    parser.add_argument("--skip-saturation", action="store_true", help="skip the run without pauses")
    parser.add_argument(
        "--no-badge",
        action="store_true",
        help="never follow a page with the top bar's 待办 badge request (as runs before 2026-12-01 late did)",
    )
    parser.add_argument("--skip-concurrent", action="store_true")
    parser.add_argument("--skip-one", action="store_true")
    parser.add_argument("--only", default="", help="page kinds matching this regular expression only")
    parser.add_argument(
        "--default-gc",
        action="store_true",
        help="Python's own garbage-collector settings in the one-user walk (the server's are set by "
        "unionwork/wsgi.py; UNIONWORK_GC_THRESHOLD=0 keeps Python's there too)",
    )
    parser.add_argument("--who", default="", help="users, e.g. city,district (default: all four)")
    parser.add_argument("--baseline", help="an earlier run's JSON line: report ratios against it")
    args = parser.parse_args()
    setup(args)

    from django.contrib.auth import get_user_model
    from django.db import connection

    from unionwork.members.models import Member

    User = get_user_model()  # noqa: N806
    users = [(label, User.objects.get(username=name)) for label, name in USERS]
    if args.who:
        users = [(label, u) for label, u in users if label in args.who.split(",")]
    n_members = Member.objects.count()
    print(f"database: {connection.vendor}, {n_members:,} members", flush=True)

    kinds = {} if args.skip_one else measure_one_user(users, args.repeat, args.budget, args.only)
    forget_queued_exports(users)
    calibration = kinds.pop(CALIBRATION_KIND, None)
    if calibration:
        print(
            f"calibration, {CALIBRATION_URL} (no query): p50 {calibration['p50']} ms, p95 {calibration['p95']} ms"
        )
    baseline = {}
    if args.baseline:
        text = Path(args.baseline).read_text().strip().splitlines()[-1]
        baseline = json.loads(text).get("pages", {})
    for kind, row in kinds.items():
        before = baseline.get(kind)
        if before and row["p95"]:
            row["baseline_p95"] = before["p95"]
            row["ratio_p95"] = round(before["p95"] / row["p95"], 1)
            row["baseline_queries"] = before["queries"]
        mark = " SLOW" if row["p95"] > LIMIT_ONE_MS else ""
        ratio = f"  ({row['ratio_p95']}× vs baseline)" if "ratio_p95" in row else ""
        print(
            f"{kind:55s} p50 {row['p50']:8.1f} ms  p95 {row['p95']:8.1f} ms  q {row['queries']:3d}{mark}{ratio}"
        )
    over = sorted(k for k, r in kinds.items() if r["p95"] > LIMIT_ONE_MS)
    worst = max(kinds.items(), key=lambda kv: kv[1]["p95"]) if kinds else ("", {"p95": 0})
    print(
        f"{len(kinds)} page kinds; {len(over)} over {LIMIT_ONE_MS} ms at p95; worst {worst[0]} {worst[1]['p95']} ms"
    )

    concurrent, saturation = {}, {}
    if not args.skip_concurrent:
        think = parse_think(args.think)
        concurrent = measure_concurrent(
            users, args.users, args.seconds, args.server, think, not args.no_badge
        )
        report_concurrent(concurrent)
        if think[1] and not args.skip_saturation:
            saturation = measure_concurrent(
                users, args.users, args.seconds, args.server, badge=not args.no_badge
            )
            report_concurrent(saturation)
    print(
        json.dumps(
            {
                "name": "pages",
                "value": worst[1]["p95"],
                "unit": "ms (worst page kind's p95, one user)",
                "database": connection.vendor,
                "members": n_members,
                "page_kinds": len(kinds),
                "calibration_healthz_ms": calibration,
                "over_limit": over,
                "limit_one_user_ms": LIMIT_ONE_MS,
                "limit_concurrent_ms": LIMIT_MANY_MS,
                "concurrent": concurrent,
                "saturation": saturation,
                "pages": kinds,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

"""Nothing crashes, and nobody is offered what they may not do: a crawl as every demo account.

Every page the URL resolver knows (arguments filled with records of the account's own scope) and
every link found on those pages (bounded: a few of each shape) is requested with every module's
demo data. No response may be a 5xx. A link or button a page shows must not lead to a 403 (the 403
is the safety net, not the way a role learns what it may not do), a form must not post to a view
that refuses the user's role, and a viewer's pages carry no form that writes. One test per account, each listing every failure it found.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import transaction
from django.test import RequestFactory
from django.urls import get_resolver

from unionwork.core.models import AuditEvent
from unionwork.core.testing import seed_module_demos
from unionwork.core.views import may_open
from unionwork.orgs.models import OrgUnit

from .factories import demo_user
from .test_scope_all_urls import SAMPLE_ARGS, walk

ACCOUNTS = [
    "city_admin",
    "city_viewer",
    "gjz_admin",
    "gjz_editor",
    "gjz_reviewer",
    "gjz_viewer",
    "zs_admin",
    "jx_admin",
]
# Links of the same shape (digits replaced) followed at most this often, and pages at most this many.
PER_SHAPE = 2
MAX_PAGES = 420
# Forms a viewer may post: leaving, one's own account and second factor, marking one's notifications read.
VIEWER_POSTS = ("/accounts/logout/", "/accounts/me/", "/accounts/2fa/", "/stability/notifications/")
SKIP = ("/static/", "/media/", "/accounts/logout/", "/api/v1/docs", "/api/v1/openapi.json")

HREF = re.compile(r"""<a\b[^>]*?\bhref="([^"#]*)["#]""", re.I)
FORM = re.compile(r"""<form\b([^>]*)>(.*?)</form>""", re.I | re.S)
SUBMIT = re.compile(r'<button\b(?![^>]*type="button")|type="submit"', re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def _scoped_models(app_label: str | None = None):
    return [
        m
        for m in apps.get_models()
        if hasattr(m._default_manager, "restrict")
        and m is not AuditEvent
        and (app_label is None or m._meta.app_label == app_label)
    ]


def sample_ids(user, route: str) -> list[str]:
    """Ids of records in the user's scope for a route's id argument: the model named by the
    segment before it (``cases`` -> Case), else the app's models, else units (``node``, ``unit``)."""
    segments = [s for s in route.split("/") if s and "<" not in s and "(" not in s]
    app_label = segments[0] if segments else ""
    before = segments[-1].rstrip("s").replace("-", "").replace("_", "") if len(segments) > 1 else ""
    models = _scoped_models(app_label) if app_label in {c.label for c in apps.get_app_configs()} else []
    named = [m for m in models if before and before in m._meta.model_name]
    if before in {"node", "unit", "new", "group", ""} or not models:
        named = [OrgUnit]
    ids = [str(user.org_id)] if OrgUnit in (named or models) else []
    for model in named or models:
        ids += [
            str(pk)
            for pk in model._default_manager.restrict(user).order_by("-pk").values_list("pk", flat=True)[:1]
        ]
    return list(dict.fromkeys(ids))[:3] or [str(user.org_id)]


def route_paths(user, route: str) -> list[str]:
    route = route.replace("^", "").replace("$", "")  # an included regex route keeps its anchors
    params = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    paths = [route]
    for conv, name, re_name in params:
        key = name or re_name
        if conv == "int" or key == "pk" or key.endswith("_id"):
            values = sample_ids(user, route)
        elif key in SAMPLE_ARGS:
            values = SAMPLE_ARGS[key]
        else:
            raise AssertionError(f"crawl: declare sample values for URL argument {key!r} in {route}")
        pattern = re.compile(r"<(?:\w+:)?" + key + r">|\(\?P<" + key + r">[^)]*\)")
        paths = [pattern.sub(v, p, count=1) for p in paths for v in values]
    return ["/" + p.replace("\\", "") for p in paths]


def shape(url: str) -> str:
    parts = urlsplit(url)
    # Sorting and paging give the same page again: they do not make a new shape.
    keys = {q.split("=")[0] for q in parts.query.split("&") if q} - {"sort", "page"}
    query = "&".join(sorted(keys))
    return re.sub(r"\d+", "N", parts.path) + "?" + query


def crawl(client, user) -> dict[str, list[str]]:
    """Request every page; return the failures by kind."""
    failures: dict[str, list[str]] = {"5xx": [], "link to 403": [], "viewer form": [], "form refused": []}
    probe = RequestFactory().get("/")
    probe.user = user
    queue: list[tuple[str, str]] = []  # (url, the page that linked it)
    for route, _pattern in walk(get_resolver()):
        if route.lstrip("^").startswith(("api/", "static/", "accounts/logout", "accounts/login")):
            continue
        queue += [(p, "") for p in route_paths(user, route)]
    seen: set[str] = set()
    status: dict[str, int] = {}
    shapes: Counter = Counter()
    is_viewer = user.role_names() == ["viewer"]
    requested = 0
    while queue and requested < MAX_PAGES:
        url, source = queue.pop(0)
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        if source and shapes[shape(url)] >= PER_SHAPE:
            continue
        shapes[shape(url)] += 1
        requested += 1
        try:
            resp = client.get(url)
        except Exception as exc:  # an exception the test client re-raises is a 500 in production
            failures["5xx"].append(
                f"{url} (linked from {source or 'the resolver'}): {type(exc).__name__}: {exc}"
            )
            continue
        status[url] = resp.status_code
        if resp.status_code >= 500:
            failures["5xx"].append(f"{url} (linked from {source or 'the resolver'}): {resp.status_code}")
            continue
        if resp.status_code == 403 and source:
            failures["link to 403"].append(f"{source} links to {url}")
        if resp.status_code != 200 or "text/html" not in resp.get("Content-Type", "") or resp.streaming:
            continue
        html = resp.content.decode()
        for attrs, body in FORM.findall(html):
            a = dict(ATTR.findall(attrs))
            if a.get("method", "get").lower() != "post" or not SUBMIT.search(body):
                continue
            action = unescape(a.get("action", "")) or url
            if is_viewer and not action.startswith(VIEWER_POSTS):
                failures["viewer form"].append(f"{url} has a form posting to {action}")
            elif action.startswith("/") and not may_open(probe, action):
                failures["form refused"].append(
                    f"{url} has a form posting to {action}, which refuses the role"
                )
        for href in HREF.findall(html):
            href = unescape(href)
            if not href.startswith("/") or href.startswith("//"):
                if href.startswith("?"):
                    href = urlsplit(url).path + href
                else:
                    continue
            if status.get(href) == 403:
                failures["link to 403"].append(f"{url} links to {href}")
            elif href not in seen:
                queue.append((href, url))
    assert requested > 100, f"only {requested} pages requested"
    print(user.username, requested, "pages")
    return failures


@pytest.fixture(scope="module")
def module_demos(django_db_setup, django_db_blocker):
    """Every module's demo data, seeded once for the module's tests and rolled back after them."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            seed_module_demos()
            yield
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_as_every_account(client, module_demos, username):
    user = demo_user(username)
    client.force_login(user)
    failures = crawl(client, user)
    report = [f"{kind}: {line}" for kind, lines in failures.items() for line in lines]
    assert not report, f"{username}: {len(report)} failures\n" + "\n".join(report[:60])

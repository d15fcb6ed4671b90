"""Nothing crashes, and nobody is offered what they may not do: a crawl as every demo account.

Every page the URL resolver knows (arguments filled with records of the account's own scope) and
every link found on those pages (bounded: a few of each shape) is requested with every module's
demo data (the shared ``module_demos``, seeded once). No response may be a 5xx. A link or button a page shows must not lead to a 403 (the 403
is the safety net, not the way a role learns what it may not do), a form must not post to a view
that refuses the user's role, and a viewer's pages carry no form that writes. One test per account, each listing every failure it found.
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import RequestFactory

from unionwork.core.testing.routes import Route, is_id, models_for, page_routes
from unionwork.core.testing.scope import sample_values, scoped_models
from unionwork.core.views import may_open
from unionwork.orgs.models import OrgUnit

from .factories import demo_user

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
# The 会员评家 page (/building/s/<slug>/) is answered by members without an account: any visitor posts it.
VIEWER_POSTS = (
    "/accounts/logout/",
    "/accounts/me/",
    "/accounts/2fa/",
    "/stability/notifications/",
    "/building/s/",
)
SKIP = ("/static/", "/media/", "/accounts/logout/", "/api/v1/docs", "/api/v1/openapi.json")

HREF = re.compile(r"""<a\b[^>]*?\bhref="([^"#]*)["#]""", re.I)
FORM = re.compile(r"""<form\b([^>]*)>(.*?)</form>""", re.I | re.S)
SUBMIT = re.compile(r'<button\b(?![^>]*type="button")|type="submit"', re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def route_paths(user, route: Route) -> list[str]:
    """The route filled with ids of records in the user's scope (its own unit for a unit) and the
    samples its module declares for other arguments."""

    def values(key: str, conv: str) -> list[str]:
        if not is_id(key, conv):
            return sample_values(route, key)
        ids = []
        for model in models_for(route, key, scoped_models()):
            if model is OrgUnit:
                ids.append(str(user.org_id))
            recent = model._default_manager.restrict(user).order_by("-pk").values_list("pk", flat=True)[:1]
            ids += [str(pk) for pk in recent]
        return list(dict.fromkeys(ids))[:3] or [str(user.org_id)]

    return route.fill(values)


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
    for route in page_routes():
        if route.route.startswith(("accounts/logout", "accounts/login")):
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


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_as_every_account(client, module_demos, username):
    user = demo_user(username)
    client.force_login(user)
    failures = crawl(client, user)
    report = [f"{kind}: {line}" for kind, lines in failures.items() for line in lines]
    assert not report, f"{username}: {len(report)} failures\n" + "\n".join(report[:60])

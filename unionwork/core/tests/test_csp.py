"""Content-Security-Policy (issue 10, point 2): every HTML response carries the header, and the
main pages of every module run in chromium without a single violation (no inline script, no inline
event handler, nothing external)."""

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle
from unionwork.core.tests.factories import demo_user

HEADER = "Content-Security-Policy"

PAGES = [
    "/dashboard/",
    "/orgs/",
    "/orgs/list/",
    "/founding/",
    "/founding/enterprises/",
    "/founding/unions/",
    "/founding/targets/",
    "/members/",
    "/members/list/",
    "/members/cards/",
    "/members/transits/",
    "/stability/",
    "/stability/timeliness/",
    "/stability/cases/",
    "/stability/reports/",
    "/stability/incidents/",
    "/bargaining/",
    "/bargaining/contracts/",
    "/bargaining/congresses/",
    "/bargaining/three/",
    "/bargaining/instructors/",
    "/bargaining/rounds/",
    "/bargaining/tripartite/",
    "/stations/",
    "/stations/list/",
    "/stations/missing/",
    "/stations/hardship/",
    "/bargaining/standard/",
    "/documents/",
    "/documents/inbox/",
    "/documents/all/",
    "/documents/items/",
    "/documents/figures/",
    "/building/",
    "/building/committees/",
    "/building/surveys/",
    "/building/applications/",
    "/culture/",
    "/culture/meetings/",
    "/culture/award/",
    "/notifications/",
    "/accounts/me/",
    "/accounts/",
    "/imports/jobs/",
    "/audit/",
    "/security/",
    "/api/v1/docs",
]


@pytest.mark.django_db
def test_every_html_response_carries_the_policy(client):
    resp = client.get("/accounts/login/")
    policy = resp[HEADER]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    client.force_login(demo_user("city_admin"))
    for url in PAGES:
        resp = client.get(url, follow=True)
        if resp.get("Content-Type", "").startswith("text/html"):
            assert resp.has_header(HEADER), url
    # Error pages too.
    assert client.get("/members/999999999/").has_header(HEADER)


# Recorded before any page script runs, so a violation during load is caught as well.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + (e.lineNumber || '')));
"""


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


@pytest.mark.parametrize("username", ["city_admin", "gjz_viewer"])
@browser_marks[0]
@browser_marks[1]
@browser_marks[2]
def test_the_pages_pass_the_policy_in_chromium(page, live_server, modules, username):
    base = live_server.url
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    login(page, base, username)
    pages = list(PAGES)
    # A record's own page too: the first member, case and enterprise the lists link to.
    for list_url in ["/members/list/", "/stability/cases/", "/founding/enterprises/"]:
        page.goto(base + list_url)
        link = page.locator("[data-testid=list-table] tbody a").first
        if link.count():
            pages.append(link.get_attribute("href"))
    seen = {}
    for url in pages:
        page.goto(base + url)
        settle(page)  # the page's own scripts have run and the badge htmx asks for on load is in
        if url == "/orgs/":  # open a branch of the tree: htmx and the toggle, without onclick
            toggle = page.locator("[data-uw-tree-toggle]").first
            if toggle.count():
                toggle.click()
                page.wait_for_load_state("networkidle")
                assert toggle.inner_text() == "▾"
        seen[url] = page.evaluate("window.__csp")
    if username == "city_admin":
        page.goto(base + "/founding/")
        settle(page)
        # The charts drew from the moved script (canvas inside the chart box).
        assert page.locator("#chart-children canvas").count() == 1
        page.screenshot(path=str(ARTIFACTS / "csp-founding.png"), full_page=True)
        page.goto(base + "/stability/")
        settle(page)
        assert page.locator("#chart-kind svg").count() == 1
        page.screenshot(path=str(ARTIFACTS / "csp-stability.png"), full_page=True)
        # The security events page, which the logins above filled, also on a phone.
        page.goto(base + "/security/")
        assert page.locator("text=登录成功").count() >= 1
        page.screenshot(path=str(ARTIFACTS / "security-events.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(base + "/security/")
        page.screenshot(path=str(ARTIFACTS / "security-events-390.png"), full_page=True)
    violations = {url: v for url, v in seen.items() if v}
    assert not violations and not console, (violations, console)

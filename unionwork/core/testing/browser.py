"""Browser tests: Debian's chromium through Playwright against live_server (fixtures `page`,
`seeded` and `seeded_demos` are in conftest.py)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

# Browser tests: Debian's chromium through Playwright, against live_server, on a transactional DB.
browser_marks = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class SharedBrowser:
    """One chromium for the session, launched again should a test's browser have died; each test
    gets a context of its own (no cookie, storage or cache of another test), which costs a tenth
    of launching chromium."""

    def __init__(self, pw, **launch) -> None:
        self.pw, self.launch, self.browser = pw, launch, None

    def get(self):
        if self.browser is None or not self.browser.is_connected():
            self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, **self.launch)
        return self.browser

    def close(self) -> None:
        if self.browser is not None and self.browser.is_connected():
            self.browser.close()


def new_page(shared: SharedBrowser):
    context = shared.get().new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    return pg


def close_page(pg) -> None:
    try:
        pg.context.close()  # the data fixtures may have closed it first
    except Exception:  # already closed, or the test's browser died
        pass


SETTLED = "() => !document.querySelector('.htmx-request, [hx-trigger=load]')"


def settle(page) -> None:
    """Wait for the page's load event (its own scripts, charts included, have run) and for what
    htmx requests on load (the notification badge) to be answered and swapped in: what a page
    does after it loads, without "networkidle"'s half second of network silence on every page."""
    page.wait_for_load_state("load")
    page.wait_for_function(SETTLED)


def login(page, base: str, username: str) -> None:
    from unionwork.demo.foundation import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard/")
    _assert_signed_in_as(page, username)
    ARTIFACTS.mkdir(exist_ok=True)


def _assert_signed_in_as(page, username: str) -> None:
    """The navigation bar names the account just signed in (not one whose session came back)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    shown = page.inner_text("[data-testid=scope]")
    assert (user.full_name or user.username) in shown, f"signed in as {username}, the page shows {shown!r}"


def switch_user(page, base: str, username: str) -> None:
    """Sign in as another account in the same page. The page is left first (about:blank): a
    request of it still in flight (the badge) would otherwise bring the old session's refreshed
    cookie back after the cookies are cleared, and the next page would be the old user's."""
    for _attempt in range(3):
        page.goto("about:blank")
        page.context.clear_cookies()
        # A response already on its way when the page was left can still set the old session's
        # cookie (seen on a loaded machine): the login page then forwards to the old user's
        # dashboard. Clear again until the login form is what comes.
        page.goto(base + "/accounts/login/")
        if page.locator("#id_username").count():
            break
    login(page, base, username)


def _picker(page, select_id: str):
    return page.locator(f"#{select_id}").locator(
        "xpath=following-sibling::div[contains(@class,'ts-wrapper')]"
    )


def picker_search(page, select_id: str, typed: str):
    """Open the picker of ``select_id`` and type into its search box, as a user would; the dropdown."""
    wrapper = _picker(page, select_id)
    wrapper.locator(".ts-control").click()
    # a single picker searches in its dropdown's box, a multiple one in the control itself
    multiple = "multi" in (wrapper.get_attribute("class") or "")
    box = wrapper.locator(".ts-control input" if multiple else ".ts-dropdown input.dropdown-input")
    box.wait_for()
    box.fill("")
    box.press_sequentially(typed, delay=50)
    return wrapper.locator(".ts-dropdown")


def picker_choose(page, select_id: str, typed: str, option_text: str) -> None:
    """Search the picker of ``select_id`` for ``typed`` and click the first option showing
    ``option_text``. A miss leaves a screenshot in test-artifacts (the page shows whose session
    it is and what the picker offered) before it fails the test."""
    option = picker_search(page, select_id, typed).locator(".option", has_text=option_text).first
    try:
        option.wait_for(timeout=15000)
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"picker-miss-{select_id}.png"), full_page=True)
        raise
    option.click()

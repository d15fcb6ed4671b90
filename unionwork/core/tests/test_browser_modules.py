"""In Debian's chromium: each module's home page, as a district user, draws its charts and
shows nothing of another district; a member's ID number is masked on the page."""

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle

pytestmark = browser_marks


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


@pytest.mark.parametrize(
    "url,chart",
    [
        ("/founding/", "#chart-three-year canvas"),
        ("/stability/", "#chart-kind svg"),
        ("/members/", None),
        ("/dashboard/?indicator=founding.rate", ".uw-ranking svg"),
        ("/dashboard/?indicator=members.card_coverage", "#chart-trend svg"),
    ],
)
def test_module_pages_draw_and_stay_in_scope(page, live_server, modules, url, chart):
    login(page, live_server.url, "gjz_admin")
    page.goto(live_server.url + url)
    settle(page)
    if chart:
        page.locator(chart).first.wait_for()
    html = page.content()
    assert "中山区" not in html and "甘井子区总工会" in html
    name = url.strip("/").replace("/", "-").replace("?indicator=", "-").replace(".", "_") or "home"
    page.screenshot(path=str(ARTIFACTS / f"module-{name}.png"), full_page=True)


def test_member_list_masks_id_numbers(page, live_server, modules):
    import re

    login(page, live_server.url, "gjz_viewer")
    page.goto(live_server.url + "/members/list/")
    settle(page)
    text = page.content()
    # No full 18-character citizen ID number anywhere on the page; masked ones are there.
    assert not re.search(r"\b\d{17}[\dX]\b", text)
    assert re.search(r"\d{2}\*{15}[\dX]", text)

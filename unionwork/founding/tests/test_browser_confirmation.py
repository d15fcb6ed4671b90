"""In Debian's chromium: a data-entry clerk records a founding, the reviewer sees it in the 待办
badge, confirms it, and the founding rate moves only then; on a phone the badge stays visible."""

import re

from unionwork.core import audit, indicators
from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_choose
from unionwork.core.tests.factories import unit
from unionwork.founding.indicators import KEY
from unionwork.founding.models import FoundingSubmission

from .factories import enterprise

pytestmark = browser_marks


def _badge(page) -> int:
    badge = page.get_by_test_id("notification-badge").locator("[data-count]")
    badge.wait_for()
    return int(badge.get_attribute("data-count"))


def test_clerk_records_reviewer_confirms_through_the_badge(page, live_server, seeded):
    base = live_server.url
    with audit.acting_as(None, "test"):
        e = enterprise(unit("210211001001"), employees=60, name="大连演示浏览器建会有限公司")
        indicators.rebuild(KEY)
    gjz = unit("210211")
    rate_before = indicators.value(KEY, gjz)

    login(page, base, "gjz_editor")
    page.goto(base + "/founding/unions/new/")
    page.get_by_test_id("needs-confirmation").wait_for()
    picker_choose(page, "id_enterprises", e.uscc, e.name)
    page.fill("#id_chairman_name", "王演示")
    page.get_by_role("button", name="登记建会").click()
    page.get_by_test_id("submission-state").wait_for()
    assert page.get_by_test_id("submission-state").inner_text() == "待确认"
    assert page.get_by_test_id("decide").count() == 0  # a clerk does not confirm their own entry
    page.screenshot(path=str(ARTIFACTS / "founding-submission-pending.png"), full_page=True)
    assert indicators.value(KEY, gjz) == rate_before
    page.get_by_role("button", name="退出").click()

    login(page, base, "gjz_reviewer")
    assert _badge(page) >= 1
    page.screenshot(path=str(ARTIFACTS / "notifications-badge.png"))
    page.get_by_test_id("notification-badge").click()
    page.get_by_test_id("notifications-list").wait_for()
    items = page.get_by_test_id("notification-item")
    assert items.count() == int(page.get_by_test_id("notifications-total").inner_text())
    page.screenshot(path=str(ARTIFACTS / "notifications-page.png"), full_page=True)
    before = _badge(page)
    page.get_by_text("确认建会：大连演示浏览器建会有限公司工会").click()
    page.get_by_test_id("confirm").click()
    page.wait_for_selector("text=已确认建会")
    assert page.get_by_test_id("submission-state").inner_text() == "已确认"
    assert _badge(page) == before - 1
    page.screenshot(path=str(ARTIFACTS / "founding-submission-confirmed.png"), full_page=True)
    sub = FoundingSubmission.objects.get()
    assert sub.union is not None
    after = indicators.value(KEY, gjz)
    assert (after.numerator, after.denominator) == (rate_before.numerator + 1, rate_before.denominator)


def test_the_badge_on_a_phone_and_for_a_viewer(page, live_server, seeded):
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "gjz_viewer")
    bell = page.get_by_test_id("notification-badge")
    assert bell.is_visible() and page.locator(".navbar-toggler").is_visible()
    assert _badge(page) == 0
    page.screenshot(path=str(ARTIFACTS / "notifications-badge-phone.png"))
    bell.click()
    page.get_by_test_id("notifications-empty").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.goto(base + "/founding/submissions/")
    assert not re.search("新建", page.locator("main").inner_text())
    page.screenshot(path=str(ARTIFACTS / "founding-submissions-viewer-phone.png"), full_page=True)

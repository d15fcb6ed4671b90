"""In Debian's chromium: every page links to the API documentation, which opens offline."""

from unionwork.core.testing import ARTIFACTS, browser_marks, login

pytestmark = browser_marks


def test_the_api_docs_are_linked_from_every_page(page, live_server, seeded):
    base = live_server.url
    login(page, base, "gjz_viewer")
    link = page.get_by_test_id("api-docs")
    assert link.inner_text() == "接口文档（API）"
    link.click()
    page.wait_for_url(base + "/api/v1/docs")
    # Swagger renders the schema from local files: the new register paths are listed.
    page.get_by_text("/api/v1/members/").first.wait_for()
    page.get_by_text("/api/v1/imports/{name}/upload").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))

    # On a phone the footer's link stays on screen, without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/members/list/")
    footer = page.get_by_test_id("footer")
    footer.scroll_into_view_if_needed()
    assert footer.get_by_test_id("api-docs").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "api-docs-footer-390.png"), full_page=True)

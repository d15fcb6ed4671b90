"""In Debian's chromium: the dashboard draws its charts, and a click on a child opens its dashboard."""

from unionwork.core import audit, indicators
from unionwork.core.testing import ARTIFACTS, browser_marks, login
from unionwork.orgs.models import OrgUnit

pytestmark = browser_marks


def test_dashboard_draws_its_charts_and_drills_down(page, live_server, seeded):
    with audit.acting_as(None, "test"):
        for ind in indicators.all_indicators():
            if ind.own_counts and not ind.key.startswith("test."):
                indicators.rebuild(ind.key)
    login(page, live_server.url, "gjz_admin")
    page.get_by_test_id("dashboard-title").wait_for()
    assert page.get_by_test_id("dashboard-title").inner_text() == "甘井子区总工会"
    page.wait_for_function("document.getElementById('chart-ranking')?.dataset.drawn === '1'")
    page.wait_for_function("document.getElementById('chart-trend')?.dataset.drawn === '1'")
    # ECharts drew bars as SVG paths, one label per child.
    assert page.locator("#chart-ranking svg path").count() > 5
    assert "中山区" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    # Clicking a child in the ranking table opens that child's dashboard.
    first = page.get_by_test_id("ranking-table").locator("tbody a").first
    name = first.inner_text()
    first.click()
    page.get_by_test_id("dashboard-title").wait_for()
    assert page.get_by_test_id("dashboard-title").inner_text() == name
    assert OrgUnit.objects.filter(name=name, parent__code="210211").exists()


def test_dashboard_reads_well_on_a_phone(page, live_server, seeded):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "city_admin")
    page.wait_for_function("document.getElementById('chart-ranking')?.dataset.drawn === '1'")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the dashboard is {width}px wide on a 390px screen"
    assert page.locator("#chart-ranking svg").count() == 1
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)

"""In Debian's chromium: the dashboard draws its charts, and a click on a child opens its dashboard."""

from unionwork.core import audit, indicators
from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle
from unionwork.orgs.models import OrgUnit

pytestmark = browser_marks


def test_dashboard_draws_its_charts_and_drills_down(page, live_server, seeded):
    with audit.acting_as(None, "test"):
        indicators.rebuild_many()
    login(page, live_server.url, "gjz_admin")
    page.get_by_test_id("dashboard-title").wait_for()
    assert page.get_by_test_id("dashboard-title").inner_text() == "甘井子区总工会"
    page.wait_for_function("document.querySelector('.uw-ranking')?.dataset.drawn === '1'")
    page.wait_for_function("document.getElementById('chart-trend')?.dataset.drawn === '1'")
    # ECharts drew bars as SVG paths, one label per child.
    assert page.locator(".uw-ranking svg path").count() > 5
    assert "中山区" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    # Clicking a child in the ranking table opens that child's dashboard.
    first = page.get_by_test_id("ranking-table").locator("tbody a").first
    name = first.inner_text()
    first.click()
    page.get_by_test_id("dashboard-title").wait_for()
    # The child's page has loaded its charts and badge before the test's data is flushed (on
    # SQLite the live server shares the test's connection: a request still running at teardown
    # broke the flush).
    settle(page)
    assert page.get_by_test_id("dashboard-title").inner_text() == name
    assert OrgUnit.objects.filter(name=name, parent__code="210211").exists()


def test_dashboard_reads_well_on_a_phone(page, live_server, seeded):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "city_admin")
    page.wait_for_function("document.querySelector('.uw-ranking')?.dataset.drawn === '1'")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the dashboard is {width}px wide on a 390px screen"
    # One ranking per group of children (districts, zones, industrial unions), each drawn.
    assert page.locator(".uw-ranking svg").count() == page.locator(".uw-ranking").count() >= 2
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)


def test_figure_pages_of_a_district_at_an_as_of_month(page, live_server, seeded_demos):
    """The dashboard and the founding page of 甘井子区 show the same figures, choose a month in the
    page, and fit a phone; screenshots into test-artifacts/."""
    district = OrgUnit.objects.get(code="210211")
    login(page, live_server.url, "city_admin")
    page.goto(f"{live_server.url}/dashboard/{district.pk}/?indicator=founding.rate")
    page.wait_for_function("document.querySelector('.uw-ranking')?.dataset.drawn === '1'")
    page.wait_for_function("document.getElementById('chart-trend')?.dataset.drawn === '1'")
    rate = page.locator(
        f'[data-indicator="founding.rate"][data-unit="{district.pk}"][data-part="rate"]'
    ).first
    shown = rate.inner_text().strip()
    assert shown == f"{indicators.value('founding.rate', district).rate}%"
    page.wait_for_timeout(1500)  # the charts' entry animation
    page.screenshot(path=str(ARTIFACTS / "figures-dashboard-district.png"), full_page=True)
    page.goto(f"{live_server.url}/founding/unit/{district.pk}/")
    page.get_by_test_id("rate").wait_for()
    assert page.get_by_test_id("rate").inner_text().strip() == shown
    unions = page.locator(f'[data-indicator="orgs.grassroots_units"][data-unit="{district.pk}"]').first
    assert unions.inner_text().strip() == str(indicators.value("orgs.grassroots_units", district).numerator)
    page.screenshot(path=str(ARTIFACTS / "figures-founding-district.png"), full_page=True)
    # Choosing last month in the page reloads it as of that month, and says so.
    last = indicators.month_of(indicators.month_of() - __import__("datetime").timedelta(days=1))
    page.get_by_test_id("month").select_option(last.strftime("%Y-%m"))
    page.wait_for_url(f"**month={last:%Y-%m}**")
    page.get_by_test_id("as-of").wait_for()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/founding/unit/{district.pk}/")
    page.get_by_test_id("rate").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(ARTIFACTS / "figures-founding-district-390.png"), full_page=True)
    page.goto(f"{live_server.url}/dashboard/{district.pk}/")
    page.get_by_test_id("dashboard-title").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(ARTIFACTS / "figures-dashboard-district-390.png"), full_page=True)

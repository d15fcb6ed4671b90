"""In Debian's chromium: a district administrator records a contract for an enterprise of one of
its streets, and the street's contract coverage on the bargaining page moves at once."""

from unionwork.bargaining import indicators as bi
from unionwork.core import indicators
from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_choose

from .helpers import bare_enterprise

pytestmark = browser_marks


def _shown(page, key: str, part: str) -> int:
    mark = page.locator(f'[data-indicator="{key}"][data-part="{part}"]').first
    mark.wait_for()
    return int(mark.inner_text())


def test_recording_a_contract_moves_the_streets_coverage(page, live_server, seeded_demos):
    base = live_server.url
    e = bare_enterprise("210211")
    street = e.community.parent
    before = indicators.value(bi.COVERAGE, street)

    login(page, base, "gjz_admin")
    page.goto(f"{base}/bargaining/?node={street.pk}")
    assert _shown(page, bi.COVERAGE, "numerator") == before.numerator
    assert _shown(page, bi.COVERAGE, "denominator") == before.denominator
    page.screenshot(path=str(ARTIFACTS / "bargaining-street-before.png"), full_page=True)

    page.goto(base + "/bargaining/contracts/new/")
    picker_choose(page, "id_org", e.union.name[:8], e.union.name)
    picker_choose(page, "id_enterprises", e.uscc, e.name)
    page.keyboard.press("Escape")
    page.fill("#id_title", "浏览器测试集体合同（演示）")
    page.select_option("#id_kind", "wage")
    page.fill("#id_employer_party", e.name)
    page.fill("#id_wage_increase", "6.5")
    page.screenshot(path=str(ARTIFACTS / "bargaining-contract-form.png"), full_page=True)
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("status").wait_for()
    assert page.get_by_test_id("status").inner_text() == "生效中"
    page.screenshot(path=str(ARTIFACTS / "bargaining-contract-detail.png"), full_page=True)

    page.goto(f"{base}/bargaining/?node={street.pk}")
    assert _shown(page, bi.COVERAGE, "numerator") == before.numerator + 1
    assert _shown(page, bi.COVERAGE, "denominator") == before.denominator
    page.screenshot(path=str(ARTIFACTS / "bargaining-street-after.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/bargaining/contracts/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "bargaining-contracts-phone.png"), full_page=True)

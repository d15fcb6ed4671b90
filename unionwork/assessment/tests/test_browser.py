"""The assessment's pages in chromium (screenshots in test-artifacts/assessment-*.png): the city
sees the hard requirements counting down, the scheme, the ranking with its chart and a score
sheet; a district files an appeal from its own score sheet."""

from unionwork.core.testing.browser import ARTIFACTS, browser_marks, login, switch_user

pytestmark = browser_marks

CSP_WATCH = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective));"
)


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"assessment-{name}.png"), full_page=True)


def test_the_city_reads_the_ranking_and_a_district_appeals_from_its_sheet(live_server, page, seeded_demos):
    from unionwork.assessment.models import Appeal, Scheme, UnitResult

    base = live_server.url
    scheme = Scheme.objects.get(group="districts", is_demo=True)
    page.add_init_script(CSP_WATCH)
    login(page, base, "city_admin")
    page.goto(base + "/assessment/")
    assert page.locator("[data-testid=hard-requirement]").count() == 7
    assert "还剩" in page.locator(
        "[data-testid=days-left]"
    ).first.inner_text() or "已过截止" in page.inner_text("main")
    _shot(page, "home")
    page.goto(base + scheme.get_absolute_url())
    assert page.locator("[data-testid=base-sum]").inner_text() == "100.0"
    _shot(page, "scheme")
    page.goto(base + f"/assessment/schemes/{scheme.pk}/ranking/")
    rows = page.locator("[data-testid=ranking-row]")
    assert (
        rows.count()
        == UnitResult.objects.filter(computation__scheme=scheme, computation__kind="provisional").count()
    )
    page.locator("#chart-sections canvas").wait_for()
    _shot(page, "ranking")
    rows.first.locator("a").first.click()
    page.locator("[data-testid=sheet]").wait_for()
    assert page.locator("[data-testid=sheet-row]").count() == scheme.items.count()
    _shot(page, "sheet-city")
    assert page.evaluate("window.__csp") == []

    switch_user(page, base, "gjz_admin")
    mine = UnitResult.objects.get(
        computation__scheme=scheme, computation__kind="provisional", unit__code="210211"
    )
    page.goto(base + mine.get_absolute_url())
    _shot(page, "sheet-district")
    before = Appeal.objects.count()
    page.click("[data-testid=appeal-link]")
    page.select_option("select[name=item]", str(scheme.items.get(code="E3").pk))
    page.fill("textarea[name=reason]", "和谐劳动关系企业创建材料已报送，请予评审（浏览器测试）")
    page.click("form button.btn-primary")
    page.locator("[data-testid=appeal-state]").wait_for()
    assert "待裁定" in page.locator("[data-testid=appeal-state]").inner_text()
    assert Appeal.objects.count() == before + 1
    _shot(page, "appeal")
    # A claim with a file, as an office sends it: the file reaches the claim, hashed.
    page.goto(base + f"/assessment/schemes/{scheme.pk}/claim/")
    page.select_option("select[name=item]", str(scheme.items.get(code="E3").pk))
    page.fill("textarea[name=text]", "和谐劳动关系企业创建：12 家企业达标（浏览器测试）")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "创建名单.txt", "mimeType": "text/plain", "buffer": "达标企业名单".encode()}],
    )
    page.click("form button.btn-primary")
    page.locator("[data-testid=claim-text]").wait_for()
    assert "创建名单.txt" in page.inner_text("main")
    _shot(page, "claim")
    assert page.evaluate("window.__csp") == []

"""In chromium at phone size (390 px): a visit filled in, kept as a draft across a reload, held
while the network is cut, and sent when it comes back; the report page. Screenshots looked at."""

import re

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle
from unionwork.visits.models import Visit

pytestmark = browser_marks


@pytest.mark.usefixtures("seeded_demos")
def test_offline_draft_then_submit(page, live_server):
    base = live_server.url
    login(page, base, "gjz_admin")
    ctx = page.context
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/visits/new/")
    page.check("input[name=kind][value=household]")
    page.fill("#id_household_name", "离线测试职工")
    page.fill("#id_people_met", "职工本人")
    page.select_option("select[name^=item_]:visible", index=1)
    page.check("[data-kind-section=household] input[type=radio][value=yes]")
    page.fill("#id_notes", "断网时填写")
    page.screenshot(path=str(ARTIFACTS / "visits-phone-form.png"), full_page=True)
    page.reload()  # the draft comes back
    assert page.input_value("#id_household_name") == "离线测试职工"
    assert page.is_visible("[data-testid=draft-note]")
    ctx.set_offline(True)
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=offline-note]:visible")
    page.screenshot(path=str(ARTIFACTS / "visits-phone-offline.png"), full_page=True)
    assert not Visit.objects.filter(household_name="离线测试职工").exists()
    ctx.set_offline(False)
    page.wait_for_url(re.compile(r"/visits/\d+/$"))
    visit = Visit.objects.get(household_name="离线测试职工")
    assert visit.notes == "断网时填写" and visit.template.kind == "eight"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('uw-visit-draft-')).length") == 0
    page.screenshot(path=str(ARTIFACTS / "visits-phone-detail.png"), full_page=True)


@pytest.mark.usefixtures("seeded_demos")
def test_household_visit_links_its_hardship_file(page, live_server):
    """The demo household in hardship: its visit page links the file opened in the stations module."""
    base = live_server.url
    login(page, base, "gjz_admin")
    page.set_viewport_size({"width": 390, "height": 844})
    linked = Visit.objects.get(client_key="demo-210211-h1")
    page.goto(base + linked.get_absolute_url())
    link = page.locator("[data-testid=hardship-link]")
    assert link.count() == 1
    page.screenshot(path=str(ARTIFACTS / "visits-hardship-link.png"), full_page=True)
    link.click()
    page.wait_for_url(re.compile(r"/stations/"))
    assert f"ZF{linked.pk:06d}" in page.content()
    page.screenshot(path=str(ARTIFACTS / "visits-hardship-file.png"), full_page=True)
    other = Visit.objects.get(client_key="demo-210211-h0")
    page.goto(base + other.get_absolute_url())
    page.click("[data-testid=hardship-open]")
    page.wait_for_url(re.compile(r"/visits/findings/\d+/hardship/$"))
    page.screenshot(path=str(ARTIFACTS / "visits-hardship-form.png"), full_page=True)


LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + (e.sourceFile || '')));
"""


@pytest.mark.usefixtures("seeded_demos")
def test_report_page_and_no_policy_violation(page, live_server):
    from unionwork.visits.models import ResearchReport

    base = live_server.url
    page.add_init_script(LISTEN)
    login(page, base, "gjz_admin")
    for url in (
        "/visits/",
        "/visits/new/",
        "/visits/list/",
        "/visits/deeds/",
        "/visits/campaigns/",
        "/visits/checklists/",
        "/visits/reports/",
        Visit.objects.filter(org__code="210211").first().get_absolute_url(),
    ):
        page.goto(base + url)
        settle(page)
        assert page.evaluate("window.__csp") == [], url
    report = ResearchReport.objects.filter(org__code="210211").first()
    page.goto(base + report.get_absolute_url())
    assert page.inner_text("[data-testid=report-title]") == report.title
    page.screenshot(path=str(ARTIFACTS / "visits-report.png"), full_page=True)
    page.goto(base + "/visits/")
    page.screenshot(path=str(ARTIFACTS / "visits-home.png"), full_page=True)

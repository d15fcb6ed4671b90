"""The 会员评家 page on a phone (390×844) in chromium, answered without an account; and the
module's pages with their screenshots (test-artifacts/)."""

import datetime

from unionwork.core.testing.browser import ARTIFACTS, browser_marks, login

pytestmark = browser_marks


def test_a_member_answers_on_a_phone_without_an_account(live_server, page, seeded_demos):
    from unionwork.building.demo import demo_survey
    from unionwork.building.models import SurveyResponse
    from unionwork.core import audit
    from unionwork.core.identifiers import make_id
    from unionwork.members import actions as members_actions
    from unionwork.orgs.models import OrgUnit

    survey = demo_survey()
    number = make_id("210211", datetime.date(1979, 6, 6), 888)
    with audit.acting_as(None, "test"):
        members_actions.register_member(
            None,
            OrgUnit.objects.get(code="G0001"),
            name="冯答卷",
            id_number=number,
            employment_form="contract",
        )
    before = SurveyResponse.objects.filter(survey=survey).count()
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__csp.push(e.violatedDirective));"
    )
    page.goto(live_server.url + survey.public_path())
    assert "login" not in page.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "building-survey-phone.png"), full_page=True)
    # No sideways scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=name]", "冯答卷")
    page.fill("input[name=id_tail]", "000000")
    for q in page.locator("fieldset").all():
        q.locator("label.uw-choice").nth(0).click()  # 非常满意
    page.click("[data-testid=submit]")
    assert "未能核实会员身份" in page.locator("[data-testid=form-errors]").inner_text()
    page.fill("input[name=id_tail]", number[-6:])
    page.click("[data-testid=submit]")
    page.locator("[data-testid=thanks]").wait_for()
    page.screenshot(path=str(ARTIFACTS / "building-survey-phone-done.png"), full_page=True)
    assert SurveyResponse.objects.filter(survey=survey).count() == before + 1
    assert page.evaluate("window.__csp") == []  # no inline script, nothing external


def test_the_module_pages_render(live_server, page, seeded_demos):
    from unionwork.building.demo import demo_survey
    from unionwork.building.models import GradeApplication
    from unionwork.culture.models import Meeting, Nomination
    from unionwork.orgs.models import OrgUnit

    login(page, live_server.url, "city_admin")
    for name, path in (
        ("building-home", "/building/"),
        ("building-survey-detail", demo_survey().get_absolute_url()),
        ("building-unit", f"/building/unit/{OrgUnit.objects.get(code='G0001').pk}/"),
        ("building-committees", "/building/committees/?due=90"),
        ("building-application", GradeApplication.objects.filter(state="awarded").first().get_absolute_url()),
        ("building-committee-form", "/building/committees/new/"),
        ("culture-home", "/culture/"),
        ("culture-nomination", Nomination.objects.filter(held_by__code="2102").first().get_absolute_url()),
        ("culture-meeting", Meeting.objects.order_by("held_on").first().get_absolute_url()),
        ("culture-positions", "/culture/positions/"),
    ):
        page.goto(live_server.url + path)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.goto(live_server.url + "/building/")
    assert page.locator("[data-testid=building-figures]").is_visible()
    page.goto(live_server.url + "/culture/")
    assert "7" in page.locator("[data-testid=meetings-by]").inner_text()

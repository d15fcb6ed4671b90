"""In Debian's chromium with a Chinese locale (zh-CN): editing one field of a member keeps every
other value, dates included; the date picker and the search-as-you-type picker work, on a phone
too; cards one by one from the member's page and in bulk with a preview."""

import datetime
import os
import re

import pytest

from unionwork.core import audit
from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_choose, picker_search, settle
from unionwork.core.testing.browser import SharedBrowser, close_page, new_page
from unionwork.core.tests.factories import unit
from unionwork.members import actions
from unionwork.members.models import CardStatus, Member, MemberCard

from .helpers import new_id

pytestmark = browser_marks

JOINED = datetime.date(2019, 3, 15)


@pytest.fixture(scope="module")
def chromium_zh(playwright_session):
    """Chromium in Chinese (its own language, not only the page's locale): the date picker shows
    年/月/日 and must still post the ISO value the form expects. One for the module's tests."""
    shared = SharedBrowser(
        playwright_session,
        env={**os.environ, "LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN"},
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--lang=zh-CN",
        ],
    )
    yield shared
    shared.close()


@pytest.fixture
def page(chromium_zh):
    """A page of its own (a new context) in the Chinese chromium."""
    pg = new_page(chromium_zh)
    yield pg
    close_page(pg)


@pytest.fixture
def member(seeded):
    with audit.acting_as(None, "test"):
        return actions.register_member(
            None,
            unit("G0001"),
            name="欧阳娜娜",
            id_number=new_id(),
            phone="13904111234",
            education="bachelor",
            employment_form="dispatched",
            joined_on=JOINED,
        )


def _values(m: Member) -> dict:
    m = Member.objects.get(pk=m.pk)
    return {
        f: getattr(m, f)
        for f in (
            "name",
            "phone",
            "education",
            "employment_form",
            "joined_on",
            "birth_year",
            "sex",
            "id_hash",
            "union_id",
            "status",
            "card_status",
        )
    }


def test_editing_one_field_of_a_member_keeps_every_other_value(page, live_server, member):
    before = _values(member)
    login(page, live_server.url, "gjz_admin")
    page.goto(f"{live_server.url}/members/{member.pk}/edit/")
    # The stored date is in the form, in the browser's date picker (zh-CN locale).
    assert page.input_value("#id_joined_on") == "2019-03-15"
    assert page.eval_on_selector("#id_joined_on", "el => el.type") == "date"
    assert page.eval_on_selector(
        "#id_joined_on", "el => el.valueAsDate && el.valueAsDate.toISOString()"
    ).startswith("2019-03-15")
    assert page.input_value("#id_education") == "bachelor"
    page.fill("#id_phone", "13904119999")
    page.screenshot(path=str(ARTIFACTS / "member-edit.png"), full_page=True)
    page.click("button.btn-primary")
    page.wait_for_url(f"{live_server.url}/members/{member.pk}/")
    after = _values(member)
    assert after.pop("phone") == "13904119999"
    before.pop("phone")
    assert after == before
    assert "2019-03-15" in page.content()


def test_add_form_defaults_dates_to_today_and_the_picker_finds_a_union_by_initials(page, live_server, seeded):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "gjz_admin")
    page.goto(live_server.url + "/members/add/")
    page.locator("#id_joined_on").wait_for(state="attached", timeout=30000)
    today = datetime.date.today().isoformat()
    assert page.input_value("#id_joined_on") == today
    page.fill("#id_name", "司马光")
    number = new_id()
    page.fill("#id_id_number", number)
    page.select_option("#id_employment_form", "contract")
    # The browser's date picker takes a date in any locale; the form posts it as ISO.
    page.fill("#id_joined_on", "2024-03-01")
    # Type the initials of 大连甘井子演示软件有限公司工会 (…演示软件 → ysrj) and pick it.
    dropdown = picker_search(page, "id_union", "ysrj")
    option = dropdown.locator(".option", has_text="大连甘井子演示软件有限公司工会")
    option.wait_for()
    # The list is the server's answer to "ysrj": 星海演示机床 (ysjc) is not in it, nor 中山.
    page.locator(".ts-dropdown .option", has_text="星海").wait_for(state="detached")
    assert page.locator(".ts-dropdown .option", has_text="中山").count() == 0
    page.screenshot(path=str(ARTIFACTS / "picker-390.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
    option.click()
    page.screenshot(path=str(ARTIFACTS / "picker-picked-390.png"), full_page=False)
    assert page.input_value("#id_union") == str(unit("G0002").pk)
    page.click("form.card button.btn-primary")
    page.wait_for_url(re.compile(r"/members/\d+/$"))
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "picker-submitted.png"), full_page=True)
    created = Member.objects.get(name="司马光")
    assert created.union.code == "G0002" and created.joined_on == datetime.date(2024, 3, 1)


def test_cards_one_by_one_and_in_bulk_with_a_preview(page, live_server, member):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "gjz_admin")
    page.goto(live_server.url + member.get_absolute_url())
    page.click("[data-testid=card-issue]")
    page.locator("[data-testid=card-replace]").wait_for()
    card = MemberCard.objects.get(member=member)
    page.fill(".uw-card-note", "卡面损坏")
    page.click("[data-testid=card-replace]")
    page.locator(".alert-success").wait_for()
    assert MemberCard.objects.get(pk=card.pk).status == CardStatus.REPLACED
    page.screenshot(path=str(ARTIFACTS / "member-cards-390.png"), full_page=True)

    with audit.acting_as(None, "test"):
        other = actions.register_member(
            None, unit("G0001"), name="诸葛亮", id_number=new_id(), employment_form="contract"
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/members/cards/issue/")
    picker_choose(page, "id_unit", "xhysjc", "大连星海演示机床有限公司工会")
    page.click("[data-testid=preview]")
    page.locator("[data-testid=issue-preview]").wait_for()
    assert MemberCard.objects.filter(member=member, status=CardStatus.ISSUED).count() == 1
    assert "已持卡" in page.inner_text("[data-testid=skip-reasons]")
    assert page.inner_text("[data-testid=to-issue]") == "1"
    page.screenshot(path=str(ARTIFACTS / "cards-issue-preview.png"), full_page=True)
    page.click("[data-testid=confirm-issue]")
    page.wait_for_url(live_server.url + "/members/cards/")
    assert MemberCard.objects.filter(member=other, status=CardStatus.ISSUED).count() == 1


def test_every_picker_page_draws_its_pickers_at_390_px(page, live_server, seeded_demos):
    """The one picker on the form pages of every module, on a phone: drawn, no sideways scroll."""
    from unionwork.founding.models import GrassrootsUnion

    union = GrassrootsUnion.objects.filter(unit__path__startswith=unit("210211").path).order_by("pk").first()
    pages = [
        ("gjz_admin", "/members/add/"),
        ("gjz_admin", "/members/cards/issue/"),
        ("gjz_admin", "/founding/enterprises/new/"),
        ("gjz_admin", "/founding/unions/new/"),
        ("gjz_admin", f"/founding/unions/{union.pk}/merge/"),
        ("gjz_admin", f"/orgs/{unit('210211001001').pk}/move/"),
        ("gjz_admin", "/stability/incidents/new/"),
        ("gjz_admin", "/accounts/new/"),
    ]
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "gjz_admin")
    for _user, url in pages:
        page.goto(live_server.url + url)
        settle(page)
        selects = page.locator("select[data-picker-url]").count()
        assert selects >= 1, url
        assert page.locator(".ts-wrapper").count() == selects, url
        page.locator(".ts-wrapper .ts-control").first.click()
        page.locator(".ts-dropdown .option").first.wait_for()
        assert "中山" not in page.inner_text(".ts-dropdown"), url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (url, width)
        name = url.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"picker-page-{name}.png"), full_page=True)

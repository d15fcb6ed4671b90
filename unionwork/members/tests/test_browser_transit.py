"""In chromium: 中山区 releases a member (转出); 甘井子区 registers the same ID number, is offered
the member as a pending acceptance and accepts (转入). Screenshots of each page."""

import datetime

import pytest

from unionwork.core import audit
from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_choose, settle, switch_user
from unionwork.core.tests.factories import unit
from unionwork.members import actions, pii
from unionwork.members.models import Member, MemberStatus, Transit, TransitStatus

from .helpers import new_id

pytestmark = browser_marks


@pytest.fixture
def member(seeded):
    with audit.acting_as(None, "test"):
        return actions.register_member(
            None,
            unit("G0003"),
            name="上官婉儿",
            id_number=new_id(),
            employment_form="contract",
            joined_on=datetime.date(2018, 5, 2),
        )


def test_release_then_accept_by_another_district(page, live_server, member):
    number = pii.decrypt(member.id_cipher, member.pii_key)
    login(page, live_server.url, "zs_admin")
    page.goto(f"{live_server.url}/members/{member.pk}/")
    page.click("[data-testid=release-link]")
    page.fill("#id_note", "调往甘井子区")
    page.screenshot(path=str(ARTIFACTS / "transit-release-form.png"), full_page=True)
    page.click("form.card button.btn-primary")
    page.wait_for_url(f"{live_server.url}/members/transits/*/")
    assert Member.objects.get(pk=member.pk).status == MemberStatus.IN_TRANSIT
    page.screenshot(path=str(ARTIFACTS / "transit-released.png"), full_page=True)
    page.goto(f"{live_server.url}/members/transits/")
    assert "上官婉儿" in page.content()
    page.screenshot(path=str(ARTIFACTS / "transit-list.png"), full_page=True)

    switch_user(page, live_server.url, "gjz_admin")
    page.goto(live_server.url + "/members/add/")
    settle(page)  # its pickers set up and the badge answered before typing (one request at a time on SQLite)
    page.fill("#id_name", "上官婉儿")
    page.fill("#id_id_number", number)
    page.select_option("#id_employment_form", "contract")
    picker_choose(page, "id_union", "星海", "星海")
    page.click("form.card button.btn-primary")
    page.wait_for_url(f"{live_server.url}/members/transits/*/accept/")
    transit = Transit.objects.get(member=member)
    assert page.url == f"{live_server.url}/members/transits/{transit.pk}/accept/"
    assert "大连中山演示重工有限公司工会" in page.content()
    page.screenshot(path=str(ARTIFACTS / "transit-accept-form.png"), full_page=True)
    page.click("form.card button.btn-primary")
    page.wait_for_url(f"{live_server.url}/members/transits/{transit.pk}/")
    page.screenshot(path=str(ARTIFACTS / "transit-accepted.png"), full_page=True)
    transit.refresh_from_db()
    assert transit.status == TransitStatus.ACCEPTED
    m = Member.objects.get(pk=member.pk)
    assert m.status == MemberStatus.ACTIVE and m.union.path.startswith(unit("210211").path)
    page.goto(f"{live_server.url}/members/")
    page.screenshot(path=str(ARTIFACTS / "members-home-pacing.png"), full_page=True)
    page.goto(f"{live_server.url}/founding/")
    page.screenshot(path=str(ARTIFACTS / "founding-home-pacing.png"), full_page=False)
    page.goto(f"{live_server.url}/dashboard/")
    page.screenshot(path=str(ARTIFACTS / "dashboard-pacing.png"), full_page=True)
    assert page.locator("[data-testid=pacing]").count() >= 1

"""In chromium on a phone-sized screen (390 x 844): a station's staff logs a service with a member
card; a cancelled card is refused with a clear message, a valid one is counted as a card use."""

import pytest
from django.utils import timezone

from unionwork.core import audit
from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle
from unionwork.core.tests.factories import demo_user
from unionwork.members import actions as members_actions
from unionwork.members.models import CardStatus, MemberCard
from unionwork.stations.models import ServiceRecord, Station

pytestmark = browser_marks


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


def test_logging_a_service_from_a_phone(page, live_server, modules):
    editor = demo_user("gjz_editor")
    station = Station.objects.restrict(editor, "change").filter(status="open").order_by("pk").first()
    cards = list(
        MemberCard.objects.filter(
            org_path__startswith=editor.org_path, status__in=[CardStatus.ISSUED, CardStatus.ACTIVE]
        ).order_by("pk")[:2]
    )
    good, bad = cards
    with audit.acting_as(None, "test"):
        members_actions.change_card(None, bad, "cancel", note="测试注销")
    before = ServiceRecord.objects.filter(station=station, card=good, people=2).count()

    base = live_server.url
    login(page, base, "gjz_editor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + f"/stations/{station.pk}/")
    page.click("[data-testid=log]")
    page.wait_for_selector("[data-testid=log-form]")
    assert page.locator("#id_on").input_value() == f"{timezone.localdate():%Y-%m-%d}"  # today, filled in
    page.fill("#id_people", "2")
    page.fill("#id_card_number", bad.number)
    page.click("[data-testid=submit]")
    error = page.locator("[data-testid=form-errors]")
    error.wait_for()
    assert "已注销，不能使用" in error.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "stations-log-refused-phone.png"), full_page=True)

    page.fill("#id_card_number", good.number)
    page.click("[data-testid=submit]")
    page.locator("[data-testid=logged]").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "stations-log-done-phone.png"), full_page=True)
    assert ServiceRecord.objects.filter(station=station, card=good, people=2).count() == before + 1


def test_the_station_pages_in_a_browser(page, live_server, modules):
    """The home page's figures, the missing list, a station, a hardship file: as an administrator sees them."""
    from unionwork.stations.models import HardshipFile

    admin = demo_user("gjz_admin")
    station = Station.objects.restrict(admin).filter(mode="radiating").first()
    f = HardshipFile.objects.restrict(admin).first()
    base = live_server.url
    login(page, base, "gjz_admin")
    shots = {
        "home": "/stations/",
        "missing": "/stations/missing/",
        "station": f"/stations/{station.pk}/",
        "enterprise": f"/stations/enterprise/{station.enterprise_id}/",
        "hardship-list": "/stations/hardship/",
        "hardship": f"/stations/hardship/{f.pk}/",
        "rules": "/stations/rules/",
        "services": "/stations/services/",
    }
    for name, url in shots.items():
        page.goto(base + url)
        settle(page)
        page.screenshot(path=str(ARTIFACTS / f"stations-{name}.png"), full_page=True)
    page.goto(base + "/stations/")
    assert page.locator("[data-testid=coverage-rate]").inner_text().endswith("%")
    page.click("[data-testid=missing-link]")
    page.wait_for_url(base + "/stations/missing/")
    settle(page)
    assert "应建未建服务站的企业" in page.content()

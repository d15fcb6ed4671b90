"""In chromium, as a viewer: a member's page and the list show an age band and a masked phone, the
ID masked to 2 + 1 characters, on a desktop and at phone width."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import audit, identifiers
from unionwork.core.testing import ARTIFACTS, browser_marks, login
from unionwork.core.tests.factories import unit
from unionwork.members import actions

pytestmark = browser_marks


@pytest.fixture
def member(seeded):
    today = timezone.localdate()
    number = identifiers.make_id(
        "210202", today.replace(year=today.year - 34) - datetime.timedelta(days=9), 246
    )
    with audit.acting_as(None, "test"):
        m = actions.register_member(
            None,
            unit("G0001"),
            name="掩码样",
            id_number=number,
            employment_form="contract",
            phone="13812345678",
        )
    return m, number


def test_a_viewer_sees_age_band_masked_id_and_phone(page, live_server, member):
    m, number = member
    base = live_server.url
    login(page, base, "gjz_viewer")
    page.goto(base + m.get_absolute_url())
    assert page.get_by_test_id("age-band").inner_text() == "30–39岁"
    assert page.get_by_test_id("phone").inner_text() == "138****5678"
    assert page.get_by_test_id("id-number").inner_text().strip() == number[:2] + "*" * 15 + number[17:]
    body = page.inner_text("body")
    assert number not in body and "13812345678" not in body and number[6:14] not in body
    page.screenshot(path=str(ARTIFACTS / "members-masking-viewer-detail.png"), full_page=True)
    page.goto(base + "/members/list/?q=掩码样")
    page.set_viewport_size({"width": 390, "height": 844})
    body = page.inner_text("body")
    assert "30–39岁" in body and "138****5678" in body and "13812345678" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "members-masking-viewer-list-phone.png"), full_page=True)

"""In chromium: an administrator sets up the second factor with the QR page, on a desktop and a phone."""

import time

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks
from unionwork.demo.foundation import DEMO_PASSWORD

pytestmark = browser_marks


def code_for(device):
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


@pytest.mark.parametrize("width", [1280, 390])
def test_an_administrator_sets_up_the_second_factor_before_any_page(
    page, live_server, seeded, settings, width
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.UNIONWORK_REQUIRE_ADMIN_2FA = True
    page.set_viewport_size({"width": width, "height": 1000})
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "gjz_admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/accounts/2fa/setup/**")
    qr = page.locator('[data-testid="2fa-qr"] svg')
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["x"] >= 0 and box["x"] + box["width"] <= width
    card = page.locator('[data-testid="2fa-setup"]').bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= width  # the set-up card fits the screen
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"accounts-2fa-setup-{width}.png"))
    # Any other page leads back here.
    page.goto(base + "/members/")
    page.wait_for_url(base + "/accounts/2fa/setup/**")
    device = TOTPDevice.objects.get(user__username="gjz_admin", confirmed=False)
    page.fill("#id_code", code_for(device))
    page.click("text=确认启用")
    page.wait_for_url(base + "/members/")
    assert "两步验证已启用" in page.content()

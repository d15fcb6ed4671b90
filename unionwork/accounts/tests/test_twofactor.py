"""Second factor (TOTP): enforced for administrators after the password, optional for any account."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user
from unionwork.demo.foundation import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def password_login(client, username):
    resp = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code == 302
    return resp


@pytest.fixture
def enforced(settings):
    settings.UNIONWORK_REQUIRE_ADMIN_2FA = True


def test_an_administrator_enrols_before_any_page_then_verifies_at_each_login(client, enforced):
    password_login(client, "gjz_admin")
    for url in ["/", "/orgs/", "/accounts/me/", "/members/"]:
        resp = client.get(url)
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/2fa/setup/"), url
    # The top bar's badge, asked for by htmx, gets nothing rather than the set-up page.
    assert client.get("/notifications/badge/", headers={"HX-Request": "true"}).status_code == 204
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "两步验证二维码" in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=demo_user("gjz_admin"), confirmed=False)
    assert page.context["secret"].replace(" ", "") in __import__("base64").b32encode(device.bin_key).decode()

    resp = client.post(
        "/accounts/2fa/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert resp.status_code == 400 and "验证码不正确" in resp.content.decode()
    assert client.get("/orgs/").status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above slowed further tries down
    device.save()

    resp = client.post("/accounts/2fa/setup/", {"code": code_for(device), "next": "/orgs/"})
    assert resp.status_code == 302 and resp["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200
    assert AuditEvent.objects.filter(verb="2fa_enable", object_id=str(demo_user("gjz_admin").pk)).exists()

    # The next login: password, then a code; nothing before it.
    client.post("/accounts/logout/")
    password_login(client, "gjz_admin")
    resp = client.get("/orgs/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/2fa/verify/")
    assert client.get("/accounts/2fa/setup/")["Location"].startswith(
        "/accounts/2fa/verify/"
    )  # no re-enrolment
    device = TOTPDevice.objects.get(user=demo_user("gjz_admin"), confirmed=True)
    resp = client.post("/accounts/2fa/verify/", {"code": code_for(device)})  # the code already used: replay
    assert resp.status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    resp = client.post("/accounts/2fa/verify/", {"code": code_for(device, steps_ahead=1), "next": "/orgs/"})
    assert resp.status_code == 302 and resp["Location"] == "/orgs/"
    assert client.get("/orgs/").status_code == 200


def test_a_non_administrator_needs_no_second_factor_unless_enabled(client, enforced):
    password_login(client, "gjz_viewer")
    assert client.get("/orgs/").status_code == 200
    # It is optional: enabled from 我的账号, then asked at every login.
    page = client.get("/accounts/me/").content.decode()
    assert "/accounts/2fa/setup/" in page and "未启用" in page
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=demo_user("gjz_viewer"))
    assert client.post("/accounts/2fa/setup/", {"code": code_for(device)}).status_code == 302
    assert "已启用" in client.get("/accounts/me/").content.decode()
    client.post("/accounts/logout/")
    password_login(client, "gjz_viewer")
    assert client.get("/orgs/")["Location"].startswith("/accounts/2fa/verify/")


def test_an_account_that_enabled_it_is_asked_even_when_enforcement_is_off(client, settings):
    settings.UNIONWORK_REQUIRE_ADMIN_2FA = False
    password_login(client, "gjz_admin")
    assert client.get("/orgs/").status_code == 200  # demo and development: password alone
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=demo_user("gjz_admin"))
    client.post("/accounts/2fa/setup/", {"code": code_for(device)})
    client.post("/accounts/logout/")
    password_login(client, "gjz_admin")
    assert client.get("/orgs/")["Location"].startswith("/accounts/2fa/verify/")
    # Switching it off asks for a current code.
    device.refresh_from_db()
    client.post("/accounts/2fa/verify/", {"code": code_for(device, steps_ahead=1)})
    resp = client.post("/accounts/me/", {"tf-code": "12345"})
    assert TOTPDevice.objects.filter(user=demo_user("gjz_admin"), confirmed=True).exists()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.last_t = -1  # as if a step had passed since the code used at login
    device.save()
    resp = client.post("/accounts/me/", {"tf-code": code_for(device)})
    assert resp.status_code == 302
    assert not TOTPDevice.objects.filter(user=demo_user("gjz_admin")).exists()
    assert AuditEvent.objects.filter(verb="2fa_disable").exists()


def test_an_administrator_resets_a_lost_second_factor_audited(client):
    viewer = demo_user("gjz_viewer")
    TOTPDevice.objects.create(user=viewer, name="TOTP", confirmed=True)
    client.force_login(demo_user("gjz_admin"))
    assert "重置两步验证" in client.get(f"/accounts/{viewer.pk}/").content.decode()
    assert client.post(f"/accounts/{viewer.pk}/reset2fa/").status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    assert AuditEvent.objects.filter(verb="2fa_reset", object_id=str(viewer.pk)).exists()
    # Not outside one's scope.
    other = demo_user("zs_admin")
    TOTPDevice.objects.create(user=other, name="TOTP", confirmed=True)
    assert client.post(f"/accounts/{other.pk}/reset2fa/").status_code == 404
    assert TOTPDevice.objects.filter(user=other).exists()


def test_the_api_token_is_not_held_up_by_the_second_factor(client, enforced):
    from unionwork.accounts.tokens import issue_token
    from unionwork.core import audit

    with audit.acting_as(None, "test"):
        _t, key = issue_token(demo_user("gjz_admin"), "对接")
    assert client.get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200

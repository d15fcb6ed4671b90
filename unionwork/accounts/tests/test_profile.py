"""我的账号: it opens for every account; the password changes only with the current one; a token's
key is shown once; tokens are listed and revoked; all of it audited."""

import pytest
from django.utils import timezone

from unionwork.accounts import actions
from unionwork.accounts.models import ApiToken, User
from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user
from unionwork.demo.foundation import DEMO_PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Xin#Mima2026"
ACCOUNTS = [
    "city_admin",
    "city_viewer",
    "gjz_admin",
    "gjz_editor",
    "gjz_reviewer",
    "gjz_viewer",
    "zs_admin",
    "jx_admin",
]


@pytest.mark.parametrize("username", ACCOUNTS)
def test_account_page_opens_for_every_account(client, username):
    user = demo_user(username)
    client.force_login(user)
    resp = client.get("/accounts/me/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "我的账号" in html and user.org.name in html
    assert "、".join(user.role_labels()) in html  # roles by their Chinese names
    assert 'name="pw-old_password"' in html  # the current password is asked


def _change(client, old, new1, new2=None):
    return client.post(
        "/accounts/me/",
        {"pw-old_password": old, "pw-new_password1": new1, "pw-new_password2": new2 or new1},
    )


def test_password_change_needs_the_current_password(client):
    user = demo_user("gjz_viewer")
    client.force_login(user)
    resp = _change(client, "not-the-password", NEW)
    assert resp.status_code == 400 and "当前密码不正确" in resp.content.decode()
    assert User.objects.get(pk=user.pk).check_password(DEMO_PASSWORD)
    resp = _change(client, DEMO_PASSWORD, NEW, NEW + "x")
    assert resp.status_code == 400 and "两次输入的新密码不一致" in resp.content.decode()
    resp = _change(client, DEMO_PASSWORD, "abc")  # the validators still apply
    assert resp.status_code == 400 and User.objects.get(pk=user.pk).check_password(DEMO_PASSWORD)

    resp = _change(client, DEMO_PASSWORD, NEW)
    assert resp.status_code == 302
    assert User.objects.get(pk=user.pk).check_password(NEW)
    assert client.get("/accounts/me/").status_code == 200  # the session survives the change
    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(user.pk), verb="password").get()
    assert event.actor_id == user.pk and "password" not in (event.after or {})


def test_change_own_password_action_refuses_a_wrong_current_password():
    user = demo_user("gjz_editor")
    with audit.acting_as(user, "test"), pytest.raises(ActionError) as exc:
        actions.change_own_password(user, "wrong", NEW)
    assert exc.value.code == "password_incorrect"
    with audit.acting_as(user, "test"), pytest.raises(ActionError) as exc:
        actions.change_own_password(user, DEMO_PASSWORD, DEMO_PASSWORD)
    assert exc.value.code == "password_invalid"


def test_token_key_shown_once_listed_without_it_and_revoked(client):
    user = demo_user("gjz_reviewer")
    client.force_login(user)
    resp = client.post("/accounts/me/", {"tk-name": "统计系统对接"})
    assert resp.status_code == 200
    token = ApiToken.objects.get(user=user, name="统计系统对接")
    key = resp.context["new_key"]
    assert key and ApiToken.hash_key(key) == token.key_hash and key in resp.content.decode()

    page = client.get("/accounts/me/").content.decode()
    assert "统计系统对接" in page and token.prefix in page and key not in page

    api = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 200

    # Someone else's token cannot be revoked from one's own page.
    other = demo_user("gjz_viewer")
    with audit.acting_as(other, "test"):
        from unionwork.accounts.tokens import issue_token

        foreign, _key = issue_token(other, "他人的令牌")
    client.post("/accounts/me/", {"revoke": foreign.pk})
    assert not ApiToken.objects.get(pk=foreign.pk).revoked

    resp = client.post("/accounts/me/", {"revoke": token.pk})
    assert resp.status_code == 302 and ApiToken.objects.get(pk=token.pk).revoked
    assert AuditEvent.objects.filter(
        model="accounts.apitoken", object_id=str(token.pk), verb="revoke"
    ).exists()
    client.logout()
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_empty_token_name_is_refused_with_a_message(client):
    client.force_login(demo_user("gjz_viewer"))
    resp = client.post("/accounts/me/", {"tk-name": ""})
    assert resp.status_code == 400 and "这个字段是必填项" in resp.content.decode()


def test_a_token_from_the_account_page_shows_its_lifetime_and_can_be_read_only(client, settings):
    settings.UNIONWORK_API_TOKEN_DAYS = 90
    user = demo_user("gjz_reviewer")
    client.force_login(user)
    page = client.get("/accounts/me/").content.decode()
    assert "默认有效期 90 天" in page
    resp = client.post("/accounts/me/", {"tk-name": "只读对接", "tk-days": "30", "tk-read_only": "on"})
    assert resp.status_code == 200
    token = ApiToken.objects.get(user=user, name="只读对接")
    assert token.read_only and (token.expires_at - token.created_at).days in (29, 30)
    page = client.get("/accounts/me/").content.decode()
    assert token.expires_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d") in page
    assert "只读" in page

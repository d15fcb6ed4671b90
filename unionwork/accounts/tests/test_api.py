"""Accounts over /api/v1/accounts/, API tokens and the create_api_token command."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from unionwork.accounts.models import ApiToken
from unionwork.accounts.tokens import issue_token, revoke_token
from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user

pytestmark = pytest.mark.django_db


def get(client, path, key, **params):
    return client.get(path, params, headers={"Authorization": f"Bearer {key}"})


def key_for(username: str) -> str:
    with audit.acting_as(None, "test"):
        return issue_token(demo_user(username), "测试")[1]


def test_me(client):
    body = get(client, "/api/v1/accounts/me", key_for("gjz_editor")).json()
    assert body["username"] == "gjz_editor"
    assert body["full_name"] == "甘井子区填报员（演示）"
    assert body["org"]["name"] == "甘井子区总工会"
    assert body["org"]["trail"] == "大连市总工会 / 甘井子区总工会"
    assert body["roles"] == [{"code": "editor", "label": "填报员"}]
    assert body["actions"] == ["view", "change"]


def test_administrator_lists_accounts_in_scope(client):
    body = get(client, "/api/v1/accounts/", key_for("gjz_admin")).json()
    names = {a["username"] for a in body["items"]}
    assert names == {"gjz_admin", "gjz_editor", "gjz_reviewer", "gjz_viewer"}
    assert all(a["org_name"] == "甘井子区总工会" for a in body["items"])
    filtered = get(client, "/api/v1/accounts/", key_for("city_admin"), role="viewer").json()
    assert {a["username"] for a in filtered["items"]} == {"city_viewer", "gjz_viewer"}


def test_other_roles_list_only_themselves(client):
    body = get(client, "/api/v1/accounts/", key_for("gjz_viewer")).json()
    assert [a["username"] for a in body["items"]] == ["gjz_viewer"]


def test_issue_token_stores_only_the_hash_and_is_audited():
    user = demo_user("gjz_admin")
    with audit.acting_as(None, "test"):
        token, key = issue_token(user, "统计系统对接")
    assert key.startswith("uw_") and token.key_hash == ApiToken.hash_key(key) and key not in token.key_hash
    event = AuditEvent.objects.filter(model="accounts.apitoken", object_id=str(token.pk)).get()
    assert event.verb == "create" and "key_hash" not in event.after and event.org_path == user.org.path
    with audit.acting_as(None, "test"), pytest.raises(ActionError):
        issue_token(user, " ")


def test_revoke_token_by_owner_or_administrator_only():
    owner, other, admin = demo_user("gjz_editor"), demo_user("zs_admin"), demo_user("gjz_admin")
    with audit.acting_as(None, "test"):
        token, _key = issue_token(owner, "测试")
    with audit.acting_as(other, "test"), pytest.raises(ActionError) as exc:
        revoke_token(other, token)
    assert exc.value.code == "forbidden"
    with audit.acting_as(admin, "test"):
        revoke_token(admin, token)
    token.refresh_from_db()
    assert token.revoked
    assert (
        AuditEvent.objects.filter(model="accounts.apitoken", object_id=str(token.pk), verb="revoke").count()
        == 1
    )


def test_create_api_token_command(client):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "zs_admin", "--name", "命令行", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue()
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(key))
    assert token.user.username == "zs_admin" and token.name == "命令行"
    event = AuditEvent.objects.get(model="accounts.apitoken", object_id=str(token.pk))
    assert event.source == "command:create_api_token" and event.actor_id is None
    assert get(client, "/api/v1/accounts/me", key).json()["username"] == "zs_admin"
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "--name", "x", stdout=out, stderr=err)


def test_tokens_expire_after_the_configured_lifetime(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.UNIONWORK_API_TOKEN_DAYS = 30
    with audit.acting_as(None, "test"):
        token, key = issue_token(demo_user("gjz_viewer"), "到期测试")
    assert timezone.now() + timedelta(days=29) < token.expires_at <= timezone.now() + timedelta(days=30)
    assert get(client, "/api/v1/accounts/me", key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    resp = get(client, "/api/v1/accounts/me", key)
    assert resp.status_code == 401 and "已过期" in resp.json()["detail"]


def test_token_lifetime_is_bounded(settings):
    settings.UNIONWORK_API_TOKEN_MAX_DAYS = 365
    with audit.acting_as(None, "test"), pytest.raises(ActionError) as exc:
        issue_token(demo_user("gjz_viewer"), "太长", days=366)
    assert exc.value.code == "days"


def test_a_read_only_token_reads_but_gets_403_on_any_write(client):
    with audit.acting_as(None, "test"):
        _token, ro_key = issue_token(demo_user("gjz_admin"), "只读", read_only=True)
        _token, rw_key = issue_token(demo_user("gjz_admin"), "读写")
    assert get(client, "/api/v1/accounts/me", ro_key).status_code == 200
    before = AuditEvent.objects.count()
    for method, path in [
        ("patch", "/api/v1/members/999999"),
        ("post", "/api/v1/founding/enterprises/"),
        ("post", "/api/v1/members/999999/leave"),
    ]:
        resp = getattr(client, method)(
            path, {}, content_type="application/json", headers={"Authorization": f"Bearer {ro_key}"}
        )
        assert resp.status_code == 403, (method, path, resp.status_code)
        assert "只读令牌" in resp.json()["detail"]
    assert AuditEvent.objects.count() == before
    # The same request with a read-write token of the same account gets past the token (404: no such member).
    resp = client.patch(
        "/api/v1/members/999999",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {rw_key}"},
    )
    assert resp.status_code == 404


def test_the_create_api_token_command_makes_read_only_tokens():
    out = io.StringIO()
    call_command(
        "create_api_token",
        "gjz_viewer",
        "--name",
        "只读对接",
        "--read-only",
        "--days",
        "30",
        stdout=out,
        stderr=io.StringIO(),
    )
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(out.getvalue().strip()))
    assert token.read_only and token.expires_at is not None

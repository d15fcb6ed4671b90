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

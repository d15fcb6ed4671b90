"""Account actions: scope, roles, validation, audit without the password hash."""

from __future__ import annotations

import pytest
from django.utils import timezone

from unionwork.accounts import actions
from unionwork.accounts.models import User
from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit

pytestmark = pytest.mark.django_db
GOOD = "Xin#Mima2026"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gjz():
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        yield user


def _create(actor, **overrides):
    fields = dict(
        username="zhang_san",
        full_name="张三",
        org=unit("210211001"),
        roles=["editor"],
        phone="13800138000",
        password=GOOD,
    )
    fields.update(overrides)
    return actions.create_account(actor, **fields)


def test_create_is_audited_without_the_password(gjz):
    account = _create(gjz)
    assert account.check_password(GOOD) and account.roles == ["editor"]
    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(account.pk)).get()
    assert event.verb == "create" and event.actor_label == "gjz_admin"
    assert event.after["username"] == "zhang_san" and "password" not in event.after
    assert event.org_path == unit("210211001").path


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"org": None}, "org_invalid"),
        ({"username": "GJZ_Viewer"}, "duplicate_username"),
        ({"username": "张 三"}, "username_invalid"),
        ({"full_name": " "}, "full_name_invalid"),
        ({"roles": []}, "roles_invalid"),
        ({"roles": ["boss"]}, "roles_invalid"),
        ({"phone": "12345"}, "phone_invalid"),
        ({"password": "short"}, "password_invalid"),
        ({"password": "alllowercaseletters"}, "password_invalid"),
    ],
)
def test_create_refusals(gjz, overrides, code):
    with pytest.raises(ActionError) as exc:
        _create(gjz, **overrides)
    assert exc.value.code == code
    assert GOOD not in str(exc.value.messages)


def test_an_org_outside_the_scope_is_refused(gjz):
    with pytest.raises(ActionError, match="不在您的管理范围内") as exc:
        _create(gjz, org=unit("210202"))
    assert exc.value.code == "out_of_scope"


def test_only_administrators_manage_accounts():
    editor = demo_user("gjz_editor")
    with audit.acting_as(editor, "test"), pytest.raises(ActionError) as exc:
        _create(editor)
    assert exc.value.code == "forbidden"


def test_update_records_before_and_after_and_skips_no_change(gjz):
    viewer = demo_user("gjz_viewer")
    actions.update_account(
        gjz, viewer, full_name="新名字", roles=["viewer", "reviewer"], phone="139 1234 5678"
    )
    viewer.refresh_from_db()
    assert (viewer.full_name, viewer.roles, viewer.phone) == ("新名字", ["reviewer", "viewer"], "13912345678")
    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(viewer.pk)).latest("id")
    assert event.before["full_name"] != "新名字" and event.after["full_name"] == "新名字"
    count = AuditEvent.objects.count()
    actions.update_account(gjz, viewer, full_name="新名字")
    assert AuditEvent.objects.count() == count


def test_update_refusals(gjz):
    with pytest.raises(ActionError, match="不在您的管理范围内"):
        actions.update_account(gjz, demo_user("zs_admin"), full_name="x")
    with pytest.raises(ActionError) as exc:
        actions.update_account(gjz, gjz, roles=["viewer"])
    assert exc.value.code == "own_account"
    actions.update_account(gjz, gjz, phone="13700000000")  # one's own phone is fine
    with pytest.raises(TypeError):
        actions.update_account(gjz, demo_user("gjz_viewer"), username="other")


def test_deactivate(gjz):
    viewer = actions.update_account(gjz, demo_user("gjz_viewer"), is_active=False)
    assert not User.objects.get(pk=viewer.pk).is_active


def test_passwords(gjz):
    viewer = demo_user("gjz_viewer")
    actions.set_account_password(gjz, viewer, GOOD)
    assert User.objects.get(pk=viewer.pk).check_password(GOOD)
    with audit.acting_as(viewer, "test"):
        actions.set_account_password(viewer, viewer, "Another#2026")  # one's own
        with pytest.raises(ActionError):
            actions.set_account_password(viewer, demo_user("gjz_editor"), GOOD)
    with pytest.raises(ActionError) as exc:
        actions.set_account_password(gjz, viewer, "123")
    assert exc.value.code == "password_invalid"
    event = AuditEvent.objects.filter(
        model="accounts.user", object_id=str(viewer.pk), verb="password"
    ).latest("id")
    assert event.before is None and event.after is None


def test_unlock(gjz):
    viewer = demo_user("gjz_viewer")
    User.objects.filter(pk=viewer.pk).update(failed_logins=3, locked_until=timezone.now())
    actions.unlock_account(gjz, viewer)
    viewer.refresh_from_db()
    assert viewer.failed_logins == 0 and viewer.locked_until is None
    assert AuditEvent.objects.filter(object_id=str(viewer.pk), verb="unlock").exists()

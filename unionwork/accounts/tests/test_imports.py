"""Import of accounts: through the actions, passwords checked and never echoed or kept."""

from __future__ import annotations

import pytest

from unionwork.accounts.models import User
from unionwork.core.imports.testing import error_workbook, run_upload, xlsx_bytes
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.core.tests.factories import demo_user

pytestmark = pytest.mark.django_db

HEADER = ["用户名", "姓名", "所属组织", "角色", "手机号", "初始密码"]
SECRET = "Chushi#Mima2026"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gjz_admin():
    return demo_user("gjz_admin")


def _run(user, rows, **options):
    return run_upload(
        user, "accounts.users", xlsx_bytes([HEADER, *rows], text_columns=[0, 2, 4]), "账号.xlsx", **options
    )


def test_new_accounts_and_an_update(gjz_admin):
    viewer = demo_user("gjz_viewer")
    rows = [
        ["li_si", "李四", "210211001", "填报员、查看员", "13800138001", SECRET],
        ["wang_wu", "王五", "210211", "审核员", 13800138002, SECRET],  # a phone typed as a number
        ["gjz_viewer", "", "", "", "13900000000", "ignored#Pass1"],  # blank keeps; password not changed
    ]
    job = _run(gjz_admin, rows)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 1, 0)
    li = User.objects.get(username="li_si")
    assert li.roles == ["editor", "viewer"] and li.org.code == "210211001" and li.check_password(SECRET)
    assert User.objects.get(username="wang_wu").phone == "13800138002"
    viewer.refresh_from_db()
    assert (
        viewer.phone == "13900000000"
        and viewer.roles == ["viewer"]
        and not viewer.check_password("ignored#Pass1")
    )
    events = AuditEvent.objects.filter(model="accounts.user", source="import", actor=gjz_admin)
    assert sorted(events.values_list("verb", flat=True)) == ["create", "create", "update"]
    assert all("password" not in (e.after or {}) for e in events)
    assert not job.file  # the upload held passwords: it is gone


def test_problems_are_reported_without_echoing_passwords(gjz_admin):
    rows = [
        ["zhao_liu", "赵六", "210211", "查看员", "", "abc"],  # weak password
        ["qian_qi", "钱七", "210211", "查看员", "", ""],  # new without password
        ["sun_ba", "孙八", "210202", "查看员", "", SECRET],  # 中山区: outside the scope
        ["zs_admin", "冒名", "210211", "查看员", "", SECRET],  # a user name of another scope
        ["zhou_jiu", "周九", "210211", "局长", "12345678901", SECRET],
        ["gjz_admin", "", "", "查看员", "", ""],  # one's own roles
    ]
    job = _run(gjz_admin, rows)
    assert job.status == ImportJob.Status.FAILED
    assert not User.objects.filter(username__in=["zhao_liu", "qian_qi", "sun_ba", "zhou_jiu"]).exists()
    got = [(e["row"], e["column"]) for e in job.errors]
    assert got == [
        (2, "初始密码"),
        (3, "初始密码"),
        (4, "所属组织"),
        (5, "用户名"),
        (6, "角色"),
        (6, "手机号"),
        (7, "角色"),
    ]
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "密码" in messages[(2, "初始密码")] and "abc" not in messages[(2, "初始密码")]
    assert messages[(3, "初始密码")] == "新建账号时必填。"
    assert "管辖范围" in messages[(4, "所属组织")]
    assert messages[(5, "用户名")] == "用户名“zs_admin”已被其他账号使用，请换一个。"
    assert SECRET not in str(job.errors) and SECRET not in job.message
    sheet = error_workbook(job).worksheets[0]
    assert [sheet.cell(row=r, column=6).value for r in range(2, 8)] == [None] * 6  # passwords not kept
    assert sheet["F1"].comment is not None


def test_editors_cannot_import_accounts(client):
    client.force_login(demo_user("gjz_editor"))
    assert client.get("/imports/accounts.users/").status_code == 403

"""Rosters as union offices really keep them, through the roster import (the first user of the
core mechanism's header aliases, mapping, normalisation, skipped rows and error files)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from unionwork.core import audit, crypto, identifiers
from unionwork.core.imports import jobs
from unionwork.core.imports.testing import csv_bytes, error_workbook, run_upload, xls_bytes, xlsx_bytes
from unionwork.core.models import ImportJob, ImportMapping
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.members.models import EmploymentForm, Member

from .helpers import new_id

pytestmark = pytest.mark.django_db

TITLE = "甘井子区演示软件有限公司工会会员花名册（2024年度）"
HEADER = ["序号", "姓名", "性别", "民族", "身份证号码", "出生年月", "手机号码", "学历", "入会时间"]


def _wide(text: str) -> str:
    return text.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


def messy_rows(numbers: list[str], *, excel_cells: bool = True) -> list[list]:
    """A roster as kept by hand: a title, a sign-off line above the header, variants below it."""
    births = [identifiers.parse_id(n).birth_date for n in numbers]
    b = [f"{d.year}年{d.month}月" for d in births]
    rows = [
        [TITLE],
        ["填报单位：演示软件有限公司工会", "", "", "", "", "", "填报日期：2024年5月"],
        HEADER,
        [
            1,
            "赵一",
            "男" if int(numbers[0][16]) % 2 else "女",
            "汉族",
            numbers[0],
            b[0],
            "138 0411 2345",
            "本科",
            "2023年5月1日",
        ],
        [2, "钱二", "", "汉族", _wide(numbers[1]), b[1], "+86 139-0411-2346", "大专", "2023.5.1"],
        [
            3,
            "孙三",
            "",
            "满族",
            numbers[2],
            b[2],
            "0086 13704112347",
            "高中",
            20230501 if excel_cells else "20230501",
        ],
        [],
        [
            4,
            "李四",
            "",
            "汉族",
            numbers[3].lower() if numbers[3].endswith("X") else numbers[3],
            b[3],
            "１３６０４１１２３４８",
            "研究生",
            datetime.date(2023, 5, 1) if excel_cells else "2023/5/1",
        ],
        [5, "周五", "", "回族", numbers[4], b[4], "(0411)84123456", "初中", "2019年3月"],
        [
            6,
            "吴六",
            "",
            "汉族",
            numbers[5],
            b[5],
            "135\u00a004112349\u3000",
            "",
            45047 if excel_cells else "2023-05-01",
        ],
        ["合计", "", "", "", "", "", "", "", "6人"],
        ["注：身份证号码请核对无误后上报。"],
        ["填表人：王芳", "", "", "", "审核人：李强"],
    ]
    return rows


def _xlsx_with_merged_title(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    ws.merge_cells("A1:I1")
    for cell in ws["E"]:
        cell.number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _numbers(n: int = 6) -> list[str]:
    return [new_id(birth=datetime.date(1970 + i, 1 + i, 10 + i)) for i in range(n)]


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv-gb18030"])
def test_a_roster_as_offices_keep_it_is_taken_without_edits(fmt):
    user = demo_user("gjz_editor")  # a district's clerk: chooses the union in the upload form
    target = unit("G0001")
    numbers = _numbers()
    if fmt == "xlsx":
        content, name = _xlsx_with_merged_title(messy_rows(numbers)), "花名册.xlsx"
    elif fmt == "xls":
        content, name = xls_bytes(messy_rows(numbers)), "花名册.xls"
    else:
        rows = [[str(c) for c in r] for r in messy_rows(numbers, excel_cells=False)]
        content, name = csv_bytes(rows, "gb18030"), "花名册.csv"
    job = run_upload(user, "members.roster", content, name, target=target.pk)
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 6
    members = {
        m.name: m for m in Member.objects.filter(name__in=["赵一", "钱二", "孙三", "李四", "周五", "吴六"])
    }
    assert {m.union_id for m in members.values()} == {target.pk}
    assert [members[n].phone for n in ["赵一", "钱二", "孙三", "李四", "周五", "吴六"]] == [
        "13804112345",
        "13904112346",
        "13704112347",
        "13604112348",
        "0411-84123456",
        "13504112349",
    ]
    assert members["钱二"].id_hash  # the full-width number was read as the number
    assert members["李四"].joined_on == datetime.date(2023, 5, 1)
    assert members["周五"].joined_on == datetime.date(2019, 3, 1)
    assert members["吴六"].joined_on == datetime.date(2023, 5, 1)
    assert (members["赵一"].education, members["钱二"].education, members["吴六"].education) == (
        "bachelor",
        "college",
        "",
    )
    # 用工形式 absent: "not recorded", not a refusal
    assert {m.employment_form for m in members.values()} == {EmploymentForm.NOT_RECORDED}
    # rows that are not records: skipped and listed, none imported, none refused
    reasons = [(s["from"], s["reason"]) for s in job.skipped]
    assert (1, "title") in reasons and (2, "title") in reasons
    assert (7, "blank") in reasons and (11, "total") in reasons
    assert (12, "note") in reasons and (13, "note") in reasons
    # nothing dropped silently: every column not taken is named, with why
    unused = dict(job.columns_note["unused"])
    assert set(unused) >= {"序号", "民族", "性别", "出生年月"}
    assert dict(job.columns_note["defaulted"])["用工形式"] == "未记录"
    assert "已识别但不导入：序号、民族、性别、出生年月" in job.message and "跳过了" in job.message
    assert not job.file  # the upload is deleted once processed


def test_birth_month_is_checked_against_the_id_number():
    user = demo_user("gjz_editor")
    number = new_id(birth=datetime.date(1980, 3, 15))
    rows = [["姓名", "身份证号", "出生年月", "所在工会"], ["郑七", number, "1980年4月", "G0001"]]
    job = run_upload(user, "members.roster", xlsx_bytes(rows, text_columns=[1]))
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["column"] == "出生日期" and "1980年4月" in job.errors[0]["message"]


def test_a_district_user_without_a_union_column_or_choice_is_told_to_give_one():
    rows = [["姓名", "身份证号"], ["郑八", new_id()]]
    job = run_upload(demo_user("gjz_editor"), "members.roster", xlsx_bytes(rows, text_columns=[1]))
    assert job.status == ImportJob.Status.FAILED and job.errors[0]["column"] == "所在工会"


def test_a_target_outside_the_scope_is_refused():
    rows = [["姓名", "身份证号"], ["郑九", new_id()]]
    outside = (
        unit("G0001")
        .__class__.objects.exclude(path__startswith=demo_user("gjz_editor").org_path)
        .filter(kind__in=["grassroots"])
        .first()
    )
    job = run_upload(
        demo_user("gjz_editor"), "members.roster", xlsx_bytes(rows, text_columns=[1]), target=outside.pk
    )
    assert job.status == ImportJob.Status.FAILED and "不在您的管辖范围" in job.message
    assert not Member.objects.filter(name="郑九").exists()


# -- fix and re-upload ------------------------------------------------------------------------


def _bad_roster():
    numbers = [new_id() for _ in range(4)]
    wrong = numbers[2][:17] + ("0" if numbers[2][17] != "0" else "1")
    rows = [
        ["会员花名册"],
        ["姓名", "身份证号码", "联系电话", "所在工会", "入会日期"],
        ["甲一", numbers[0], "13800000001", "G0001", "2023-01-01"],
        ["乙二", numbers[1], "1380000000", "G0001", "2023-01-01"],  # 10 digits
        ["丙三", wrong, "13800000003", "G0001", "2023-01-01"],  # wrong check character
        ["丁四", numbers[3], "13800000004", "G0001", "2023-01-01"],
        ["合计", "", "", "", "4"],
    ]
    return rows, numbers


def test_the_error_file_is_the_users_file_marked_and_a_fixed_one_goes_in():
    user = demo_user("gjz_editor")
    rows, numbers = _bad_roster()
    job = run_upload(user, "members.roster", xlsx_bytes(rows, text_columns=[1]), "名册.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert not job.file  # the upload is gone; the marked file stays, encrypted
    with job.error_file.open("rb") as fh:
        stored = fh.read()
    assert stored.startswith(crypto.MAGIC) and numbers[0].encode() not in stored
    ws = error_workbook(job).worksheets[0]
    # same layout: the title where it was, the header on row 2, every value as written
    assert ws["A1"].value == "会员花名册" and ws["B2"].value == "身份证号码"
    assert [ws[f"B{r}"].value for r in (3, 4, 6)] == [numbers[0], numbers[1], numbers[3]]
    assert ws["A7"].value == "合计"
    assert ws["C4"].fill.fgColor.rgb.endswith("FFC7CE") and "电话" in ws["C4"].comment.text
    assert ws["B5"].comment is not None and ws["B3"].comment is None
    assert "身份证号" in ws["F5"].value  # the row's notes column
    # the user fixes the two marked cells and uploads the same file again
    ws["C4"].value = "13800000002"
    ws["B5"].value = new_id()
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    again = run_upload(user, "members.roster", buffer.getvalue(), "名册-错误标注.xlsx")
    assert again.status == ImportJob.Status.DONE, (again.message, again.errors)
    assert again.created_count == 4
    assert "错误说明" not in again.message  # the notes column is ours: left aside quietly
    job.refresh_from_db()
    assert not job.error_file and job.files_purged_at  # deleted once a later upload succeeded


def test_only_the_uploader_and_administrators_of_their_node_get_the_error_file(client):
    uploader = demo_user("gjz_editor")
    rows, _numbers = _bad_roster()
    job = run_upload(uploader, "members.roster", xlsx_bytes(rows, text_columns=[1]), "名册.xlsx")
    url = reverse("imports:errors", args=[job.pk])
    allowed = {
        "gjz_editor": 200,
        "gjz_admin": 200,
        "gjz_reviewer": 404,
        "gjz_viewer": 404,
        "city_admin": 404,
        "zs_admin": 404,
    }
    for username, status in allowed.items():
        client.force_login(demo_user(username))
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            body = b"".join(response.streaming_content)
            assert openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]["B3"].value == _numbers[0]
            assert (
                "名册-错误标注.xlsx" in response["Content-Disposition"]
                or "filename*" in response["Content-Disposition"]
            )
    other_editor = make_user("gjz_editor2", "210211", ["editor"])
    client.force_login(other_editor)
    assert client.get(url).status_code == 404


def test_files_are_deleted_after_the_configured_days(settings):
    settings.UNIONWORK_IMPORT_FILE_DAYS = 7
    rows, _numbers = _bad_roster()
    old = run_upload(demo_user("gjz_editor"), "members.roster", xlsx_bytes(rows, text_columns=[1]))
    recent = run_upload(demo_user("gjz_admin"), "members.roster", xlsx_bytes(rows, text_columns=[1]))
    ImportJob.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=8))
    path = old.error_file.path
    call_command("imports_purge_files")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.error_file and old.files_purged_at
    import os

    assert not os.path.exists(path)
    assert recent.error_file  # younger than 7 days: kept


# -- unrecognised headers: the user maps them, once per layout --------------------------------


def test_unknown_headers_are_mapped_once_and_remembered_for_the_node():
    user = demo_user("gjz_editor")
    header = ["职工名字", "证件号", "工作电话", "所在工会"]
    first = [header, ["冯十", new_id(), "13800001111", "G0001"]]
    job = run_upload(user, "members.roster", xlsx_bytes(first, text_columns=[1]), "自制表.xlsx")
    assert job.status == ImportJob.Status.MAPPING
    request = job.options["mapping_request"]
    assert request["missing"] == ["姓名", "身份证号"] and request["guesses"] == {"3": "union"}
    assert job.file  # kept for the mapping step
    with audit.acting_as(user, "test"):
        new = jobs.map_columns(user, job, {"0": "name", "1": "id_number", "2": "phone", "3": "union"})
    new.refresh_from_db()
    assert new.status == ImportJob.Status.DONE, (new.message, new.errors)
    assert Member.objects.get(name="冯十").phone == "13800001111"
    assert ImportMapping.objects.filter(org_path=user.org_path, importer="members.roster").count() == 1
    # the next file of the same layout from the same node goes straight in
    second = [header, ["陈十一", new_id(), "13800002222", "G0001"]]
    again = run_upload(demo_user("gjz_admin"), "members.roster", xlsx_bytes(second, text_columns=[1]))
    assert again.status == ImportJob.Status.DONE, again.message
    # another node has not chosen it
    other = run_upload(demo_user("jx_admin"), "members.roster", xlsx_bytes(second, text_columns=[1]))
    assert other.status == ImportJob.Status.MAPPING


def test_a_mapping_without_a_needed_column_is_refused_in_chinese():
    from unionwork.core.errors import ActionError

    user = demo_user("gjz_editor")
    job = run_upload(
        user, "members.roster", xlsx_bytes([["职工名字", "证件号"], ["冯十二", new_id()]], text_columns=[1])
    )
    with pytest.raises(ActionError, match="身份证号"):
        jobs.map_columns(user, job, {"0": "name", "1": ""})
    with pytest.raises(ActionError, match="选了两次"):
        jobs.map_columns(user, job, {"0": "name", "1": "name"})


def test_the_mapping_page(client):
    user = demo_user("gjz_editor")
    job = run_upload(
        user,
        "members.roster",
        xlsx_bytes([["职工名字", "证件号", "工会"], ["冯十三", new_id(), "G0001"]], text_columns=[1]),
    )
    client.force_login(user)
    page = client.get(reverse("imports:job", args=[job.pk]))
    assert reverse("imports:mapping", args=[job.pk]) in page.content.decode()
    url = reverse("imports:mapping", args=[job.pk])
    response = client.get(url)
    assert response.status_code == 200 and "职工名字" in response.content.decode()
    response = client.post(url, {"col_0": "name", "col_1": "id_number", "col_2": "union"})
    assert response.status_code == 302
    assert Member.objects.filter(name="冯十三").exists()
    client.force_login(demo_user("gjz_admin"))  # not the uploader: no mapping of someone else's file
    assert client.get(url).status_code == 404

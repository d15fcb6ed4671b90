"""The import mechanism: columns, readers, the all-or-nothing engine, the marked file, the pages."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from unionwork.accounts.models import Role, User
from unionwork.core import imports
from unionwork.core.errors import ActionError
from unionwork.core.imports import engine
from unionwork.core.imports.readers import CsvSheet, ExcelSheet, ImportFileError, open_sheet
from unionwork.core.imports.testing import csv_bytes, error_workbook, run_upload, xlsx_bytes
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.orgs.models import OrgUnit

from .factories import demo_user

# -- a test importer over accounts' plain fields: the generic bulk path ---------------------------


def _units(user):
    return OrgUnit.objects.restrict(user)


class PhoneBookImporter(imports.Importer):
    name = "test.phonebook"
    label = "通讯录"
    model = User
    key = ("username",)
    permission = "manage"
    columns = [
        imports.TextColumn("用户名", "username", required=True, keep_text=True, max_length=150),
        imports.TextColumn("姓名", "full_name", required=True, max_length=50),
        imports.ReferenceColumn("所属组织", "org", queryset=_units, noun="组织", keep_if_blank=True),
        imports.TextColumn(
            "手机号", "phone", digits_only=True, pattern=r"1[3-9]\d{9}", pattern_help="手机号应为 11 位数字。"
        ),
        imports.ChoiceColumn("角色", "roles", choices=Role.choices, multiple=True, keep_if_blank=True),
    ]

    def validate_row(self, row, ctx):
        if row.existing is None and row.get("org") is None:
            ctx.error(row, "org", "新增时必填。")

    def build(self, row, ctx):
        user = super().build(row, ctx)
        user.set_unusable_password()
        return user


class FailingWriteImporter(PhoneBookImporter, imports.RowwiseImporter):
    """Writes rows one by one and refuses, at write time only, the name 写入失败."""

    name = "test.failing"

    def write_row(self, row, ctx):
        if row.get("full_name") == "写入失败":
            raise ActionError("动作拒绝了这一行。", code="bad_name")
        self._save_batch([row], ctx, imports.WriteCounts())
        return "created"

    error_fields = {"bad_name": "full_name"}


@pytest.fixture(autouse=True)
def _test_importers(registered):
    """The test importers exist for this file's tests only (never in the live registry)."""
    from unionwork.core.imports.base import IMPORTERS

    for importer in (PhoneBookImporter, FailingWriteImporter):
        registered(IMPORTERS, importer.name, importer)


HEADER = ["用户名", "姓名", "所属组织", "手机号", "角色"]


def _people(n: int, start: int = 0) -> list[list]:
    return [
        [f"imp{i:04d}", f"导入人员{i}", "210211", f"1380000{i:04d}", "查看员"]
        for i in range(start, start + n)
    ]


# -- columns --------------------------------------------------------------------------------------


class TestColumns:
    def test_text_is_trimmed_and_checked_for_length(self):
        col = imports.TextColumn("名称", "name", max_length=5)
        assert col.clean("  甲乙 ") == "甲乙"
        with pytest.raises(imports.CellError, match="内容过长：6 个字，最多 5 个字"):
            col.clean("甲乙丙丁戊己")

    def test_required_cell(self):
        with pytest.raises(imports.CellError, match="必填"):
            imports.TextColumn("名称", "name", required=True).clean("   ")

    def test_id_number_stored_as_excel_number_is_refused(self):
        col = imports.TextColumn("身份证号", "id_number", keep_text=True)
        with pytest.raises(imports.CellError, match="文本"):
            col.clean(2.1020219900101123e17)

    def test_small_integral_code_is_accepted_as_text(self):
        assert imports.TextColumn("代码", "code", digits_only=True).clean(210211.0) == "210211"
        with pytest.raises(imports.CellError, match="文本"):
            imports.TextColumn("代码", "code", keep_text=True).clean(2102.5)

    def test_number_where_text_expected(self):
        col = imports.TextColumn("名称", "name")
        assert col.clean(12.0) == "12"
        with pytest.raises(imports.CellError, match="文本"):
            col.clean(1e16)
        with pytest.raises(imports.CellError, match="日期"):
            col.clean(datetime.date(2024, 1, 1))

    def test_pattern(self):
        col = imports.TextColumn(
            "手机号", "phone", digits_only=True, pattern=r"1[3-9]\d{9}", pattern_help="须为手机号。"
        )
        assert col.clean(13800138000.0) == "13800138000"
        with pytest.raises(imports.CellError, match="须为手机号"):
            col.clean("12345678901")
        with pytest.raises(imports.CellError, match="只能填写数字"):
            col.clean("138-0013-800")

    def test_integer(self):
        col = imports.IntegerColumn("人数", "n", min_value=0, max_value=5000)
        assert col.clean("1,200") == 1200
        assert col.clean(3.0) == 3
        with pytest.raises(imports.CellError, match="整数"):
            col.clean(3.5)
        with pytest.raises(imports.CellError, match="不能大于 5000"):
            col.clean(6000)
        with pytest.raises(imports.CellError, match="整数"):
            col.clean("三")

    def test_decimal_ignores_float_noise_but_not_extra_places(self):
        col = imports.DecimalColumn("金额", "amount", decimal_places=2)
        assert col.clean(0.1 + 0.2) == Decimal("0.30")
        assert col.clean("1,234.5") == Decimal("1234.50")
        with pytest.raises(imports.CellError, match="最多 2 位小数"):
            col.clean("12.345")
        with pytest.raises(imports.CellError, match="数字"):
            col.clean("abc")

    @pytest.mark.parametrize(
        "raw",
        [
            datetime.date(2024, 1, 31),
            datetime.datetime(2024, 1, 31, 8, 30),
            "2024-01-31",
            "2024/1/31",
            "2024.1.31",
            "2024年1月31日",
            "20240131",
            20240131.0,
            45322.0,
            "2024-01-31 00:00:00",
        ],
    )
    def test_date_formats(self, raw):
        assert imports.DateColumn("日期", "d").clean(raw) == datetime.date(2024, 1, 31)

    def test_bad_dates(self):
        col = imports.DateColumn("日期", "d")
        with pytest.raises(imports.CellError, match="不存在"):
            col.clean("2024-02-30")
        with pytest.raises(imports.CellError, match="2024-01-31"):
            col.clean("去年")

    @given(
        st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2999, 12, 31)),
        st.sampled_from(
            ["{d:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d.year}年{d.month}月{d.day}日", "{d:%Y%m%d}"]
        ),
    )
    def test_every_date_round_trips_through_every_format(self, day, fmt):
        assert imports.DateColumn("日期", "d").clean(fmt.format(d=day)) == day

    @given(st.integers(min_value=0, max_value=10**15 - 1))
    def test_integral_floats_below_the_limit_keep_their_digits(self, n):
        assert imports.cell_text(float(n), keep_text=True) == str(n)

    def test_bool(self):
        col = imports.BoolColumn("是否", "flag")
        assert col.clean("是") is True and col.clean("否") is False and col.clean(True) is True
        with pytest.raises(imports.CellError, match="“是”或“否”"):
            col.clean("也许")

    def test_choice_by_label_or_value(self):
        col = imports.ChoiceColumn("角色", "role", choices=Role.choices)
        assert col.clean("管理员") == "administrator"
        assert col.clean("viewer") == "viewer"
        with pytest.raises(imports.CellError, match="可选：管理员、填报员、审核员、查看员"):
            col.clean("局长")

    def test_multiple_choice(self):
        col = imports.ChoiceColumn("角色", "roles", choices=Role.choices, multiple=True)
        assert col.clean("查看员、管理员, 查看员") == ["administrator", "viewer"]
        assert col.clean("") == []


# -- readers --------------------------------------------------------------------------------------

ROWS = [["代码", "名称"], ["210211", "甘井子区"], ["G0001", "演示工会，有逗号"]]


class TestReaders:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_csv_encodings(self, encoding):
        sheet = open_sheet(io.BytesIO(csv_bytes(ROWS, encoding)), "a.csv")
        assert isinstance(sheet, CsvSheet)
        assert [cells for _n, cells in sheet.rows()] == ROWS

    def test_xlsx_rows_are_numbered_as_excel_shows_them(self):
        sheet = open_sheet(io.BytesIO(xlsx_bytes([["标题"], [], *ROWS])), "a.xlsx")
        numbered = [(n, c) for n, c in sheet.rows() if any(c)]
        assert numbered[0] == (1, ["标题", ""]) and numbered[1] == (3, ["代码", "名称"])

    def test_xls_is_read_by_calamine_whatever_the_content(self):
        # We cannot build a real .xls here (no xlwt): the .xls name goes to calamine, which
        # detects the format from the content.
        sheet = open_sheet(io.BytesIO(xlsx_bytes(ROWS)), "旧格式.XLS")
        assert isinstance(sheet, ExcelSheet)
        assert [c for _n, c in sheet.rows()][1] == ["210211", "甘井子区"]

    @pytest.mark.parametrize(
        "content, name, message",
        [
            (b"", "a.xlsx", "文件是空的"),
            (b"", "a.csv", "文件是空的"),
            (b"not a workbook at all", "a.xlsx", "无法读取"),
            (b"PK\x03\x04broken", "a.xls", "无法读取"),
            (b"a,b\x00c", "a.csv", "不是有效的 CSV"),
            (b"x", "a.docx", "不支持的文件类型"),
            (b"x", "noext", "不支持的文件类型"),
        ],
    )
    def test_bad_files_give_a_chinese_message(self, content, name, message):
        with pytest.raises(ImportFileError, match=message):
            open_sheet(io.BytesIO(content), name)


# -- the engine -----------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def gjz_admin(db):
    return demo_user("gjz_admin")


def _marked_cell(job, ref):
    book = error_workbook(job)
    return book.worksheets[0][ref]


@pytest.mark.django_db
class TestEngine:
    def test_one_bad_row_among_many_writes_nothing_and_marks_the_cell(self, gjz_admin):
        rows = _people(40)
        rows[15][1] = "名" * 51  # row 17 as Excel numbers it
        events = AuditEvent.objects.count()
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        assert job.status == ImportJob.Status.FAILED
        assert not User.objects.filter(username__startswith="imp").exists()
        assert AuditEvent.objects.count() == events
        assert job.error_count == 1
        assert job.errors == [
            {"row": 17, "column": "姓名", "message": "内容过长：51 个字，最多 50 个字，请缩短。"}
        ]
        assert "第 17 行" not in job.message and "没有写入任何数据" in job.message
        cell = _marked_cell(job, "B17")
        assert cell.fill.fgColor.rgb.endswith("FFC7CE")
        assert "最多 50 个字" in cell.comment.text
        note = _marked_cell(job, "F17").value
        assert note == "「姓名」内容过长：51 个字，最多 50 个字，请缩短。"
        assert _marked_cell(job, "A2").value == "imp0000"

    def test_a_good_file_writes_every_row_audited_as_the_uploader(self, gjz_admin):
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *_people(25)]))
        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.created_count, job.updated_count, job.unchanged_count) == (25, 0, 0)
        assert job.processed_rows == job.total_rows == 25
        created = User.objects.filter(username__startswith="imp")
        assert created.count() == 25 and created.first().org.code == "210211"
        events = AuditEvent.objects.filter(
            model="accounts.user", verb="create", source="import", actor=gjz_admin
        )
        assert set(events.values_list("object_id", flat=True)) == {
            str(pk) for pk in created.values_list("pk", flat=True)
        }
        assert all("password" not in e.after for e in events)

    def test_upsert_counts_created_updated_unchanged(self, gjz_admin):
        viewer, editor = demo_user("gjz_viewer"), demo_user("gjz_editor")
        rows = [
            ["gjz_viewer", viewer.full_name, "", viewer.phone, "查看员"],  # the same: unchanged
            ["gjz_editor", "新的名字", "", "13912345678", ""],  # renamed, new phone; org and roles blank
            ["imp9999", "新人", "210211", "", "查看员"],
        ]
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        assert job.status == ImportJob.Status.DONE, job.errors
        assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 1)
        editor.refresh_from_db()
        assert (editor.full_name, editor.phone) == ("新的名字", "13912345678")
        event = AuditEvent.objects.filter(
            model="accounts.user", object_id=str(editor.pk), verb="update"
        ).latest("id")
        assert event.before["full_name"] != "新的名字" and event.after["full_name"] == "新的名字"

    def test_an_absent_optional_column_is_left_alone(self, gjz_admin):
        editor = demo_user("gjz_editor")
        job = run_upload(
            gjz_admin, "test.phonebook", xlsx_bytes([["用户名", "姓名"], ["gjz_editor", "只改名字"]])
        )
        assert job.status == ImportJob.Status.DONE
        editor.refresh_from_db()
        assert editor.full_name == "只改名字" and editor.org.code == "210211" and editor.roles == ["editor"]

    def test_duplicate_keys_in_the_file(self, gjz_admin):
        rows = _people(3) + [_people(1)[0]]
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        assert job.status == ImportJob.Status.FAILED
        assert job.errors == [
            {
                "row": 5,
                "column": "用户名",
                "message": "与第 2 行重复：同一个“imp0000”在文件中只能出现一次，请合并或删除重复的行。",
            }
        ]

    def test_unknown_and_out_of_scope_references_read_alike(self, gjz_admin):
        rows = _people(2)
        rows[0][2] = "210202"  # 中山区: exists, outside 甘井子区
        rows[1][2] = "999999"  # does not exist
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        messages = [e["message"] for e in job.errors]
        assert messages == [
            "在您的管辖范围内找不到代码或名称为“210202”的组织。请核对；重名时请改填代码。",
            "在您的管辖范围内找不到代码或名称为“999999”的组织。请核对；重名时请改填代码。",
        ]

    def test_a_key_used_outside_the_scope_cannot_be_taken(self, gjz_admin):
        job = run_upload(
            gjz_admin, "test.phonebook", xlsx_bytes([HEADER, ["zs_admin", "冒名", "210211", "", ""]])
        )
        assert job.status == ImportJob.Status.FAILED
        assert job.errors[0]["column"] == "用户名" and "已被使用" in job.errors[0]["message"]
        assert demo_user("zs_admin").full_name != "冒名"

    def test_id_trap_in_a_real_file(self, gjz_admin):
        rows = [[210202199001011234, "数字用户名", "210211", "", "查看员"]]
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        assert job.status == ImportJob.Status.FAILED
        assert "“文本”格式" in job.errors[0]["message"]
        assert _marked_cell(job, "A2").number_format == "@"

    def test_cells_bad_in_several_ways_are_all_reported(self, gjz_admin):
        rows = [["imp1", "", "210211", "12345", "局长"]]
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]))
        assert [(e["row"], e["column"]) for e in job.errors] == [(2, "姓名"), (2, "手机号"), (2, "角色")]

    def test_missing_header_columns(self, gjz_admin):
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([["用户名", "电话"], ["a", "1"]]))
        # Not refused: the user is asked to map the file's columns (the file is kept for that step).
        assert job.status == ImportJob.Status.MAPPING
        assert "找不到这些必需的列：姓名" in job.message
        assert job.options["mapping_request"]["headers"] == [[0, "用户名"], [1, "电话"]]
        assert not job.error_file

    def test_duplicate_header(self, gjz_admin):
        job = run_upload(
            gjz_admin, "test.phonebook", xlsx_bytes([["用户名", "姓名", "姓名"], ["a", "b", "c"]])
        )
        assert "出现了两次（第 B 列和第 C 列）" in job.message

    def test_header_below_a_title_and_marked_headers(self, gjz_admin):
        content = xlsx_bytes([["甘井子区通讯录"], ["用户名 *", "姓名（必填）"], ["imp0001", "张三"]])
        job = run_upload(gjz_admin, "test.phonebook", content)
        assert job.status == ImportJob.Status.FAILED  # org required for new rows: reported on row 3
        assert job.errors == [{"row": 3, "column": "所属组织", "message": "新增时必填。"}]
        assert job.skipped == [{"from": 1, "to": 1, "reason": "title", "text": "甘井子区通讯录"}]

    def test_header_below_two_title_rows_a_blank_row_and_full_width_headers(self, gjz_admin):
        content = xlsx_bytes(
            [
                ["甘井子区通讯录"],
                ["制表：办公室", "", "2024年5月"],
                [],
                ["用户名：", "　姓　名　", "所属组织（代码）"],
                ["imp0002", "张三", "２１０２１１"],
                ["合计", "1人"],
            ]
        )
        job = run_upload(gjz_admin, "test.phonebook", content)
        assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
        assert job.created_count == 1
        assert [(s["from"], s["reason"]) for s in job.skipped] == [
            (1, "title"),
            (2, "title"),
            (3, "blank"),
            (6, "total"),
        ]

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_csv_files(self, gjz_admin, encoding):
        job = run_upload(
            gjz_admin, "test.phonebook", csv_bytes([HEADER, *_people(3)], encoding), "通讯录.csv"
        )
        assert job.status == ImportJob.Status.DONE, job.message
        assert User.objects.filter(username__startswith="imp", full_name__startswith="导入人员").count() == 3

    def test_a_bad_csv_gets_an_xlsx_marked_file(self, gjz_admin):
        rows = _people(2)
        rows[1][3] = "12"
        job = run_upload(gjz_admin, "test.phonebook", csv_bytes([HEADER, *rows], "gb18030"), "通讯录.csv")
        assert job.status == ImportJob.Status.FAILED
        assert _marked_cell(job, "D3").comment is not None  # an .xlsx, whatever was uploaded

    def test_malformed_and_empty_files(self, gjz_admin):
        job = run_upload(gjz_admin, "test.phonebook", b"garbage", "坏文件.xlsx")
        assert job.status == ImportJob.Status.FAILED and "无法读取" in job.message
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([]), "空.xlsx")
        assert job.status == ImportJob.Status.FAILED and "没有内容" in job.message

    def test_dry_run_writes_nothing_and_previews_the_changes(self, gjz_admin):
        rows = [["gjz_editor", "预览的名字", "", "", ""], *_people(2)]
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *rows]), dry_run=True)
        assert job.status == ImportJob.Status.DONE
        assert (job.created_count, job.updated_count) == (2, 1)
        assert "没有写入任何数据" in job.message
        assert not User.objects.filter(username__startswith="imp").exists()
        assert demo_user("gjz_editor").full_name != "预览的名字"
        preview = job.options["preview"]
        assert preview[0]["action"] == "update" and preview[0]["key"] == "gjz_editor"
        assert (
            preview[0]["changes"][0]["column"] == "姓名" and preview[0]["changes"][0]["new"] == "预览的名字"
        )
        assert preview[1] == {"row": 3, "key": "imp0000", "action": "create"}

    def test_a_row_refused_while_writing_rolls_everything_back(self, gjz_admin):
        rows = _people(5)
        rows[3][1] = "写入失败"
        job = run_upload(gjz_admin, "test.failing", xlsx_bytes([HEADER, *rows]))
        assert job.status == ImportJob.Status.FAILED
        assert job.errors == [{"row": 5, "column": "姓名", "message": "动作拒绝了这一行。"}]
        assert not User.objects.filter(username__startswith="imp").exists()
        assert _marked_cell(job, "B5").comment is not None

    def test_progress_is_reported_as_rows_are_checked(self, gjz_admin, monkeypatch):
        monkeypatch.setattr(engine, "PROGRESS_MIN_STEP", 10)
        seen = []
        ctx = imports.ImportContext(gjz_admin, PhoneBookImporter())
        sheet = open_sheet(io.BytesIO(xlsx_bytes([HEADER, *_people(45)])), "a.xlsx")
        engine.Checker(ctx, sheet, lambda done, total: seen.append((done, total))).run()
        assert seen == [(10, 45), (20, 45), (30, 45), (40, 45)]

    def test_a_job_runs_only_once(self, gjz_admin):
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *_people(1)]))
        assert job.status == ImportJob.Status.DONE
        engine.run_import(job)
        assert User.objects.filter(username="imp0000").count() == 1


# -- the template ---------------------------------------------------------------------------------


def test_template_has_headers_notes_text_format_and_dropdowns():
    from unionwork.core.imports.templates_xlsx import build_template

    book = openpyxl.load_workbook(io.BytesIO(build_template(PhoneBookImporter())))
    ws = book.worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    assert "必填" in ws["A1"].comment.text
    assert ws.column_dimensions["A"].number_format == "@"
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    roles = validations["E2"]
    assert roles.type == "list"
    options = book[roles.formula1.split("!")[0].strip("'")]
    column = roles.formula1.split("!$")[1][0]
    assert [options[f"{column}{i}"].value for i in range(2, 6)] == ["管理员", "填报员", "审核员", "查看员"]
    assert options.sheet_state == "hidden"
    assert book.worksheets[-1]["A1"].value == "列名"


# -- the pages ------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestViews:
    def _upload(self, client, name, content, filename="导入.xlsx", dry_run=False):
        upload = io.BytesIO(content)
        upload.name = filename
        data = {"file": upload}
        if dry_run:
            data["dry_run"] = "on"
        return client.post(reverse("imports:upload", args=[name]), data)

    def test_upload_then_job_page_then_progress_shows_done(self, client, gjz_admin):
        client.force_login(gjz_admin)
        assert client.get(reverse("imports:upload", args=["test.phonebook"])).status_code == 200
        response = self._upload(client, "test.phonebook", xlsx_bytes([HEADER, *_people(3)]))
        job = ImportJob.objects.latest("id")
        assert response.status_code == 302 and response.url == reverse("imports:job", args=[job.pk])
        assert job.org_path == gjz_admin.org.path and job.user == gjz_admin
        page = client.get(response.url)
        assert page.status_code == 200 and 'data-testid="import-progress"' in page.text
        fragment = client.get(reverse("imports:progress", args=[job.pk]))
        assert 'data-status="done"' in fragment.text and "hx-get" not in fragment.text
        assert "导入完成：新增 3 条" in fragment.text

    def test_a_running_job_polls(self, client, gjz_admin):
        job = ImportJob.objects.create(
            importer="test.phonebook",
            user=gjz_admin,
            org_path=gjz_admin.org.path,
            file="x.xlsx",
            original_name="x.xlsx",
            status=ImportJob.Status.CHECKING,
            total_rows=200,
            processed_rows=50,
        )
        client.force_login(gjz_admin)
        fragment = client.get(reverse("imports:progress", args=[job.pk])).text
        assert 'hx-trigger="every 1s"' in fragment and "width: 25%" in fragment

    def test_failed_job_lists_errors_and_offers_the_marked_file(self, client, gjz_admin):
        client.force_login(gjz_admin)
        rows = _people(2)
        rows[1][3] = "123"
        self._upload(client, "test.phonebook", xlsx_bytes([HEADER, *rows]), "通讯录.xlsx")
        job = ImportJob.objects.latest("id")
        page = client.get(reverse("imports:job", args=[job.pk])).text
        assert "问题与修改方法" in page and "手机号应为 11 位数字。" in page
        response = client.get(reverse("imports:errors", args=[job.pk]))
        assert response.status_code == 200
        assert "filename*=utf-8''%E9%80%9A%E8%AE%AF%E5%BD%95-" in response["Content-Disposition"]
        book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        assert book.get_sheet_by_index(0).to_python()[2][0] == "imp0001"

    def test_wrong_extension_and_empty_upload_are_refused(self, client, gjz_admin):
        client.force_login(gjz_admin)
        response = self._upload(client, "test.phonebook", b"hello", "名单.docx")
        assert response.status_code == 400 and "不支持的文件类型“.docx”" in response.text
        response = self._upload(client, "test.phonebook", b"", "名单.csv")
        assert response.status_code == 400
        assert not ImportJob.objects.filter(user=gjz_admin).exists()

    def test_too_large_upload_is_refused(self, client, gjz_admin, monkeypatch):
        from unionwork.core.imports import views as import_views

        monkeypatch.setattr(import_views, "MAX_UPLOAD_BYTES", 10)
        client.force_login(gjz_admin)
        response = self._upload(client, "test.phonebook", xlsx_bytes([HEADER]))
        assert response.status_code == 400 and "超过 100 MB" in response.text

    def test_who_may_import(self, client):
        client.force_login(demo_user("gjz_viewer"))
        assert client.get(reverse("imports:upload", args=["orgs.units"])).status_code == 403
        client.force_login(demo_user("gjz_editor"))  # may change, but accounts need manage
        assert client.get(reverse("imports:upload", args=["accounts.users"])).status_code == 403
        assert client.get(reverse("imports:upload", args=["no.such"])).status_code == 404

    def test_template_download(self, client, gjz_admin):
        client.force_login(gjz_admin)
        response = client.get(reverse("imports:template", args=["test.phonebook"]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value == "用户名"

    def test_jobs_outside_the_scope_are_404_and_not_listed(self, client, gjz_admin):
        job = run_upload(gjz_admin, "test.phonebook", xlsx_bytes([HEADER, *_people(1)]))
        client.force_login(demo_user("zs_admin"))
        for name in ("job", "progress", "errors"):
            assert client.get(reverse(f"imports:{name}", args=[job.pk])).status_code == 404
        assert f'href="/imports/jobs/{job.pk}/"' not in client.get(reverse("imports:jobs")).text
        client.force_login(demo_user("city_admin"))
        assert f'href="/imports/jobs/{job.pk}/"' in client.get(reverse("imports:jobs")).text

    def test_preview_then_confirm(self, client, gjz_admin):
        client.force_login(gjz_admin)
        self._upload(client, "test.phonebook", xlsx_bytes([HEADER, *_people(2)]), dry_run=True)
        preview = ImportJob.objects.latest("id")
        page = client.get(reverse("imports:job", args=[preview.pk])).text
        assert "将新增" in page and 'data-testid="confirm-import"' in page
        assert not User.objects.filter(username__startswith="imp").exists()
        response = client.post(reverse("imports:confirm", args=[preview.pk]))
        job = ImportJob.objects.latest("id")
        assert response.url == reverse("imports:job", args=[job.pk]) and job.pk != preview.pk
        assert job.status == ImportJob.Status.DONE and job.created_count == 2
        assert User.objects.filter(username__startswith="imp").count() == 2
        # Each start of a job (the preview, the confirmed write) is an audited action.
        started = AuditEvent.objects.filter(model="core.importjob", verb="create")
        assert set(started.values_list("object_id", flat=True)) >= {str(preview.pk), str(job.pk)}
        # A preview is written once: the same file cannot be confirmed by another user.
        client.force_login(demo_user("gjz_editor"))
        assert client.post(reverse("imports:confirm", args=[preview.pk])).status_code in (403, 404)


@pytest.mark.django_db
def test_one_pass_progress_on_sqlite_is_shown_from_the_side_file(client):
    """A one-pass import holds SQLite's write lock: the job page reads its progress from a file."""
    from unionwork.core import audit
    from unionwork.core.imports.engine import _SideProgress
    from unionwork.core.models import ImportJob
    from unionwork.core.tests.factories import demo_user

    user = demo_user("gjz_editor")
    with audit.acting_as(user, "test"):
        job = ImportJob.objects.create(
            importer="orgs.units",
            user=user,
            org_path=user.org.path,
            original_name="x.csv",
            status=ImportJob.Status.WRITING,
        )
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL saves progress through a second connection (tested in members)")
    progress = _SideProgress(job)
    progress(250, 1000)
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=0)  # as another connection sees it
    client.force_login(user)
    html = client.get(f"/imports/jobs/{job.pk}/progress/").content.decode()
    assert "25%" in html or "250" in html
    progress.close()
    from unionwork.core.imports.engine import side_progress

    assert side_progress(job) is None

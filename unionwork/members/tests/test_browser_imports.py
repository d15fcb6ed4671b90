"""In Debian's chromium: a district clerk imports the roster the office keeps, without editing it,
and fixes a refused roster by correcting the marked cells of the error file and uploading it again."""

from __future__ import annotations

import datetime

import openpyxl

from unionwork.core import identifiers
from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_search
from unionwork.members.models import EmploymentForm, Member
from unionwork.orgs.models import OrgUnit

from .test_imports_mess import _bad_roster, _xlsx_with_merged_title, messy_rows

pytestmark = browser_marks


def _numbers(n: int, seed: int) -> list[str]:
    return [identifiers.make_id("210211", datetime.date(1971 + i, 2 + i, 3 + i), seed + i) for i in range(n)]


def test_a_messy_roster_goes_in_without_edits(page, live_server, seeded, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    union = OrgUnit.objects.get(code="G0001")
    path = tmp_path / "甘井子演示公司会员花名册.xlsx"
    path.write_bytes(_xlsx_with_merged_title(messy_rows(_numbers(6, 101))))

    login(page, base, "gjz_editor")
    page.goto(base + "/imports/members.roster/")
    # The target union is chosen with the one picker, by its code here.
    picker_search(page, "id_target", union.code).locator(".option", has_text=union.name).click()
    page.set_input_files("#id_file", str(path))
    page.screenshot(path=str(ARTIFACTS / "imports-roster-upload.png"), full_page=True)
    page.get_by_role("button", name="上传并校验").click()
    progress = page.get_by_test_id("import-progress")
    progress.and_(page.locator("[data-status=done]")).wait_for()
    message = page.get_by_test_id("import-message").inner_text()
    assert "新增 6 条" in message, message
    skipped = page.get_by_test_id("skipped-rows").inner_text()
    assert "合计行" in skipped and "表头上方的标题或说明" in skipped and "注释或签字行" in skipped
    note = page.get_by_test_id("columns-note").inner_text()
    assert "民族" in note and "用工形式＝未记录" in note
    page.screenshot(path=str(ARTIFACTS / "imports-roster-messy-done.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "imports-roster-messy-done-phone.png"), full_page=True)
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), wide
    members = Member.objects.filter(union=union, name__in=["赵一", "钱二", "孙三", "李四", "周五", "吴六"])
    assert members.count() == 6
    assert set(members.values_list("employment_form", flat=True)) == {EmploymentForm.NOT_RECORDED}


def test_a_fixed_error_file_goes_in(page, live_server, seeded, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    rows, numbers = _bad_roster()
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "名册.xlsx"
    book.save(path)

    login(page, base, "gjz_editor")
    page.goto(base + "/imports/members.roster/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.locator("[data-testid=import-progress][data-status=failed]").wait_for()
    assert page.get_by_test_id("import-errors").locator("tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "imports-roster-failed.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("error-file-link").click()
    marked = tmp_path / download.value.suggested_filename
    download.value.save_as(marked)
    assert marked.name == "名册-错误标注.xlsx"

    fixed = openpyxl.load_workbook(marked)
    ws = fixed.worksheets[0]
    assert ws["B3"].value == numbers[0]  # the user's values, as written
    ws["C4"].value = "13800000002"  # the two marked cells, corrected
    ws["B5"].value = identifiers.make_id("210211", datetime.date(1988, 8, 8), 321)
    fixed.save(marked)

    page.goto(base + "/imports/members.roster/")
    page.set_input_files("#id_file", str(marked))
    page.get_by_role("button", name="上传并校验").click()
    page.locator("[data-testid=import-progress][data-status=done]").wait_for()
    assert "新增 4 条" in page.get_by_test_id("import-message").inner_text()
    page.screenshot(path=str(ARTIFACTS / "imports-roster-fixed-done.png"), full_page=True)
    assert Member.objects.filter(name__in=["甲一", "乙二", "丙三", "丁四"]).count() == 4


def test_unknown_headers_are_mapped_in_the_page(page, live_server, seeded, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    book = openpyxl.Workbook()
    book.active.append(["职工名字", "证件号", "工作电话", "工会"])
    book.active.append(["冯十", _numbers(1, 555)[0], "13800001111", "G0001"])
    path = tmp_path / "自制表.xlsx"
    book.save(path)
    login(page, base, "gjz_editor")
    page.goto(base + "/imports/members.roster/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.locator("[data-testid=import-progress][data-status=mapping]").wait_for()
    page.screenshot(path=str(ARTIFACTS / "imports-mapping-needed.png"), full_page=True)
    page.get_by_test_id("mapping-link").click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "imports-mapping-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("mapping-0").select_option("name")
    page.get_by_test_id("mapping-1").select_option("id_number")
    page.get_by_test_id("mapping-2").select_option("phone")
    page.screenshot(path=str(ARTIFACTS / "imports-mapping.png"), full_page=True)
    page.get_by_test_id("mapping-submit").click()
    page.locator("[data-testid=import-progress][data-status=done]").wait_for()
    assert Member.objects.filter(name="冯十").exists()

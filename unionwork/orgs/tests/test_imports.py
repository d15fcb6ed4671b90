"""Import of the organisation tree: through the actions, parents first, checked before writing."""

from __future__ import annotations

import io

import openpyxl
import pytest

from unionwork.core.imports.templates_xlsx import build_template
from unionwork.core.imports.testing import error_workbook, run_upload, xlsx_bytes
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs.imports import OrgUnitImporter
from unionwork.orgs.models import OrgEvent, OrgKind, OrgUnit

pytestmark = pytest.mark.django_db

HEADER = ["组织代码", "组织名称", "组织类型", "上级组织", "所属产业工会"]


@pytest.fixture
def gjz_admin():
    return demo_user("gjz_admin")


def _run(user, rows, header=HEADER, **options):
    return run_upload(
        user, "orgs.units", xlsx_bytes([header, *rows], text_columns=[0]), "组织.xlsx", **options
    )


def test_new_units_parents_first_and_updates_through_the_actions(gjz_admin):
    community = unit("210211001001")
    rows = [
        ["T001", "演示机床厂工会", "基层工会", "210211001001", "I01"],
        ["T002", "演示联合工会", "联合工会", "210211", ""],
        ["T003", "联合工会下的演示企业工会", "基层工会", "T002", ""],  # parent set up two rows above
        ["210211001001", "周东社区工会（改）", "", "", ""],  # rename only: kind and parent blank = kept
    ]
    job = _run(gjz_admin, rows)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 1, 0)
    t1, t2, t3 = unit("T001"), unit("T002"), unit("T003")
    assert t1.parent == community and t1.industrial_union.code == "I01"
    assert t1.ipath.startswith(unit("I01").path)
    assert t3.parent == t2 and t3.path == f"{t2.path}{t3.pk}/" and t3.depth == t2.depth + 1
    community.refresh_from_db()
    assert community.name == "周东社区工会（改）" and community.kind == OrgKind.COMMUNITY
    assert OrgEvent.objects.filter(unit=community, kind=OrgEvent.Kind.RENAMED).exists()
    events = AuditEvent.objects.filter(model="orgs.orgunit", source="import", actor=gjz_admin)
    assert sorted(events.values_list("verb", flat=True)) == ["create", "create", "create", "update"]


def test_the_same_file_again_changes_nothing(gjz_admin):
    rows = [["T101", "演示工会甲", "基层工会", "210211001001", ""]]
    assert _run(gjz_admin, rows).created_count == 1
    job = _run(gjz_admin, rows)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)


def test_move_and_relink(gjz_admin):
    g = unit("G0001")  # under 210211001001, linked to I01
    job = _run(gjz_admin, [["G0001", g.name, "基层工会", "210211001002", "I02"]])
    assert job.status == ImportJob.Status.DONE, job.errors
    g.refresh_from_db()
    assert g.parent.code == "210211001002" and g.path.startswith(unit("210211001002").path)
    assert g.industrial_union.code == "I02" and g.ipath.startswith(unit("I02").path)
    assert set(
        AuditEvent.objects.filter(object_id=str(g.pk), source="import").values_list("verb", flat=True)
    ) == {"update", "move"}


def test_every_problem_is_reported_and_nothing_written(gjz_admin):
    before = OrgUnit.objects.count()
    rows = [
        ["T201", "演示工会", "基层工会", "210202", ""],  # 中山区: outside 甘井子区
        ["T202", "演示街道", "乡镇（街道）工会", "G0001", ""],  # a township under a grassroots union
        ["T203", "名" * 101, "基层工会", "210211001001", ""],  # over-long name
        ["T204", "演示工会", "", "", ""],  # new without kind and parent
        ["210202", "中山区总工会", "", "", ""],  # a code outside the scope
        ["210211001001", "周东社区工会", "基层工会", "", ""],  # an existing unit's kind
        ["T205", "演示工会", "市总工会", "210211", ""],  # the city is not a choice
        ["T206", "演示工会", "基层工会", "T207", ""],  # its parent comes later in the file
        ["T207", "演示联合工会", "联合工会", "210211", ""],
    ]
    job = _run(gjz_admin, rows)
    assert job.status == ImportJob.Status.FAILED
    assert OrgUnit.objects.count() == before
    got = [(e["row"], e["column"], e["message"]) for e in job.errors]
    assert got == [
        (2, "上级组织", "在您的管辖范围内找不到代码或名称为“210202”的组织。请核对；重名时请改填代码。"),
        (3, "上级组织", "“乡镇（街道）工会”不能隶属于“基层工会”。"),
        (4, "组织名称", "内容过长：101 个字，最多 100 个字，请缩短。"),
        (5, "组织类型", "新建组织时必填，请选择组织类型。"),
        (5, "上级组织", "新建组织时必填，请填写上级组织的代码或名称。"),
        (6, "组织代码", "代码“210202”已被您管辖范围以外的组织使用，不能在这里新建或修改。请核对代码。"),
        (7, "组织类型", "已有组织的类型不能通过导入修改（现为“村（社区）工会”），请改回或清空此格。"),
        (
            8,
            "组织类型",
            "“市总工会”不是可选的值。可选：区市县总工会、开放先导区总工会、产业工会、乡镇（街道）工会、"
            "村（社区）工会、联合工会、基层工会。",
        ),
        (9, "上级组织", "“T207”在本文件第 10 行才新增。请把第 10 行移到本行之前（被引用的行须写在前面）。"),
    ]
    book = error_workbook(job)
    assert "管辖范围" in book.worksheets[0]["D2"].comment.text


def test_a_move_into_its_own_subtree_is_refused_before_writing(gjz_admin):
    township = unit("210211001")
    job = _run(
        gjz_admin,
        [
            ["T301", "演示联合工会", "联合工会", "210211001001", ""],
            ["210211001", township.name, "", "T301", ""],  # the street under a union below itself
        ],
    )
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 3 and "形成循环" in job.errors[0]["message"]
    assert not OrgUnit.objects.filter(code="T301").exists()


def test_one_cannot_move_ones_own_node(gjz_admin):
    job = _run(gjz_admin, [["210211", "甘井子区总工会", "", "210211001", ""]])
    assert job.errors == [
        {
            "row": 2,
            "column": "上级组织",
            "message": "不能调整本账号所属组织本身的隶属关系，请由上级组织办理。",
        }
    ]


def test_parent_by_unique_name_and_ambiguous_name(gjz_admin):
    rows = [
        ["T401", "演示工会", "基层工会", "周东社区工会", ""],
        ["T402", "演示工会二", "基层工会", "甘井子区总工会", ""],
    ]
    job = _run(gjz_admin, rows, dry_run=True)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == 2 and not OrgUnit.objects.filter(code="T401").exists()
    names = list(OrgUnit.objects.restrict(gjz_admin).values_list("name", flat=True))
    twice = next(n for n in names if names.count(n) > 1)
    job = _run(gjz_admin, [["T403", "演示工会", "基层工会", twice, ""]])
    assert job.errors[0]["message"] == f"名称“{twice}”对应多个组织，请改填代码。"


def test_template_offers_the_kinds():
    book = openpyxl.load_workbook(io.BytesIO(build_template(OrgUnitImporter())))
    ws = book.worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    dv = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("C2"))
    options = book[dv.formula1.split("!")[0].strip("'")]
    labels = [c.value for c in next(options.iter_cols(min_col=1, max_col=1, min_row=2))]
    assert labels == [label for value, label in OrgKind.choices if value != OrgKind.CITY]

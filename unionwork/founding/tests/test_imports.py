"""The statistics bureau's list through the core import mechanism: all or nothing."""

import datetime
import io

import pytest

from unionwork.core import audit
from unionwork.core.imports.testing import csv_bytes, run_upload, xlsx_bytes
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding.models import Enterprise, EnterpriseStatus

from . import factories

pytestmark = pytest.mark.django_db
HEADER = [
    "统一社会信用代码",
    "单位名称",
    "登记注册类型",
    "行业门类",
    "从业人员数",
    "注册资本（万元）",
    "重点项目",
    "地址",
    "所在村（社区）",
    "经营状态",
]
C1, C2 = "210211001001", "210211001002"


def row(
    code,
    name="演示导入企业有限公司",
    ownership="私营企业",
    industry="制造业",
    employees=30,
    community=C1,
    **kw,
):
    return [
        code,
        name,
        ownership,
        industry,
        employees,
        kw.get("capital", 100),
        kw.get("key", "否"),
        kw.get("address", "演示路 1 号"),
        community,
        kw.get("status", "在营"),
    ]


def xlsx(rows):
    return xlsx_bytes([HEADER, *rows], text_columns=[0, 8])


def test_new_codes_are_added_known_ones_updated_and_audited():
    gjz = demo_user("gjz_admin")
    codes = [factories.code() for _ in range(3)]
    job = run_upload(
        gjz,
        "founding.enterprises",
        xlsx(
            [
                row(codes[0]),
                row(codes[1], ownership="173", industry="3411"),
                row(codes[2], ownership="外商投资企业", industry="I"),
            ]
        ),
    )
    assert job.status == "done", job.errors
    assert job.created_count == 3
    e1 = Enterprise.objects.get(uscc=codes[1])
    assert (e1.ownership, e1.industry, e1.community.code) == ("private", "C", C1)
    assert AuditEvent.objects.filter(
        model="founding.enterprise", object_id=str(e1.pk), verb="create", actor_label="gjz_admin"
    ).exists()
    # The same list again with one change: a preview first, then the write.
    again = [
        row(codes[0], employees=45),
        row(codes[1], ownership="173", industry="3411"),
        row(codes[2], ownership="外商投资企业", industry="I"),
    ]
    preview = run_upload(gjz, "founding.enterprises", xlsx(again), dry_run=True)
    assert preview.status == "done" and (
        preview.created_count,
        preview.updated_count,
        preview.unchanged_count,
    ) == (0, 1, 2)
    change = preview.options["preview"][0]
    assert change["key"] == codes[0] and change["changes"] == [
        {"column": "从业人员数", "old": "30", "new": "45"}
    ]
    assert Enterprise.objects.get(uscc=codes[0]).employees == 30  # nothing written by a preview
    done = run_upload(gjz, "founding.enterprises", xlsx(again))
    assert done.updated_count == 1 and Enterprise.objects.get(uscc=codes[0]).employees == 45


def test_any_bad_row_and_nothing_is_written():
    gjz = demo_user("gjz_admin")
    good = factories.code()
    dup = factories.code()
    rows = [
        row(good),
        row(good[:17] + ("0" if good[17] != "0" else "1")),  # wrong check character
        row("91210211MA0Q1O3456"),  # illegal letter O
        row(factories.code(), community="999999999999"),  # unknown community
        row(factories.code(), community="210202001002"),  # a community of another district
        row(dup),
        row(dup),  # the same code twice
        row(factories.code(), employees=-3),  # negative count
        row(factories.code(), ownership="火星企业"),
    ]
    before = Enterprise.objects.count()
    job = run_upload(gjz, "founding.enterprises", xlsx(rows))
    assert job.status == "failed"
    assert Enterprise.objects.count() == before
    by_row = {e["row"]: e for e in job.errors}
    assert "校验位" in by_row[3]["message"] and by_row[3]["column"] == "统一社会信用代码"
    assert "不允许的字符" in by_row[4]["message"]
    assert by_row[5]["column"] == "所在村（社区）" and by_row[6]["column"] == "所在村（社区）"
    assert "重复" in by_row[8]["message"]
    assert by_row[9]["column"] == "从业人员数"
    assert by_row[10]["column"] == "登记注册类型"
    assert job.error_file


def test_a_code_of_another_district_cannot_be_taken_over():
    zs_code = factories.code(region="210202")
    with audit.acting_as(None, "test"):
        Enterprise.objects.create(
            uscc=zs_code,
            name="演示中山企业",
            ownership="private",
            industry="C",
            employees=5,
            community=unit("210202001002"),
        )
    job = run_upload(demo_user("gjz_admin"), "founding.enterprises", xlsx([row(zs_code)]))
    assert job.status == "failed" and "不在您可以修改的范围内" in job.errors[0]["message"]
    assert Enterprise.objects.get(uscc=zs_code).community.code == "210202001002"


def test_a_full_list_closes_the_missing_ones():
    gjz = demo_user("gjz_admin")
    codes = [factories.code() for _ in range(4)]
    assert run_upload(gjz, "founding.enterprises", xlsx([row(c) for c in codes])).created_count == 4
    keep = codes[:3] + [factories.code()]
    job = run_upload(gjz, "founding.enterprises_full", xlsx([row(c) for c in keep]))
    assert job.status == "done", job.message
    gone = Enterprise.objects.get(uscc=codes[3])
    assert gone.status == EnterpriseStatus.CLOSED and gone.closed_on == datetime.date.today()
    assert Enterprise.objects.filter(uscc__in=keep, status=EnterpriseStatus.OPERATING).count() == 4
    assert AuditEvent.objects.filter(
        model="founding.enterprise", object_id=str(gone.pk), verb="close"
    ).exists()


def test_a_full_list_that_would_close_most_of_the_area_is_refused():
    gjz = demo_user("gjz_admin")
    codes = [factories.code() for _ in range(30)]
    run_upload(
        gjz, "founding.enterprises", csv_bytes([HEADER, *[row(c) for c in codes]]), filename="名录.csv"
    )
    job = run_upload(gjz, "founding.enterprises_full", xlsx([row(codes[0])]))
    assert job.status == "failed" and "完整名单" in job.message + str(job.errors)
    assert Enterprise.objects.filter(uscc__in=codes, status=EnterpriseStatus.OPERATING).count() == 30


def test_closed_status_in_the_file_closes_with_a_date():
    gjz = demo_user("gjz_admin")
    c = factories.code()
    run_upload(gjz, "founding.enterprises", xlsx([row(c)]))
    job = run_upload(gjz, "founding.enterprises", xlsx([row(c, status="注销")]))
    assert job.updated_count == 1, job.errors
    e = Enterprise.objects.get(uscc=c)
    assert e.status == EnterpriseStatus.CLOSED and e.closed_on is not None


def test_the_preview_of_a_full_list_names_the_enterprises_it_would_close():
    """The importer's after_check hook (called by the engine where it offers it)."""
    from unionwork.core.imports import engine, get_importer

    gjz = demo_user("gjz_admin")
    codes = [factories.code() for _ in range(3)]
    run_upload(gjz, "founding.enterprises", xlsx([row(c) for c in codes]))
    importer = get_importer("founding.enterprises_full")()
    ctx, result = engine.check_file(
        io.BytesIO(xlsx([row(codes[0]), row(codes[1])])), "名录.xlsx", importer, gjz, {"dry_run": True}
    )
    if not any(p.get("changes", [{}])[0].get("new", "").startswith("已关闭") for p in result.preview):
        importer.after_check(ctx, result)  # the engine does not call the hook yet
    closing = [p for p in result.preview if p.get("changes", [{}])[0].get("new", "").startswith("已关闭")]
    assert [p["key"] for p in closing] == [codes[2]] and ctx.error_count == 0

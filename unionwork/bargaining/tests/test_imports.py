"""Contracts, congresses and instructors through the import mechanism: all or nothing."""

import datetime

import pytest

from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import Congress, Contract, Instructor
from unionwork.core import indicators
from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.founding.models import Enterprise

from .helpers import bare_enterprise, demo_user, today, unit

pytestmark = pytest.mark.django_db
HEAD = [
    "合同名称",
    "签约工会",
    "合同类型",
    "层级",
    "企业方",
    "覆盖企业信用代码",
    "签订日期",
    "期限起始",
    "期限届满",
    "工资增长幅度",
]


def _row(title, org, codes, *, kind="工资专项集体合同", level="区域性集体合同", start=None, end=None):
    start = start or today() - datetime.timedelta(days=10)
    end = end or today() + datetime.timedelta(days=700)
    return [
        title,
        org,
        kind,
        level,
        "某行业协会",
        "、".join(codes),
        start.isoformat(),
        start.isoformat(),
        end.isoformat(),
        "4.5",
    ]


def gjz_codes(n):
    qs = Enterprise.objects.filter(
        community__path__startswith=unit("210211").path, union__isnull=False, status="operating"
    )
    return list(qs.order_by("pk").values_list("uscc", flat=True)[:n])


def test_contracts_import_with_a_list_of_codes(module_demos):
    user = demo_user("gjz_admin")
    codes = gjz_codes(4)
    before = indicators.value(bi.COVERAGE, unit("210211")).numerator
    job = run_upload(
        user,
        "bargaining.contracts",
        xlsx_bytes([HEAD, _row("甘井子区域工资专项合同（导入）", "210211", codes)], text_columns=[1, 5]),
    )
    assert job.status == "done", (job.message, job.errors)
    c = Contract.objects.get(title="甘井子区域工资专项合同（导入）")
    assert set(c.coverages.values_list("enterprise__uscc", flat=True)) == set(codes)
    assert indicators.value(bi.COVERAGE, unit("210211")).numerator >= before
    again = run_upload(
        user,
        "bargaining.contracts",
        xlsx_bytes([HEAD, _row("甘井子区域工资专项合同（导入）", "210211", codes)], text_columns=[1, 5]),
    )
    assert again.status == "done" and again.unchanged_count == 1
    assert Contract.objects.filter(title="甘井子区域工资专项合同（导入）").count() == 1


def test_one_bad_row_writes_nothing(module_demos):
    user = demo_user("gjz_admin")
    codes = gjz_codes(2)
    zs_code = (
        Enterprise.objects.filter(community__path__startswith=unit("210202").path)
        .values_list("uscc", flat=True)
        .first()
    )
    n = Contract.objects.count()
    rows = [
        HEAD,
        _row("导入合同一", "210211", codes[:1]),
        _row("导入合同二", "210211", [zs_code]),  # another district's enterprise: refused
    ]
    job = run_upload(user, "bargaining.contracts", xlsx_bytes(rows, text_columns=[1, 5]))
    assert job.status == "failed"
    assert Contract.objects.count() == n
    rows = [
        HEAD,
        _row("导入合同三", "210211", codes[:1]),
        _row("导入合同四", "210211", codes[1:2], start=today(), end=today() - datetime.timedelta(days=1)),
    ]
    job = run_upload(user, "bargaining.contracts", xlsx_bytes(rows, text_columns=[1, 5]))
    assert job.status == "failed", (job.status, job.message)
    assert Contract.objects.count() == n  # the action refused the second row: the first is rolled back


def test_congresses_and_instructors_import(module_demos):
    user = demo_user("gjz_admin")
    e = bare_enterprise()
    job = run_upload(
        user,
        "bargaining.congresses",
        xlsx_bytes(
            [
                ["工会", "建制日期", "最近一次会议日期", "职工代表人数", "女职工代表"],
                [e.union.name, "2024-03-01", (today() - datetime.timedelta(days=20)).isoformat(), 35, 12],
            ]
        ),
    )
    assert job.status == "done", (job.message, job.errors)
    c = Congress.objects.get(org=e.union)
    assert c.sessions.count() == 1 and not c.is_overdue()
    job = run_upload(
        user,
        "bargaining.instructors",
        xlsx_bytes(
            [
                ["姓名", "所属工会", "资格", "指导企业信用代码"],
                ["导入指导员", "210211", "劳动关系协调师", e.uscc],
            ],
            text_columns=[1, 3],
        ),
    )
    assert job.status == "done", (job.message, job.errors)
    i = Instructor.objects.get(name="导入指导员")
    assert list(i.enterprises.all()) == [e]

"""A scheme's items imported from a table as an office keeps it (Chinese headers, the rule's
parameters a column each, dates and commas as people type them), all or nothing, through the
actions; a row that misses its rule's parameter is named with its column; a published scheme
takes no import."""

from decimal import Decimal

import pytest

from unionwork.assessment import actions
from unionwork.assessment.models import Group, Scheme
from unionwork.core import audit
from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.core.tests.factories import demo_user, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demos")]

HEADER = [
    "部分",
    "序号",
    "考核项目",
    "类别",
    "分值",
    "计分来源",
    "指标",
    "计分规则",
    "分档",
    "0 分处",
    "满分处",
    "目标值",
    "截止日期",
    "逾期截止",
    "逾期得分%",
    "每项分值",
    "触发界限",
    "硬性指标",
    "考核标准",
]
ROWS = [
    [
        "一、基层工会组建",
        "A1",
        "建会率",
        "基本分",
        40,
        "平台指标",
        "建会率",
        "分档",
        "95=100，90=80；80=50",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "省总细则",
    ],
    [
        "一、基层工会组建",
        "A2",
        "三年建会任务",
        "基本分",
        20,
        "平台指标",
        "founding.rate",
        "时限",
        "",
        "",
        "",
        90,
        "2026年9月30日",
        "2026/10/31",
        50,
        "",
        "",
        "是",
        "",
    ],
    [
        "二、市定项目",
        "B1",
        "法律顾问制度",
        "基本分",
        40,
        "佐证材料评审",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "市委意见",
    ],
    [
        "三、加分与否决",
        "F1",
        "典型经验",
        "加分",
        3,
        "指标",
        "典型经验",
        "按数量计分",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        1,
        "",
        "",
        "",
    ],
    [
        "三、加分与否决",
        "V1",
        "瞒报",
        "一票否决",
        "",
        "平台指标",
        "瞒报事件数",
        "超过即触发",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        0,
        "",
        "",
    ],
]


def _draft():
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        return actions.create_scheme(
            city, unit("2102"), year=2035, group=Group.DISTRICTS, name="导入测试方案"
        )


def test_an_office_table_becomes_the_drafts_items():
    s = _draft()
    job = run_upload(
        demo_user("city_admin"), "assessment.items", xlsx_bytes([HEADER, *ROWS]), "考核细则.xlsx", target=s.pk
    )
    assert job.status == ImportJob.Status.DONE, job.errors
    items = {i.code: i for i in s.items.select_related("section")}
    assert set(items) == {"A1", "A2", "B1", "F1", "V1"}
    assert items["A1"].params == {"steps": [[95.0, 1.0], [90.0, 0.8], [80.0, 0.5]]}
    assert items["A2"].params == {
        "target": 90.0,
        "deadline": "2026-09-30",
        "late_until": "2026-10-31",
        "late_share": 0.5,
    }
    assert items["A2"].is_hard and items["B1"].rule == "review" and items["V1"].points == 0
    assert (
        items["F1"].indicator == "culture.model_experiences"
        and items["V1"].indicator == "stability.concealed"
    )
    assert [sec.name for sec in s.sections.order_by("order")] == [
        "一、基层工会组建",
        "二、市定项目",
        "三、加分与否决",
    ]
    assert actions.points_summary(s)["base"] == Decimal("100")
    with audit.acting_as(demo_user("city_admin"), "test"):
        assert actions.publish_scheme(demo_user("city_admin"), s).state == "published"
    # Importing the same table again into a revision updates, never duplicates.
    with audit.acting_as(demo_user("city_admin"), "test"):
        v2 = actions.revise_scheme(demo_user("city_admin"), s, reason="导入修订")
    rows = [r[:] for r in ROWS]
    rows[0][4], rows[2][4] = 50, 30
    again = run_upload(
        demo_user("city_admin"),
        "assessment.items",
        xlsx_bytes([HEADER, *rows]),
        "考核细则.xlsx",
        target=v2.pk,
    )
    assert again.status == ImportJob.Status.DONE, again.errors
    assert v2.items.count() == 5 and v2.items.get(code="A1").points == Decimal("50")


def test_a_row_without_its_rules_parameter_is_named_and_nothing_is_written():
    s = _draft()
    rows = [r[:] for r in ROWS]
    rows[0][8] = ""  # 分档 missing for a threshold rule
    rows[1][12] = "九月底"  # not a date
    job = run_upload(
        demo_user("city_admin"), "assessment.items", xlsx_bytes([HEADER, *rows]), "考核细则.xlsx", target=s.pk
    )
    assert job.status == ImportJob.Status.FAILED
    where = {(e.get("row"), e.get("column")) for e in job.errors}
    assert (2, "分档") in where and (3, "截止日期") in where, job.errors
    assert not s.items.exists() and not s.sections.exists()


def test_a_published_scheme_or_another_levels_takes_no_import():
    draft = _draft()
    table = xlsx_bytes([HEADER, *ROWS])
    # A district's administrator cannot import into the city's draft (not within reach).
    job = run_upload(demo_user("gjz_admin"), "assessment.items", table, "考核细则.xlsx", target=draft.pk)
    assert job.status == ImportJob.Status.FAILED and not draft.items.exists()
    # A published scheme is frozen: it is not offered, and naming it changes nothing.
    published = Scheme.objects.get(is_demo=True, group=Group.DISTRICTS)
    count = published.items.count()
    job = run_upload(demo_user("city_admin"), "assessment.items", table, "考核细则.xlsx", target=published.pk)
    assert job.status == ImportJob.Status.FAILED and published.items.count() == count

"""The cadre and systems roster and the culture rosters through core/imports: all or nothing."""

import pytest

from unionwork.building.models import UnionProfile
from unionwork.core import indicators
from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.culture.indicators import POSITIONS, TEAMS
from unionwork.culture.models import Position, Team

from .helpers import demo_user, unit

pytestmark = pytest.mark.django_db
CADRES = [
    "工会",
    "专职干部在岗人数",
    "专职干部应配人数",
    "兼职干部人数",
    "补贴列入财政预算",
    "补贴金额（元/年）",
    "诉求代理制度",
    "聘请法律顾问",
    "法律顾问姓名",
    "法律顾问所在律所",
    "职工福利设施",
]


def test_the_cadre_roster_saves_every_row_through_the_action():
    gjz = demo_user("gjz_admin")
    rows = [
        CADRES,
        ["210211001", 2, 3, 4, "是", 24000, "是", "是", "李律师", "辽宁某律所", "职工食堂"],
        ["G0001", 0, 0, 2, "否", "", "否", "否", "", "", ""],
    ]
    job = run_upload(gjz, "building.cadres", xlsx_bytes(rows), "干部.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    p = UnionProfile.objects.get(org=unit("210211001"))
    assert (p.full_time_cadres, p.subsidy_amount, p.legal_adviser_firm) == (2, 24000, "辽宁某律所")


def test_one_bad_row_writes_nothing():
    gjz = demo_user("gjz_admin")
    rows = [
        CADRES,
        ["210211001", 2, 3, 4, "是", 24000, "是", "是", "李律师", "辽宁某律所", ""],
        ["G0001", 1, 1, 1, "是", "", "否", "否", "", "", ""],  # in the budget, no amount: refused
    ]
    job = run_upload(gjz, "building.cadres", xlsx_bytes(rows), "干部.xlsx")
    assert job.status != ImportJob.Status.DONE
    assert not UnionProfile.objects.filter(org__code__in=["210211001", "G0001"]).exists()


def test_another_districts_union_is_refused():
    gjz = demo_user("gjz_admin")
    job = run_upload(
        gjz, "building.cadres", xlsx_bytes([CADRES, ["G0003", 1, 1, 1, "否", "", "否", "否", "", "", ""]])
    )
    assert job.status != ImportJob.Status.DONE
    assert not UnionProfile.objects.filter(org__code="G0003").exists()


def test_positions_and_teams_all_or_nothing_and_counted():
    gjz = demo_user("gjz_admin")
    district = unit("210211")
    before = indicators.value(POSITIONS, district).numerator
    rows = [
        ["主办单位", "名称", "类型", "面积（平方米）", "开放时间", "地址"],
        ["G0001", "导入书屋", "职工书屋/图书室", 50, "9:00-17:00", ""],
        ["G0002", "导入礼堂", "职工活动中心/文化礼堂", 500, "", ""],
    ]
    job = run_upload(gjz, "culture.positions", xlsx_bytes(rows), "阵地.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert indicators.value(POSITIONS, district).numerator == before + 2
    again = run_upload(gjz, "culture.positions", xlsx_bytes(rows), "阵地.xlsx")
    assert (again.created_count, again.unchanged_count) == (0, 2)
    teams = [
        ["所属单位", "名称", "类型", "成员人数", "负责人"],
        ["G0001", "导入合唱团", "文艺团队（合唱、舞蹈、戏剧）", 30, "王"],
        ["G0001", "导入篮球队", "篮球", 12, "赵"],
    ]  # not a kind: the file is refused whole
    before_t = indicators.value(TEAMS, district).numerator
    job = run_upload(gjz, "culture.teams", xlsx_bytes(teams), "团队.xlsx")
    assert job.status != ImportJob.Status.DONE
    assert not Team.objects.filter(name__startswith="导入").exists()
    assert indicators.value(TEAMS, district).numerator == before_t
    assert Position.objects.filter(name="导入书屋").count() == 1


COMMITTEES = [
    "工会",
    "工会主席",
    "任期开始",
    "任期届满",
    "选举方式",
    "选举日期",
    "候选人数",
    "应参选会员数",
    "实际投票数",
    "主席得票数",
]


def test_the_committee_roster_records_terms_and_counts_direct_elections():
    from unionwork.building.indicators import DIRECT_ELECTIONS
    from unionwork.building.models import Committee

    gjz = demo_user("gjz_admin")
    district = unit("210211")
    before = indicators.value(DIRECT_ELECTIONS, district)
    rows = [
        COMMITTEES,
        ["G0001", "王主席", "2024-01-01", "2028-12-31", "直选", "2023-12-28", 2, 300, 280, 200],
        ["G0002", "李主席", "2023-05-01", "2028-04-30", "会员（代表）大会选举", "", "", "", "", ""],
    ]
    job = run_upload(gjz, "building.committees", xlsx_bytes(rows), "换届.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    after = indicators.value(DIRECT_ELECTIONS, district)
    assert (after.numerator, after.denominator) == (before.numerator + 1, before.denominator + 2)
    assert Committee.objects.current().get(org=unit("G0001")).turnout() == 93.3
    again = run_upload(gjz, "building.committees", xlsx_bytes(rows), "换届.xlsx")
    assert (again.created_count, again.unchanged_count) == (0, 2)
    bad = [
        COMMITTEES,
        ["G0002", "赵主席", "2029-01-01", "2033-12-31", "直选", "", "", "", "", ""],
    ]  # no count
    job = run_upload(gjz, "building.committees", xlsx_bytes(bad), "换届.xlsx")
    assert job.status != ImportJob.Status.DONE
    assert Committee.objects.current().get(org=unit("G0002")).chairman == "李主席"

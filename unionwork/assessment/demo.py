"""Demo data of the assessment: the city's 100-point schemes for the current year, one for the
district federations and one for the industrial unions, with the seed's items and hard
requirements (service cards by 31 August, the founding task by 30 September, instructor teams,
a station in every eligible enterprise) and the city's own items (full-time township cadres,
subsidy in the budget, grievance agency, legal advisers, welfare facilities, harmonious
enterprises, 五好工会); claims, reviews, a provisional ranking scored on the demo data, and a few
appeals. Everything through the actions; names say 演示. Running it again adds nothing.

Seed it after the other modules' demo data and the indicators' rebuild: it scores their figures.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionwork.assessment import actions
from unionwork.assessment.models import (
    ComputationKind,
    Group,
    ItemKind,
    ItemResult,
    Rule,
    Scheme,
    Source,
    UnitResult,
    VetoEffect,
)
from unionwork.core import audit
from unionwork.orgs.models import OrgUnit

MARK = "（演示）"

B, BONUS, DED, VETO = ItemKind.BASE, ItemKind.BONUS, ItemKind.DEDUCTION, ItemKind.VETO
EV = "evidence"


def _steps(*pairs):
    return {"steps": [[a, b] for a, b in pairs]}


def district_items(year: int) -> list[tuple[str, list[tuple]]]:
    """(section, [(code, name, kind, points, indicator or EV, rule, params, hard)])."""
    d = lambda m, day: datetime.date(year, m, day).isoformat()  # noqa: E731
    return [
        (
            "一、基层工会组建",
            [
                (
                    "A1",
                    "建会率",
                    B,
                    8,
                    "founding.rate",
                    Rule.THRESHOLD,
                    _steps((95, 1), (90, 0.8), (80, 0.6), (70, 0.4)),
                    False,
                ),
                (
                    "A2",
                    "三年建会任务 9 月底前完成（硬性指标）",
                    B,
                    6,
                    "founding.rate",
                    Rule.DEADLINE,
                    {"target": 90, "deadline": d(9, 30), "late_until": d(10, 31), "late_share": 0.5},
                    True,
                ),
                (
                    "A3",
                    "工会主席直选率",
                    B,
                    3,
                    "building.direct_elections",
                    Rule.LINEAR,
                    {"low": 20, "high": 80},
                    False,
                ),
                ("A4", "乡镇（街道）专职工会干部配备到位（市定）", B, 3, EV, Rule.REVIEW, {}, False),
            ],
        ),
        (
            "二、工资集体协商和职代会建制",
            [
                (
                    "B1",
                    "集体合同覆盖率",
                    B,
                    7,
                    "bargaining.contract_coverage",
                    Rule.THRESHOLD,
                    _steps((90, 1), (80, 0.8), (70, 0.6)),
                    False,
                ),
                (
                    "B2",
                    "工资专项集体合同覆盖率",
                    B,
                    6,
                    "bargaining.wage_contract_coverage",
                    Rule.LINEAR,
                    {"low": 40, "high": 80},
                    False,
                ),
                (
                    "B3",
                    "职代会建制率",
                    B,
                    6,
                    "bargaining.congress_rate",
                    Rule.THRESHOLD,
                    _steps((90, 1), (80, 0.7), (60, 0.4)),
                    False,
                ),
                ("B4", "“三同时”实现率（同组排名）", B, 3, "bargaining.three_at_once", Rule.RANK, {}, False),
                (
                    "B5",
                    "建立工资协商指导员队伍（硬性指标）",
                    B,
                    3,
                    "bargaining.instructor_team",
                    Rule.DEADLINE,
                    {"target": 100, "deadline": d(6, 30), "late_until": d(9, 30), "late_share": 0.5},
                    True,
                ),
            ],
        ),
        (
            "三、职工服务中心（站）与会员服务卡",
            [
                (
                    "C1",
                    "8 月底前推行会员服务卡（硬性指标）",
                    B,
                    8,
                    "members.card_coverage",
                    Rule.DEADLINE,
                    {"target": 90, "deadline": d(8, 31), "late_until": d(9, 30), "late_share": 0.5},
                    True,
                ),
                (
                    "C2",
                    "符合条件的企业全部建立职工服务站（硬性指标）",
                    B,
                    8,
                    "stations.coverage",
                    Rule.DEADLINE,
                    {"target": 100, "deadline": d(12, 31)},
                    True,
                ),
                ("C3", "服务站服务次数（同组排名）", B, 4, "stations.services", Rule.RANK, {}, False),
                ("C4", "职工福利设施建设（市定）", B, 2, EV, Rule.REVIEW, {}, False),
                ("C5", "职工诉求代理制度建立（市定）", B, 3, EV, Rule.REVIEW, {}, False),
            ],
        ),
        (
            "四、双走双促与公文督办",
            [
                (
                    "D1",
                    "走访计划完成率",
                    B,
                    5,
                    "visits.done_vs_planned",
                    Rule.LINEAR,
                    {"low": 50, "high": 100},
                    False,
                ),
                (
                    "D2",
                    "办实事按期办结率",
                    B,
                    4,
                    "visits.deeds_on_time",
                    Rule.THRESHOLD,
                    _steps((90, 1), (75, 0.7), (50, 0.4)),
                    False,
                ),
                (
                    "D3",
                    "公文按时签收率",
                    B,
                    3,
                    "documents.acknowledged_on_time",
                    Rule.THRESHOLD,
                    _steps((95, 1), (85, 0.7)),
                    False,
                ),
                (
                    "D4",
                    "督办事项按时办结率",
                    B,
                    3,
                    "documents.supervision_on_time",
                    Rule.LINEAR,
                    {"low": 50, "high": 100},
                    False,
                ),
            ],
        ),
        (
            "五、维护稳定与创建活动",
            [
                (
                    "E1",
                    "事件报告及时率",
                    B,
                    4,
                    "stability.incidents_on_time",
                    Rule.THRESHOLD,
                    _steps((100, 1), (90, 0.6)),
                    False,
                ),
                ("E2", "基层工会法律顾问制度（市定）", B, 3, EV, Rule.REVIEW, {}, False),
                ("E3", "和谐劳动关系企业创建（市定）", B, 3, EV, Rule.REVIEW, {}, False),
                ("E4", "“五好”工会创建（市定）", B, 3, EV, Rule.REVIEW, {}, False),
                ("E5", "专职干部配比补助经费纳入财政预算（市定）", B, 2, EV, Rule.REVIEW, {}, False),
            ],
        ),
        (
            "六、加分、扣分与一票否决",
            [
                (
                    "F1",
                    "典型经验（每项加 1 分）",
                    BONUS,
                    3,
                    "culture.model_experiences",
                    Rule.PER_COUNT,
                    {"each": 1},
                    False,
                ),
                (
                    "F2",
                    "承办现场会（每次加 1 分）",
                    BONUS,
                    2,
                    "culture.onsite_meetings",
                    Rule.PER_COUNT,
                    {"each": 1},
                    False,
                ),
                ("F3", "工作创新被省级以上推广", BONUS, 3, EV, Rule.REVIEW, {}, False),
                (
                    "G1",
                    "逾期未办结督办事项（每件扣 0.5 分）",
                    DED,
                    3,
                    "documents.overdue",
                    Rule.PER_COUNT,
                    {"each": 0.5},
                    False,
                ),
                ("V1", "瞒报矛盾纠纷事件", VETO, 0, "stability.concealed", Rule.OVER, {"over": 0}, False),
            ],
        ),
    ]


def industrial_items(year: int) -> list[tuple[str, list[tuple]]]:
    d = lambda m, day: datetime.date(year, m, day).isoformat()  # noqa: E731
    return [
        (
            "一、建会与会员服务卡",
            [
                (
                    "A1",
                    "本产业建会率",
                    B,
                    10,
                    "founding.rate",
                    Rule.THRESHOLD,
                    _steps((95, 1), (90, 0.8), (80, 0.6)),
                    False,
                ),
                (
                    "A2",
                    "三年建会任务 9 月底前完成（硬性指标）",
                    B,
                    8,
                    "founding.rate",
                    Rule.DEADLINE,
                    {"target": 90, "deadline": d(9, 30), "late_until": d(10, 31), "late_share": 0.5},
                    True,
                ),
                (
                    "C1",
                    "8 月底前推行会员服务卡（硬性指标）",
                    B,
                    12,
                    "members.card_coverage",
                    Rule.DEADLINE,
                    {"target": 90, "deadline": d(8, 31), "late_until": d(9, 30), "late_share": 0.5},
                    True,
                ),
            ],
        ),
        (
            "二、行业性工资集体协商",
            [
                (
                    "B1",
                    "集体合同覆盖率",
                    B,
                    12,
                    "bargaining.contract_coverage",
                    Rule.THRESHOLD,
                    _steps((90, 1), (80, 0.8), (70, 0.6)),
                    False,
                ),
                (
                    "B2",
                    "工资专项集体合同覆盖率",
                    B,
                    12,
                    "bargaining.wage_contract_coverage",
                    Rule.LINEAR,
                    {"low": 40, "high": 80},
                    False,
                ),
                (
                    "B3",
                    "职代会建制率",
                    B,
                    8,
                    "bargaining.congress_rate",
                    Rule.THRESHOLD,
                    _steps((90, 1), (80, 0.7), (60, 0.4)),
                    False,
                ),
                (
                    "B5",
                    "建立工资协商指导员队伍（硬性指标）",
                    B,
                    8,
                    "bargaining.instructor_team",
                    Rule.DEADLINE,
                    {"target": 100, "deadline": d(6, 30), "late_until": d(9, 30), "late_share": 0.5},
                    True,
                ),
            ],
        ),
        (
            "三、服务与创建",
            [
                (
                    "C2",
                    "符合条件的企业建立职工服务站",
                    B,
                    10,
                    "stations.coverage",
                    Rule.THRESHOLD,
                    _steps((100, 1), (90, 0.7), (80, 0.4)),
                    False,
                ),
                ("C3", "职工文化团队（同组排名）", B, 5, "culture.teams", Rule.RANK, {}, False),
                ("E3", "行业性工资集体协商开展情况（市定）", B, 8, EV, Rule.REVIEW, {}, False),
                ("E4", "“五好”工会创建（市定）", B, 7, EV, Rule.REVIEW, {}, False),
            ],
        ),
        (
            "四、一票否决",
            [("V1", "瞒报矛盾纠纷事件", VETO, 0, "stability.concealed", Rule.OVER, {"over": 0}, False)],
        ),
    ]


def build_scheme(
    user, org: OrgUnit, *, year: int, group: str, name: str, sections, is_demo=False, **fields
) -> Scheme:
    """A draft with its sections and items (the demo's, and the tests')."""
    scheme = actions.create_scheme(user, org, year=year, group=group, name=name, is_demo=is_demo, **fields)
    for title, items in sections:
        section = actions.add_section(user, scheme, name=title)
        for code, item_name, kind, points, source, rule, params, hard in items:
            actions.save_item(
                user,
                scheme,
                section=section,
                code=code,
                name=item_name,
                kind=kind,
                points=Decimal(str(points)),
                source=Source.EVIDENCE if source == EV else Source.INDICATOR,
                indicator="" if source == EV else source,
                rule=rule,
                params=params,
                is_hard=hard,
                veto_effect=VetoEffect.FAIL if kind == VETO else "",
            )
    return scheme


def _user(name):
    return get_user_model().objects.filter(username=name).first()


def seed_small(stdout=None) -> int:
    city = OrgUnit.objects.filter(code="2102").first()
    admin = _user("city_admin")
    if city is None or admin is None or Scheme.objects.filter(org=city, is_demo=True).exists():
        return 0
    year = timezone.localdate().year
    gjz, zs = OrgUnit.objects.filter(code="210211").first(), OrgUnit.objects.filter(code="210202").first()
    gjz_admin, zs_admin = _user("gjz_admin"), _user("zs_admin")
    with audit.acting_as(admin, "demo"):
        districts = build_scheme(
            admin,
            city,
            year=year,
            group=Group.DISTRICTS,
            name=f"{year} 年度区市县（先导区）总工会“六个专项行动”百分考核方案{MARK}",
            sections=district_items(year),
            note="依据省总《百分考核方案》和市委关于加强和改进对工会工作领导的意见；演示数据。",
            is_demo=True,
        )
        industrial = build_scheme(
            admin,
            city,
            year=year,
            group=Group.INDUSTRIAL,
            name=f"{year} 年度产业工会百分考核方案{MARK}",
            sections=industrial_items(year),
            note="产业工会之间单独排名；演示数据。",
            is_demo=True,
        )
        actions.publish_scheme(admin, districts)
        actions.publish_scheme(admin, industrial)
        # A trial before the reviews, so the provisional ranking shows what the reviews changed.
        actions.compute(admin, districts)
    items = {i.code: i for i in districts.items.all()}
    claims = {}
    for unit, user, codes in ((gjz, gjz_admin, ("A4", "C4", "C5", "E2")), (zs, zs_admin, ("A4", "E4"))):
        if unit is None or user is None:
            continue
        with audit.acting_as(user, "demo"):
            for code in codes:
                claims[unit.code, code] = actions.claim(
                    user,
                    districts,
                    items[code],
                    unit,
                    text=f"{unit.name}关于“{items[code].name}”的自评说明（演示）：已落实，附制度文件与名单。",
                    link=f"/building/unit/{unit.pk}/",
                    files=[
                        (f"{code}-自评材料（演示）.txt", f"{unit.name} {items[code].name} 演示材料".encode())
                    ],
                    is_demo=True,
                )
    with audit.acting_as(admin, "demo"):
        for (code_unit, code), points, comment in (
            (("210211", "A4"), 3, "专职干部配备到位，名单与批复齐全（演示）"),
            (("210211", "C4"), 1.5, "福利设施建设有进展，尚有两个街道未完成（演示）"),
            (("210211", "E2"), 2, "法律顾问覆盖多数基层工会（演示）"),
            (("210202", "A4"), 2, "部分街道专职干部未到位（演示）"),
            (("210202", "E4"), 3, "五好工会创建材料完整（演示）"),
        ):
            c = claims.get((code_unit, code))
            if c is not None:
                actions.review(
                    admin,
                    districts,
                    items[code],
                    c.unit,
                    points=points,
                    comment=comment,
                    claim_obj=c,
                    is_demo=True,
                )
        prov = actions.compute(admin, districts, kind=ComputationKind.PROVISIONAL)
        actions.compute(admin, industrial, kind=ComputationKind.PROVISIONAL)
    appeals = 0
    for unit, user, code, reason in (
        (gjz, gjz_admin, "C5", "已建立职工诉求代理制度并报送文件，尚未评审，请予评分（演示）。"),
        (zs, zs_admin, "A4", "海军广场街道专职干部已于上月到岗，补充任命文件（演示）。"),
    ):
        res = UnitResult.objects.filter(computation=prov, unit=unit).first() if unit else None
        if res is None or user is None:
            continue
        with audit.acting_as(user, "demo"):
            a = actions.file_appeal(user, res, items[code], reason=reason, is_demo=True)
            appeals += 1
        if code == "A4":
            with audit.acting_as(admin, "demo"):
                actions.decide_appeal(
                    admin,
                    a,
                    upheld=True,
                    decision="补充材料属实，按到位情况改为 2.5 分（演示）。",
                    points=Decimal("2.5"),
                )
    if stdout is not None:
        n = ItemResult.objects.filter(computation=prov).count()
        stdout.write(f"  百分考核：2 个方案，{n} 项得分，{len(claims)} 份自评，{appeals} 件申诉")
    return 1

"""The union-building demo data (演示) in 甘井子区 and 中山区, made through the actions (idempotent).

Small on purpose: a few committees (one term ending soon, so the reminder shows), two township
profiles, the four campaigns with a few grades, and one 会员评家 survey answered by eight demo
members registered for it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from unionwork.building import actions
from unionwork.building.models import Campaign, Committee, GradeApplication, Survey
from unionwork.core import audit
from unionwork.core.identifiers import make_id
from unionwork.orgs.models import OrgUnit

CAMPAIGNS = [
    ("五好工会（演示）", "five_good", ["五好工会"], "组织健全、维权到位、工作活跃、制度完善、会员满意。", 3),
    ("3A 等级工会（演示）", "three_a", ["A", "AA", "AAA"], "组织建设、民主管理、维权服务三方面量化评分。", 3),
    ("和谐劳动关系企业（演示）", "harmonious", ["区级", "市级"], "劳动合同、工资协商、职代会、安全生产。", 2),
    ("模范职工之家（演示）", "model_home", ["区级", "市级", "省级"], "建家六有：有组织、有阵地、有活动……", 3),
]
VOTERS = ["韩梅", "李雷", "王芳", "赵强", "孙丽", "周敏", "吴刚", "郑洁"]


def _unit(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def seed_small(stdout=None) -> dict[str, int]:
    """Create the demo records once; a second run adds nothing."""
    if Committee.objects.filter(is_demo=True).exists() or _unit("G0001") is None:
        return {}
    today = timezone.localdate()
    made = {"committees": 0, "campaigns": 0, "grades": 0, "answers": 0}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        for code, method, years_ago, ends_in_days in (
            ("G0001", "direct", 2, 900),
            ("G0002", "congress", 5, 40),  # due soon: the reminder and the home page show it
            ("210211001", "congress", 1, 1400),
            ("210211", "congress", 3, 700),
            ("G0003", "direct", 4, 300),
            ("210202", "congress", 2, 1000),
        ):
            org = _unit(code)
            if org is None:
                continue
            start = today - datetime.timedelta(days=365 * years_ago)
            direct = method == "direct"
            actions.record_committee(
                None,
                org,
                chairman="演示主席" + org.code[-2:],
                term_start=start,
                term_end=today + datetime.timedelta(days=ends_in_days),
                method=method,
                members_count=7,
                elected_on=start - datetime.timedelta(days=3) if direct else None,
                candidates=2 if direct else None,
                eligible_voters=320 if direct else None,
                votes_cast=296 if direct else None,
                chairman_votes=201 if direct else None,
                is_demo=True,
            )
            made["committees"] += 1
        for code, amount in (("210211001", 36000), ("210202001", None)):
            org = _unit(code)
            if org is not None:
                actions.save_profile(
                    None,
                    org,
                    full_time_cadres=2 if amount else 1,
                    full_time_required=3,
                    part_time_cadres=5,
                    subsidy_in_budget=amount is not None,
                    subsidy_amount=amount,
                    grievance_agency=True,
                    legal_adviser=amount is not None,
                    legal_adviser_name="演示律师" if amount else "",
                    legal_adviser_firm="辽宁演示律师事务所" if amount else "",
                    welfare_facilities="职工食堂、职工书屋、母婴室",
                    is_demo=True,
                )
        campaigns = {}
        for name, kind, levels, criteria, years in CAMPAIGNS:
            campaigns[kind] = Campaign.objects.filter(name=name).first() or actions.save_campaign(
                None,
                name=name,
                kind=kind,
                levels=levels,
                criteria=criteria,
                validity_years=years,
                is_demo=True,
            )
            made["campaigns"] += 1
        for code, kind, grade in (
            ("G0001", "three_a", "AA"),
            ("G0003", "three_a", "A"),
            ("G0002", "five_good", None),
        ):
            org = _unit(code)
            if org is None:
                continue
            app = actions.apply_grade(
                None, campaigns[kind], org, evidence="演示申报材料：工作总结与佐证。", is_demo=True
            )
            if grade:
                actions.move_application(None, app, "award", grade=grade, note="演示评定")
                made["grades"] += 1
        made["answers"] = _survey(today)
    if stdout is not None:
        stdout.write(f"building demo: {made}\n")
    return made


def _survey(today: datetime.date) -> int:
    from unionwork.members import actions as members_actions

    union = _unit("G0001")
    survey = actions.open_survey(
        None,
        union,
        year=today.year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=60),
        is_demo=True,
    )
    from unionwork.members import queries as members_queries
    from unionwork.members.models import Member

    n = 0
    for i, name in enumerate(VOTERS):
        # A number no member holds yet: the large demos draw millions of numbers from the same
        # space (a province's 20,000,000 took one of these).
        for seq in range(700 + i, 1000, 37):
            number = make_id("210211", datetime.date(1980 + i, 3, 1 + i), seq)
            if not members_queries.with_id_number(Member.objects.all(), number).exists():
                break
        members_actions.register_member(
            None, union, name=name, id_number=number, employment_form="contract", is_demo=True
        )
        rating = 5 if i < 6 else 2
        actions.answer_survey(
            survey,
            name=name,
            id_tail=number[-6:],
            ratings={str(q): rating for q in range(1, survey.questions.count() + 1)},
            comment="演示意见" if i == 0 else "",
            client="demo",
        )
        n += 1
    return n


def demo_survey() -> Survey | None:
    return Survey.objects.filter(is_demo=True).order_by("-year").first()


def demo_grades() -> int:
    return GradeApplication.objects.filter(is_demo=True).count()

"""The workers'-culture demo data (演示) in 甘井子区 and 中山区, made through the actions
(idempotent, small): positions, teams, a base, a 金纽带 round with nominations at several levels,
talents, model experiences and last year's seven on-site meetings (the seed's count)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from unionwork.core import audit
from unionwork.culture import actions
from unionwork.culture.models import AwardRound, Position
from unionwork.orgs.models import OrgUnit


def _unit(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def seed_small(stdout=None) -> dict[str, int]:
    if Position.objects.filter(is_demo=True).exists() or _unit("G0001") is None:
        return {}
    today = timezone.localdate()
    day = today - datetime.timedelta(days=30)
    city, gjz, zs = _unit("2102"), _unit("210211"), _unit("210202")
    g1, g2, g3, street = _unit("G0001"), _unit("G0002"), _unit("G0003"), _unit("210211001")
    made = {}
    with audit.acting_as(None, "command:demo"), transaction.atomic():
        for org, name, kind, area, hours in (
            (g1, "职工书屋（演示）", "library", 120, "周一至周五 9:00-21:00"),
            (street, "街道职工文化活动中心（演示）", "hall", 800, "每日 8:30-20:30"),
            (g3, "职工篮球场（演示）", "sports", 600, "每日 6:00-22:00"),
        ):
            actions.add_position(
                None, org, name=name, kind=kind, area_sqm=area, opening_hours=hours, is_demo=True
            )
        troupe = actions.add_team(
            None,
            g1,
            name="百家员工小剧团（演示）",
            kind="art",
            leader="演示团长",
            members_count=46,
            is_demo=True,
        )
        actions.record_performance(None, troupe, held_on=day, title="《车间里的春天》（演示）", audience=380)
        actions.add_team(
            None, g2, name="职工合唱团（演示）", kind="art", leader="演示指挥", members_count=32, is_demo=True
        )
        actions.add_team(
            None,
            g3,
            name="机车职工协会（演示）",
            kind="other",
            leader="演示会长",
            members_count=120,
            is_demo=True,
        )
        actions.name_base(
            None, g1, kind="demonstration", name="职工文化示范基地（演示）", named_on=day, is_demo=True
        )
        actions.name_base(
            None, g3, kind="brand", name="三洋压缩机企业文化（演示）", named_on=day, is_demo=True
        )
        award_round = AwardRound.objects.filter(
            organiser=city, year=today.year
        ).first() or actions.open_round(
            None,
            year=today.year,
            title=f"{today.year} 年度金纽带职工文化奖（演示）",
            nominations_close=today + datetime.timedelta(days=90),
            is_demo=True,
        )
        # Nominations made at the nominee's union and passed upward: one at its street, one at
        # its district, one at the city (waiting for the organiser's decision).
        for org, nominee, up_to in (
            (g1, "百家员工小剧团（演示）", street),
            (g3, "机车职工协会（演示）", zs),
            (g2, "职工合唱团（演示）", city),
        ):
            nom = actions.nominate(
                None, award_round, org, category="team", nominee=nominee, merits="演示事迹", is_demo=True
            )
            while nom.held_by_id != up_to.pk:
                nom = actions.move_nomination(None, nom, "forward", note="演示：审核通过")
        for org, name, talent in ((g1, "演示张书法", "书法"), (g3, "演示李声乐", "声乐")):
            actions.add_talent(
                None,
                org,
                name=name,
                talent=talent,
                level="district",
                consent_on=day,
                consent_note="本人签字（演示）",
                is_demo=True,
            )
        experiences = []
        for org, title, topic in (
            (g1, "百家员工小剧团（演示）", "culture"),
            (g3, "机车职工协会（演示）", "culture"),
            (g3, "三洋压缩机企业文化（演示）", "culture"),
            (street, "非公企业建会“三同时”（演示）", "founding"),
            (gjz, "行业性工资集体协商（演示）", "bargaining"),
        ):
            experiences.append(
                actions.add_experience(
                    None,
                    org,
                    title=title,
                    topic=topic,
                    year=today.year - 1,
                    write_up="演示经验材料。",
                    is_demo=True,
                )
            )
        last_year = today.year - 1
        hosts = [g1, g3, street, g2, gjz, zs, g3]
        topics = ["culture", "culture", "founding", "culture", "bargaining", "stability", "culture"]
        for i, (host, topic) in enumerate(zip(hosts, topics, strict=True)):
            exp = next((e for e in experiences if e.org_id == host.pk and e.topic == topic), None)
            actions.record_meeting(
                None,
                host,
                held_on=datetime.date(last_year, 3 + i, 15),
                title=f"第 {i + 1} 次现场会（演示）",
                topic=topic,
                experience=exp,
                attending=[gjz, zs],
                attendance=60 + 10 * i,
                follow_up="各区总工会学习推广（演示）",
                is_demo=True,
            )
        made = {"positions": 3, "teams": 3, "nominations": 3, "experiences": 5, "meetings": 7}
    if stdout is not None:
        stdout.write(f"culture demo: {made}\n")
    return made

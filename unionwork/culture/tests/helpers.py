"""Shared helpers of the culture tests."""

import datetime
from contextlib import contextmanager

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, make_user, unit

__all__ = ["as_user", "demo_user", "make_user", "unit"]


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


# Names that mark 中山区's records in a page of 甘井子区's user (scope tests).
ZS_MARKERS = [
    "中山书屋某",
    "中山合唱团某",
    "中山基地某",
    "中山推荐某",
    "中山人才某",
    "中山经验某",
    "中山现场会某",
]
DAY = datetime.date(2026, 3, 2)


def zs_records() -> list:
    from unionwork.culture import actions
    from unionwork.culture.models import AwardRound

    zs, city = demo_user("zs_admin"), demo_user("city_admin")
    zs_unit, g3 = unit("210202"), unit("G0003")
    with as_user(city):
        award_round = AwardRound.objects.filter(year=2099).first() or actions.open_round(
            city, year=2099, title="范围测试金纽带", nominations_close=datetime.date(2099, 12, 31)
        )
    with as_user(zs):
        position = actions.add_position(zs, g3, name="中山书屋某", kind="library", area_sqm=80)
        team = actions.add_team(zs, g3, name="中山合唱团某", kind="art", leader="张某", members_count=20)
        actions.record_performance(zs, team, held_on=DAY, title="中山演出")
        base = actions.name_base(zs, g3, kind="demonstration", name="中山基地某", named_on=DAY)
        nom = actions.nominate(zs, award_round, g3, category="team", nominee="中山推荐某", merits="事迹")
        talent = actions.add_talent(
            zs,
            g3,
            name="中山人才某",
            talent="书法",
            level="district",
            consent_on=DAY,
            consent_note="本人签字",
        )
        exp = actions.add_experience(zs, g3, title="中山经验某", topic="culture", year=2026, write_up="经验")
        meeting = actions.record_meeting(
            zs, g3, held_on=DAY, title="中山现场会某", topic="culture", experience=exp, attending=[zs_unit]
        )
    return [position, team, base, nom, talent, exp, meeting]

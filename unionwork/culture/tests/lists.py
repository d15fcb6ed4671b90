"""Rows for the culture list pages, for the query-count test (core/tests/test_list_queries.py)."""

import datetime

from unionwork.culture import actions
from unionwork.culture.models import AwardRound

from .helpers import DAY, as_user, demo_user, unit


def _gjz():
    return demo_user("gjz_admin")


def positions(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.add_position(_gjz(), unit("G0001"), name=f"书屋{i}", kind="library")


def teams(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.add_team(_gjz(), unit("G0001"), name=f"团队{i}", kind="art", leader="李")


def bases(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.name_base(_gjz(), unit("G0001"), kind="brand", name=f"品牌{i}", named_on=DAY)


def rounds(n):
    city = demo_user("city_admin")
    with as_user(city):
        for i in range(n):
            actions.open_round(
                city, year=1900 + i, title=f"评选{i}", nominations_close=datetime.date(1900 + i, 6, 1)
            )


def nominations(n):
    city = demo_user("city_admin")
    with as_user(city):
        r = AwardRound.objects.filter(year=2097).first() or actions.open_round(
            city, year=2097, title="列表评选", nominations_close=datetime.date(2097, 6, 1)
        )
    with as_user(_gjz()):
        for i in range(n):
            actions.nominate(_gjz(), r, unit("G0001"), category="team", nominee=f"对象{i}", merits="事迹")


def talents(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.add_talent(
                _gjz(),
                unit("G0001"),
                name="王" + "一二三四五六七八九十"[i % 10],
                talent="书法",
                level="district",
                consent_on=DAY,
                consent_note="签字",
            )


def experiences(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.add_experience(
                _gjz(), unit("G0001"), title=f"经验{i}", topic="culture", year=2025, write_up="做法"
            )


def meetings(n):
    with as_user(_gjz()):
        for i in range(n):
            actions.record_meeting(_gjz(), unit("G0001"), held_on=DAY, title=f"现场会{i}", topic="culture")


ROWS = {
    "culture:position-list": positions,
    "culture:team-list": teams,
    "culture:base-list": bases,
    "culture:round-list": rounds,
    "culture:nomination-list": nominations,
    "culture:talent-list": talents,
    "culture:experience-list": experiences,
    "culture:meeting-list": meetings,
}

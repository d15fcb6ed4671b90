"""Shared helpers of the union-building tests."""

import datetime
from contextlib import contextmanager

from unionwork.core import audit
from unionwork.core.identifiers import make_id
from unionwork.core.tests.factories import demo_user, make_user, unit

__all__ = ["as_user", "demo_user", "make_user", "member", "unit", "committee_kwargs"]


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


def member(union, name: str, seq: int):
    """A member of ``union`` registered by the system; returns (member, id number)."""
    from unionwork.members import actions as members_actions

    number = make_id("210211", datetime.date(1985, 1, 1 + seq % 28), seq)
    with audit.acting_as(None, "test"):
        m = members_actions.register_member(
            None, union, name=name, id_number=number, employment_form="contract"
        )
    return m, number


def committee_kwargs(**kw):
    base = dict(
        chairman="张主席",
        term_start=datetime.date(2021, 5, 1),
        term_end=datetime.date(2026, 4, 30),
        method="direct",
        elected_on=datetime.date(2021, 4, 28),
        candidates=2,
        eligible_voters=200,
        votes_cast=180,
        chairman_votes=120,
    )
    return base | kw


# Names that mark 中山区's records in a page of 甘井子区's user (scope tests).
ZS_MARKERS = ["中山主席某", "中山评家题目", "中山申报材料"]


def zs_records() -> list:
    from unionwork.building import actions
    from unionwork.building.models import Campaign

    zs = demo_user("zs_admin")
    g3 = unit("G0003")
    with as_user(zs):
        committee = actions.record_committee(zs, g3, **committee_kwargs(chairman="中山主席某"))
        profile = actions.save_profile(zs, g3, full_time_cadres=1, welfare_facilities="中山食堂")
        survey = actions.open_survey(
            zs,
            g3,
            year=2026,
            opens_on=datetime.date(2026, 1, 1),
            closes_on=datetime.date(2026, 12, 31),
            questions=["中山评家题目"],
        )
    city = demo_user("city_admin")
    with as_user(city):
        campaign = Campaign.objects.filter(name="范围测试 3A").first() or actions.save_campaign(
            city, name="范围测试 3A", kind="three_a", levels=["A", "AA", "AAA"], criteria="标准"
        )
    with as_user(zs):
        app = actions.apply_grade(zs, campaign, g3, evidence="中山申报材料")
    return [committee, profile, survey, app]

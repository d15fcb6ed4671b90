"""Rows for the union-building list pages, for the query-count test (core/tests/test_list_queries.py)."""

import datetime

from unionwork.building import actions
from unionwork.building.models import Campaign

from .helpers import as_user, committee_kwargs, demo_user, unit


def committees(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):  # successive terms of one union: each supersedes the previous
            start = datetime.date(1960 + i, 1, 1)
            actions.record_committee(
                gjz,
                unit("210211001"),
                **committee_kwargs(
                    method="congress", term_start=start, term_end=start.replace(year=start.year + 1)
                ),
            )


def profiles(n: int) -> None:
    from unionwork.orgs.models import OrgUnit

    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for org in OrgUnit.objects.filter(path__startswith=unit("210211").path, status="active").order_by(
            "pk"
        )[:n]:
            actions.save_profile(gjz, org, full_time_cadres=1)


def surveys(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):
            actions.open_survey(
                gjz,
                unit("G0002"),
                year=1950 + i,
                opens_on=datetime.date(1950 + i, 1, 1),
                closes_on=datetime.date(1950 + i, 2, 1),
            )


def campaigns(n: int) -> None:
    city = demo_user("city_admin")
    with as_user(city):
        for i in range(n):
            actions.save_campaign(city, name=f"列表测试活动{i}", kind="other", levels=["A"], criteria="标准")


def applications(n: int) -> None:
    gjz = demo_user("gjz_admin")
    campaigns(n)
    with as_user(gjz):
        for c in Campaign.objects.filter(name__startswith="列表测试活动")[:n]:
            actions.apply_grade(gjz, c, unit("G0001"), evidence="材料")


ROWS = {
    "building:committee-list": committees,
    "building:profile-list": profiles,
    "building:survey-list": surveys,
    "building:campaign-list": campaigns,
    "building:application-list": applications,
}

"""Periodic reports: deadlines to the minute, heightened periods, nil reports, derived missing."""

import datetime
from unittest import mock

import pytest

from unionwork.core.errors import ActionError
from unionwork.stability import actions, queries
from unionwork.stability import periods as P
from unionwork.stability.models import Report

from .helpers import as_user, at, demo_user, make_user, unit

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


def test_monthly_deadline_is_the_fifth_of_next_month_at_17():
    assert P.monthly_period(datetime.date(2026, 3, 17)).deadline == at(2026, 4, 5, 17, 0)
    assert P.monthly_period(datetime.date(2026, 12, 1)).deadline == at(2027, 1, 5, 17, 0)


def test_on_time_at_the_last_minute_late_one_minute_after():
    gjz = demo_user("gjz_admin")
    deadline = at(2026, 4, 5, 17, 0)
    with as_user(gjz):
        last_minute = actions.file_report(
            gjz, unit("210211001"), "monthly", MARCH, summary="情况", now=deadline
        )
        late = actions.file_nil_report(
            gjz, unit("210211002"), "monthly", MARCH, now=deadline + datetime.timedelta(minutes=1)
        )
    assert last_minute.is_late is False and last_minute.filed_at == deadline
    assert late.is_late is True and late.is_nil
    assert late.deadline == deadline


def test_one_report_per_unit_and_period_and_no_filing_ahead():
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        actions.file_nil_report(gjz, unit("210211"), "monthly", MARCH, now=at(2026, 4, 1, 9, 0))
        with pytest.raises(ActionError, match="已报送"):
            actions.file_nil_report(gjz, unit("210211"), "monthly", MARCH, now=at(2026, 4, 2, 9, 0))
        with pytest.raises(ActionError, match="尚未开始"):
            actions.file_nil_report(
                gjz, unit("210211"), "monthly", datetime.date(2026, 5, 1), now=at(2026, 4, 2, 9, 0)
            )
        with pytest.raises(ActionError, match="不是须报送"):
            actions.file_nil_report(gjz, unit("G0001"), "monthly", MARCH, now=at(2026, 4, 2, 9, 0))


def test_nil_report_refused_when_the_period_had_incidents():
    from .helpers import new_incident

    gjz = demo_user("gjz_admin")
    new_incident(gjz, unit("210211001"), now=at(2026, 3, 10, 9, 0))
    with as_user(gjz), pytest.raises(ActionError, match="零报告"):
        actions.file_nil_report(gjz, unit("210211001"), "monthly", MARCH, now=at(2026, 4, 1, 9, 0))


def test_the_page_takes_the_filing_time_from_the_server_never_the_form(client):
    client.force_login(demo_user("gjz_editor"))
    server_time = at(2026, 4, 5, 17, 1)
    with mock.patch("django.utils.timezone.now", return_value=server_time):
        resp = client.post(
            "/stability/reports/file/",
            {
                "org": unit("210211").pk,
                "period": "monthly:2026-03-01",
                "summary": "本月排查情况",
                "disputes_found": 2,
                "disputes_resolved": 1,
                "workers_involved": 30,
                "filed_at": "2026-04-01T09:00",
                "is_late": "0",
                "deadline": "2026-12-31T00:00",
            },
        )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    report = Report.objects.get(org=unit("210211"), period_start=MARCH)
    assert report.filed_at == server_time and report.is_late and report.deadline == at(2026, 4, 5, 17, 0)


def test_heightened_period_makes_reports_daily():
    city = demo_user("city_admin")
    gjz = demo_user("gjz_admin")
    with as_user(city):
        actions.set_heightened_period(
            city,
            name="重大会议期间",
            starts_on=datetime.date(2026, 9, 10),
            ends_on=datetime.date(2026, 9, 12),
        )
        with pytest.raises(ActionError, match="重叠"):
            actions.set_heightened_period(
                city, name="重叠", starts_on=datetime.date(2026, 9, 12), ends_on=datetime.date(2026, 9, 14)
            )
    with as_user(gjz), pytest.raises(ActionError, match="市总工会管理员"):
        actions.set_heightened_period(
            gjz, name="区里自定", starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 2)
        )
    periods = P.periods_of_month(datetime.date(2026, 9, 1))
    assert [(p.kind, p.start.day) for p in periods] == [
        ("monthly", 1),
        ("daily", 10),
        ("daily", 11),
        ("daily", 12),
    ]
    assert periods[2].deadline == at(2026, 9, 11, 17, 0)
    town = unit("210211001")
    with as_user(gjz):
        with pytest.raises(ActionError, match="不在敏感时期内"):
            actions.file_nil_report(gjz, town, "daily", datetime.date(2026, 9, 9), now=at(2026, 9, 9, 10, 0))
        on_time = actions.file_nil_report(
            gjz, town, "daily", datetime.date(2026, 9, 11), now=at(2026, 9, 11, 17, 0)
        )
        late = actions.file_nil_report(
            gjz, unit("210211002"), "daily", datetime.date(2026, 9, 11), now=at(2026, 9, 11, 17, 1)
        )
    assert not on_time.is_late and late.is_late
    # On the 12th at noon: two daily periods are due (10th, 11th), the 12th and the month are pending.
    table = queries.report_timeliness(
        gjz, unit("210211"), datetime.date(2026, 9, 1), now=at(2026, 9, 12, 12, 0)
    )
    units = table.total.get("units")
    assert table.total.get("expected") == 2 * units
    assert table.total.get("on_time") == 1 and table.total.get("late") == 1
    assert table.total.get("missing") == 2 * units - 2
    assert table.total.get("pending") == 2 * units


def test_missing_reports_are_derived_and_roll_up():
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        actions.file_report(gjz, unit("210211"), "monthly", MARCH, summary="区本级", now=at(2026, 4, 3, 9, 0))
        actions.file_nil_report(gjz, unit("210211001"), "monthly", MARCH, now=at(2026, 4, 6, 9, 0))
        actions.file_nil_report(gjz, unit("210211001001"), "monthly", MARCH, now=at(2026, 4, 1, 9, 0))
    table = queries.report_timeliness(gjz, unit("210211"), MARCH, now=at(2026, 4, 10, 0, 0))
    rows = {r.unit.code if not r.total else "total": r for r in table.rows}
    for key in ("units", "expected", "on_time", "late", "missing", "pending"):
        assert table.total.get(key) == sum(r.get(key) for r in table.body), key
    assert rows["210211"].own and rows["210211"].values == {
        **rows["210211"].values,
        "on_time": 1,
        "missing": 0,
    }
    town = rows["210211001"]
    assert town.get("late") == 1 and town.get("on_time") == 1
    assert town.get("missing") == town.get("units") - 2
    # No row is stored for a missing report.
    assert Report.objects.filter(period_start=MARCH).count() == 3
    # The city's row for the district is the district's total.
    city_table = queries.report_timeliness(
        demo_user("city_admin"), unit("2102"), MARCH, now=at(2026, 4, 10, 0, 0)
    )
    district_row = next(r for r in city_table.body if r.unit and r.unit.code == "210211")
    assert district_row.values == table.total.values
    missed = queries.missed_periods(unit("210211002"), now=at(2026, 4, 10, 0, 0))
    assert MARCH in [p.start for p in missed if p.kind == "monthly"]


def test_policy_decides_who_reports():
    city = demo_user("city_admin")
    with as_user(city):
        actions.save_policy(
            city,
            reporting_kinds=["district", "township"],
            monthly_deadline_day=10,
            monthly_deadline_time=datetime.time(12, 0),
            daily_deadline_time=datetime.time(9, 0),
            remind_days_before=2,
        )
    assert P.monthly_period(MARCH).deadline == at(2026, 4, 10, 12, 0)
    assert not actions.must_report(unit("210211001001"))
    gjz = make_user("t_comm_admin", "210211001001", ["administrator"])
    with as_user(gjz), pytest.raises(ActionError, match="不是须报送"):
        actions.file_nil_report(gjz, unit("210211001001"), "monthly", MARCH, now=at(2026, 4, 1, 9, 0))


def test_timeliness_page_is_a_few_queries(client, django_assert_max_num_queries):
    client.force_login(demo_user("city_admin"))
    with django_assert_max_num_queries(25):
        resp = client.get("/stability/timeliness/?month=2026-03")
    assert resp.status_code == 200
    assert "甘井子区总工会" in resp.content.decode()

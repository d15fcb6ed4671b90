"""Every page renders; forms call their actions; figures roll up; lists export."""

import datetime
import importlib.util

import pytest
from django.utils import timezone

from unionwork.stability import actions, queries
from unionwork.stability.models import (
    AccountabilityDecision,
    CaseMove,
    LeadingGroupMember,
    Severity,
    SeverityRule,
)

from .helpers import as_user, at, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    gjz = demo_user("gjz_admin")
    incident = new_incident(gjz, unit("210211001001"), severity="large", industry="C")
    concealed = new_incident(gjz, unit("210211001002"), concealed=True, kind="pay_cuts")
    with as_user(gjz):
        report = actions.file_report(
            gjz,
            unit("210211"),
            "monthly",
            datetime.date(2026, 3, 1),
            summary="情况",
            now=at(2026, 4, 6, 9, 0),
        )
        petition = actions.register_petition(
            gjz,
            unit("210211001"),
            channel="letter",
            received_on=timezone.localdate(),
            petitioner="某某",
            kind="other",
            request="诉求",
        )
        day = actions.schedule_reception(
            gjz, unit("210211"), date=timezone.localdate(), host="主席", place="中心"
        )
        response = actions.start_emergency_response(gjz, incident, commander="主席", first_entry="到场")
        member = actions.add_group_member(
            gjz, unit("210211"), name="组长", position="主席", group_role="leader", duties="全面"
        )
        decision = actions.record_accountability(
            gjz,
            unit("210211001002"),
            kind="criticism",
            decided_on=timezone.localdate(),
            reason="瞒报",
            incidents=[concealed],
        )
    return locals()


def test_every_page_renders(client, records):
    r = records
    case = r["incident"].case
    pages = [
        "/stability/",
        "/stability/timeliness/",
        "/stability/timeliness/?month=2026-03",
        "/stability/reports/",
        "/stability/reports/file/",
        "/stability/reports/nil/",
        f"/stability/reports/{r['report'].pk}/",
        f"/stability/reports/{r['report'].pk}/amend/",
        "/stability/incidents/",
        "/stability/incidents/new/",
        "/stability/incidents/concealed/",
        f"/stability/incidents/{r['incident'].pk}/",
        f"/stability/incidents/{r['incident'].pk}/amend/",
        "/stability/cases/",
        "/stability/cases/grievance/",
        f"/stability/cases/{case.pk}/",
        f"/stability/cases/{case.pk}/amend/",
        "/stability/petitions/",
        "/stability/petitions/new/",
        f"/stability/petitions/{r['petition'].pk}/",
        "/stability/receptions/",
        "/stability/receptions/new/",
        f"/stability/receptions/{r['day'].pk}/",
        "/stability/emergency/",
        "/stability/emergency/plan/",
        f"/stability/emergency/{r['response'].pk}/",
        "/stability/accountability/",
        "/stability/accountability/new/",
        f"/stability/accountability/new/{unit('210211001').pk}/",
        f"/stability/accountability/{r['decision'].pk}/",
        "/stability/group/",
        f"/stability/group/{unit('210211').pk}/add/",
        f"/stability/group/member/{r['member'].pk}/end/",
        "/stability/rules/",
        "/stability/heightened/",
        "/stability/notifications/",
        f"/stability/?node={unit('210211001').pk}",
        "/stability/incidents/?kind=wage_arrears&severity=large&under=210211001&timeliness=on_time",
        "/stability/cases/?overdue=1&mine=0&state=reported",
        "/stability/reports/?month=2026-03&is_late=1",
    ] + [f"/stability/cases/{case.pk}/{m}/" for m in (CaseMove.ASSESS, CaseMove.ESCALATE)]
    client.force_login(demo_user("gjz_admin"))
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, url
    client.force_login(demo_user("city_admin"))
    for url in (
        "/stability/",
        "/stability/rules/policy/",
        "/stability/rules/severity/",
        "/stability/heightened/new/",
    ):
        assert client.get(url).status_code == 200, url


def test_only_city_administrators_set_the_rules(client):
    client.force_login(demo_user("gjz_admin"))
    assert client.get("/stability/rules/severity/").status_code == 403
    data = {}
    for sev in Severity.values:
        data |= {f"{sev}_hours": 6, f"{sev}_days": 10}
    data["grave_notify"] = "on"
    assert client.post("/stability/rules/severity/", data).status_code == 403
    client.force_login(demo_user("city_admin"))
    assert client.post("/stability/rules/severity/", data).status_code == 302
    rule = SeverityRule.objects.get(severity="general")
    assert (
        rule.report_within_hours == 6
        and not rule.notify_upper
        and SeverityRule.objects.get(severity="grave").notify_upper
    )
    resp = client.post(
        "/stability/heightened/new/", {"name": "重大活动", "starts_on": "2026-10-01", "ends_on": "2026-10-07"}
    )
    assert resp.status_code == 302
    assert "重大活动" in client.get("/stability/heightened/").content.decode()


def test_accountability_links_the_failures_that_caused_it(client, records):
    decision = records["decision"]
    assert [c.kind for c in decision.causes.all()] == ["concealed_incident"]
    client.force_login(demo_user("gjz_admin"))
    page = client.get(f"/stability/accountability/{decision.pk}/").content.decode()
    assert "瞒报（事件）" in page
    missed = queries.missed_periods(unit("210211002"))
    resp = client.post(
        f"/stability/accountability/new/{unit('210211002').pk}/",
        {
            "kind": "accountability",
            "decided_on": timezone.localdate().isoformat(),
            "reason": "漏报月报",
            "missed": [missed[0].key],
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    latest = AccountabilityDecision.objects.filter(org=unit("210211002")).get()
    assert latest.causes.get().kind == "missed_report"
    # A unit cannot hold itself accountable.
    resp = client.post(
        f"/stability/accountability/new/{unit('210211').pk}/",
        {
            "kind": "criticism",
            "decided_on": timezone.localdate().isoformat(),
            "reason": "自己",
            "missed": [],
        },
    )
    assert resp.status_code == 400


def test_leading_group_members_join_and_leave(client, records):
    client.force_login(demo_user("gjz_admin"))
    resp = client.post(
        f"/stability/group/{unit('210211').pk}/add/",
        {
            "name": "王某",
            "position": "副主席",
            "group_role": "deputy",
            "duties": "分管信访",
            "account": demo_user("gjz_viewer").pk,
        },
    )
    assert resp.status_code == 302
    member = LeadingGroupMember.objects.get(name="王某")
    assert client.post(f"/stability/group/member/{member.pk}/end/", {"reason": "调任"}).status_code == 302
    member.refresh_from_db()
    assert not member.active and LeadingGroupMember.objects.filter(pk=member.pk).exists()
    assert "分管信访" in client.get("/stability/group/").content.decode()


def test_figures_roll_up_district_total_is_the_sum_of_its_rows(records):
    gjz = demo_user("gjz_admin")
    new_incident(gjz, unit("210211002"), kind="layoffs")
    new_incident(gjz, unit("210211"), kind="other", severity="major")
    today = timezone.localdate()
    district = unit("210211")
    for table in (
        queries.incidents_by_kind(gjz, district, today, today),
        queries.open_cases_by_severity(gjz, district),
        queries.incident_timeliness(gjz, district, today, today),
    ):
        for key, _label in table.measures:
            assert table.total.get(key) == sum(r.get(key) for r in table.body), key
    kinds = queries.incidents_by_kind(gjz, district, today, today)
    townships = [r for r in kinds.body if not r.own]
    assert kinds.total.get("all") == 4 == sum(r.get("all") for r in townships) + kinds.rows[0].get("all")
    city = queries.incidents_by_kind(demo_user("city_admin"), unit("2102"), today, today)
    assert next(r for r in city.body if r.unit == district).values == kinds.total.values
    assert queries.summary(district, today, today)["n_concealed"] == 1


@pytest.mark.skipif(
    importlib.util.find_spec("unionwork.core.exports") is None, reason="exports not landed yet"
)
def test_lists_export_to_xlsx(client, records):
    client.force_login(demo_user("gjz_admin"))
    for url in (
        "/stability/incidents/?export=xlsx",
        "/stability/cases/?export=xlsx",
        "/stability/reports/?export=xlsx",
    ):
        resp = client.get(url)
        assert resp.status_code == 200 and "spreadsheetml" in resp["Content-Type"], url


def test_list_pages_do_not_query_per_row(client, records, django_assert_max_num_queries):
    gjz = demo_user("gjz_admin")
    for _ in range(5):
        new_incident(gjz, unit("210211001"))
    client.force_login(gjz)
    for url in ("/stability/incidents/", "/stability/cases/", "/stability/reports/", "/stability/petitions/"):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_the_severity_rules_page_saves_all_rules_or_none():
    """The page's rules are one action, one transaction: a refused line leaves every rule as it was."""
    from unionwork.core.errors import ActionError

    city = demo_user("city_admin")
    rules = {
        s: {"report_within_hours": 5, "resolve_within_days": 9, "notify_upper": False}
        for s in Severity.values
    }
    rules[Severity.values[-1]]["report_within_hours"] = 0
    with as_user(city), pytest.raises(ActionError):
        actions.save_severity_rules(city, rules)
    assert not SeverityRule.objects.filter(report_within_hours=5).exists()
    rules[Severity.values[-1]]["report_within_hours"] = 5
    with as_user(city):
        actions.save_severity_rules(city, rules)
    assert SeverityRule.objects.filter(report_within_hours=5).count() == len(Severity.values)

"""Incidents: reported on time or late by the severity's rule, concealment, upward at once."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core.errors import ActionError
from unionwork.stability import actions, queries
from unionwork.stability.models import CaseEvent, CaseState, Incident, Notification

from .helpers import as_user, at, demo_user, make_user, new_incident, unit

pytestmark = pytest.mark.django_db


def test_on_time_within_the_severity_limit_late_one_minute_after():
    gjz = demo_user("gjz_admin")
    learned = at(2026, 5, 1, 8, 0)
    on_time = new_incident(
        gjz, unit("210211001"), learned_at=learned, now=learned + datetime.timedelta(hours=24)
    )
    late = new_incident(
        gjz, unit("210211001"), learned_at=learned, now=learned + datetime.timedelta(hours=24, minutes=1)
    )
    major_late = new_incident(
        gjz,
        unit("210211001"),
        severity="major",
        learned_at=learned,
        now=learned + datetime.timedelta(hours=2, minutes=1),
    )
    assert not on_time.is_late and late.is_late and major_late.is_late
    assert on_time.report_deadline == learned + datetime.timedelta(hours=24)
    # Its case is opened at once, with the time limit of its severity.
    case = on_time.case
    assert case.state == CaseState.REPORTED and case.due_at == case.opened_at + datetime.timedelta(days=30)
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.REPORTED]


def test_learning_in_the_future_is_refused():
    gjz = demo_user("gjz_admin")
    with pytest.raises(ActionError, match="知情时间不能晚于"):
        new_incident(gjz, unit("210211001"), learned_at=timezone.now() + datetime.timedelta(hours=1))


def test_a_higher_level_records_a_concealed_incident_and_the_unit_is_marked():
    gjz = demo_user("gjz_admin")
    community = unit("210211001001")
    incident = new_incident(gjz, community, concealed=True)
    assert incident.concealed and incident.org == community and incident.recorder_org == unit("210211")
    assert incident.timeliness_display() == "瞒报"
    today = timezone.localdate()
    table = queries.incident_timeliness(gjz, unit("210211"), today, today)
    township_row = next(r for r in table.body if r.unit == unit("210211001"))
    assert township_row.get("concealed") == 1 and table.total.get("concealed") == 1
    # A unit cannot record a concealment of its own.
    c_admin = make_user("t_c_admin", "210211001001", ["administrator"])
    with pytest.raises(ActionError, match="下级单位"):
        new_incident(c_admin, community, concealed=True)


def test_an_incident_is_visible_upward_at_once_and_not_to_another_district(client):
    editor = make_user("t_c_editor", "210211001001", ["editor"])
    town_viewer = make_user("t_t_viewer", "210211001", ["viewer"])
    incident = new_incident(editor, unit("210211001001"), enterprise_name="大连可见性测试有限公司")
    for username in ("gjz_viewer", "city_admin", "jx_admin"):
        user = demo_user(username)
        visible = Incident.objects.restrict(user).filter(pk=incident.pk).exists()
        assert visible == (username != "jx_admin"), username
    assert Incident.objects.restrict(town_viewer).filter(pk=incident.pk).exists()
    assert not Incident.objects.restrict(demo_user("zs_admin")).filter(pk=incident.pk).exists()
    for user, status in (
        (town_viewer, 200),
        (demo_user("gjz_viewer"), 200),
        (demo_user("city_admin"), 200),
        (demo_user("zs_admin"), 404),
    ):
        client.force_login(user)
        assert client.get(f"/stability/incidents/{incident.pk}/").status_code == status
        listed = "大连可见性测试有限公司" in client.get("/stability/incidents/").content.decode()
        assert listed == (status == 200)


def test_serious_incidents_notify_the_leaders_above(django_capture_on_commit_callbacks):
    editor = make_user("t_c_editor2", "210211001001", ["editor"])
    with as_user(demo_user("gjz_admin")):
        actions.add_group_member(
            demo_user("gjz_admin"),
            unit("210211"),
            name="某某",
            position="副主席",
            group_role="deputy",
            duties="分管维稳",
            account=demo_user("gjz_reviewer"),
        )
    with django_capture_on_commit_callbacks(execute=True):
        incident = new_incident(editor, unit("210211001001"), severity="major", kind="collective")
    notified = set(
        Notification.objects.filter(key__startswith=f"serious:{incident.pk}:").values_list(
            "user__username", flat=True
        )
    )
    # The city has no linked members: its administrators and viewers; the district: its linked member.
    assert notified == {"city_admin", "city_viewer", "gjz_reviewer"}
    with django_capture_on_commit_callbacks(execute=True):
        general = new_incident(editor, unit("210211001001"))
    assert not Notification.objects.filter(key__startswith=f"serious:{general.pk}:").exists()


def test_amending_an_incident_keeps_its_times_and_marks(client):
    gjz = demo_user("gjz_admin")
    incident = new_incident(gjz, unit("210211001"), learned_at=at(2026, 5, 1, 8, 0), now=at(2026, 5, 3, 8, 0))
    with as_user(gjz):
        actions.amend_incident(gjz, incident, reason="人数核实", workers_involved=25)
        with pytest.raises(ActionError, match="不能更正"):
            actions.amend_incident(gjz, incident, reason="改时间", reported_at=at(2026, 5, 1, 9, 0))
        with pytest.raises(ActionError, match="更正原因"):
            actions.amend_incident(gjz, incident, reason=" ", workers_involved=26)
    incident.refresh_from_db()
    assert (
        incident.workers_involved == 25 and incident.is_late and incident.reported_at == at(2026, 5, 3, 8, 0)
    )
    amendment = incident.amendments.get()
    assert amendment.changes == {"workers_involved": [10, 25]} and amendment.reason == "人数核实"
    client.force_login(gjz)
    assert "人数核实" in client.get(f"/stability/incidents/{incident.pk}/").content.decode()


def test_uscc_is_checked():
    gjz = demo_user("gjz_admin")
    with pytest.raises(ActionError, match="统一社会信用代码"):
        new_incident(gjz, unit("210211001"), enterprise_uscc="91210200123456789X")
    ok = new_incident(gjz, unit("210211001"), enterprise_uscc="91110000600037341L")
    assert ok.enterprise_uscc == "91110000600037341L"

"""The case workflow: one table, one action; to the end; escalation; the timeline."""

import pytest

from unionwork.core.errors import ActionError
from unionwork.stability import actions
from unionwork.stability.models import WORKFLOW, CaseMove, CaseState

from .helpers import as_user, demo_user, make_user, new_incident, unit

pytestmark = pytest.mark.django_db


def test_the_workflow_table_is_whole():
    assert set(WORKFLOW) == set(CaseState.values)
    for moves in WORKFLOW.values():
        assert set(moves) <= set(CaseMove.values) and set(moves.values()) <= set(CaseState.values)
    # Nothing is resolved before a leader owns it; a verified case is final.
    assert CaseMove.RESOLVE not in WORKFLOW[CaseState.REPORTED] | WORKFLOW[CaseState.ASSESSED]
    assert WORKFLOW[CaseState.VERIFIED] == {}


def test_an_illegal_move_is_refused_in_chinese():
    gjz = demo_user("gjz_admin")
    case = new_incident(gjz, unit("210211001")).case
    with as_user(gjz), pytest.raises(ActionError) as err:
        actions.resolve_case(gjz, case, resolution="agreement", note="已化解")
    assert "案件当前状态为“待研判”，不能“化解”" in err.value.messages[0]
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED


def test_a_case_followed_to_the_end():
    gjz, reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    case = new_incident(gjz, unit("210211001")).case
    with as_user(gjz):
        actions.assess_case(gjz, case, assessment="属实", severity="large")
        actions.own_case(gjz, case, owner=gjz)
        actions.record_mediation(
            gjz, case, parties="企业、职工代表", methods=["persuasion", "relief"], outcome="agreement"
        )
        actions.resolve_case(gjz, case, resolution="agreement", note="达成协议")
        with pytest.raises(ActionError, match="不能核实自己"):
            actions.verify_case(gjz, case, note="自己核实")
    with as_user(reviewer):
        actions.verify_case(reviewer, case, note="回访确认")
    case.refresh_from_db()
    assert case.state == CaseState.VERIFIED and case.verified_at and case.resolved_at
    assert list(case.events.values_list("kind", flat=True)) == [
        "reported",
        "assessed",
        "owned",
        "mediated",
        "resolved",
        "verified",
    ]
    assert case.sessions.get().methods == ["persuasion", "relief"]
    assert case.allowed_moves() == []


def test_an_owner_must_be_a_leader_of_the_handling_level_or_above():
    town_admin = make_user("t_town_admin", "210211001", ["administrator"])
    case = new_incident(town_admin, unit("210211001001")).case
    with as_user(town_admin):
        actions.assess_case(town_admin, case, assessment="属实")
        with pytest.raises(ActionError, match="包案领导须是"):
            actions.own_case(town_admin, case, owner=demo_user("zs_admin"))
        with pytest.raises(ActionError, match="包案领导须是"):
            actions.own_case(town_admin, case, owner=demo_user("gjz_admin"))  # above the user's scope
        actions.own_case(town_admin, case, owner=town_admin)


def test_escalation_hands_the_case_to_the_level_above():
    c_admin = make_user("t_c_admin3", "210211001001", ["administrator"])
    t_admin = make_user("t_t_admin3", "210211001", ["administrator"])
    case = new_incident(c_admin, unit("210211001001")).case
    with as_user(c_admin):
        actions.escalate_case(c_admin, case, note="本级无力化解")
        case.refresh_from_db()
        assert case.handling_org == unit("210211001") and case.state == CaseState.ESCALATED
        with pytest.raises(ActionError, match="只能查看"):
            actions.assess_case(c_admin, case, assessment="再看看")
    with as_user(t_admin):
        actions.assess_case(t_admin, case, assessment="街道承办")
    city = demo_user("city_admin")
    city_case = new_incident(city, unit("2102")).case
    with as_user(city), pytest.raises(ActionError, match="最高层级"):
        actions.escalate_case(city, city_case, note="无处可报")


def test_the_move_page_shows_the_refusal(client):
    gjz = demo_user("gjz_admin")
    case = new_incident(gjz, unit("210211001")).case
    client.force_login(gjz)
    resp = client.post(f"/stability/cases/{case.pk}/resolve/", {"resolution": "agreement", "note": "已化解"})
    assert resp.status_code == 400 and "不能“化解”" in resp.content.decode()
    resp = client.post(f"/stability/cases/{case.pk}/assess/", {"severity": "general", "assessment": "属实"})
    assert resp.status_code == 302
    page = client.get(f"/stability/cases/{case.pk}/").content.decode()
    assert "领导包案" in page and 'data-kind="assessed"' in page
    client.force_login(demo_user("gjz_viewer"))
    assert client.get(f"/stability/cases/{case.pk}/own/").status_code == 403


def test_petitions_mark_first_visits_and_open_cases():
    gjz = demo_user("gjz_admin")
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    with as_user(gjz):
        first = actions.register_petition(
            gjz,
            unit("210211001"),
            channel="visit",
            received_on=today - datetime.timedelta(days=3),
            petitioner="张 某某",
            petitioner_phone="138-0000-0001",
            kind="wage_arrears",
            request="讨薪",
        )
        again = actions.register_petition(
            gjz,
            unit("210211001"),
            channel="letter",
            received_on=today,
            petitioner="张某某",
            petitioner_phone="13800000001",
            kind="wage_arrears",
            request="再次讨薪",
        )
    assert first.is_first and first.first_display() == "初访" and first.case.kind == "petition"
    assert not again.is_first and again.first_display() == "重信"


def test_grievance_reception_and_emergency():
    gjz = demo_user("gjz_admin")
    import datetime

    from django.utils import timezone

    with as_user(gjz):
        grievance = actions.open_grievance_case(
            gjz, unit("210211"), title="工伤待遇", claimant="李某", description="代理诉求"
        )
        day = actions.schedule_reception(
            gjz,
            unit("210211"),
            date=timezone.localdate() - datetime.timedelta(days=1),
            host="主席",
            place="服务中心",
        )
        visit = actions.record_reception_visit(gjz, day, visitor="赵某", request="补偿", open_as_case=True)
        future = actions.schedule_reception(
            gjz,
            unit("210211"),
            date=timezone.localdate() + datetime.timedelta(days=5),
            host="主席",
            place="服务中心",
        )
        with pytest.raises(ActionError, match="尚未到来"):
            actions.record_reception_visit(gjz, future, visitor="钱某", request="咨询")
        plan = actions.adopt_emergency_plan(gjz, unit("210211"), title="预案一", content="要点")
        plan2 = actions.adopt_emergency_plan(gjz, unit("210211"), title="预案二", content="要点")
        incident = new_incident(gjz, unit("210211001001"), severity="major")
        response = actions.start_emergency_response(gjz, incident, commander="主席", first_entry="到达现场")
        actions.log_emergency(gjz, response, text="协商")
        actions.close_emergency_response(gjz, response, summary="平息")
        with pytest.raises(ActionError, match="已结束"):
            actions.log_emergency(gjz, response, text="补记")
    plan.refresh_from_db()
    assert grievance.kind == "grievance" and visit.case.kind == "reception"
    assert not plan.in_force and plan2.in_force and response.plan == plan2
    assert [e.text for e in response.log.all()] == ["到达现场", "协商", "应急处置结束：平息"]
    assert "emergency" in incident.case.events.values_list("kind", flat=True)

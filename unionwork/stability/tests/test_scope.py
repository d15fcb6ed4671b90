"""A district user sees and acts on nothing of another district: 404, never 403 (every URL of the
module is walked by test_scope_urls.py)."""

import pytest

from unionwork.core.errors import ActionError
from unionwork.stability import actions
from unionwork.stability.models import Case, Incident, Report

from . import helpers
from .helpers import as_user, at, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def zs_records():
    return helpers.zs_records()


def test_a_district_user_gets_404_for_another_districts_records(client, zs_records):
    client.force_login(demo_user("gjz_admin"))
    r = zs_records
    urls = [
        f"/stability/incidents/{r['incident'].pk}/",
        f"/stability/incidents/{r['incident'].pk}/amend/",
        f"/stability/incidents/{r['incident'].pk}/emergency/",
        f"/stability/cases/{r['case'].pk}/",
        f"/stability/cases/{r['case'].pk}/assess/",
        f"/stability/cases/{r['case'].pk}/amend/",
        f"/stability/reports/{r['report'].pk}/",
        f"/stability/reports/{r['report'].pk}/amend/",
        f"/stability/petitions/{r['petition'].pk}/",
        f"/stability/receptions/{r['day'].pk}/",
        f"/stability/receptions/{r['day'].pk}/visit/",
        f"/stability/emergency/{r['response'].pk}/",
        f"/stability/emergency/{r['response'].pk}/log/",
        f"/stability/group/member/{r['member'].pk}/end/",
        f"/stability/group/{unit('210202').pk}/add/",
        f"/stability/accountability/new/{unit('210202001').pk}/",
        f"/stability/?node={unit('210202').pk}",
        f"/stability/timeliness/?node={unit('210202').pk}",
        f"/stability/group/?node={unit('210202').pk}",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    resp = client.post(
        f"/stability/cases/{r['case'].pk}/assess/", {"severity": "grave", "assessment": "越权"}
    )
    assert resp.status_code == 404
    assert client.post(f"/stability/petitions/{r['petition'].pk}/case/").status_code == 404
    for url in (
        "/stability/incidents/",
        "/stability/cases/",
        "/stability/reports/",
        "/stability/petitions/",
        "/stability/receptions/",
        "/stability/emergency/",
        "/stability/",
        "/stability/timeliness/?month=2026-03",
    ):
        body = client.get(url).content.decode()
        assert "中山" not in body, url
    case = Case.objects.get(pk=r["case"].pk)
    assert case.state == "reported" and case.severity == "general"


def test_actions_refuse_out_of_scope_records(zs_records):
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        with pytest.raises(ActionError, match="管辖范围"):
            actions.assess_case(gjz, zs_records["case"], assessment="越权")
        with pytest.raises(ActionError, match="管辖范围"):
            actions.amend_report(gjz, zs_records["report"], reason="越权", summary="改")
        with pytest.raises(ActionError, match="管辖范围"):
            actions.report_incident(
                gjz,
                unit("210202001"),
                kind="other",
                severity="general",
                enterprise_name="越权",
                description="越权",
                learned_at=at(2026, 3, 1, 8, 0),
            )
    assert not Incident.objects.restrict(gjz).filter(pk=zs_records["incident"].pk).exists()
    assert not Report.objects.restrict(gjz).filter(pk=zs_records["report"].pk).exists()


def test_roles_are_checked():
    viewer = demo_user("gjz_viewer")
    with pytest.raises(ActionError, match="角色"):
        new_incident(viewer, unit("210211001"))
    editor = demo_user("gjz_editor")
    case = new_incident(editor, unit("210211001")).case
    with as_user(editor), pytest.raises(ActionError, match="角色"):
        actions.verify_case(editor, case, note="核实")

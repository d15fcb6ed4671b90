"""Nothing vanishes and nothing is back-dated: not through the models, the pages, the API."""

import datetime

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.stability import actions
from unionwork.stability.models import Amendment, Case, Incident, PermanentRecordError, Report

from .helpers import as_user, at, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db


def _report():
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        return actions.file_report(
            gjz,
            unit("210211001"),
            "monthly",
            datetime.date(2026, 3, 1),
            summary="情况",
            disputes_found=3,
            disputes_resolved=1,
            now=at(2026, 4, 2, 9, 0),
        )


def test_records_cannot_be_deleted_by_model_or_queryset():
    report = _report()
    incident = new_incident(demo_user("gjz_admin"), unit("210211001"))
    for obj in (report, incident, incident.case):
        with pytest.raises(PermanentRecordError, match="不能删除"):
            obj.delete()
        with pytest.raises(PermanentRecordError):
            type(obj).objects.filter(pk=obj.pk).delete()
    with pytest.raises(PermanentRecordError):
        incident.case.events.first().delete()
    assert Report.objects.filter(pk=report.pk).exists() and Incident.objects.filter(pk=incident.pk).exists()
    assert Case.objects.filter(pk=incident.case.pk).exists()


def test_there_is_no_delete_url_and_detail_pages_refuse_delete(client):
    stability = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "stability")
    routes = [
        str(p.pattern) + " " + (p.name or "") for p in stability.url_patterns if isinstance(p, URLPattern)
    ]
    assert routes and not [r for r in routes if "delete" in r or "remove" in r]
    report = _report()
    client.force_login(demo_user("gjz_admin"))
    assert client.delete(f"/stability/reports/{report.pk}/").status_code == 405
    assert client.post(f"/stability/reports/{report.pk}/").status_code == 405


def test_the_api_offers_no_way_to_delete_stability_records(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, ops in schema.get("paths", {}).items():
        if "stability" in path:
            assert "delete" not in ops, path


def test_posting_a_reported_at_is_ignored(client):
    client.force_login(demo_user("gjz_editor"))
    before = timezone.now()
    resp = client.post(
        "/stability/incidents/new/",
        {
            "org": unit("210211001").pk,
            "kind": "wage_arrears",
            "severity": "general",
            "enterprise_name": "大连回溯测试有限公司",
            "workers_involved": 5,
            "amount_at_stake": "1000",
            "description": "欠薪",
            "learned_at": timezone.localtime(before - datetime.timedelta(hours=30)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "reported_at": "2020-01-01T08:00",
            "is_late": "",
            "concealed": "",
            "report_deadline": "2030-01-01T00:00",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:3000]
    incident = Incident.objects.get(enterprise_name="大连回溯测试有限公司")
    assert incident.reported_at >= before and incident.is_late and not incident.concealed
    resp = client.post(
        "/stability/incidents/new/",
        {
            "org": unit("210211001").pk,
            "kind": "wage_arrears",
            "severity": "general",
            "enterprise_name": "大连未来测试有限公司",
            "workers_involved": 5,
            "amount_at_stake": "0",
            "description": "欠薪",
            "learned_at": timezone.localtime(before + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert resp.status_code == 400 and "知情时间不能晚于当前时间" in resp.content.decode()


def test_a_correction_is_an_amendment_with_its_reason(client):
    report = _report()
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        actions.amend_report(gjz, report, reason="统计口径更正", disputes_found=4)
        with pytest.raises(ActionError, match="不能更正"):
            actions.amend_report(gjz, report, reason="改时间", filed_at=at(2026, 4, 1, 9, 0))
    report.refresh_from_db()
    assert report.disputes_found == 4 and report.filed_at == at(2026, 4, 2, 9, 0)
    amendment = Amendment.objects.get(report=report)
    assert amendment.changes == {"disputes_found": [3, 4]}
    event = AuditEvent.objects.filter(model="stability.report", object_id=str(report.pk), verb="amend").get()
    assert event.note == "统计口径更正" and event.actor_label == "gjz_admin"
    client.force_login(gjz)
    resp = client.post(
        f"/stability/reports/{report.pk}/amend/",
        {
            "is_nil": "",
            "summary": "情况",
            "disputes_found": 4,
            "disputes_resolved": 2,
            "workers_involved": 0,
            "reason": "化解数更正",
            "filed_at": "2020-01-01T00:00",
        },
    )
    assert resp.status_code == 302
    report.refresh_from_db()
    assert report.disputes_resolved == 2 and report.filed_at == at(2026, 4, 2, 9, 0)
    assert "化解数更正" in client.get(f"/stability/reports/{report.pk}/").content.decode()


def test_every_action_is_audited():
    gjz = demo_user("gjz_admin")
    incident = new_incident(gjz, unit("210211001"))
    with as_user(gjz):
        actions.assess_case(gjz, incident.case, assessment="属实")
    verbs = set(
        AuditEvent.objects.filter(org_path__startswith=unit("210211001").path).values_list("verb", flat=True)
    )
    assert {"report_incident", "open_case", "assess"} <= verbs

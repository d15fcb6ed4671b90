"""Stability work over /api/v1/stability/: scope, server time, no deletion, audit, the workflow."""

import datetime

import pytest
from django.utils import timezone

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.models import AuditEvent
from unionwork.stability import actions, queries
from unionwork.stability import periods as P
from unionwork.stability.models import Amendment, Case, CaseState, Incident, Report

from .helpers import as_user, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db

URL = "/api/v1/stability"


class Api:
    """A test client that speaks JSON with a token."""

    def __init__(self, client, username: str):
        with audit.acting_as(None, "test"):
            _token, key = issue_token(demo_user(username), "测试")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(URL + path, params, **self.headers)

    def post(self, path, data=None):
        return self.client.post(URL + path, data or {}, content_type="application/json", **self.headers)

    def call(self, method, path, data=None):
        return getattr(self.client, method)(
            URL + path, data or {}, content_type="application/json", **self.headers
        )


@pytest.fixture
def gjz(client):
    return Api(client, "gjz_admin")


@pytest.fixture
def records():
    """A report, an incident and its case in each of 甘井子区 and 中山区."""
    gjz_admin, zs_admin = demo_user("gjz_admin"), demo_user("zs_admin")
    month = timezone.localdate().replace(day=1)
    out = {}
    for user, district, town, name in (
        (gjz_admin, "210211", "210211001", "大连甘井子接口测试有限公司"),
        (zs_admin, "210202", "210202001", "大连中山接口测试有限公司"),
    ):
        incident = new_incident(user, unit(town), enterprise_name=name)
        with as_user(user):
            report = actions.file_report(user, unit(district), "monthly", month, summary=f"{name}情况")
        out[district] = {"incident": incident, "case": incident.case, "report": report}
    return out


def month_start() -> datetime.date:
    return timezone.localdate().replace(day=1)


# --- scope -----------------------------------------------------------------------------------------


def test_lists_hold_only_the_callers_district(gjz, records):
    mine, other = records["210211"], records["210202"]
    for path, key in (("/reports", "report"), ("/incidents", "incident"), ("/cases", "case")):
        body = gjz.get(path).json()
        ids = {item["id"] for item in body["items"]}
        assert mine[key].pk in ids, path
        assert other[key].pk not in ids, path
        assert "中山" not in str(body), path
    # Naming the other district as a filter filters to nothing rather than showing it.
    assert gjz.get("/incidents", under=str(unit("210202").pk)).json()["count"] == 0


def test_the_other_districts_ids_are_404_and_nothing_changes(gjz, records):
    other = records["210202"]
    report, incident, case = other["report"], other["incident"], other["case"]
    for path in (
        f"/reports/{report.pk}",
        f"/incidents/{incident.pk}",
        f"/cases/{case.pk}",
        f"/timeliness/{unit('210202').pk}",
    ):
        response = gjz.get(path)
        assert response.status_code == 404, path
        assert "中山" not in response.content.decode()
    writes = [
        (f"/reports/{report.pk}/amend", {"reason": "越权", "summary": "篡改"}),
        (f"/incidents/{incident.pk}/amend", {"reason": "越权", "enterprise_name": "篡改"}),
        (f"/cases/{case.pk}/amend", {"reason": "越权", "title": "篡改"}),
        (f"/cases/{case.pk}/move", {"transition": "escalate", "note": "越权"}),
    ]
    for path, body in writes:
        assert gjz.post(path, body).status_code == 404, path
    # A unit of the other district named in a body is refused like an unknown one.
    response = gjz.post(
        "/reports",
        {
            "org_id": unit("210202001").pk,
            "period_kind": "monthly",
            "period_start": str(month_start()),
            "is_nil": True,
        },
    )
    assert response.status_code == 400 and "不在您的管辖范围内" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == CaseState.REPORTED and "篡改" not in case.title
    assert not Amendment.objects.exists()
    assert Report.objects.filter(org=unit("210202001")).count() == 0


def test_a_viewer_may_read_but_not_file(client, records):
    viewer = Api(client, "gjz_viewer")
    assert viewer.get("/cases").status_code == 200
    response = viewer.post(
        "/reports",
        {
            "org_id": unit("210211001").pk,
            "period_kind": "monthly",
            "period_start": str(month_start()),
            "is_nil": True,
        },
    )
    assert response.status_code == 403 and "无权" in response.json()["detail"]


# --- server time, no deletion, audit ----------------------------------------------------------------


def test_a_filing_time_in_the_body_is_refused_and_the_servers_is_kept(gjz):
    month, org = month_start(), unit("210211001")
    body = {"org_id": org.pk, "period_kind": "monthly", "period_start": str(month), "is_nil": True}
    backdated = body | {"filed_at": "2020-01-01T09:00:00+08:00"}
    response = gjz.post("/reports", backdated)
    assert response.status_code == 422 and "filed_at" in response.json()["detail"]
    assert not Report.objects.filter(org=org).exists()

    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    started = timezone.now()
    response = gjz.post("/reports", body)
    assert response.status_code == 201, response.content
    data = response.json()
    report = Report.objects.get(pk=data["id"])
    assert started <= report.filed_at <= timezone.now()
    assert report.is_nil and not report.is_late and data["is_nil"] is True
    assert report.deadline == P.monthly_period(month).deadline
    # Audited as the token's user, from the API.
    event = AuditEvent.objects.get(id__gt=before, model="stability.report", object_id=str(report.pk))
    assert (event.source, event.actor_id, event.verb) == ("api", demo_user("gjz_admin").pk, "file_nil_report")

    # An amendment cannot move the time either, and needs its reason.
    assert (
        gjz.post(
            f"/reports/{report.pk}/amend", {"reason": "改时间", "filed_at": "2020-01-01T09:00:00"}
        ).status_code
        == 422
    )
    assert gjz.post(f"/reports/{report.pk}/amend", {"summary": "补充"}).status_code == 422
    response = gjz.post(f"/reports/{report.pk}/amend", {"reason": "补充备注", "summary": "无情况"})
    assert response.status_code == 200 and response.json()["amendments"][0]["reason"] == "补充备注"
    report.refresh_from_db()
    assert report.summary == "无情况" and started <= report.filed_at <= timezone.now()
    # Filing the same period again is refused in Chinese.
    again = gjz.post("/reports", body)
    assert again.status_code == 400 and "已报送" in again.json()["detail"]


def test_an_incident_is_reported_at_server_time_and_late_by_its_rule(gjz):
    learned = timezone.now() - datetime.timedelta(hours=30)  # a general incident: 24 hours
    body = {
        "org_id": unit("210211001").pk,
        "kind": "wage_arrears",
        "severity": "general",
        "enterprise_name": "大连接口迟报测试有限公司",
        "description": "拖欠三个月工资",
        "workers_involved": 12,
        "amount_at_stake": "36000.50",
        "learned_at": learned.isoformat(),
    }
    refused = gjz.post("/incidents", body | {"reported_at": learned.isoformat()})
    assert refused.status_code == 422
    assert not Incident.objects.filter(enterprise_name="大连接口迟报测试有限公司").exists()

    started = timezone.now()
    response = gjz.post("/incidents", body)
    assert response.status_code == 201, response.content
    data = response.json()
    incident = Incident.objects.get(pk=data["id"])
    assert started <= incident.reported_at <= timezone.now()
    assert incident.is_late and data["timeliness_display"] == "迟报" and data["case_state"] == "reported"
    assert AuditEvent.objects.get(model="stability.incident", object_id=str(incident.pk)).source == "api"
    assert [i["id"] for i in gjz.get("/incidents", timeliness="late").json()["items"]] == [incident.pk]
    assert gjz.get(f"/incidents/{incident.pk}").json()["amount_at_stake"] in ("36000.50", 36000.5)
    future = gjz.post(
        "/incidents", body | {"learned_at": (timezone.now() + datetime.timedelta(hours=2)).isoformat()}
    )
    assert future.status_code == 400 and "知情时间不能晚于当前时间" in future.json()["detail"]


def test_nothing_is_deleted_or_replaced(gjz, records):
    mine = records["210211"]
    for path in (
        f"/reports/{mine['report'].pk}",
        f"/incidents/{mine['incident'].pk}",
        f"/cases/{mine['case'].pk}",
    ):
        for method in ("delete", "put", "patch"):
            assert gjz.call(method, path, {"reason": "删除"}).status_code == 405, (method, path)
    assert Report.objects.filter(pk=mine["report"].pk).exists()
    assert Case.objects.filter(pk=mine["case"].pk).exists()


# --- the case workflow and the timeliness table ----------------------------------------------------


def test_a_case_moved_to_the_end_through_the_api(client, gjz, records):
    case = records["210211"]["case"]
    path = f"/cases/{case.pk}"
    illegal = gjz.post(path + "/move", {"transition": "resolve", "resolution": "agreement", "note": "已化解"})
    assert illegal.status_code == 400 and "不能“化解”" in illegal.json()["detail"]
    outsider = gjz.post(path + "/move", {"transition": "own", "owner_id": demo_user("zs_admin").pk})
    assert outsider.status_code == 400
    steps = [
        {"transition": "assess", "assessment": "情况属实", "severity": "large"},
        {"transition": "own", "owner_id": demo_user("gjz_admin").pk},
        {
            "transition": "mediate",
            "parties": "企业、职工代表",
            "methods": ["persuasion"],
            "outcome": "agreement",
        },
        {"transition": "resolve", "resolution": "agreement", "note": "达成协议"},
    ]
    for step in steps:
        response = gjz.post(path + "/move", step)
        assert response.status_code == 200, (step, response.content)
    assert gjz.post(path + "/move", {"transition": "verify", "note": "自己核实"}).status_code == 400
    reviewer = Api(client, "gjz_reviewer")
    assert reviewer.get(path).json()["allowed_moves"] == ["verify", "reopen"]
    response = reviewer.post(path + "/move", {"transition": "verify", "note": "回访确认"})
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "verified" and data["severity"] == "large" and data["allowed_moves"] == []
    assert [e["kind"] for e in data["timeline"]] == [
        "reported", "assessed", "owned", "mediated", "resolved", "verified"
    ]  # fmt: skip
    assert gjz.get("/cases", open="false").json()["items"][0]["id"] == case.pk
    assert case.pk not in {c["id"] for c in gjz.get("/cases", open="true").json()["items"]}


def test_the_timeliness_of_a_districts_children_and_total(gjz, records):
    district = unit("210211")
    month = month_start()
    response = gjz.get(f"/timeliness/{district.pk}", month=f"{month:%Y-%m}")
    assert response.status_code == 200
    data = response.json()
    table = queries.report_timeliness(demo_user("gjz_admin"), district, month)
    assert data["total"]["units"] == table.total.get("units") > 1
    assert sum(r["units"] for r in data["rows"]) == data["total"]["units"]
    assert sum(r["pending"] for r in data["rows"]) == data["total"]["pending"]
    assert data["rows"][0]["unit_name"] == "本级" and data["rows"][0]["unit_id"] == district.pk
    assert "中山" not in response.content.decode()
    assert gjz.get(f"/timeliness/{district.pk}", month="2026-13").status_code == 422
    assert (
        gjz.get("/reports", timeliness="on_time", kind="normal", month=f"{month:%Y-%m}").json()["count"] == 1
    )
    assert gjz.get("/reports", kind="nil").json()["count"] == 0


def test_lists_do_not_query_per_row(gjz, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        out = {}
        for path in ("/reports", "/incidents", "/cases"):
            with CaptureQueriesContext(connection) as ctx:
                assert gjz.get(path).status_code == 200
            out[path] = len(ctx.captured_queries)
        return out

    gjz.get("/cases")  # the token's first use of the minute writes last_used_at
    few = counts()
    admin = demo_user("gjz_admin")
    for code in ("210211001001", "210211001002", "210211002"):
        new_incident(admin, unit(code))
        with as_user(admin):
            actions.file_report(admin, unit(code), "monthly", month_start(), summary="情况")
    assert counts() == few

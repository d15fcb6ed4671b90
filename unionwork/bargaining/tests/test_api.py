"""The bargaining API: the same scope, statuses, actions and kept figures as the pages."""

import datetime

import pytest

from unionwork.accounts.tokens import issue_token
from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import Contract, ContractLevel
from unionwork.core import audit, indicators

from .helpers import bare_enterprise, demo_user, today, unit

pytestmark = pytest.mark.django_db
URL = "/api/v1/bargaining"


class Api:
    def __init__(self, client, username: str):
        with audit.acting_as(None, "test"):
            _token, key = issue_token(demo_user(username), "测试")
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(URL + path, params, **self.headers)

    def post(self, path, data=None):
        return self.client.post(URL + path, data or {}, content_type="application/json", **self.headers)


def test_contracts_filter_by_status_and_the_industry_contract_shows_own_enterprises(client, module_demos):
    api = Api(client, "gjz_admin")
    expired = api.get("/contracts", status="expired").json()
    assert expired["count"] > 0 and all(c["status"] == "expired" for c in expired["items"])
    c = Contract.objects.get(level=ContractLevel.INDUSTRY, org__code="I01")
    got = api.get(f"/contracts/{c.pk}").json()
    assert 0 < len(got["covered"]) < c.coverages.count()
    jx = Api(client, "jx_admin").get(f"/contracts/{c.pk}").json()
    assert len(jx["covered"]) == c.coverages.count()


def test_create_and_withdraw_move_the_figure(client, module_demos):
    api = Api(client, "gjz_admin")
    e = bare_enterprise()
    district = unit("210211")
    before = indicators.value(bi.COVERAGE, district).numerator
    body = {
        "org_id": e.union_id,
        "level": "enterprise",
        "kind": "comprehensive",
        "title": "接口集体合同",
        "employer_party": e.name,
        "enterprise_ids": [e.pk],
        "signed_on": today().isoformat(),
        "term_start": today().isoformat(),
        "term_end": (today() + datetime.timedelta(days=700)).isoformat(),
    }
    resp = api.post("/contracts", body)
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["status"] == "in_force"
    assert indicators.value(bi.COVERAGE, district).numerator == before + 1
    resp = api.post(f"/contracts/{pk}/withdraw", {"reason": "接口撤回"})
    assert resp.status_code == 200 and resp.json()["status"] == "withdrawn"
    assert indicators.value(bi.COVERAGE, district).numerator == before
    # 中山区's administrator neither sees nor withdraws it.
    assert Api(client, "zs_admin").post(f"/contracts/{pk}/withdraw", {"reason": "x"}).status_code == 404


def test_three_at_once_list(client, module_demos):
    api = Api(client, "gjz_admin")
    held = api.get("/three-at-once", lacking="held").json()
    assert held["count"] > 0 and all(r["is_three"] for r in held["items"])
    lacking = api.get("/three-at-once", lacking="congress").json()
    assert all(not r["has_congress"] for r in lacking["items"])

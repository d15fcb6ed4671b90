"""Documents over /api/v1/documents/: the inbox and 签收, receipts by scope, the kept figures."""

import pytest

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.documents.models import Dispatch

from .helpers import draft, issue

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents"


def _headers(username):
    with audit.acting_as(None, "test"):
        _token, key = issue_token(demo_user(username), "测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_recipient_acknowledges_over_the_api_and_the_issuer_sees_it(client, acting):
    doc = issue(draft(title="接口签收测试"))
    gjz = _headers("gjz_editor")
    inbox = client.get(f"{URL}/inbox", **gjz).json()["items"]
    row = next(r for r in inbox if r["document_id"] == doc.pk)
    assert row["status"] == "未读" and row["recipient_name"] == "甘井子区总工会"
    resp = client.post(f"{URL}/inbox/{row['id']}/acknowledge", content_type="application/json", **gjz)
    assert resp.status_code == 200 and resp.json()["acknowledged_at"]
    again = client.post(f"{URL}/inbox/{row['id']}/acknowledge", content_type="application/json", **gjz)
    assert again.status_code == 400 and "已于" in again.json()["detail"]
    city = client.get(f"{URL}/documents/{doc.pk}/recipients", **_headers("city_admin")).json()
    assert {r["recipient_name"] for r in city} >= {"甘井子区总工会", "中山区总工会"}
    mine = client.get(f"{URL}/documents/{doc.pk}/recipients", **gjz).json()
    assert {r["recipient_name"] for r in mine} == {"甘井子区总工会"}
    zs_row = Dispatch.objects.get(document=doc, recipient=unit("210202"))
    assert client.post(f"{URL}/inbox/{zs_row.pk}/acknowledge", **gjz).status_code == 404
    figures = {f["key"]: f for f in client.get(f"{URL}/figures", **gjz).json()}
    assert figures["documents.acknowledged_on_time"]["numerator"] == 1

"""Enterprises, grassroots unions and founding targets over /api/v1/founding/: scope, roles, audit."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import audit
from unionwork.core.tests.apiclient import clients, events_since, last_event_id
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions
from unionwork.founding.models import Enterprise, GrassrootsUnion

from .factories import code, enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    return clients(client)


URL = "/api/v1/founding/"
GJZ_COMMUNITY = "210211001001"
ZS_COMMUNITY = "210202001002"
DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def firms():
    """Two enterprises of 甘井子区 (one large, one small) and one of 中山区."""
    with audit.acting_as(None, "test"):
        big = enterprise(unit(GJZ_COMMUNITY), employees=120, name="接口测试大企业有限公司")
        small = enterprise(unit(GJZ_COMMUNITY), employees=3, name="接口测试小企业有限公司")
        theirs = enterprise(unit(ZS_COMMUNITY), employees=80, name="接口测试中山企业有限公司")
    return big, small, theirs


# --- enterprises ---------------------------------------------------------------------------------


def test_enterprises_list_and_detail_hold_the_scope(as_user, firms):
    big, small, theirs = firms
    api = as_user("gjz_viewer")
    response = api.get(f"{URL}enterprises/", q="接口测试")
    assert response.status_code == 200
    names = {e["name"] for e in response.json()["items"]}
    assert names == {big.name, small.name}
    assert response.json()["count"] == 2
    # the page's filters: the rule's expectation and has_union
    own = api.get(f"{URL}enterprises/", q="接口测试", expected="own").json()["items"]
    assert [e["id"] for e in own] == [big.pk] and own[0]["expectation_display"] == "应单独建会"
    assert api.get(f"{URL}enterprises/", q="接口测试", has_union="true").json()["count"] == 0
    assert api.get(f"{URL}enterprises/", q="接口测试", has_union="false").json()["count"] == 2
    # detail with its timeline; another district's enterprise is a 404
    detail = api.get(f"{URL}enterprises/{big.pk}")
    assert detail.status_code == 200 and detail.json()["events"][0]["kind"] == "registered"
    assert api.get(f"{URL}enterprises/{theirs.pk}").status_code == 404
    assert "中山" not in api.get(f"{URL}enterprises/", q="中山").content.decode()


def test_register_and_update_an_enterprise_are_audited(as_user):
    api = as_user("gjz_editor")
    since = last_event_id()
    body = {
        "uscc": code(region="210211"),
        "name": "接口登记企业有限公司",
        "ownership": "private",
        "industry": "C",
        "community_id": unit(GJZ_COMMUNITY).pk,
        "employees": 30,
    }
    response = api.post(f"{URL}enterprises/", body)
    assert response.status_code == 201, response.content
    e = Enterprise.objects.get(pk=response.json()["id"])
    assert e.community.code == GJZ_COMMUNITY
    (created,) = events_since(since, "founding.enterprise")
    assert created.verb == "create" and created.source == "api"

    since = last_event_id()
    response = api.patch(f"{URL}enterprises/{e.pk}", {"employees": 45})
    assert response.status_code == 200, response.content
    e.refresh_from_db()
    assert (e.employees, e.name) == (45, "接口登记企业有限公司")
    (updated,) = events_since(since, "founding.enterprise")
    assert updated.verb == "update" and set(updated.changes()) - {"updated_at"} == {"employees"}

    # a community outside the scope: refused like an unknown one, nothing changed
    response = api.patch(f"{URL}enterprises/{e.pk}", {"community_id": unit(ZS_COMMUNITY).pk})
    assert response.status_code == 400 and "管辖范围" in response.json()["detail"]
    response = api.post(
        f"{URL}enterprises/", {**body, "uscc": code(region="210202"), "community_id": unit(ZS_COMMUNITY).pk}
    )
    assert response.status_code == 400
    e.refresh_from_db()
    assert e.community.code == GJZ_COMMUNITY


def test_a_viewer_token_cannot_write_and_another_districts_enterprise_is_404(as_user, firms):
    big, _small, theirs = firms
    viewer = as_user("gjz_viewer")
    before = last_event_id()
    body = {
        "uscc": code(region="210211"),
        "name": "查看员企业有限公司",
        "ownership": "private",
        "industry": "C",
        "community_id": unit(GJZ_COMMUNITY).pk,
    }
    assert viewer.post(f"{URL}enterprises/", body).status_code == 403
    assert viewer.patch(f"{URL}enterprises/{big.pk}", {"employees": 1}).status_code == 403
    found = {"enterprise_ids": [big.pk], "founded_on": str(DAY)}
    assert viewer.post(f"{URL}unions/", found).status_code == 403
    assert last_event_id() == before
    admin = as_user("gjz_admin")
    assert admin.patch(f"{URL}enterprises/{theirs.pk}", {"employees": 1}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.employees == 80


# --- unions --------------------------------------------------------------------------------------


def test_found_a_union_and_read_it(as_user, firms):
    big, small, theirs = firms
    api = as_user("gjz_admin")
    since = last_event_id()
    response = api.post(
        f"{URL}unions/", {"enterprise_ids": [big.pk], "founded_on": str(DAY), "chairman_name": "王主席"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == big.name + "工会" and body["chairman_name"] == "王主席"
    assert [e["id"] for e in body["enterprises"]] == [big.pk]
    big.refresh_from_db()
    assert big.union_id == body["unit_id"] and big.union_since == DAY
    found = events_since(since, "founding.grassrootsunion")
    assert [e.verb for e in found] == ["found"] and found[0].source == "api"

    viewer = as_user("gjz_viewer")
    listed = viewer.get(f"{URL}unions/", q="接口测试")
    assert [u["id"] for u in listed.json()["items"]] == [body["id"]]
    assert viewer.get(f"{URL}unions/{body['id']}").status_code == 200
    assert viewer.get(f"{URL}enterprises/", q="接口测试", has_union="true").json()["count"] == 1

    # an enterprise of another district: refused like an unknown one, no union founded
    response = api.post(f"{URL}unions/", {"enterprise_ids": [theirs.pk], "founded_on": str(DAY)})
    assert response.status_code == 400 and "管辖范围" in response.json()["detail"]
    theirs.refresh_from_db()
    assert theirs.union_id is None


def test_another_districts_union_is_404(as_user, firms):
    _big, _small, theirs = firms
    with audit.acting_as(None, "test"):
        record = actions.found_union(None, enterprises=[theirs], founded_on=DAY)
    api = as_user("gjz_admin")
    assert api.get(f"{URL}unions/{record.pk}").status_code == 404
    assert record.pk not in {u["id"] for u in api.get(f"{URL}unions/").json()["items"]}
    assert as_user("zs_admin").get(f"{URL}unions/{record.pk}").status_code == 200
    assert GrassrootsUnion.objects.get(pk=record.pk).unit.name == theirs.name + "工会"


# --- targets -------------------------------------------------------------------------------------


def test_targets_list_and_node_overview_hold_the_scope(as_user):
    city = demo_user("city_admin")
    year = timezone.localdate().year
    with audit.acting_as(city, "test"):
        actions.set_target(city, unit=unit("210211"), year=year, target=100)
        actions.set_target(city, unit=unit("210202"), year=year, target=80)
    api = as_user("gjz_viewer")
    listed = api.get(f"{URL}targets/")
    assert listed.status_code == 200
    assert [(t["unit_name"], t["target"]) for t in listed.json()["items"]] == [("甘井子区总工会", 100)]
    node = api.get(f"{URL}targets/node/{unit('210211').pk}")
    assert node.status_code == 200, node.content
    body = node.json()
    assert body["node"]["target"] == 100 and body["year"] == year
    assert body["children"] and all(r["unit_id"] != unit("210202").pk for r in body["children"])
    assert api.get(f"{URL}targets/node/{unit('210202').pk}").status_code == 404
    assert as_user("city_viewer").get(f"{URL}targets/", year=year).json()["count"] == 2

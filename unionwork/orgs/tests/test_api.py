"""The organisation tree over /api/v1/orgs/: tokens, scope, the changes and their audit."""

import pytest

from unionwork.accounts.tokens import issue_token, revoke_token
from unionwork.core import audit
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus, OrgUnit

pytestmark = pytest.mark.django_db

URL = "/api/v1/orgs/"


class Api:
    """A test client that speaks JSON with a token."""

    def __init__(self, client, key: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(path, data or {}, content_type="application/json", headers=self.headers)

    def patch(self, path, data):
        return self.client.patch(path, data, content_type="application/json", headers=self.headers)


def key_for(username: str) -> str:
    with audit.acting_as(None, "test"):
        return issue_token(demo_user(username), "测试")[1]


@pytest.fixture
def as_user(client):
    return lambda username: Api(client, key_for(username))


def api_events(since_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=since_id, model="orgs.orgunit").order_by("id"))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


# --- authentication ------------------------------------------------------------------------------


def test_token_required(client):
    response = Api(client, None).get(URL)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"
    assert Api(client, "uw_not-a-key").get(URL).status_code == 401


def test_revoked_token_and_inactive_account_refused(client):
    user = demo_user("gjz_admin")
    with audit.acting_as(None, "test"):
        token, key = issue_token(user, "测试")
    assert Api(client, key).get(URL).status_code == 200
    with audit.acting_as(None, "test"):
        revoke_token(user, token)
    assert Api(client, key).get(URL).status_code == 401

    key = key_for("gjz_admin")
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert Api(client, key).get(URL).status_code == 401


def test_last_used_is_recorded(as_user):
    api = as_user("gjz_viewer")
    api.get(URL)
    token = demo_user("gjz_viewer").api_tokens.get()
    assert token.last_used_at is not None


# --- scope ---------------------------------------------------------------------------------------


def test_district_admin_lists_only_its_subtree(as_user):
    gjz = unit("210211")
    body = as_user("gjz_admin").get(URL, page_size=100).json()
    assert body["count"] == OrgUnit.objects.filter(path__startswith=gjz.path).count()
    assert all(item["path"].startswith(gjz.path) for item in body["items"])
    assert body["items"][0]["id"] == gjz.pk  # tree order: the district first


def test_outside_scope_is_404_for_reads_and_writes(as_user):
    api = as_user("gjz_admin")
    zs, zs_street = unit("210202"), unit("210202001")
    before = last_event_id()
    calls = [
        api.get(f"{URL}{zs.pk}"),
        api.get(f"{URL}{zs.pk}/children"),
        api.get(f"{URL}{zs.pk}/history"),
        api.patch(f"{URL}{zs_street.pk}", {"name": "改名"}),
        api.post(f"{URL}{zs_street.pk}/move", {"parent_id": unit("210211").pk}),
        api.post(f"{URL}{zs_street.pk}/merge", {"target_id": unit("210211001").pk}),
        api.post(f"{URL}{zs_street.pk}/deregister", {"reason": "测试"}),
    ]
    for response in calls:
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到，或不在您的管辖范围内。"}
    assert last_event_id() == before
    assert OrgUnit.objects.get(pk=zs_street.pk).name == zs_street.name


def test_unit_named_in_body_outside_scope_is_refused(as_user):
    street = unit("210211001")
    response = as_user("gjz_admin").post(
        f"{URL}{unit('210211001001').pk}/move", {"parent_id": unit("210202001").pk}
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.json()["detail"]
    assert OrgUnit.objects.get(code="210211001001").parent_id == street.pk


def test_industrial_union_admin_sees_linked_units_in_other_districts(as_user):
    api = as_user("jx_admin")
    codes = {item["code"] for item in api.get(URL, page_size=100).json()["items"]}
    assert {"I01", "G0001", "G0003"} <= codes
    assert "G0002" not in codes and "210211" not in codes
    assert api.get(f"{URL}{unit('G0003').pk}").status_code == 200
    assert api.get(f"{URL}{unit('G0002').pk}").status_code == 404


# --- reads ---------------------------------------------------------------------------------------


def test_pinyin_initials_search(as_user):
    items = as_user("city_admin").get(URL, q="gjz").json()["items"]
    assert "210211" in {item["code"] for item in items}
    found = next(item for item in items if item["code"] == "210211")
    assert found["name"] == "甘井子区总工会"
    assert found["kind"] == OrgKind.DISTRICT and found["kind_display"]


def test_filters(as_user):
    api = as_user("city_admin")
    gjz = unit("210211")
    children = api.get(URL, parent=gjz.pk, page_size=100).json()
    assert children["count"] == OrgUnit.objects.filter(parent=gjz).count()
    subtree = api.get(URL, under=gjz.pk, kind="grassroots").json()
    assert {item["code"] for item in subtree["items"]} == {"G0001", "G0002"}
    assert [item["code"] for item in api.get(URL, code="G0003").json()["items"]] == ["G0003"]
    response = api.get(URL, kind="nonsense")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求数据有误：kind")


def test_children_and_detail(as_user):
    api = as_user("gjz_viewer")
    street = unit("210211001")
    detail = api.get(f"{URL}{street.pk}").json()
    assert detail["parent_name"] == "甘井子区总工会" and detail["status"] == "active"
    children = api.get(f"{URL}{street.pk}/children").json()
    assert children["count"] == street.children.filter(status=OrgStatus.ACTIVE).count()
    assert all(item["parent_id"] == street.pk for item in children["items"])


def test_list_has_no_n_plus_one(as_user, django_assert_max_num_queries):
    api = as_user("city_admin")
    api.get(URL)  # token last_used_at written once
    # token + count + page; nothing per row (parent and industrial union are joined).
    with django_assert_max_num_queries(4):
        body = api.get(URL, page_size=100).json()
    assert len(body["items"]) == 100


# --- changes -------------------------------------------------------------------------------------


def test_create_rename_move_merge_deregister_are_audited_as_api(as_user):
    api = as_user("gjz_admin")
    admin = demo_user("gjz_admin")
    community, other = unit("210211001001"), unit("210211001002")
    start = last_event_id()

    response = api.post(
        URL,
        {
            "parent_id": community.pk,
            "name": "演示接口公司工会",
            "kind": "grassroots",
            "code": "GAPI1",
            "industrial_union_id": unit("I01").pk,
        },
    )
    assert response.status_code == 201, response.json()
    first = response.json()
    assert first["parent_id"] == community.pk and first["industrial_union_name"] == unit("I01").name
    second = api.post(
        URL, {"parent_id": community.pk, "name": "演示接口二公司工会", "kind": "grassroots"}
    ).json()

    response = api.patch(f"{URL}{first['id']}", {"name": "演示接口公司工会（更名）"})
    assert response.status_code == 200 and response.json()["name"] == "演示接口公司工会（更名）"
    assert response.json()["code"] == "GAPI1"  # what is not sent is not changed

    response = api.post(f"{URL}{first['id']}/move", {"parent_id": other.pk, "reason": "迁址"})
    assert response.status_code == 200 and response.json()["parent_id"] == other.pk

    response = api.post(f"{URL}{second['id']}/merge", {"target_id": first["id"], "reason": "合并"})
    assert response.status_code == 200
    assert response.json()["status"] == "merged" and response.json()["merged_into_id"] == first["id"]

    response = api.post(f"{URL}{first['id']}/deregister", {"reason": "企业关闭"})
    assert response.status_code == 200 and response.json()["status"] == "deregistered"

    events = api_events(start)
    assert [e.verb for e in events] == ["create", "create", "update", "move", "merge", "deregister"]
    assert {(e.source, e.actor_id) for e in events} == {("api", admin.pk)}

    history = api.get(f"{URL}{first['id']}/history").json()
    kinds = [e["kind"] for e in history["events"]]
    assert kinds == ["deregistered", "merged", "moved", "renamed", "created"]
    assert {c["verb"] for c in history["changes"]} == {"create", "update", "move", "deregister"}
    assert all(c["source"] == "api" for c in history["changes"])


def test_deregistered_unit_is_kept_and_can_be_reactivated(as_user):
    api = as_user("gjz_admin")
    g1 = unit("G0001")
    assert api.post(f"{URL}{g1.pk}/deregister", {"reason": ""}).status_code == 400  # a reason is required
    assert api.post(f"{URL}{g1.pk}/deregister", {"reason": "企业注销"}).status_code == 200
    detail = api.get(f"{URL}{g1.pk}").json()
    assert detail["status"] == "deregistered" and detail["status_display"] == "已注销"
    listed = api.get(URL, status="deregistered").json()["items"]
    assert g1.pk in {item["id"] for item in listed}
    response = api.post(f"{URL}{g1.pk}/reactivate", {})
    assert response.status_code == 200 and response.json()["status"] == "active"


def test_move_into_own_subtree_is_refused_and_changes_nothing(as_user):
    api = as_user("gjz_admin")
    street, community = unit("210211001"), unit("210211001001")
    start = last_event_id()
    response = api.post(f"{URL}{street.pk}/move", {"parent_id": community.pk})
    assert response.status_code == 400
    assert "循环" in response.json()["detail"]
    assert OrgUnit.objects.get(pk=street.pk).path == street.path
    assert last_event_id() == start
    assert not OrgEvent.objects.filter(unit=street, kind=OrgEvent.Kind.MOVED).exists()


def test_duplicate_code_and_long_name_are_refused(as_user):
    api = as_user("gjz_admin")
    community = unit("210211001001")
    count = OrgUnit.objects.count()
    response = api.post(
        URL, {"parent_id": community.pk, "name": "重复代码", "kind": "grassroots", "code": "G0002"}
    )
    assert response.status_code == 400 and "G0002" in response.json()["detail"]
    response = api.post(URL, {"parent_id": community.pk, "name": "长" * 101, "kind": "grassroots"})
    assert response.status_code == 400 and "名称过长" in response.json()["detail"]
    response = api.patch(f"{URL}{unit('G0001').pk}", {"code": "G0002"})
    assert response.status_code == 400
    response = api.post(
        URL, {"parent_id": community.pk, "name": "代码过长", "kind": "grassroots", "code": "X" * 21}
    )
    assert response.status_code == 422 and "code" in response.json()["detail"]
    assert OrgUnit.objects.count() == count
    assert OrgUnit.objects.get(code="G0001").name == unit("G0001").name


def test_kind_not_allowed_under_parent_is_400(as_user):
    response = as_user("gjz_admin").post(
        URL, {"parent_id": unit("210211001001").pk, "name": "错层", "kind": "township"}
    )
    assert response.status_code == 400 and "不能隶属于" in response.json()["detail"]


@pytest.mark.parametrize("username", ["gjz_viewer", "gjz_editor"])
def test_roles_that_may_not_manage_get_403(as_user, username):
    api = as_user(username)
    g1, community = unit("G0001"), unit("210211001001")
    start = last_event_id()
    responses = [
        api.post(URL, {"parent_id": community.pk, "name": "无权设立", "kind": "grassroots"}),
        api.patch(f"{URL}{g1.pk}", {"name": "无权更名"}),
        api.post(f"{URL}{g1.pk}/deregister", {"reason": "无权"}),
    ]
    for response in responses:
        assert response.status_code == 403
        assert response.json()["detail"] == "您的角色无权执行此操作。"
    assert last_event_id() == start


def test_json_is_utf8_not_escaped(as_user):
    response = as_user("gjz_viewer").get(f"{URL}{unit('210211').pk}")
    assert "甘井子区总工会" in response.content.decode("utf-8")
    assert response["Content-Type"].startswith("application/json")

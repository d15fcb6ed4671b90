import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs.models import OrgStatus, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gjz(client):
    client.force_login(demo_user("gjz_admin"))
    return client


def test_browser_shows_the_users_node_and_children(gjz):
    html = gjz.get("/orgs/").content.decode()
    assert "甘井子区总工会" in html and "周水子街道工会" in html
    assert "中山区" not in html


def test_search_by_pinyin_initials(client):
    client.force_login(demo_user("city_admin"))
    html = client.get("/orgs/", {"q": "gjz"}).content.decode()
    assert "甘井子区总工会" in html


def test_list_filters_sorts_pages_and_does_not_grow_queries(gjz):
    resp = gjz.get("/orgs/list/", {"kind": "township", "sort": "-code"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "周水子街道工会" in html and "春海社区工会" not in html
    with CaptureQueriesContext(connection) as small:
        gjz.get("/orgs/list/", {"kind": "township"})
    with CaptureQueriesContext(connection) as big:
        gjz.get("/orgs/list/")
    assert len(big.captured_queries) == len(small.captured_queries)  # no query per row


def test_export_is_the_filtered_list(gjz):
    import io

    from python_calamine import CalamineWorkbook

    resp = gjz.get("/orgs/list/", {"kind": "township", "export": "xlsx"})
    assert resp.status_code == 200
    wb = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)
    )
    rows = wb.get_sheet_by_index(0).to_python()
    names = {r[0] for r in rows}
    assert "周水子街道工会" in names
    assert (
        len([r for r in rows if str(r[2]) == "乡镇（街道）工会"])
        == OrgUnit.objects.filter(parent=unit("210211"), kind="township").count()
    )


def test_detail_shows_history(gjz):
    u = unit("210211001")
    html = gjz.get(f"/orgs/{u.pk}/").content.decode()
    assert u.name in html and "按统计区划代码" in html


def test_other_district_is_404(gjz):
    assert gjz.get(f"/orgs/{unit('210202').pk}/").status_code == 404
    assert gjz.post(f"/orgs/{unit('210202001').pk}/edit/", {"name": "越权"}).status_code == 404


def test_create_move_and_deregister_through_pages(gjz):
    parent = unit("210211001001")
    resp = gjz.post(
        f"/orgs/{parent.pk}/add/",
        {"name": "大连演示页面测试公司工会", "kind": "grassroots", "reason": "测试"},
    )
    assert resp.status_code == 302
    new = OrgUnit.objects.get(name="大连演示页面测试公司工会")
    target = unit("210211001002")
    assert gjz.post(f"/orgs/{new.pk}/move/", {"new_parent": target.pk, "reason": "调整"}).status_code == 302
    new.refresh_from_db()
    assert new.parent_id == target.pk
    assert gjz.post(f"/orgs/{new.pk}/deregister/", {"reason": "企业关闭"}).status_code == 302
    new.refresh_from_db()
    assert new.status == OrgStatus.DEREGISTERED
    assert (
        AuditEvent.objects.filter(object_id=str(new.pk), source="web", actor_label="gjz_admin").count() == 3
    )


def test_a_cycle_is_refused_with_a_message_and_nothing_changes(gjz):
    township = unit("210211001")
    community = OrgUnit.objects.filter(parent=township).first()
    # The form does not even offer the unit's own subtree; a forged post gets a clear message.
    resp = gjz.post(f"/orgs/{township.pk}/move/", {"new_parent": community.pk})
    assert resp.status_code == 400
    assert "请重新搜索选择" in resp.content.decode() or "循环" in resp.content.decode()
    township.refresh_from_db()
    assert township.parent == unit("210211")


def test_over_long_name_gets_a_message(gjz):
    u = unit("210211001")
    resp = gjz.post(f"/orgs/{u.pk}/edit/", {"name": "长" * 120})
    assert resp.status_code == 400 and "100" in resp.content.decode()


def test_viewer_cannot_change(client):
    client.force_login(demo_user("gjz_viewer"))
    u = unit("210211001")
    assert client.post(f"/orgs/{u.pk}/edit/", {"name": "查看员改名"}).status_code == 403
    u.refresh_from_db()
    assert u.name != "查看员改名"

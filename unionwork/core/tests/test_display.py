"""Pages name things: the audit trail in Chinese labels, local time and names; filters by unit
name; and the one rule that decides which write buttons a page shows."""

import datetime

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from unionwork.accounts import actions
from unionwork.accounts.models import User
from unionwork.core import audit, scope
from unionwork.core.tests.factories import demo_user, unit
from unionwork.core.views import history_of, may_open

pytestmark = pytest.mark.django_db


def test_audit_trail_reads_in_chinese_with_names_and_local_time():
    admin = demo_user("gjz_admin")
    with audit.acting_as(admin, "web"):
        account = actions.create_account(
            admin,
            username="li_si",
            full_name="李四",
            org=unit("210211"),
            roles=["viewer"],
            password="Xin#Mima2026",
        )
        actions.update_account(
            admin, account, org=unit("210211001"), roles=["editor", "viewer"], is_active=False
        )
    # A time stored in UTC reads in Asia/Shanghai (+8).
    ev = history_of(account)[0]
    rows = {label: (before, after) for label, before, after in ev.rows}
    assert rows["所属组织"] == (unit("210211").name, unit("210211001").name)
    assert rows["角色"] == ("查看员", "填报员、查看员")
    from unionwork.accounts.models import User

    assert rows[str(User._meta.get_field("is_active").verbose_name)] == ("是", "否")
    assert ev.actor_name == admin.full_name and str(ev.source_label) == "网页"

    from unionwork.core.views import _value

    field = User._meta.get_field("last_login")
    stamp = datetime.datetime(2026, 3, 1, 16, 30, tzinfo=datetime.UTC).isoformat()
    assert _value(field, stamp, None, User) == "2026-03-02 00:30:00"


def test_audit_pages_show_people_and_labels(client):
    admin = demo_user("gjz_admin")
    with audit.acting_as(admin, "web"):
        account = actions.create_account(
            admin,
            username="wang_wu",
            full_name="王五",
            org=unit("210211"),
            roles=["reviewer"],
            password="Xin#Mima2026",
        )
    client.force_login(admin)
    html = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "审核员" in html and admin.full_name in html
    listing = client.get("/audit/?q=王五").content.decode()
    assert f"{admin.full_name}（gjz_admin）" in listing and "网页" in listing and "账号" in listing


def test_a_unit_filter_shows_the_units_name(client):
    client.force_login(demo_user("gjz_admin"))
    gjz = unit("210211")
    resp = client.get(f"/members/list/?under={gjz.pk}")
    shown = dict(resp.context["active_filters"])
    assert shown["所属组织（含下级）"].startswith(gjz.name)
    assert gjz.name in resp.content.decode()


def render(user, source):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load uw %}" + source).render(Context({"request": request}))


def test_may_asks_the_rule_of_scope_check():
    viewer, editor, zs = demo_user("gjz_viewer"), demo_user("gjz_editor"), demo_user("zs_admin")
    gjz = unit("210211")
    tpl = '{% may "change" obj as ok %}{{ ok }}'
    request = RequestFactory().get("/")
    for user, expected in [(viewer, "False"), (editor, "True"), (zs, "False")]:
        request.user = user
        out = Template("{% load uw %}" + tpl).render(Context({"request": request, "obj": gjz}))
        assert out == expected, user.username
        assert scope.allows_on(user, "change", gjz) == (expected == "True")
    assert render(viewer, '{% may "view" as ok %}{{ ok }}') == "True"


def test_may_open_asks_the_view_behind_a_link():
    request = RequestFactory().get("/")
    request.user = demo_user("gjz_viewer")
    assert may_open(request, "/stability/cases/") is True
    assert may_open(request, "/stability/incidents/new/") is False
    assert may_open(request, "/stability/accountability/new/") is False
    assert may_open(request, "/accounts/new/") is False
    request.user = demo_user("gjz_editor")
    assert may_open(request, "/stability/incidents/new/") is True
    assert may_open(request, "/stability/rules/policy/") is False  # the city's administrator only


def test_audit_filters_choose_and_show_by_chinese_name(client):
    admin = demo_user("gjz_admin")
    with audit.acting_as(admin, "web"):
        actions.set_account_password(admin, demo_user("gjz_viewer"), "Xin#Mima2026")
    client.force_login(admin)
    resp = client.get("/audit/?verb=password&model=accounts.user")
    assert resp.status_code == 200
    shown = dict(resp.context["active_filters"])
    assert shown["操作"] == "修改密码" and shown["对象类型"] == "账号"
    html = resp.content.decode()
    assert '<option value="password" selected>修改密码</option>' in html
    assert len(resp.context["rows"]) >= 1


def test_a_browser_asking_for_english_gets_one_language_not_a_mix(client):
    """The interface's strings are Chinese and no English catalog exists: a browser that prefers
    English (Chromium's default) must not get Django's and django-filter's own words in English
    among the Chinese ones (the account list's "username" heading, "---------" or "Unknown" in its
    filters)."""
    client.force_login(demo_user("city_admin"))
    page = client.get("/accounts/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "用户名" in page and ">全部<" in page and ">是<" in page
    assert ">username<" not in page and "Unknown" not in page and ">Yes<" not in page


def test_list_filters_read_all_yes_no_and_a_cell_of_several_values_reads_as_words(client):
    """A yes/no filter reads 全部 / 是 / 否 and filters by either; a choice left unset reads 全部;
    an account's roles read 填报员、查看员 (not a Python list)."""
    admin = demo_user("gjz_admin")
    with audit.acting_as(admin, "web"):
        actions.create_account(
            admin,
            username="wang_wu",
            full_name="王五",
            org=unit("210211"),
            roles=["editor", "viewer"],
            password="Xin#Mima2026",
        )
        actions.update_account(admin, User.objects.get(username="gjz_viewer"), is_active=False)
    client.force_login(admin)
    page = client.get("/accounts/").content.decode()
    assert "填报员、查看员" in page and "['" not in page
    assert '<option value="" selected>全部</option>' in page  # 启用, and the role left unset
    assert "---------" not in page and "未知" not in page
    assert 'name="is_active" class="form-select form-select-sm"' in page
    off = client.get("/accounts/", {"is_active": "false"}).content.decode()
    assert "gjz_viewer" in off and "wang_wu" not in off
    on = client.get("/accounts/", {"is_active": "true"}).content.decode()
    assert "wang_wu" in on and ">gjz_viewer<" not in on


def test_the_audit_trails_filters_read_like_every_lists(client):
    """The audit trail's filter set is a StyledFilterSet too: its choices left unset read 全部
    (it wrote its own "---------"), its selects are selects, and its fields keep their order."""
    import re

    client.force_login(demo_user("city_admin"))
    page = client.get("/audit/").content.decode()
    assert "---------" not in page
    assert page.count('<option value="" selected>全部</option>') == 2  # 对象类型 and 操作
    assert 'name="verb" class="form-select form-select-sm"' in page
    names = re.findall(r'name="(actor|q|model|verb|source|since|until|under)"', page)
    assert names[:3] == ["actor", "q", "model"]

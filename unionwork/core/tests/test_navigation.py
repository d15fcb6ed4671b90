"""The menu is declared by the modules (``<app>/navigation.py``) and collected by core."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import override_settings

from unionwork.core import navigation

pytestmark = pytest.mark.django_db

CORE = Path(__file__).resolve().parents[1]


def _user(username):
    return get_user_model().objects.get(username=username)


def test_every_module_declares_its_menu_entry_in_menu_order():
    names = [item.url_name for item in navigation.items()]
    assert names == [
        "dashboard:home",
        "orgs:browser",
        "founding:home",
        "members:home",
        "bargaining:home",
        "building:home",
        "culture:home",
        "stations:home",
        "visits:home",
        "stability:home",
        "documents:home",
        "assessment:home",
        "imports:jobs",
        "accounts:list",
        "core:audit",
        "core:security-events",
    ]
    declared_by = {item.url_name.split(":")[0] for item in navigation.items()}
    modules = {c.label for c in apps.get_app_configs() if c.name.startswith("unionwork.")} - {
        "demo",
        "operations",
    }
    assert modules <= declared_by  # every module with pages has its entry (demo, operations: commands only)


def test_the_menu_shows_what_the_roles_allow(client):
    viewer = _user("gjz_viewer")
    labels = [str(item.label) for _url, item, _active in navigation.menu(viewer, "/")]
    assert "维稳" in labels and "账号" not in labels and "审计" not in labels
    admin = _user("city_admin")
    client.force_login(admin)
    html = client.get("/orgs/").text
    assert re.search(r'class="nav-link active" href="/orgs/"', html)
    for _url, item, _active in navigation.menu(admin, "/orgs/"):
        assert f">{item.label}</a>" in html
    links = navigation.account_links()
    assert f'href="{links["profile"]}"' in html and f'action="{links["logout"]}"' in html


def test_the_administrators_pages_are_under_one_entry(client):
    """Accounts, audit and security events sit under "管理", so the work modules keep one line of
    the bar; a data-entry user has no such entry (none of them is theirs)."""
    admin = _user("city_admin")
    client.force_login(admin)
    html = client.get("/audit/").text
    dropdown = re.search(r'data-testid="nav-admin">(.*?)</li>\s*</ul>\s*</li>', html, re.S)
    assert dropdown is not None
    inside = dropdown.group(1)
    assert 'class="nav-link dropdown-toggle active"' in inside  # the audit is open: 管理 is marked
    for label in ("账号", "审计", "安全事件"):
        assert f">{label}</a>" in inside
    assert ">导入记录</a>" not in inside and ">导入记录</a>" in html
    client.force_login(_user("gjz_editor"))
    html = client.get("/dashboard/").text
    assert 'data-testid="nav-admin"' not in html and ">导入记录</a>" in html


@override_settings(UNIONWORK_HOME="")
def test_the_plain_start_page_lists_the_entries_that_describe_themselves(client):
    client.force_login(_user("gjz_viewer"))
    html = client.get("/").text
    assert "四级组织树" in html  # orgs describes itself and a viewer may open it
    assert "谁在何时改了什么" not in html  # the audit is for administrators


def test_core_templates_link_to_no_module():
    """Core's templates name only core's own pages; a module's pages come from its declarations."""
    own = {"core", "imports", "api"}
    for template in (CORE / "templates").rglob("*.html"):
        for namespace in re.findall(r"\{%\s*url\s+['\"](\w+):", template.read_text()):
            assert namespace in own, f"{template.relative_to(CORE)} links to the module {namespace}"


def test_only_the_administrators_group_leaves_the_bar():
    """An entry declared with another group stays in the bar rather than vanishing from the menu."""
    own = navigation.Item("x:own", "甲")
    admin = navigation.Item("x:admin", "乙", group=navigation.ADMIN)
    other = navigation.Item("x:other", "丙", group="reports")
    entries = [("/a/", own, False), ("/b/", admin, True), ("/c/", other, False)]
    bar, under = navigation.split(entries)
    assert [e[1] for e in bar] == [own, other] and [e[1] for e in under] == [admin]


@pytest.mark.parametrize("path", ["/audit/", "/security/", "/accounts/"])
def test_an_administrators_list_refuses_other_roles_as_the_menu_does(client, path):
    """Opened by its address, a list whose action the role lacks answers 403 (the menu does not
    offer it), not an empty list; an administrator gets it."""
    for username in ("gjz_viewer", "gjz_editor", "gjz_reviewer"):
        client.force_login(_user(username))
        assert client.get(path).status_code == 403, username
    client.force_login(_user("gjz_admin"))
    assert client.get(path).status_code == 200

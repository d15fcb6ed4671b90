"""In Debian's chromium: one's own account page, a viewer's pages without write buttons, and the
member list on a phone (390 px) without sideways scrolling."""

import re

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle
from unionwork.demo.foundation import DEMO_PASSWORD

pytestmark = browser_marks
NEW_PASSWORD = "Neu#Passwort2026"


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


def test_account_page_changes_the_password_and_shows_a_token_once(page, live_server, seeded):
    from unionwork.accounts.models import ApiToken, User

    base = live_server.url
    login(page, base, "gjz_editor")
    page.click("text=填报员")  # the name in the top bar opens 我的账号
    page.wait_for_url(base + "/accounts/me/")
    assert "甘井子区总工会" in page.inner_text("[data-testid=me]")

    # A wrong current password is refused with a message; the password stays.
    page.fill("#id_pw-old_password", "wrong-one")
    page.fill("#id_pw-new_password1", NEW_PASSWORD)
    page.fill("#id_pw-new_password2", NEW_PASSWORD)
    page.click("[data-testid=password-form] button")
    assert "当前密码不正确" in page.inner_text("[data-testid=password-form]")
    assert User.objects.get(username="gjz_editor").check_password(DEMO_PASSWORD)

    page.fill("#id_pw-old_password", DEMO_PASSWORD)
    page.fill("#id_pw-new_password1", NEW_PASSWORD)
    page.fill("#id_pw-new_password2", NEW_PASSWORD)
    page.click("[data-testid=password-form] button")
    page.wait_for_selector("text=密码已修改")
    assert User.objects.get(username="gjz_editor").check_password(NEW_PASSWORD)

    # A token: the key shown once, then only its first characters.
    page.fill("#id_tk-name", "统计系统对接")
    page.click("text=新建令牌")
    key = page.inner_text("[data-testid=new-token] code").strip()
    assert re.fullmatch(r"uw_[\w-]{40,}", key)
    token = ApiToken.objects.get(user__username="gjz_editor", name="统计系统对接")
    assert token.key_hash == ApiToken.hash_key(key)
    page.screenshot(path=str(ARTIFACTS / "account-token-once.png"), full_page=True)
    page.goto(base + "/accounts/me/")
    assert key not in page.content() and key[:8] in page.content()
    assert "统计系统对接" in page.inner_text("[data-testid=tokens]")
    # The history shows the change by the person's name and in Chinese.
    assert "修改密码" in page.inner_text("[data-testid=history]")

    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=revoke]")
    page.wait_for_selector("text=已吊销")
    assert ApiToken.objects.get(pk=token.pk).revoked
    page.screenshot(path=str(ARTIFACTS / "account-page.png"), full_page=True)


# How write buttons begin (read-only ones such as 报送及时率 do not).
WRITE_WORDS = [
    "新建",
    "导入",
    "修改",
    "编辑",
    "登记",
    "报送情况",
    "报零",
    "报告矛盾",
    "诉求代理",
    "接待日",
    "调整",
]
WRITE_WORDS += ["合并", "注销", "删除", "吊销", "停用", "发卡", "立案", "转出", "转入", "下达"]


@pytest.mark.parametrize("username", ["gjz_viewer", "city_viewer"])
def test_a_viewer_sees_no_write_buttons(page, live_server, modules, username):
    base = live_server.url
    login(page, base, username)
    pages = [
        "/members/list/",
        "/founding/enterprises/",
        "/founding/unions/",
        "/stability/",
        "/stability/cases/",
        "/stability/reports/",
        "/stability/incidents/",
        "/orgs/list/",
        "/founding/targets/",
        "/members/cards/",
    ]
    # A record's own page too: the first member and the first case the list links to.
    for list_url in ["/members/list/", "/stability/cases/", "/founding/enterprises/"]:
        page.goto(base + list_url)
        link = page.locator("[data-testid=list-table] tbody a").first
        if link.count():
            pages.append(link.get_attribute("href"))
    for url in pages:
        page.goto(base + url)
        page.wait_for_load_state("domcontentloaded")
        # Visible buttons and button-links, leaving out the filter forms (they only read).
        buttons = page.evaluate(
            """() => [...document.querySelectorAll('main a.btn, main button, main input[type=submit]')]
                .filter(b => !b.closest('form[method=get]') && b.getClientRects().length).map(b => b.innerText || b.value || '')"""
        )
        offered = [b.strip() for b in buttons if b.strip().startswith(tuple(WRITE_WORDS))]
        assert not offered, f"{username} is offered {offered} on {url}"
        # Marking one's own notification read is the only post a viewer's pages may carry.
        posts = page.locator("main form[method=post]:not([action*='/notifications/']) button").count()
        assert posts == 0, f"{username} has a form that writes on {url}"
    page.goto(base + "/stability/")
    page.screenshot(path=str(ARTIFACTS / f"viewer-{username}-stability.png"), full_page=True)
    page.goto(base + "/members/list/")
    page.screenshot(path=str(ARTIFACTS / f"viewer-{username}-members.png"), full_page=True)


def test_member_list_on_a_phone_needs_no_sideways_scrolling(page, live_server, modules):
    base = live_server.url
    login(page, base, "gjz_admin")
    page.set_viewport_size({"width": 390, "height": 844})
    for url in [
        "/members/list/",
        "/founding/enterprises/",
        "/stability/cases/",
        "/stability/reports/",
        "/founding/unions/",
        "/accounts/",
        "/audit/",
    ]:
        page.goto(base + url)
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide at 390 px"
        cards = page.locator("[data-testid=list-cards] .uw-list-card")
        assert cards.count() > 0 and cards.first.is_visible(), url
        assert not page.locator("[data-testid=list-table]").is_visible(), url
        name = url.strip("/").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"))  # the first screen, as a phone shows it
    # A card names its record and opens it.
    page.goto(base + "/members/list/")
    first = page.locator("[data-testid=list-cards] .uw-list-card").first
    assert "甘井子" in first.inner_text() or first.locator("a").count() > 0
    first.locator("a").first.click()
    page.wait_for_load_state("domcontentloaded")
    assert re.search(r"/members/\d+/$", page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "phone-member-detail.png"), full_page=True)


def test_other_pages_fit_a_phone(page, live_server, modules):
    """Pages that are not lists still fit 390 px (wide tables scroll inside their own box)."""
    base = live_server.url
    login(page, base, "gjz_admin")
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = []
    for url in [
        "/accounts/me/",
        "/members/",
        "/members/cards/",
        "/founding/",
        "/founding/targets/",
        "/stability/",
        "/orgs/",
        "/imports/jobs/",
        "/dashboard/",
    ]:
        page.goto(base + url)
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide.append(f"{url}: {width} px")
            page.screenshot(path=str(ARTIFACTS / f"phone-too-wide-{url.strip('/').replace('/', '-')}.png"))
    assert not too_wide

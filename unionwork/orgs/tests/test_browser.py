"""In Debian's chromium: a district user browses the tree and is offered only its own subtree."""

from unionwork.core.testing import ARTIFACTS, browser_marks, login, picker_choose
from unionwork.orgs.models import OrgUnit

pytestmark = browser_marks


def test_district_user_browses_only_its_own_subtree(page, live_server, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    login(page, base, "gjz_admin")
    assert "甘井子区总工会" in page.get_by_test_id("scope").inner_text()

    page.goto(base + "/orgs/")
    tree = page.get_by_test_id("tree")
    tree.get_by_text("甘井子区总工会").first.wait_for()
    assert "中山区" not in tree.inner_text()
    # Expand the first township and see its communities load.
    township = OrgUnit.objects.get(code="210211001")
    item = page.locator(f"li[data-unit='{township.pk}']")
    item.locator(".uw-toggle").first.click()
    item.locator(".uw-sub li").first.wait_for()
    assert (
        item.locator(".uw-sub li").count() == OrgUnit.objects.filter(parent=township, status="active").count()
    )
    page.screenshot(path=str(ARTIFACTS / "orgs-browser.png"), full_page=True)

    # Search by pinyin initials inside the scope; another district's unit is not found.
    page.get_by_test_id("org-search").fill("zsq")
    page.get_by_test_id("org-search").press("Enter")
    assert "中山区" not in page.get_by_test_id("search-results").inner_text()

    # Open a community and the move form: only units of the user's own subtree are offered.
    community = OrgUnit.objects.filter(parent=township).first()
    page.goto(base + f"/orgs/{community.pk}/")
    assert page.get_by_test_id("unit-name").inner_text().startswith(community.name)
    page.get_by_role("link", name="调整隶属").click()
    # The new parent is chosen with the picker: what it offers on opening is the user's subtree.
    page.locator(".ts-wrapper .ts-control").first.click()
    page.locator(".ts-dropdown .option").first.wait_for()
    options = page.locator(".ts-dropdown .option").all_inner_texts()
    offered = [o for o in options if o.strip()]
    assert offered, "the move form offers no parent"
    own = set(OrgUnit.objects.filter(path__startswith=township.parent.path).values_list("name", flat=True))
    assert all(o.split("（")[0] in own for o in offered), offered
    page.screenshot(path=str(ARTIFACTS / "orgs-move.png"), full_page=True)

    # A unit of another district is a 404, never shown.
    other = OrgUnit.objects.get(code="210202")
    resp = page.goto(base + f"/orgs/{other.pk}/")
    assert resp.status == 404


def test_the_shell_works_on_a_phone_screen(page, live_server, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server.url, "gjz_viewer")
    page.goto(live_server.url + "/orgs/list/")
    page.get_by_test_id("list-cards").wait_for()  # a phone gets cards, not the table
    # The navigation collapses behind the toggler on a phone.
    assert page.locator(".navbar-toggler").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page is {width}px wide on a 390px screen"
    page.screenshot(path=str(ARTIFACTS / "orgs-list-phone.png"), full_page=False)


def test_a_rezoning_is_previewed_then_confirmed(page, live_server, seeded):
    """A district moves two communities of a street under another street: chosen, previewed with
    the figures before and after, confirmed; the units are then under the new street."""
    base = live_server.url
    login(page, base, "gjz_admin")
    street = OrgUnit.objects.get(code="210211001")
    target = OrgUnit.objects.get(code="210211002")
    communities = list(OrgUnit.objects.filter(parent=street, status="active").order_by("code")[:2])
    page.goto(base + f"/orgs/{street.pk}/")
    page.get_by_role("link", name="区划调整").click()
    page.screenshot(path=str(ARTIFACTS / "orgs-rezone-form.png"), full_page=True)
    for c in communities:
        page.get_by_label(c.name).check()
    picker_choose(page, "id_new_parent", "椒金山", target.name)
    page.fill("#id_reason", "社区区划调整（演示）")
    page.screenshot(path=str(ARTIFACTS / "orgs-rezone-form.png"), full_page=True)
    page.get_by_role("button", name="预览").click()
    page.get_by_test_id("rezoning-units").wait_for()
    units_text = page.get_by_test_id("rezoning-units").inner_text()
    assert all(c.name in units_text for c in communities)
    parents = page.get_by_test_id("rezoning-parents").inner_text()
    assert street.name in parents and target.name in parents and "→" in parents
    page.screenshot(path=str(ARTIFACTS / "orgs-rezone-preview.png"), full_page=True)
    assert all(OrgUnit.objects.get(pk=c.pk).parent_id == street.pk for c in communities)
    page.get_by_test_id("rezoning-confirm").click()
    page.get_by_test_id("rezoning-progress").wait_for()
    assert "已完成" in page.get_by_test_id("rezoning-status").inner_text()
    page.screenshot(path=str(ARTIFACTS / "orgs-rezone-done.png"), full_page=True)
    assert all(OrgUnit.objects.get(pk=c.pk).parent_id == target.pk for c in communities)
    # The new parent's page: the moved units among its children, the move on their timeline.
    page.goto(base + f"/orgs/{communities[0].pk}/")
    events = page.get_by_test_id("events").inner_text()
    assert "区划调整" in events and street.name in events and target.name in events
    page.goto(base + f"/orgs/{target.pk}/")
    assert communities[0].name in page.get_by_test_id("children").inner_text()
    page.screenshot(path=str(ARTIFACTS / "orgs-detail-after-rezone.png"), full_page=True)

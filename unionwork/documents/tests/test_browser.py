"""In Debian's chromium: the documents pages as the city and as a district, screenshots to look at."""

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle, switch_user

pytestmark = browser_marks


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


def _shot(page, name):
    settle(page)
    page.screenshot(path=str(ARTIFACTS / f"documents-{name}.png"), full_page=True)


def test_the_documents_pages_as_the_city_and_as_a_district(page, live_server, modules):
    from unionwork.documents.models import Document, SupervisionItem

    doc = Document.objects.get(number="大工发〔2012〕57号")
    item = SupervisionItem.objects.get(document=doc, title="推行会员服务卡做法")
    base = live_server.url
    login(page, base, "city_admin")
    page.goto(f"{base}/documents/document/{doc.pk}/")
    assert page.locator("[data-testid=number]").inner_text() == "大工发〔2012〕57号"
    assert page.locator("[data-testid=receipts] tbody tr").count() > 10
    _shot(page, "city-detail")
    page.goto(f"{base}/documents/item/{item.pk}/")
    _shot(page, "city-item")
    page.goto(f"{base}/documents/figures/")
    _shot(page, "city-figures")
    page.goto(f"{base}/documents/new/")
    _shot(page, "city-draft")
    switch_user(page, base, "gjz_admin")
    for url, name in (
        ("/documents/", "gjz-home"),
        ("/documents/inbox/", "gjz-inbox"),
        (f"/documents/document/{doc.pk}/", "gjz-detail"),
        (f"/documents/item/{item.pk}/", "gjz-item"),
    ):
        page.goto(base + url)
        html = page.content()
        assert "中山区" not in html, url
        _shot(page, name)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base + "/documents/inbox/")
    _shot(page, "gjz-inbox-phone")

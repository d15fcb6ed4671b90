"""In Debian's chromium: each module's home page, as a district user, draws its charts and
shows nothing of another district; a member's ID number is masked on the page."""

import pytest

from unionwork.core.testing import ARTIFACTS, browser_marks, login, settle

pytestmark = browser_marks


@pytest.fixture
def modules(seeded_demos):
    """Every module's demo data (seeded once per session, restored from its snapshot)."""


@pytest.mark.parametrize(
    "url,chart",
    [
        ("/founding/", "#chart-three-year canvas"),
        ("/stability/", "#chart-kind svg"),
        ("/members/", None),
        ("/dashboard/?indicator=founding.rate", ".uw-ranking svg"),
        ("/dashboard/?indicator=members.card_coverage", "#chart-trend svg"),
    ],
)
def test_module_pages_draw_and_stay_in_scope(page, live_server, modules, url, chart):
    login(page, live_server.url, "gjz_admin")
    page.goto(live_server.url + url)
    settle(page)
    if chart:
        page.locator(chart).first.wait_for()
    html = page.content()
    assert "中山区" not in html and "甘井子区总工会" in html
    name = url.strip("/").replace("/", "-").replace("?indicator=", "-").replace(".", "_") or "home"
    page.screenshot(path=str(ARTIFACTS / f"module-{name}.png"), full_page=True)


def test_member_list_masks_id_numbers(page, live_server, modules):
    import re

    login(page, live_server.url, "gjz_viewer")
    page.goto(live_server.url + "/members/list/")
    settle(page)
    text = page.content()
    # No full 18-character citizen ID number anywhere on the page; masked ones are there.
    assert not re.search(r"\b\d{17}[\dX]\b", text)
    assert re.search(r"\d{2}\*{15}[\dX]", text)


def test_a_large_export_shows_its_progress_and_downloads(page, live_server, modules, settings):
    """Past the inline limit, "导出 Excel" opens the export's page; it waits in the queue, follows
    the worker without a reload, and offers the file, which holds the district's members."""
    import io

    from python_calamine import CalamineWorkbook

    from unionwork.core.models import ExportJob
    from unionwork.core.tasks import process_export
    from unionwork.core.tests.factories import demo_user
    from unionwork.members.models import Member

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UNIONWORK_EXPORT_INLINE_ROWS = 5
    base = live_server.url
    login(page, base, "gjz_admin")
    page.goto(base + "/members/list/?status=active")
    page.click("[data-testid=export]")
    page.wait_for_url(base + "/exports/*/")
    settle(page)
    assert "排队中" in page.inner_text("[data-testid=export-progress]")
    page.screenshot(path=str(ARTIFACTS / "export-queued.png"), full_page=True)
    job = ExportJob.objects.get(user=demo_user("gjz_admin"))
    process_export.call(job.pk)
    page.locator("[data-testid=export-download]").wait_for()  # the page's poll, no reload
    page.screenshot(path=str(ARTIFACTS / "export-done.png"), full_page=True)
    with page.expect_download() as info:
        page.click("[data-testid=export-download]")
    data = open(info.value.path(), "rb").read()
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    active = Member.objects.restrict(demo_user("gjz_admin")).filter(status="active").count()
    assert len(rows) - 2 == active > 5
    assert info.value.suggested_filename.endswith(".xlsx")
    # "我的导出" in the navigation bar lists it, with its file.
    page.click("[data-testid=nav-exports]")
    page.wait_for_url(base + "/exports/")
    row = page.locator("[data-testid=export-row]")
    assert row.count() == 1 and "已生成" in row.inner_text()
    assert row.locator("[data-testid=export-download]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "export-list.png"), full_page=True)

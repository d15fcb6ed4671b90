"""Browser tests: Debian's chromium through Playwright against live_server (fixtures `page`,
`seeded` and `seeded_demos` are in conftest.py)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

# Browser tests: Debian's chromium through Playwright, against live_server, on a transactional DB.
browser_marks = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (apt-get install chromium)"
    ),
]


def login(page, base: str, username: str) -> None:
    from unionwork.demo.foundation import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard/")
    ARTIFACTS.mkdir(exist_ok=True)


def picker_search(page, select_id: str, typed: str):
    """Open the picker of ``select_id`` and type into its search box, as a user would; the dropdown."""
    wrapper = page.locator(f"#{select_id}").locator(
        "xpath=following-sibling::div[contains(@class,'ts-wrapper')]"
    )
    wrapper.locator(".ts-control").click()
    # a single picker searches in its dropdown's box, a multiple one in the control itself
    multiple = "multi" in (wrapper.get_attribute("class") or "")
    box = wrapper.locator(".ts-control input" if multiple else ".ts-dropdown input.dropdown-input")
    box.wait_for()
    box.press_sequentially(typed, delay=50)
    return wrapper.locator(".ts-dropdown")

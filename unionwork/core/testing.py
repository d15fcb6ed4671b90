"""Helpers for the browser tests of every module (fixtures `page` and `seeded` are in conftest.py)."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Browser tests: Debian's chromium through Playwright, against live_server, on a transactional DB.
browser_marks = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed (apt-get install chromium)"),
]


def login(page, base: str, username: str) -> None:
    from unionwork.demo.foundation import DEMO_PASSWORD

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/dashboard/")
    ARTIFACTS.mkdir(exist_ok=True)


def seed_module_demos():
    """Every module's small demo data in 甘井子区 and 中山区, with the indicators recounted."""
    from django.test import override_settings

    from unionwork.core import audit, indicators
    from unionwork.demo import city
    from unionwork.members import demo as members_demo
    from unionwork.stability.demo import seed_demo

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        city.seed_small()
        members_demo.seed_small()
        seed_demo()
        with audit.acting_as(None, "test"):
            for ind in indicators.all_indicators():
                if ind.own_counts is not None and not ind.key.startswith("test."):
                    indicators.rebuild(ind.key)

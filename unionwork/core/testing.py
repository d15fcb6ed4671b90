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


def seed_module_demos():
    """Every module's small demo data in 甘井子区 and 中山区, with the indicators recounted."""
    from django.test import override_settings

    from unionwork.core import audit, indicators
    from unionwork.founding import demo as city
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


def form_data(html: str, index: int | None = None) -> dict[str, list[str]]:
    """The values a browser would post for a form of ``html``, as rendered (a page's form posting
    to itself, the one without an ``action``, unless ``index`` names another)."""
    from html.parser import HTMLParser

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.forms: list[tuple[dict, dict[str, list[str]]]] = []
            self.current = None
            self.select = None
            self.textarea = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "form":
                self.current = {}
                self.forms.append((a, self.current))
                return
            if self.current is None:
                return
            name = a.get("name")
            if tag == "input" and name and "disabled" not in a:
                kind = a.get("type", "text")
                if kind in ("submit", "button", "file", "image", "reset"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                self.current.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "select" and name and "disabled" not in a:
                self.select = name
                self.current.setdefault(name, [])
            elif tag == "option" and self.select and "selected" in a:
                self.current[self.select].append(a.get("value", ""))
            elif tag == "textarea" and name and "disabled" not in a:
                self.textarea = name
                self.current[name] = [""]

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None
            elif tag == "form":
                self.current = None

        def handle_data(self, data):
            if self.textarea and self.current is not None:
                self.current[self.textarea][0] += (
                    data.removeprefix("\n") if not self.current[self.textarea][0] else data
                )

    parser = Parser()
    parser.feed(html)
    if index is not None:
        return parser.forms[index][1]
    own = [values for attrs, values in parser.forms if not attrs.get("action")]
    assert own, "no form posting to its own page"
    return own[-1]

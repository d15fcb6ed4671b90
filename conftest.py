"""Test set-up shared by every module: the real Dalian tree and the demo accounts, loaded once."""

import os

import pytest

from unionwork.core.testing import CHROMIUM

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API beside live_server


def pytest_configure(config):
    """On SQLite the live server's threads share the test's one in-memory connection, and two
    requests of one page at once (the page's badge and its chart data) can break it
    ("bad parameter or other API misuse"): serve one request at a time there."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        from django.core.servers.basehttp import WSGIServer
        from django.test.testcases import LiveServerThread

        class SerialWSGIServer(WSGIServer):
            # the connection is shared by LiveServerThread.run itself, the one thread serving
            def __init__(self, *args, connections_override=None, **kwargs):
                super().__init__(*args, **kwargs)

        LiveServerThread.server_class = SerialWSGIServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Dalian's divisions, the demo units and accounts once per test session."""
    from django.test import override_settings

    from unionwork.demo.foundation import seed_foundation

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_foundation()


@pytest.fixture(autouse=True)
def _tasks_immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "test-media"
    settings.UNIONWORK_AUDIT_ANCHOR_FILE = ""  # no anchors unless a test writes its own
    # The production hasher costs ~0.5 s a password; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # Demo accounts log in with their password alone; accounts/tests/test_twofactor.py turns it on.
    settings.UNIONWORK_REQUIRE_ADMIN_2FA = False


@pytest.fixture
def acting(db):
    """Run the test's changes as the system, like a management command."""
    from unionwork.core import audit

    with audit.acting_as(None, "test") as actor:
        yield actor


def pytest_collection_modifyitems(config, items):
    """Browser tests use a transactional database that is emptied after each: run them last."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        pg = context.new_page()
        pg.set_default_timeout(15000)
        yield pg
        browser.close()


@pytest.fixture
def seeded():
    """Transactional tests start from an empty database: load the foundation's data."""
    from unionwork.demo.foundation import seed_foundation
    from unionwork.orgs.models import OrgUnit

    if not OrgUnit.objects.filter(code="210211").exists():
        seed_foundation()

"""Test set-up shared by every module: the real Dalian tree and the demo accounts, loaded once."""

import os

import pytest

from unionwork.core.testing.browser import CHROMIUM_ARGS, SharedBrowser, close_page, new_page

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_BLOCKER = pytest.StashKey()  # django_db_blocker, for the hook that leaves the shared demo data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API beside live_server


def pytest_configure(config):
    """On SQLite the live server's threads share the test's one in-memory connection, and two
    requests of one page at once (the page's badge and its chart data) can break it
    ("bad parameter or other API misuse"): serve one request at a time there."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        # Tests need no durability: a commit does not wait for the WAL to reach the disk (the
        # live-server, transactional and restore tests commit thousands of times).
        options = db.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()
    if db["ENGINE"].endswith("sqlite3"):
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


def _order(item) -> int:
    """Plain database tests first, then those on every module's demo data (seeded once for all of
    them), then transactional ones (the database is emptied after each), browser tests last."""
    if item.get_closest_marker("browser") is not None:
        return 3
    marker = item.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
        item.fixturenames
    ):
        return 2
    return 1 if "module_demos" in item.fixturenames else 0


BESIDE_EVERY = 4  # one browser test in this many is marked ``browser_beside`` (see the Makefile)


def pytest_collection_modifyitems(config, items):
    """Order the tests (``_order``), and mark one browser test in ``BESIDE_EVERY`` by its place
    among them ``browser_beside``: ``make test`` runs those in the PostgreSQL run beside SQLite's,
    the others after SQLite's, so the two halves of the machine finish about together."""
    items.sort(key=_order)
    browser = sorted(
        (i for i in items if i.get_closest_marker("browser") is not None), key=lambda i: i.nodeid
    )
    for n, item in enumerate(browser):
        if n % BESIDE_EVERY == 0:
            item.add_marker(pytest.mark.browser_beside)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Leave the shared demo data before the first test that does not ask for it (and come back
    to it, seeding again, only if the order was changed so that one asks after that)."""
    from unionwork.core.testing.db import SHARED_DEMOS

    uses = "module_demos" in item.fixturenames
    blocker = item.config.stash.get(_BLOCKER, None)
    if SHARED_DEMOS.active and not uses:
        SHARED_DEMOS.leave(blocker)
    elif uses and not SHARED_DEMOS.active and SHARED_DEMOS.seeded_once:
        SHARED_DEMOS.enter(blocker)


@pytest.fixture(scope="session")
def module_demos(django_db_setup, django_db_blocker, pytestconfig):
    """Every module's demo data (``core.testing.seed_module_demos``), seeded once for all the tests
    that ask for it (and kept as the snapshot the browser tests restore), under a transaction
    rolled back after the last of them; each test runs in a savepoint of it. Session-scoped so
    that it is entered before the test's own transaction."""
    from unionwork.core.testing.db import SHARED_DEMOS

    pytestconfig.stash[_BLOCKER] = django_db_blocker
    SHARED_DEMOS.enter(django_db_blocker)
    yield
    SHARED_DEMOS.leave(django_db_blocker)


@pytest.fixture(scope="session")
def playwright_session():
    """Playwright's driver, started once (its sync API allows one per thread): the browser tests,
    which conftest runs last, share it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def chromium(playwright_session):
    shared = SharedBrowser(playwright_session, args=CHROMIUM_ARGS)
    yield shared
    shared.close()


@pytest.fixture
def page(chromium):
    pg = new_page(chromium)
    yield pg
    close_page(pg)


@pytest.fixture
def seeded(request):
    """Transactional tests start from an empty database: the foundation's data, seeded once per
    session and restored from its snapshot after that (``core.testing.db``)."""
    from unionwork.core.testing.db import empty_quickly, seed_foundation_once

    seed_foundation_once()
    yield
    _close_the_browser(request)
    empty_quickly()


@pytest.fixture
def seeded_demos(request):
    """The foundation and every module's demo data, for transactional (browser) tests: seeded once
    per session, restored from its snapshot after that."""
    from unionwork.core.testing.db import empty_quickly, seed_demos_once

    seed_demos_once()
    yield
    _close_the_browser(request)
    empty_quickly()


def _close_the_browser(request) -> None:
    """The test's page (fixture ``page``, set up before the data and so torn down after it) keeps
    asking the live server (the notification badge, charts) while the data is emptied: close it
    and its context first, so no request of it is answered against a half-emptied database."""
    if "page" in request.fixturenames:
        try:
            pg = request.getfixturevalue("page")
        except Exception:  # set up after the data, so already torn down (and closed)
            return
        close_page(pg)

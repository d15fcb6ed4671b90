"""Test set-up shared by every module: the real Dalian tree and the demo accounts, loaded once."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")  # Playwright's sync API beside live_server


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Dalian's divisions, the demo units and accounts once per test session."""
    from unionwork.demo.foundation import seed_foundation

    with django_db_blocker.unblock():
        seed_foundation()


@pytest.fixture(autouse=True)
def _tasks_immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "test-media"


@pytest.fixture
def acting(db):
    """Run the test's changes as the system, like a management command."""
    from unionwork.core import audit

    with audit.acting_as(None, "test") as actor:
        yield actor

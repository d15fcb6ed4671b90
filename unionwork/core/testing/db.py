"""Seed once: the demo data shared by the tests that walk every page, and the snapshots that
browser tests restore instead of seeding again.

- ``SharedDemos``: every module's demo data (seeded once and kept as a snapshot, which the browser
  tests restore later), under a transaction that stays open over the consecutive tests asking
  for the ``module_demos`` fixture (conftest sorts them together); before the first test that
  does not, it is rolled back and the foundation alone restored. Each test runs in a savepoint
  of it, so none sees another's changes.
- ``Snapshot``: a copy of every table of the database in the same database (``CREATE TABLE
  <prefix>_<table> AS SELECT * FROM <table>``), taken once, and restored by a flush and one
  ``INSERT ... SELECT`` per table. Browser tests use a transactional database that is emptied
  after each test; restoring the foundation (and every module's demo data) takes a fraction of a
  second where seeding it again took many.
"""

from __future__ import annotations

import hashlib
import time

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from .demo import seed_module_demos


class SharedDemos:
    def __init__(self) -> None:
        self._atomic = None
        self.seeded_once = False

    @property
    def active(self) -> bool:
        return self._atomic is not None

    def enter(self, blocker) -> None:
        if self._atomic is not None:
            return
        with blocker.unblock():
            # Seeded as the browser tests have it (committed, snapshot taken), so that they
            # restore it instead of seeding it a second time.
            seed_demos_once()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
        self.seeded_once = True

    def leave(self, blocker) -> None:
        if self._atomic is None:
            return
        with blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            seed_foundation_once()  # back to the foundation alone, as the session loaded it
        self._atomic = None


class Snapshot:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.tables: list[str] = []

    @property
    def taken(self) -> bool:
        return bool(self.tables)

    def _copy_name(self, table: str) -> str:
        name = f"{self.prefix}_{table}"
        if len(name) > 60:  # PostgreSQL's identifiers stop at 63 bytes
            name = f"{self.prefix}_{hashlib.sha1(table.encode()).hexdigest()[:20]}"
        return name

    def take(self) -> None:
        q = connection.ops.quote_name
        tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        with transaction.atomic(), connection.cursor() as cur:
            for table in tables:
                copy = q(self._copy_name(table))
                cur.execute(f"DROP TABLE IF EXISTS {copy}")
                cur.execute(f"CREATE TABLE {copy} AS SELECT * FROM {q(table)}")
        self.tables = tables

    def restore(self) -> None:
        """Empty what the database holds (after a transactional test's flush: the content types
        and permissions Django recreated) and copy the snapshot back; sequences are set past the
        copied ids."""
        from django.apps import apps

        q = connection.ops.quote_name
        with connection.cursor() as cur:
            held = [t for t in self.tables if _holds_rows(cur, q(t))]
        if "core_auditevent" in held:  # append-only: only the flush lifts its triggers
            with connection.constraint_checks_disabled():  # SQLite: no key checks of each row
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            held = []
        # A copy is whole: SQLite need not check each row's keys (seconds for the org tree, where
        # rows inserted before their parents' table leave deferred checks open).
        with connection.constraint_checks_disabled(), transaction.atomic(), connection.cursor() as cur:
            for table in held:
                cur.execute(f"DELETE FROM {q(table)}")
            for table in self.tables:
                cur.execute(f"INSERT INTO {q(table)} SELECT * FROM {q(self._copy_name(table))}")
            sql = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
            for statement in sql:
                cur.execute(statement)


def settle_constraint_checks() -> None:
    """Check now the foreign keys whose checks the data just written in an open transaction left
    deferred, at this level of the transaction.

    Every test checks its deferred constraints before its savepoint is rolled back (Django's
    ``TestCase``); on PostgreSQL a check fired inside a savepoint is pending again once the
    savepoint is rolled back, so the shared data's thousands of rows were checked again after each
    test that runs in a savepoint of it (~75 ms each). Checked once here, each test checks only
    its own rows. SQLite checks every table each time whatever is pending: nothing to do there.
    """
    if connection.vendor == "postgresql":
        connection.check_constraints()


def _holds_rows(cur, table: str) -> bool:
    cur.execute(f"SELECT 1 FROM {table} LIMIT 1")
    return cur.fetchone() is not None


def empty_quickly() -> None:
    """Empty the database as the transactional test's own flush will, without SQLite checking the
    keys of each deleted row (seconds with the demo data); that flush then finds it empty.
    PostgreSQL truncates without such checks: nothing to do there.

    On SQLite the live server's connection shares the in-memory database's cache, whose table
    locks do not wait: a request it is still answering makes the flush fail at once with
    "database table is locked". Try again for a few seconds until it has finished.
    """
    if connection.vendor != "sqlite":
        return
    deadline = time.monotonic() + 20
    while True:
        try:
            with connection.constraint_checks_disabled():
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            return
        except Exception as exc:  # CommandError wrapping OperationalError("... is locked")
            if "locked" not in str(exc.__cause__ or exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


SHARED_DEMOS = SharedDemos()
FOUNDATION = Snapshot("snapf")
DEMOS = Snapshot("snapd")


def seed_foundation_once() -> None:
    """The foundation (Dalian's tree, demo units and accounts) as the session loaded it."""
    from unionwork.demo.foundation import seed_foundation
    from unionwork.orgs.models import OrgUnit

    if FOUNDATION.taken:
        FOUNDATION.restore()
        return
    if not OrgUnit.objects.filter(code="210211").exists():
        seed_foundation()
    FOUNDATION.take()


def seed_demos_once() -> None:
    """The foundation and every module's demo data."""
    if DEMOS.taken:
        DEMOS.restore()
        return
    seed_foundation_once()
    seed_module_demos()
    DEMOS.take()

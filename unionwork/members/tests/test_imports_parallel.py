"""The one-pass roster import with its checking process (from ``parallel_min_rows`` rows on).

The checking process has its own database connection: it only sees what is committed. These
tests therefore run outside the usual test transaction, on PostgreSQL only (the SQLite test
database lives in memory, out of the other process's reach), and clean up what they commit.
"""

import datetime

import pytest

from unionwork.core import tasks
from unionwork.core.imports.testing import csv_bytes, run_upload
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.core.tests.factories import demo_user
from unionwork.members.models import Member, Membership

from .helpers import new_id
from .test_imports import _big_roster, _row, _small_batches


@pytest.mark.django_db  # also makes the session set up the test database when run alone
def test_the_roster_is_imported_in_one_pass_with_a_checking_process_from_50000_rows():
    from unionwork.core.imports import get_importer

    importer = get_importer("members.roster")
    assert importer.single_pass and importer.parallel_min_rows == 50_000


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Autocommit on the session's database (the foundation is committed there); what the test
    commits is removed afterwards, the audit chain's head put back."""
    from django.db import connection

    from unionwork.core.models import AuditHead
    from unionwork.core.models import ImportJob as Job
    from unionwork.members.indicators import rebuild_all

    if connection.vendor != "postgresql":
        pytest.skip("the checking process cannot see an in-memory SQLite test database")
    with django_db_blocker.unblock():
        # a transactional test that ran before may have emptied the session's database
        from unionwork.orgs.models import OrgUnit

        if not OrgUnit.objects.filter(code="210211").exists():
            from unionwork.demo.foundation import seed_foundation

            seed_foundation()
        head = AuditHead.objects.filter(pk=1).values_list("last_hash", "count").first()
        last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        last_job = Job.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            yield
        finally:
            Membership.objects.all().delete()
            Member.objects.all().delete()
            Job.objects.filter(id__gt=last_job).delete()
            with connection.cursor() as cur:  # the trail is append-only: lift that for the clean-up only
                cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
                cur.execute("DELETE FROM core_auditevent WHERE id > %s", [last_event])
                cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
            if head is not None:
                AuditHead.objects.filter(pk=1).update(last_hash=head[0], count=head[1])
            rebuild_all()


def test_one_pass_in_a_checking_process_writes_all_or_nothing(monkeypatch, committed):
    """The parallel mode needs a database both processes see: PostgreSQL (SQLite tests run in memory)."""
    from django.db import connections

    from unionwork.members.bulk import RosterWriter
    from unionwork.members.imports import RosterImporter

    assert not Member.objects.exists()
    monkeypatch.setattr(RosterImporter, "parallel_min_rows", 100)
    _small_batches(monkeypatch)
    seen = []  # the progress another connection sees while the transaction runs
    create_packed = RosterWriter.create_packed

    def watch(self, packs, units):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cur:
                cur.execute("SELECT status, processed_rows FROM core_importjob ORDER BY id DESC LIMIT 1")
                seen.append(cur.fetchone())
        finally:
            other.close()
        return create_packed(self, packs, units)

    monkeypatch.setattr(RosterWriter, "create_packed", watch)
    # the job in this process (not the worker's memory-capped child), so that ``seen`` fills here
    monkeypatch.setattr(tasks, "_may_isolate", lambda: False)
    user = demo_user("gjz_editor")
    rows = _big_roster(3000, bad_at=2900)
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED, job.message
    assert not Member.objects.exists() and not Membership.objects.exists()
    assert [e["row"] for e in job.errors] == [2901]
    rows[2900] = _row("孙好", new_id(birth=datetime.date(1980, 1, 1)))
    job = run_upload(user, "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert job.created_count == 3000 and Member.objects.count() == Membership.objects.count() == 3000
    assert ("writing", 1000) in seen and ("writing", 2000) in seen, seen

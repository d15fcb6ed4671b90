"""Two audited writes in different districts do not wait for each other (issue 11 item 9).

Events are written in the change's transaction without touching the chain head and linked after
commit (core/audit/chain.py), so a long transaction (a roster import) no longer holds a lock
every other audited write needs. On PostgreSQL only: SQLite serialises all writes anyway.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from unionwork.core import audit
from unionwork.core.models import AuditEvent, AuditHead
from unionwork.orgs import actions
from unionwork.orgs.models import OrgUnit

B_BOUND = 2.0  # seconds B may take while A holds its transaction open


@pytest.mark.django_db  # also makes the session set up the test database when run alone
def test_an_audited_write_takes_no_lock_on_the_chain_head(acting):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        actions.update_unit(None, OrgUnit.objects.get(code="210211"), name="甘井子区总工会（无锁）")
    assert not [q for q in queries.captured_queries if "core_audithead" in q["sql"]]


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Autocommit on the session's database; the units renamed, the events written and the head
    are put back afterwards (the trail is append-only: lifted for the clean-up only)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write: the concurrency shown here is PostgreSQL's")
    with django_db_blocker.unblock():
        if not OrgUnit.objects.filter(code="210211").exists():
            from unionwork.demo.foundation import seed_foundation

            seed_foundation()
        audit.link_pending()
        names = dict(OrgUnit.objects.filter(code__in=["210211", "210202"]).values_list("code", "name"))
        head = AuditHead.objects.filter(pk=1).values_list("last_hash", "count").first()
        last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        try:
            yield
        finally:
            for code, name in names.items():
                OrgUnit.objects.filter(code=code).update(name=name)
            with connection.cursor() as cur:
                cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
                cur.execute("DELETE FROM core_auditevent WHERE id > %s", [last_event])
                cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
            if head is not None:
                AuditHead.objects.filter(pk=1).update(last_hash=head[0], count=head[1])


def _rename(code, name):
    with audit.acting_as(None, "test"):
        actions.update_unit(None, OrgUnit.objects.get(code=code), name=name)


def test_audited_writes_in_two_districts_do_not_wait_for_each_other(committed):
    a_wrote, a_may_commit = threading.Event(), threading.Event()
    errors, took = [], {}

    def a():  # a long transaction, as a roster import: writes, then holds its transaction open
        try:
            with transaction.atomic():
                _rename("210211", "甘井子区总工会（长事务）")
                a_wrote.set()
                a_may_commit.wait(30)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    def b():
        try:
            start = time.perf_counter()
            with transaction.atomic():
                _rename("210202", "中山区总工会（并发）")
            took["b"] = time.perf_counter() - start
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    thread_a = threading.Thread(target=a)
    thread_a.start()
    try:
        assert a_wrote.wait(10), errors
        thread_b = threading.Thread(target=b)
        thread_b.start()
        thread_b.join(B_BOUND)
        b_done_while_a_open = not thread_b.is_alive()
    finally:
        a_may_commit.set()
        thread_a.join(30)
    thread_b.join(30)
    assert not errors, errors
    assert b_done_while_a_open, "B waited for A's transaction"
    print(f"B's audited write while A held its transaction: {took['b'] * 1000:.1f} ms")
    assert took["b"] < B_BOUND
    # both committed, both linked (B first: it committed first), and the chain verifies
    a_ev = AuditEvent.objects.filter(model="orgs.orgunit", object_repr__contains="长事务").latest("id")
    b_ev = AuditEvent.objects.filter(model="orgs.orgunit", object_repr__contains="并发").latest("id")
    assert b_ev.seq is not None and a_ev.seq is not None and b_ev.seq < a_ev.seq
    assert audit.verify(anchors=[]).ok, audit.verify(anchors=[]).problems

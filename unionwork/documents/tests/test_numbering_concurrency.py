"""Signings at the same moment never share a number and skip none, on SQLite and PostgreSQL.

Each signing runs in its own thread (its own connection and transaction), all released at once
by a barrier, and each holds its transaction open a while after taking its serial (``format_number``
is slowed), so without the counter's row lock two of them would read the same last serial. On
PostgreSQL the second waits on ``SELECT … FOR UPDATE``; on SQLite the write transactions are
serialised (``BEGIN IMMEDIATE``). The in-memory test database of SQLite answers "locked" at once
where a file database waits for its busy timeout, so the threads here retry, as the timeout does.
"""

import threading
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.utils import timezone

from unionwork.core import audit
from unionwork.documents import actions
from unionwork.documents.models import DocState, Document, DocumentSeries, SerialCounter, format_number
from unionwork.orgs.models import OrgUnit

SIGNINGS = 6


def _world(existing_counter):
    root = OrgUnit.objects.create(path="/tmp-concurrency/", depth=0, kind="city", name="并发测试总工会")
    root.path = f"/{root.pk}/"
    root.save()
    signer = get_user_model().objects.create(username="concurrency_signer", org=root, roles=["reviewer"])
    series = DocumentSeries.objects.create(issuer=root, prefix="并发发")
    if existing_counter:  # the year's counter exists: the signings meet on its row lock
        SerialCounter.objects.create(series=series, year=timezone.localdate().year, last=0)
    docs = [
        Document.objects.create(
            issuer=root,
            series=series,
            title=f"并发{i}",
            body="正文",
            signing_body=root.name,
            state=DocState.APPROVED,
        )
        for i in range(SIGNINGS)
    ]
    return signer, docs


def _slow_format(*args):
    time.sleep(0.3)  # the transaction stays open after the serial was read
    return format_number(*args)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing_counter", [True, False], ids=["counter-exists", "first-of-year"])
def test_concurrent_signings_take_distinct_consecutive_numbers(existing_counter):
    signer, docs = _world(existing_counter)
    barrier = threading.Barrier(len(docs))
    errors = []

    def sign(doc):
        try:
            barrier.wait()
            for _attempt in range(200):
                try:
                    with audit.acting_as(signer, "test"):
                        actions.sign(signer, doc)
                    return
                except OperationalError as exc:  # SQLite in memory: "database table is locked"
                    if "locked" not in str(exc):
                        raise
                    time.sleep(0.05)
            errors.append("gave up")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    with mock.patch("unionwork.documents.actions.format_number", _slow_format):
        threads = [threading.Thread(target=sign, args=(d,)) for d in docs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    got = list(Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("serial", "number", "state"))
    year = Document.objects.get(pk=docs[0].pk).year
    assert sorted(s for s, _n, _st in got) == list(range(1, SIGNINGS + 1))
    assert {n for _s, n, _st in got} == {f"并发发〔{year}〕{i}号" for i in range(1, SIGNINGS + 1)}
    assert {st for _s, _n, st in got} == {DocState.SIGNED}

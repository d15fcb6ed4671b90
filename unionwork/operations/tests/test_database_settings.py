"""The platform's PostgreSQL connections run without JIT compilation (settings.DATABASES): a
page's queries read few rows, and compiling a plan whose estimate passes jit_above_cost cost
50-100 ms a query at city scale (docs/benchmarks.md)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's setting")
def test_the_connection_runs_without_jit():
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone()[0] == "off"

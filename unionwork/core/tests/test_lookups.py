"""``field__in`` of a long list: one array parameter on PostgreSQL, the same rows as Django's IN."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unionwork.core import lookups
from unionwork.core.models import IndicatorValue
from unionwork.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

ARRAY_SQL = "= ANY("


def _sql(run) -> str:
    with CaptureQueriesContext(connection) as queries:
        run()
    return queries.captured_queries[-1]["sql"]


def test_a_long_list_finds_the_same_rows_as_one_value_at_a_time():
    units = list(OrgUnit.objects.order_by("pk").values_list("pk", "path")[: lookups.ARRAY_FROM + 8])
    assert len(units) > lookups.ARRAY_FROM  # the real tree of the fixture
    ids = [pk for pk, _path in units] + [10**12, None]  # one id that does not exist; None dropped
    sql = _sql(lambda: list(OrgUnit.objects.filter(pk__in=ids)))
    got = set(OrgUnit.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert got == {pk for pk, _path in units}
    assert (ARRAY_SQL in sql) == (connection.vendor == "postgresql")
    # Strings (a path column) and a foreign key (units under those parents), likewise.
    paths = [path for _pk, path in units]
    assert set(OrgUnit.objects.filter(path__in=paths).values_list("pk", flat=True)) == got
    parents = list(OrgUnit.objects.filter(pk__in=ids))
    children = set(OrgUnit.objects.filter(parent__in=parents).values_list("pk", flat=True))
    assert children == {pk for pk, parent in OrgUnit.objects.values_list("pk", "parent_id") if parent in got}
    assert children  # the first units of the tree have children
    # As model instances or as ids: the same.
    assert set(
        OrgUnit.objects.filter(parent_id__in=[u.pk for u in parents]).values_list("pk", flat=True)
    ) == (children)


def test_dates_and_empty_lists_and_short_lists():
    months = [datetime.date(2000 + i // 12, i % 12 + 1, 1) for i in range(lookups.ARRAY_FROM + 1)]
    IndicatorValue.objects.create(indicator="x.test", unit_id=1, unit_path="/1/", month=months[-1])
    assert list(IndicatorValue.objects.filter(month__in=months).values_list("indicator", flat=True)) == [
        "x.test"
    ]
    assert not IndicatorValue.objects.filter(month__in=[]).exists()
    assert not OrgUnit.objects.filter(pk__in=[None] * (lookups.ARRAY_FROM + 1)).exists()
    short = list(OrgUnit.objects.values_list("pk", flat=True)[:3])
    sql = _sql(lambda: list(OrgUnit.objects.filter(pk__in=short)))
    assert ARRAY_SQL not in sql and " IN (" in sql  # Django's own SQL below the threshold
    # A subquery stays a subquery.
    sql = _sql(lambda: list(OrgUnit.objects.filter(pk__in=OrgUnit.objects.filter(depth=1).values("pk"))))
    assert ARRAY_SQL not in sql

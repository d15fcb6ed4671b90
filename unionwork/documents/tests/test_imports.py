"""The series import: new prefixes become series of the unit named, in the user's scope."""

import pytest

from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.core.tests.factories import demo_user
from unionwork.documents.models import DocumentSeries

pytestmark = pytest.mark.django_db
HEADER = ["发文机关代字", "发文机关", "发文部门", "说明"]


def _upload(rows):
    content = xlsx_bytes([HEADER, *rows], text_columns=[1])
    return run_upload(demo_user("gjz_admin"), "documents.series", content, "字号.xlsx")


def test_series_are_imported_for_units_in_scope():
    job = _upload([["甘测发", "210211", "", "区总工会发文"], ["甘测办发", "210211", "办公室", ""]])
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == 2
    assert DocumentSeries.objects.get(prefix="甘测办发").department == "办公室"
    again = _upload([["甘测发", "210211", "", ""]])
    assert again.status == ImportJob.Status.DONE and again.unchanged_count == 1


def test_a_unit_outside_the_scope_is_refused():
    job = _upload([["中测字", "210202", "", ""]])
    assert job.status == ImportJob.Status.FAILED
    assert not DocumentSeries.objects.filter(prefix="中测字").exists()

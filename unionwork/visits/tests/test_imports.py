"""The contact-point roster imported through core/imports: pairs made through the action, a pair
already made left alone, a cadre of another level and an enterprise out of scope refused."""

import datetime

import pytest

from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.founding.models import Enterprise
from unionwork.visits import actions
from unionwork.visits.models import Pairing

from .helpers import as_user, demo_user, enterprise_in, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demos")]
HEADER = ["活动名称", "用户名", "统一社会信用代码"]


@pytest.fixture
def campaign():
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        return actions.set_campaign(
            gjz,
            unit("210211"),
            name="导入测试活动",
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            enterprises_per_month=1,
            households_per_month=1,
        )


def test_the_roster_pairs_cadres_with_enterprises(campaign):
    gjz = demo_user("gjz_admin")
    es = list(Enterprise.objects.filter(community__path__startswith=unit("210211").path).order_by("pk")[:2])
    rows = [["导入测试活动", "gjz_editor", e.uscc] for e in es]
    job = run_upload(gjz, "visits.pairings", xlsx_bytes([HEADER, *rows], text_columns=[2]), "联系点.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Pairing.objects.filter(campaign=campaign, cadre__username="gjz_editor", ended_on=None).count() == 2
    again = run_upload(
        gjz, "visits.pairings", xlsx_bytes([HEADER, *rows[:2]], text_columns=[2]), "联系点.xlsx"
    )
    assert again.status == ImportJob.Status.DONE and again.unchanged_count == 2


def test_a_cadre_of_another_level_or_an_enterprise_out_of_scope_is_refused(campaign):
    gjz = demo_user("gjz_admin")
    zs_enterprise = enterprise_in("210202")
    rows = [
        ["导入测试活动", "city_admin", enterprise_in("210211").uscc],
        ["导入测试活动", "gjz_editor", zs_enterprise.uscc],
    ]
    job = run_upload(gjz, "visits.pairings", xlsx_bytes([HEADER, *rows], text_columns=[2]), "联系点.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert not Pairing.objects.filter(campaign=campaign).exists()

"""Stations and hardship files from Excel: written through the actions, all or nothing."""

import datetime

import pytest
from django.test import override_settings

from unionwork.core.imports.testing import run_upload, xlsx_bytes
from unionwork.core.models import ImportJob
from unionwork.stations.models import HardshipFile, Station

from .helpers import as_user, community, demo_user, eligible_enterprise, id_number

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DAY = datetime.date(2025, 6, 1)
STATION_HEADER = ["服务站名称", "依托单位类型", "依托企业", "所属单位", "建站模式", "建站日期", "覆盖职工数"]


def _run(importer, rows, header):
    user = demo_user("gjz_admin")
    with override_settings(TASKS=IMMEDIATE), as_user(user):
        return run_upload(user, importer, xlsx_bytes([header, *rows], text_columns=[1, 2]), "导入.xlsx")


def test_stations_all_or_nothing():
    e = eligible_enterprise()
    good = [
        ["导入测试企业站", "企业", e.uscc, "", "综合服务站", DAY, 200],
        ["导入测试社区站", "社区", "", community().code, "辐射服务站", DAY, 300],
    ]
    bad = good + [["导入测试缺企业", "企业", "", "", "综合服务站", DAY, 1]]
    job = _run("stations.stations", bad, STATION_HEADER)
    assert job.status == ImportJob.Status.FAILED
    assert "须填写依托企业" in str(job.errors)
    assert not Station.objects.filter(name__startswith="导入测试").exists()
    job = _run("stations.stations", good, STATION_HEADER)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Station.objects.filter(name__startswith="导入测试").count() == 2


def test_hardship_files_all_or_nothing_and_encrypted():
    header = ["姓名", "身份证号", "建档单位", "致困原因", "家庭人口", "家庭月收入（元）", "建档日期"]
    number = id_number()
    rows = [["导入困难甲", number, community().code, "因病", 3, 1500, DAY]]
    job = _run(
        "stations.hardship",
        rows + [["导入困难乙", "210211197905040000", community().code, "失业", 2, 800, DAY]],
        header,
    )
    assert job.status == ImportJob.Status.FAILED
    assert number not in str(job.errors)
    assert not HardshipFile.objects.filter(name__startswith="导入困难").exists()
    job = _run("stations.hardship", rows, header)
    assert job.status == ImportJob.Status.DONE, job.errors
    f = HardshipFile.objects.get(name="导入困难甲")
    assert f.id_number == number and f.level == "special"

"""Import jobs over /api/v1/imports/: upload through the mechanism, status, the marked error file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from unionwork.core.imports.testing import csv_bytes
from unionwork.core.models import ImportJob
from unionwork.members.models import Member
from unionwork.members.tests.helpers import new_id

from .apiclient import clients
from .factories import demo_user, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"
ROSTER = "members.roster"
HEADER = ["姓名", "身份证号", "用工形式", "所在工会", "入会日期"]


@pytest.fixture
def as_user(client):
    return clients(client)


def roster(*rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("名册.csv", csv_bytes([HEADER, *rows]), content_type="text/csv")


def upload(api, file, **data):
    return api.upload(f"{URL}{ROSTER}/upload", {"file": file}, data)


def test_a_good_roster_is_imported_through_the_mechanism(as_user):
    api = as_user("gjz_editor")
    response = upload(api, roster(["接口导入甲", new_id(), "劳动合同制", "G0001", "2024-03-01"]))
    assert response.status_code == 201, response.content
    job = response.json()
    # the test settings run tasks at once: the job is finished when the upload answers
    assert job["status"] == "done" and job["created_count"] == 1 and job["percent"] == 100
    assert job["importer_label"] and not job["has_error_file"]
    assert Member.objects.filter(name="接口导入甲", union__code="G0001").exists()
    status = api.get(f"{URL}jobs/{job['id']}")
    assert status.status_code == 200 and status.json()["status_display"] == "已完成"
    assert job["id"] in {j["id"] for j in api.get(f"{URL}jobs/", mine="true").json()["items"]}


def test_a_dry_run_writes_nothing(as_user):
    response = upload(
        as_user("gjz_editor"), roster(["接口预览", new_id(), "劳动合同制", "G0001", ""]), dry_run="true"
    )
    assert response.status_code == 201 and response.json()["dry_run"] is True
    assert not Member.objects.filter(name="接口预览").exists()


def test_the_error_file_is_for_the_uploader_and_administrators_of_their_level(as_user, client):
    editor = as_user("gjz_editor")
    good = new_id()
    bad = good[:17] + ("1" if good[17] == "0" else "0")  # a wrong check character, never the right one
    response = upload(editor, roster(["接口有错", bad, "劳动合同制", "G0001", "2024-03-01"]))
    assert response.status_code == 201
    job = response.json()
    assert job["status"] == "failed" and job["error_count"] >= 1 and job["has_error_file"]
    assert job["errors"][0]["column"] == "身份证号"
    assert not Member.objects.filter(name="接口有错").exists()

    url = f"{URL}jobs/{job['id']}/errors.xlsx"
    mine = editor.get(url)
    assert mine.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(mine.streaming_content)))
    assert "接口有错" in str(book.get_sheet_by_index(0).to_python())
    # an administrator of the same level may; the district's viewer sees the job but not the file
    make_user("gjz_admin2", "210211", ["administrator"])
    assert clients(client)("gjz_admin2").get(url).status_code == 200
    viewer = as_user("gjz_viewer")
    assert viewer.get(f"{URL}jobs/{job['id']}").status_code == 200
    # the file holds personal data: for anyone else it does not exist (404, as on the pages)
    assert viewer.get(url).status_code == 404
    # the city's administrators are another level; another district does not see the job at all
    assert as_user("city_admin").get(url).status_code == 404
    assert as_user("zs_admin").get(url).status_code == 404
    assert as_user("zs_admin").get(f"{URL}jobs/{job['id']}").status_code == 404


def test_a_viewer_token_cannot_upload_and_bad_files_are_refused_in_chinese(as_user):
    before = ImportJob.objects.count()
    viewer = as_user("gjz_viewer")
    assert viewer.get(f"{URL}importers").json() == []
    response = upload(viewer, roster(["查看员", new_id(), "劳动合同制", "G0001", ""]))
    assert response.status_code == 403 and "无权" in response.json()["detail"]
    editor = as_user("gjz_editor")
    assert ROSTER in {i["name"] for i in editor.get(f"{URL}importers").json()}
    wrong = SimpleUploadedFile("名册.txt", b"abc", content_type="text/plain")
    response = upload(editor, wrong)
    assert response.status_code == 400 and "不支持的文件类型" in response.json()["detail"]
    assert upload(editor, SimpleUploadedFile("空.csv", b"")).status_code == 400
    assert editor.upload(f"{URL}no.such/upload", {"file": roster()}).status_code == 404
    assert ImportJob.objects.count() == before


def test_another_districts_job_is_404(as_user):
    zs_admin = demo_user("zs_admin")
    job = ImportJob.objects.create(
        importer=ROSTER, user=zs_admin, org_path=zs_admin.org_path, original_name="zs.csv"
    )
    api = as_user("gjz_admin")
    assert api.get(f"{URL}jobs/{job.pk}").status_code == 404
    assert job.pk not in {j["id"] for j in api.get(f"{URL}jobs/").json()["items"]}

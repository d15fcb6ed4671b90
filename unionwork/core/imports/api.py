"""Import jobs over the API: /api/v1/imports/.

The API is one more door to the one import mechanism, not a second one: the importer is chosen,
the upload checked, the job stored and queued, and the error file served by the functions of
:mod:`unionwork.core.imports.jobs` and the pages' own upload form, so a change of the mechanism (how the error
file is stored, who may read it, what an upload accepts) reaches the API with it. Jobs are read
through ``ImportJob.objects.restrict``: a job outside the caller's scope is a 404.

The marked error file holds personal data: only the uploader and the administrators of the
uploader's level (the node the job belongs to) may download it; anyone else in scope sees the
job's status but gets 404 for the file, as on the pages.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from unionwork.core.api import ONE_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from unionwork.core.errors import ActionError
from unionwork.core.imports import all_importers, jobs
from unionwork.core.imports import views as import_views
from unionwork.core.imports.engine import side_progress
from unionwork.core.models import ImportJob

router = Router(tags=["导入"])

PAGE_SIZE = 50
ERRORS_SHOWN = import_views.ERRORS_SHOWN


class ImporterOut(Schema):
    """An importer the caller may use: its name (for the upload path) and its columns."""

    name: str
    label: str
    columns: list[str] = Field(description="模板中的列（表头）")


class JobOut(Schema):
    """An import job: its progress while it runs, then its outcome."""

    id: int
    importer: str
    importer_label: str
    original_name: str
    user_id: int
    status: ImportJob.Status
    status_display: str
    finished: bool
    dry_run: bool = Field(description="只校验预览、不写入")
    total_rows: int
    processed_rows: int
    percent: int = Field(description="进度（%）")
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    errors: list[dict[str, Any]] = Field(description=f"问题清单（前 {ERRORS_SHOWN} 条）：行、列、说明")
    has_error_file: bool = Field(description="有标注错误的文件可下载（仅上传人和本级管理员）")
    message: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_importer_label(obj: ImportJob) -> str:
        return import_views.importer_label(obj.importer)

    @staticmethod
    def resolve_status_display(obj: ImportJob) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_dry_run(obj: ImportJob) -> bool:
        return bool((obj.options or {}).get("dry_run"))

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict[str, Any]]:
        return list(obj.errors or [])[:ERRORS_SHOWN]

    @staticmethod
    def resolve_has_error_file(obj: ImportJob) -> bool:
        return bool(obj.error_file)


class JobListOut(JobOut):
    errors: list[dict[str, Any]] = Field(default_factory=list, description="列表中不含问题清单，见任务详情")

    @staticmethod
    def resolve_errors(obj: ImportJob) -> list[dict[str, Any]]:
        return []


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    """The job in the path, in the caller's scope, with its live progress, or 404."""
    job = jobs.job_for(request.user, job_id)
    side = side_progress(job)  # a one-pass import on SQLite, still inside its transaction
    if side is not None:
        job.processed_rows, job.total_rows = side
    return job


@router.get(
    "/importers",
    response={200: list[ImporterOut], **READ_ERRORS},
    summary="可用的导入类型",
    description="调用者的角色可以使用的导入类型；name 用于上传路径 /imports/{name}/upload。",
)
def list_importers(request: HttpRequest):
    user = request.user
    if not user.may("change"):
        return []
    return [
        {"name": i.name, "label": str(i.label), "columns": [str(c.header) for c in i.columns]}
        for i in all_importers()
        if user.may(i.permission)
    ]


@router.post(
    "/{name}/upload",
    response={201: JobOut, **WRITE_ERRORS},
    summary="上传文件导入",
    description=(
        "以 multipart/form-data 上传 .xlsx、.xls 或 .csv 文件（字段 file），dry_run=true 只校验预览。"
        "文件入队处理，返回任务；用 GET /imports/jobs/{job_id} 查询进度和结果。"
        "需管理员或填报员角色（部分导入类型只限管理员）。"
    ),
)
def upload(
    request: HttpRequest,
    name: str,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
    target: Form[str] = "",
):
    importer = jobs.importer_for(request.user, name)
    form = import_views.UploadForm(
        {"dry_run": dry_run, "target": target}, {"file": file}, importer=importer, user=request.user
    )
    if not form.is_valid():
        raise ActionError(" ".join(str(m) for errors in form.errors.values() for m in errors), code="upload")
    upload_file = form.cleaned_data["file"]
    job = jobs.start_import(
        request.user,
        importer,
        upload_file,
        upload_file.name,
        dry_run=form.cleaned_data["dry_run"],
        target=form.cleaned_data.get("target"),
    )
    return Status(201, _job(request, job.pk))


@router.get(
    "/jobs/",
    response={200: list[JobListOut], **READ_ERRORS},
    summary="导入任务列表",
    description="管辖范围内的导入任务，新的在前。",
)
@paginate(Pagination, page_size=PAGE_SIZE)
def list_jobs(request: HttpRequest, importer: str | None = None, mine: bool = False):
    qs = ImportJob.objects.restrict(request.user).defer("errors")
    if importer:
        qs = qs.filter(importer=importer)
    if mine:
        qs = qs.filter(user=request.user)
    return qs.order_by("-pk")


@router.get(
    "/jobs/{int:job_id}",
    response={200: JobOut, **ONE_READ_ERRORS},
    summary="导入任务状态",
    description="进度（处理中）或结果：新增、更新、未变的条数，或校验未通过时的问题清单。",
)
def get_job(request: HttpRequest, job_id: int):
    return _job(request, job_id)


@router.get(
    "/jobs/{int:job_id}/errors.xlsx",
    response={200: None, **ONE_READ_ERRORS},
    summary="下载标注错误的文件",
    description="原文件中有问题的单元格已标注并说明，改正后可重新上传。含个人信息：仅上传人和本级管理员可下载。",
    openapi_extra={
        "responses": {
            200: {  # an int, as ninja keys its own responses: a "200" would be a second key
                "description": "标注错误的 .xlsx 文件",
                "content": {
                    import_views.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def error_file(request: HttpRequest, job_id: int):
    return import_views.job_errors(request, job_id)  # 404 unless the uploader or their node's administrator

"""Pages of the import mechanism: upload, template, job progress and result, job list.

Every importer gets them from its registration; no module writes its own import page. Who may
import: roles that allow "change", and the importer's own ``permission`` (e.g. "manage").
Jobs are seen through ``ImportJob.objects.restrict(user)``: a job outside the scope is a 404.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from unionwork.core.forms import BootstrapMixin
from unionwork.core.imports import EXTENSIONS, Importer, all_importers, get_importer
from unionwork.core.imports.engine import side_progress
from unionwork.core.imports.templates_xlsx import build_template
from unionwork.core.models import ImportJob
from unionwork.core.tasks import process_import

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 200


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("支持 .xlsx、.xls、.csv（UTF-8 或 GB18030 编码），不超过 100 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("只校验并预览将新增和修改的内容，不写入"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        ext = PurePath(upload.name).suffix.lower()
        if ext not in EXTENSIONS:
            raise forms.ValidationError(
                _("不支持的文件类型“%(ext)s”。请上传 .xlsx、.xls 或 .csv 文件。")
                % {"ext": ext or _("无扩展名")}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 100 MB，请拆分成几个文件分别导入。"))
        if upload.size == 0:
            raise forms.ValidationError(_("文件是空的，请检查后重新上传。"))
        return upload


def _importer_for(request, name: str) -> Importer:
    """The importer named in the URL (404 if unknown), if the user's roles allow using it."""
    try:
        importer_cls = get_importer(name)
    except LookupError:
        raise Http404 from None
    user = request.user
    if not (user.may("change") and user.may(importer_cls.permission)):
        raise PermissionDenied(_("您的角色无权导入此类数据。"))
    return importer_cls()


def importer_label(name: str) -> str:
    try:
        return str(get_importer(name).label)
    except LookupError:
        return name


def _job(request, pk: int) -> ImportJob:
    return ImportJob.objects.select_related("user").get_in_scope(request.user, "view", pk=pk)


def _start(request, importer: Importer, upload, dry_run: bool) -> ImportJob:
    """Store the upload as a pending job of the user's node and queue its processing."""
    ext = PurePath(upload.name).suffix.lower()
    job = ImportJob(
        importer=importer.name,
        user=request.user,
        org_path=request.user.org_path,
        original_name=PurePath(upload.name).name[:255],
        options={"dry_run": dry_run},
    )
    job.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
    job.save()
    process_import.enqueue(job.pk)
    return job


@require_http_methods(["GET", "POST"])
def upload(request, name: str):
    """Choose a file (and whether only to preview); the job page follows its progress."""
    importer = _importer_for(request, name)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = _start(request, importer, form.cleaned_data["file"], form.cleaned_data["dry_run"])
        return redirect("imports:job", pk=job.pk)
    recent = ImportJob.objects.restrict(request.user).filter(importer=importer.name, user=request.user)[:5]
    context = {"importer": importer, "form": form, "columns": importer.columns, "recent": recent}
    return render(request, "imports/upload.html", context, status=400 if form.errors else 200)


def template(request, name: str):
    """The importer's .xlsx template, with notes and drop-down lists."""
    importer = _importer_for(request, name)
    response = HttpResponse(build_template(importer), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(_("%(label)s导入模板.xlsx") % {"label": importer.label})
    return response


def _attachment(filename: str) -> str:
    return content_disposition_header(True, filename)


def _job_context(job: ImportJob) -> dict:
    side = side_progress(job)  # a one-pass import on SQLite, still inside its transaction
    if side is not None:
        job.processed_rows, job.total_rows = side
    return {
        "job": job,
        "label": importer_label(job.importer),
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(job.error_count - ERRORS_SHOWN, 0),
        "preview": job.options.get("preview") or [],
        "dry_run": bool(job.options.get("dry_run")),
    }


def job_detail(request, pk: int):
    """A job: its progress while it runs, then its result or its problems."""
    job = _job(request, pk)
    context = _job_context(job)
    context["may_confirm"] = _may_confirm(request, job)
    return render(request, "imports/job.html", context)


def job_progress(request, pk: int):
    """The fragment that the job page polls every second while the job runs."""
    job = _job(request, pk)
    context = _job_context(job)
    context["may_confirm"] = _may_confirm(request, job)
    return render(request, "imports/_progress.html", context)


def job_errors(request, pk: int):
    """The uploaded rows with each problem marked, as .xlsx."""
    job = _job(request, pk)
    if not job.error_file:
        raise Http404
    stem = PurePath(job.original_name).stem or "import"
    try:
        fh = job.error_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        fh,
        as_attachment=True,
        filename=_("%(stem)s-错误标注.xlsx") % {"stem": stem},
        content_type=XLSX_CONTENT_TYPE,
    )


def _may_confirm(request, job: ImportJob) -> bool:
    """A finished preview can be written from the same file by the one who uploaded it."""
    return (
        job.user_id == request.user.pk
        and bool(job.options.get("dry_run"))
        and job.status == ImportJob.Status.DONE
        and bool(job.file)
        and job.file.storage.exists(job.file.name)
    )


@require_POST
def job_confirm(request, pk: int):
    """Write what a preview showed: a new job over the same file, without the dry run."""
    job = _job(request, pk)
    importer = _importer_for(request, job.importer)
    if not _may_confirm(request, job):
        raise Http404
    new = ImportJob.objects.create(
        importer=importer.name,
        user=request.user,
        org_path=request.user.org_path,
        file=job.file.name,
        original_name=job.original_name,
        options={"dry_run": False},
    )
    process_import.enqueue(new.pk)
    return redirect("imports:job", pk=new.pk)


def job_list(request):
    """The import jobs in the user's scope, newest first."""
    jobs = ImportJob.objects.restrict(request.user).select_related("user").defer("errors")
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    labels = {i.name: str(i.label) for i in all_importers()}
    rows = [(job, labels.get(job.importer, job.importer)) for job in page.object_list]
    may_import = request.user.may("change")
    importers = [i for i in all_importers() if may_import and request.user.may(i.permission)]
    return render(request, "imports/jobs.html", {"page": page, "rows": rows, "importers": importers})

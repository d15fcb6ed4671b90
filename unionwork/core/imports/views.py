"""Pages of the import mechanism: upload, template, job progress and result, job list.

Every importer gets them from its registration; no module writes its own import page. Who may
import: roles that allow "change", and the importer's own ``permission`` (e.g. "manage").
Jobs are seen through ``ImportJob.objects.restrict(user)``: a job outside the scope is a 404.
The work is in :mod:`unionwork.core.imports.jobs` (shared with the API); these views render.
"""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from unionwork.core import pickers
from unionwork.core.errors import ActionError
from unionwork.core.forms import BootstrapMixin, PickerField
from unionwork.core.imports import EXTENSIONS, Importer, all_importers, get_importer, jobs
from unionwork.core.imports.engine import side_progress
from unionwork.core.imports.normalize import SKIP_BLANK, SKIP_HEADER, SKIP_NOTE, SKIP_TITLE, SKIP_TOTAL
from unionwork.core.imports.templates_xlsx import build_template
from unionwork.core.models import ImportJob

SKIP_LABELS = {
    SKIP_TITLE: gettext_lazy("表头上方的标题或说明"),
    SKIP_TOTAL: gettext_lazy("合计行"),
    SKIP_NOTE: gettext_lazy("注释或签字行"),
    SKIP_HEADER: gettext_lazy("重复的表头"),
    SKIP_BLANK: gettext_lazy("空行"),
}

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

    def __init__(self, *args, importer: Importer | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_column = None
        if importer is not None and importer.target_field:
            column = next(c for c in importer.columns if c.field == importer.target_field)
            self.target_column = column
            noun = getattr(column, "noun", column.title)
            self.fields["target"] = PickerField(
                column.target_choices(user),
                source=pickers.source_for(column.target_choices(user).model).name,
                params={**column.picker_params, "action": "change"},
                label=_("导入到哪个%(noun)s") % {"noun": noun},
                required=False,
                help_text=_("文件里没有“%(col)s”列，或有些行没有填写时，这些行导入到这里选的%(noun)s。")
                % {"col": column.title, "noun": noun},
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
    return jobs.importer_for(request.user, name)


def importer_label(name: str) -> str:
    try:
        return str(get_importer(name).label)
    except LookupError:
        return name


def _job(request, pk: int) -> ImportJob:
    return jobs.job_for(request.user, pk)


@require_http_methods(["GET", "POST"])
def upload(request, name: str):
    """Choose a file (and whether only to preview); the job page follows its progress."""
    importer = _importer_for(request, name)
    # ``?target=<id>``: the page the user came from names the record to import into (checked by
    # the form's scoped field like any chosen value).
    initial = {"target": request.GET["target"]} if request.GET.get("target", "").isdigit() else None
    form = UploadForm(
        request.POST or None, request.FILES or None, initial=initial, importer=importer, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        job = jobs.start_import(
            request.user,
            importer,
            upload_file,
            upload_file.name,
            dry_run=form.cleaned_data["dry_run"],
            target=form.cleaned_data.get("target"),
        )
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


def _job_context(job: ImportJob, user=None) -> dict:
    side = side_progress(job)  # a one-pass import on SQLite, still inside its transaction
    if side is not None:
        job.processed_rows, job.total_rows = side
    skipped = [{**s, "label": SKIP_LABELS.get(s["reason"], s["reason"])} for s in job.skipped]
    return {
        "job": job,
        "skipped": skipped,
        "note": job.columns_note or {},
        "may_download": user is not None and jobs.may_download_errors(user, job),
        "may_map": user is not None
        and job.status == ImportJob.Status.MAPPING
        and job.user_id == user.pk
        and bool(job.file)
        and bool(job.options.get("mapping_request")),
        "label": importer_label(job.importer),
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(job.error_count - ERRORS_SHOWN, 0),
        "preview": job.options.get("preview") or [],
        "dry_run": bool(job.options.get("dry_run")),
    }


def job_detail(request, pk: int):
    """A job: its progress while it runs, then its result or its problems."""
    job = _job(request, pk)
    context = _job_context(job, request.user)
    context["may_confirm"] = _may_confirm(request, job)
    return render(request, "imports/job.html", context)


def job_progress(request, pk: int):
    """The fragment that the job page polls every second while the job runs."""
    job = _job(request, pk)
    context = _job_context(job, request.user)
    context["may_confirm"] = _may_confirm(request, job)
    return render(request, "imports/_progress.html", context)


def job_errors(request, pk: int):
    """The uploaded rows with each problem marked, as .xlsx (the uploader and their node's administrators)."""
    chunks, filename = jobs.open_error_file(request.user, pk)
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def job_mapping(request, pk: int):
    """Map the file's columns to the importer's (remembered for the next file of this layout)."""
    job = _job(request, pk)
    importer = _importer_for(request, job.importer)
    request_ = job.options.get("mapping_request")
    if (
        job.status != ImportJob.Status.MAPPING
        or not request_
        or job.user_id != request.user.pk
        or not job.file
    ):
        raise Http404
    guesses = request_.get("guesses", {})
    choices = [("", _("（不导入此列）"))] + [(c.field or c.title, c.title) for c in importer.columns]
    error = ""
    selected = {str(i): guesses.get(str(i), "") for i, _h in request_["headers"]}
    if request.method == "POST":
        selected = {str(i): request.POST.get(f"col_{i}", "") for i, _h in request_["headers"]}
        try:
            new = jobs.map_columns(request.user, job, selected)
        except ActionError as exc:
            error = exc.messages[0]
        else:
            return redirect("imports:job", pk=new.pk)
    rows = [
        {"index": i, "header": h, "selected": selected.get(str(i), ""), "letter": _letter(i)}
        for i, h in request_["headers"]
    ]
    needed = [c for c in importer.columns if c.required or (c.field or c.title) in importer.key]
    context = {
        "job": job,
        "importer": importer,
        "rows": rows,
        "choices": choices,
        "error": error,
        "missing": request_.get("missing", []),
        "needed": [c.title for c in needed],
        "needed_fields": [c.field or c.title for c in needed],
        "header_row": request_["header_row"],
    }
    return render(request, "imports/mapping.html", context, status=400 if error else 200)


def _letter(index: int) -> str:
    from unionwork.core.imports.engine import column_letter

    return column_letter(index)


def _may_confirm(request, job: ImportJob) -> bool:
    return jobs.may_confirm(request.user, job)


@require_POST
def job_confirm(request, pk: int):
    """Write what a preview showed: a new job over the same file, without the dry run."""
    new = jobs.confirm_preview(request.user, _job(request, pk))
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

"""Import jobs as a user meets them: start one, map its columns, fetch its error file, clean up.

The pages (:mod:`unionwork.core.imports.views`) and the API call these functions; none of them
trusts its caller to have checked roles or scope.

- :func:`start_import` stores an upload (encrypted, :mod:`unionwork.core.crypto`) as a pending
  job of the user's node and queues it.
- :func:`confirm_preview` writes what a preview showed (a new job over the same file).
- :func:`job_for` is a job in the user's scope (404 outside it).
- :func:`may_download_errors` / :func:`open_error_file`: the marked error file holds personal
  data; only the uploader and the administrators of the uploader's own node get it (404 for
  everyone else, as for a record outside the scope).
- :func:`map_columns` saves the user's mapping of a file's columns (remembered for the node,
  the importer and the layout of the header row) and starts the import again with it.
- :func:`purge_expired` deletes uploaded and error files older than
  ``UNIONWORK_IMPORT_FILE_DAYS`` (command ``imports_purge_files`` and task ``purge_import_files``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from unionwork.core import audit, crypto
from unionwork.core.errors import ActionError
from unionwork.core.imports.base import Importer, get_importer
from unionwork.core.imports.engine import purge_expired, purge_files, purge_superseded
from unionwork.core.imports.readers import check_extension
from unionwork.core.models import ImportJob, ImportMapping
from unionwork.core.scope import ADMINISTRATOR

__all__ = [
    "confirm_preview",
    "error_file_name",
    "importer_for",
    "job_for",
    "map_columns",
    "may_confirm",
    "may_download_errors",
    "open_error_file",
    "purge_expired",
    "purge_files",
    "purge_superseded",
    "start_import",
]


def importer_for(user, name: str) -> Importer:
    """The importer ``name`` (Http404 if unknown), if the user's roles allow using it (else 403)."""
    try:
        importer_cls = get_importer(name)
    except LookupError:
        raise Http404 from None
    if not (user.may("change") and user.may(importer_cls.permission)):
        raise PermissionDenied(_("您的角色无权导入此类数据。"))
    return importer_cls()


def job_for(user, pk: int) -> ImportJob:
    """A job in the user's scope, or Http404."""
    return ImportJob.objects.select_related("user").get_in_scope(user, "view", pk=pk)


def start_import(
    user,
    importer: Importer | str,
    fileobj: IO[bytes],
    filename: str,
    *,
    dry_run: bool = False,
    target: Any = None,
) -> ImportJob:
    """Store an upload, encrypted, as a pending job of the user's node, and queue its processing.

    ``target``: the pk of the record chosen for the importer's ``target_field`` (checked in scope
    when the job runs). Raises ImportFileError for an extension no reader takes.
    """
    from unionwork.core.tasks import process_import

    if isinstance(importer, str):
        importer = importer_for(user, importer)
    ext = check_extension(filename)
    options: dict[str, Any] = {"dry_run": bool(dry_run)}
    if target is not None and importer.target_field:
        options["target"] = int(getattr(target, "pk", target))
    job = ImportJob(
        importer=importer.name,
        user=user,
        org_path=user.org_path,
        original_name=PurePath(filename).name[:255],
        options=options,
    )
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    with crypto.encrypted_copy(fileobj) as sealed:
        job.file.save(f"{uuid.uuid4().hex}{ext}.enc", File(sealed), save=False)
    with transaction.atomic():
        job.save()
        _audit_start(job)
    # Queued after the commit: an immediate backend (tests) runs the import at once.
    process_import.enqueue(job.pk)
    return job


def _job_over(user, importer: Importer, job: ImportJob, options: dict) -> ImportJob:
    """A new job of the user over the stored file of ``job`` (a confirmed preview, a mapping)."""
    return ImportJob.objects.create(
        importer=importer.name,
        user=user,
        org_path=user.org_path,
        file=job.file.name,
        original_name=job.original_name,
        options=options,
    )


def _audit_start(job: ImportJob) -> None:
    audit.record(
        job,
        "create",
        None,
        {"importer": job.importer, "file": job.original_name, "options": job.options},
        note=_("开始导入"),
        org_path=job.org_path,
    )


def may_confirm(user, job: ImportJob) -> bool:
    """A finished preview can be written from the same file by the one who uploaded it."""
    return (
        job.user_id == user.pk
        and bool(job.options.get("dry_run"))
        and job.status == ImportJob.Status.DONE
        and bool(job.file)
        and job.file.storage.exists(job.file.name)
    )


def confirm_preview(user, job: ImportJob) -> ImportJob:
    """Write what a preview showed: a new job over the same file, without the dry run (Http404
    unless :func:`may_confirm`). The job row and its audit event are one transaction."""
    from unionwork.core.tasks import process_import

    job = job_for(user, job.pk)
    importer = importer_for(user, job.importer)
    if not may_confirm(user, job):
        raise Http404
    options = {k: v for k, v in job.options.items() if k in ("target", "mapping")}
    with transaction.atomic():
        new = _job_over(user, importer, job, {**options, "dry_run": False})
        _audit_start(new)
    process_import.enqueue(new.pk)
    return new


def may_download_errors(user, job: ImportJob) -> bool:
    """The uploader, or an administrator of the uploader's own node (the job must be in scope)."""
    if not user.is_authenticated or not job.error_file:
        return False
    if job.user_id == user.pk:
        return True
    return ADMINISTRATOR in set(user.role_names()) and user.org_path == job.org_path


def error_file_name(job: ImportJob) -> str:
    stem = PurePath(job.original_name).stem or "import"
    return _("%(stem)s-错误标注.xlsx") % {"stem": stem}


def open_error_file(user, pk: int) -> tuple[Iterator[bytes], str]:
    """The decrypted marked file of a job, in chunks, and its download name; Http404 if not allowed."""
    job = job_for(user, pk)
    if not may_download_errors(user, job):
        raise Http404
    try:
        fh = job.error_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None

    def chunks() -> Iterator[bytes]:
        with fh:
            if crypto.is_encrypted(fh):
                yield from crypto.decrypt_chunks(fh)
            else:  # written before encryption
                yield from iter(lambda: fh.read(crypto.CHUNK), b"")

    return chunks(), error_file_name(job)


def map_columns(user, job: ImportJob, columns: dict[str, str]) -> ImportJob:
    """Save how the job's header maps to the importer's columns and start the import again.

    ``columns``: 0-based position (as text) -> field, or "" for "not imported". Refuses (with a
    Chinese ActionError) a needed column left unmapped or a field chosen twice. The mapping is
    remembered for the user's node, this importer and this layout of headers.
    """
    from unionwork.core.tasks import process_import

    importer = importer_for(user, job.importer)
    request = job.options.get("mapping_request")
    if job.status != ImportJob.Status.MAPPING or not request or job.user_id != user.pk or not job.file:
        raise ActionError(_("这个导入任务不需要（或已不能）对应列，请重新上传文件。"), code="mapping_state")
    fields = {c.field or c.title: c for c in importer.columns}
    positions = {str(i) for i, _h in request["headers"]}
    chosen: dict[str, str] = {}
    used: dict[str, str] = {}
    for pos, fname in columns.items():
        if pos not in positions:
            continue
        if fname and fname not in fields:
            raise ActionError(_("未知的列“%(f)s”。") % {"f": fname}, code="mapping_field")
        if fname and fname in used:
            raise ActionError(
                _("“%(col)s”被选了两次，请只对应一列。") % {"col": fields[fname].title}, code="mapping_twice"
            )
        if fname:
            used[fname] = pos
        chosen[pos] = fname
    needed = [c for c in importer.columns if c.required or (c.field or c.title) in importer.key]
    missing = [c.title for c in needed if (c.field or c.title) not in used]
    if missing:
        raise ActionError(
            _("请为必需的列选择对应：%(cols)s。") % {"cols": "、".join(missing)}, code="mapping_missing"
        )
    headers = request["headers"]
    with transaction.atomic():
        mapping, created = ImportMapping.objects.update_or_create(
            org_path=user.org_path,
            importer=importer.name,
            layout=request["layout"],
            defaults={"columns": chosen, "headers": headers, "updated_by": user},
        )
        audit.record(
            mapping,
            "create" if created else "update",
            None,
            {"importer": importer.name, "headers": [h for _i, h in headers], "columns": chosen},
            note=_("导入列对应"),
        )
        options = {k: v for k, v in job.options.items() if k not in ("mapping_request", "preview")}
        options["mapping"] = {"layout": request["layout"], "columns": chosen}
        new = _job_over(user, importer, job, options)
        # The file moves to the new job; this one stays as the record of the step.
        job.message = _("已选择列的对应，文件转入导入任务 #%(id)d。") % {"id": new.pk}
        job.options = {**options, "mapped_to": new.pk}
        job.file = ""
        job.save(update_fields=["message", "options", "file"])
    process_import.enqueue(new.pk)
    return new

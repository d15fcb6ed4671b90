"""Records that are never deleted: ``delete()`` refuses, a correction is an amendment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from unionwork.core.errors import ActionError
from unionwork.core.scope import ScopedQuerySet


class PermanentRecordError(ActionError):
    """Stability records are never deleted; correct them by an amendment."""


def _refuse_delete():
    raise PermanentRecordError(_("维稳记录不能删除；如需更正，请提交更正并说明原因。"), code="no_delete")


class PermanentQuerySet(ScopedQuerySet):
    """Scoped by the record's org unit; ``delete()`` refuses."""

    scope_path_field = "org__path"
    scope_ipath_field = "org__ipath"

    def delete(self):
        _refuse_delete()

    delete.queryset_only = True


class PermanentModel(models.Model):
    """A record of stability work: belongs to an org unit, is never deleted."""

    objects = PermanentQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        _refuse_delete()

    def audit_org_path(self) -> str:
        return self.org.path

"""Amendments: a correction is recorded with its reason, never by overwriting silently."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.stability.actions._common import actor_label, clean_text
from unionwork.stability.models import Amendment


def amend(obj, fields: tuple[str, ...], changes: dict, reason: str, target: str) -> dict:
    """Apply ``changes`` to the allowed ``fields`` of ``obj``; write the amendment and the audit event."""
    reason = clean_text(reason, _("更正原因"), max_length=500)
    unknown = set(changes) - set(fields)
    if unknown:
        raise ActionError(
            _("以下内容不能更正：%(f)s。") % {"f": "、".join(sorted(unknown))}, code="not_amendable"
        )
    before = audit.snapshot(obj)
    diff = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            diff[name] = [audit._jsonable(old), audit._jsonable(value)]
            setattr(obj, name, value)
    if not diff:
        raise ActionError(_("没有需要更正的内容。"), code="no_change")
    obj.save()
    Amendment.objects.create(
        **{target: obj}, reason=reason, changes=diff, at=timezone.now(), actor_label=actor_label()
    )
    audit.record(obj, "amend", before, audit.snapshot(obj), note=reason)
    return diff

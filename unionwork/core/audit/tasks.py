"""The audit chain's periodic anchoring, as a task of Django's task framework.

``manage.py scheduler`` enqueues ``anchor_audit_chain`` every hour (registered in core's
AppConfig); :func:`unionwork.core.audit.anchor` can also be called from any other scheduler.
"""

from __future__ import annotations

from django.tasks import task

from unionwork.core.audit.anchors import anchor


@task
def anchor_audit_chain(now_iso: str | None = None) -> str:
    """Anchor the chain's head outside the database; return the anchor's line."""
    return anchor().line()

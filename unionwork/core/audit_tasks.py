"""The audit chain's periodic anchoring, as a task of Django's task framework.

Schedule ``anchor_audit_chain`` regularly (hourly is a good default) with the worker's periodic
runs, or call :func:`unionwork.core.audit.anchor` directly from any scheduler.
"""

from __future__ import annotations

from django.tasks import task

from unionwork.core import audit


@task
def anchor_audit_chain() -> str:
    """Anchor the chain's head outside the database; return the anchor's line."""
    return audit.anchor().line()

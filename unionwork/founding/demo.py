"""Demo: foundings recorded by 甘井子区's data-entry clerk, waiting for its reviewer (建会确认)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from unionwork.core import audit
from unionwork.founding import actions
from unionwork.founding.models import Enterprise, EnterpriseStatus, FoundingRule, FoundingSubmission


def seed_pending(n: int = 2) -> int:
    """Up to ``n`` pending foundings by ``gjz_editor`` (none if any submission exists already)."""
    clerk = get_user_model().objects.filter(username="gjz_editor").select_related("org").first()
    if (
        clerk is None
        or FoundingSubmission.objects.exists()
        or not FoundingRule.current().confirmation_required
    ):
        return 0
    candidates = list(
        Enterprise.objects.filter(
            is_demo=True,
            union=None,
            status=EnterpriseStatus.OPERATING,
            community__path__startswith=clerk.org_path,
            employees__gte=FoundingRule.current().own_union_min_employees,
        ).order_by("pk")[:n]
    )
    with audit.acting_as(clerk, "command:demo"):
        for e in candidates:
            actions.record_founding(
                clerk,
                enterprises=[e],
                founded_on=timezone.localdate(),
                chairman_name="张演示",
                reason="演示数据",
            )
    return len(candidates)

"""What every stability action shares: the scope and role check, the server clock, the rules."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit, scope
from unionwork.core.errors import ActionError
from unionwork.core.scope import user_may
from unionwork.orgs.models import OrgUnit
from unionwork.stability.models import DEFAULT_SEVERITY_RULES, SeverityRule


def check(user, org: OrgUnit, action: str = "change") -> None:
    """Refuse unless the user's roles allow ``action`` and ``org`` lies in the user's scope.

    ``user`` None is the system (tasks, commands, demo): the audit context still names it.
    """
    scope.check_record(user, org, action, what=_("该单位"))


def is_city_admin(user) -> bool:
    """An administrator of the root of the tree: sets the rules and heightened periods."""
    if user is None:
        return True
    return user_may(user, "manage") and getattr(user, "org", None) is not None and user.org.parent_id is None


def check_city_admin(user) -> None:
    if not is_city_admin(user):
        raise ActionError(_("只有市总工会管理员可以设置此项。"), code="forbidden")


def server_now(now: datetime.datetime | None = None) -> datetime.datetime:
    """The server's clock. ``now`` exists for tests and commands; no view ever passes it."""
    return now or timezone.now()


def actor_label() -> str:
    return audit.current_actor().label


def rule_for(severity: str) -> SeverityRule:
    """The rule of a severity: the stored one, else the default."""
    rule = SeverityRule.objects.filter(severity=severity).first()
    if rule is None:
        hours, days, notify = DEFAULT_SEVERITY_RULES[severity]
        rule = SeverityRule(
            severity=severity, report_within_hours=hours, resolve_within_days=days, notify_upper=notify
        )
    return rule


def clean_text(value: str, label: str, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("%(f)s不能为空。") % {"f": label})
    if max_length and len(value) > max_length:
        raise ActionError(_("%(f)s过长，最多 %(n)d 个字。") % {"f": label, "n": max_length})
    return value

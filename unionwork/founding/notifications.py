"""What founding work awaits a user, and the founding deadlines to remind units of.

* Confirmations to give: foundings recorded by the data-entry clerks of the user's own unit,
  pending, for its administrators and reviewers (the ones :func:`actions.may_decide` lets
  confirm; the clerk's own entries excepted).
* Reminders before each founding target's deadline (to the target's unit, while the unions
  founded in its subtree that year fall short of the target), and before 30 September (the
  three-year founding task) to the districts and zones whose founding rate is below the
  indicator's target.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import indicators
from unionwork.core.notifications import (
    Item,
    Reminder,
    ReminderSource,
    Source,
    register,
    register_reminders,
    window_end,
)
from unionwork.founding.indicators import KEY as RATE_KEY
from unionwork.founding.models import FoundingSubmission, FoundingTarget, GrassrootsUnion, UnionStatus
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


def _to_confirm(user):
    if not user.may("review") or not getattr(user, "org_id", None):
        return FoundingSubmission.objects.none()
    return (
        FoundingSubmission.objects.restrict(user, "review")
        .pending()
        .filter(level_id=user.org_id)
        .exclude(recorded_by=user)
    )


def _confirm_items(user, now, limit):
    return [
        Item(
            _("确认建会：%(n)s") % {"n": s.name},
            s.get_absolute_url(),
            detail=_("%(who)s 登记，建会日期 %(d)s，设立于%(p)s")
            % {
                "who": s.recorded_by.full_name or s.recorded_by.username,
                "d": s.founded_on,
                "p": s.parent.name,
            },
            level="warning",
        )
        for s in _to_confirm(user)
        .select_related("recorded_by", "parent")
        .order_by("recorded_at", "pk")[:limit]
    ]


register(
    Source(
        key="founding.confirmations",
        label=gettext_lazy("待确认的建会"),
        count=lambda user, now: _to_confirm(user).count(),
        items=_confirm_items,
        more_url=reverse_lazy("founding:submissions"),
        order=15,
    )
)


# -- reminders ----------------------------------------------------------------------------------
def _founded(unit: OrgUnit, year: int) -> int:
    """Unions founded in the year in the unit's subtree (an industrial union's: linked ones);
    the same count as the targets page (founding.queries._founded_in), without a user's scope."""
    field = "unit__ipath" if unit.kind == OrgKind.INDUSTRIAL else "unit__path"
    return (
        GrassrootsUnion.objects.exclude(status=UnionStatus.DISSOLVED)
        .filter(**{f"{field}__startswith": unit.path}, founded_on__year=year)
        .aggregate(n=Count("pk"))["n"]
    )


def _target_reminders(today: datetime.date):
    targets = FoundingTarget.objects.select_related("unit").filter(
        deadline__gte=today, deadline__lte=window_end(today), unit__status=OrgStatus.ACTIVE, target__gt=0
    )
    for t in targets:
        done = _founded(t.unit, t.year)
        if done >= t.target:
            continue
        yield Reminder(
            subject=f"founding.target:{t.pk}",
            unit_ids=[t.unit_id],
            title=_("建会目标 %(d)s 到期：%(u)s %(y)d 年目标 %(t)d 个，已建 %(n)d 个")
            % {"d": t.deadline, "u": t.unit.name, "y": t.year, "t": t.target, "n": done},
            body=_("距完成期限还有 %(k)d 天，尚差 %(m)d 个基层工会。")
            % {"k": (t.deadline - today).days, "m": t.target - done},
            url=reverse("founding:targets-unit", args=[t.unit_id]) + f"?year={t.year}",
            due_on=t.deadline,
        )


def _rate_reminders(today: datetime.date):
    deadline = datetime.date(today.year, 9, 30)
    if not today <= deadline <= window_end(today):
        return
    target = indicators.get(RATE_KEY).target or 0
    units = list(
        OrgUnit.objects.filter(
            Q(kind__in=[OrgKind.DISTRICT, OrgKind.ZONE]), status=OrgStatus.ACTIVE, parent__parent=None
        )
    )
    figures = indicators.values(RATE_KEY, [u.pk for u in units], month=today)
    for u in units:
        fig = figures.get(u.pk)
        rate = fig.rate if fig is not None else None
        if rate is None or rate >= target:
            continue
        yield Reminder(
            subject=f"founding.rate:{u.pk}",
            unit_ids=[u.pk],
            title=_("三年建会任务 %(d)s 到期：%(u)s建会率 %(r).1f%%，目标 %(t).0f%%")
            % {"d": deadline, "u": u.name, "r": rate, "t": target},
            body=_("9 月 30 日前完成三年建会任务。请查看未建会企业。"),
            url=reverse("founding:unit", args=[u.pk]),
            due_on=deadline,
        )


register_reminders(ReminderSource("founding.targets", _target_reminders))
register_reminders(ReminderSource("founding.rate", _rate_reminders))

"""Reminders of the member service card deadline (31 August, the seed's hard requirement), the
members waiting for a union of the user's scope to accept them (转入), and the daily hand-over of
members not accepted in time to their street union (流动会员).

Every district, zone and industrial union must have rolled out member service cards by
31 August; the units whose card coverage (``members.card_coverage``) is still below the
indicator's target are reminded before it passes (the steps of core.notifications).
"""

from __future__ import annotations

import datetime

from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import indicators, schedule
from unionwork.core.notifications import (
    Item,
    Reminder,
    ReminderSource,
    Source,
    register,
    register_reminders,
    window_end,
)
from unionwork.members import queries, tasks
from unionwork.members.indicators import COVERAGE_KEY
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

RESPONSIBLE_KINDS = (OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.INDUSTRIAL)


def card_deadline(year: int) -> datetime.date:
    return datetime.date(year, 8, 31)


def _card_reminders(today: datetime.date):
    deadline = card_deadline(today.year)
    if not today <= deadline <= window_end(today):
        return
    target = indicators.get(COVERAGE_KEY).target or 100.0
    units = list(
        OrgUnit.objects.filter(kind__in=RESPONSIBLE_KINDS, status=OrgStatus.ACTIVE, parent__parent=None)
    )
    figures = indicators.values(COVERAGE_KEY, [u.pk for u in units], month=today)
    for u in units:
        fig = figures.get(u.pk)
        if fig is None or not fig.denominator or (fig.rate or 0) >= target:
            continue
        yield Reminder(
            subject=f"members.cards:{u.pk}",
            unit_ids=[u.pk],
            title=_("会员服务卡 %(d)s 前推行到位：%(u)s覆盖率 %(r).1f%%，目标 %(t).0f%%")
            % {"d": deadline, "u": u.name, "r": fig.rate, "t": target},
            body=_("尚有 %(n)d 名在会会员未持有效会员服务卡。") % {"n": fig.denominator - fig.numerator},
            url=reverse("members:home"),
            due_on=deadline,
        )


register_reminders(ReminderSource("members.cards", _card_reminders))


# -- transfers: pending acceptances, and the daily hand-over to the street unions ---------------


schedule.register_daily("members.hand_over_floating", tasks.hand_over_floating)


def _pending(user):
    if not user.may("change"):
        return queries.transits(user).none()
    return queries.pending_acceptances(user)


def _pending_count(user, now) -> int:
    return _pending(user).count()


def _pending_items(user, now, limit):
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    rows = _pending(user).select_related("member", "from_union").order_by("released_on", "pk")[:limit]
    return [
        Item(
            _("待接收转入：%(n)s（%(u)s转出）") % {"n": t.member.name, "u": t.from_union.name},
            reverse("members:accept", args=[t.pk]),
            detail=_("%(d)s 转出，已 %(k)d 天") % {"d": t.released_on, "k": t.age(today)},
            level="warning",
        )
        for t in rows
    ]


register(
    Source(
        "members.pending_acceptances",
        gettext_lazy("待接收的转入会员"),
        _pending_count,
        _pending_items,
        more_url=reverse_lazy("members:transits"),
    )
)

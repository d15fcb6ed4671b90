"""Reminders of the member service card deadline (31 August, the seed's hard requirement).

Every district, zone and industrial union must have rolled out member service cards by
31 August; the units whose card coverage (``members.card_coverage``) is still below the
indicator's target are reminded before it passes (the steps of core.notifications).
"""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.core.notifications import Reminder, ReminderSource, register_reminders, window_end
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

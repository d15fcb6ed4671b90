"""What the assessment awaits of a user: appeals to decide and claims to review (the assessing
level's reviewers), a provisional ranking open to appeal (the assessed unit); and the reminders of
hard requirements to the units that have not met them yet, before their deadline."""

from __future__ import annotations

import datetime

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.assessment import queries, rules, scoring
from unionwork.assessment.models import Rule, Scheme, SchemeState
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


def _appeal_items(user, now, limit):
    return [
        Item(
            str(a),
            a.get_absolute_url(),
            detail=_("%(u)s 于 %(d)s 提出：%(r)s")
            % {"u": a.unit.name, "d": f"{a.filed_at:%Y-%m-%d}", "r": a.reason[:60]},
            level="warning",
        )
        for a in queries.appeals_to_decide(user).order_by("filed_at", "pk")[:limit]
    ]


register(
    Source(
        key="assessment.appeals",
        label=gettext_lazy("待裁定的考核申诉"),
        count=lambda user, now: queries.appeals_to_decide(user).count(),
        items=_appeal_items,
        more_url=format_lazy("{}?state=open", reverse_lazy("assessment:appeal-list")),
        order=55,
    )
)


def _claim_items(user, now, limit):
    return [
        Item(
            str(c),
            c.get_absolute_url(),
            detail=_("申报于 %(d)s") % {"d": f"{c.submitted_at:%Y-%m-%d}"},
            level="info",
        )
        for c in queries.claims_to_review(user).order_by("submitted_at", "pk")[:limit]
    ]


register(
    Source(
        key="assessment.claims",
        label=gettext_lazy("待评审的考核自评申报"),
        count=lambda user, now: queries.claims_to_review(user).count(),
        items=_claim_items,
        more_url=reverse_lazy("assessment:claim-list"),
        order=56,
    )
)


def _window_items(user, now, limit):
    today = timezone.localdate(now)
    return [
        Item(
            _("%(s)s：初步排名已公布，本单位第 %(r)s 名，%(t)s 分")
            % {"s": r.computation.scheme.name, "r": r.rank or "—", "t": r.total},
            r.get_absolute_url(),
            detail=_("如有异议，请于 %(d)s 前提出申诉（还有 %(n)d 天）")
            % {"d": r.computation.appeal_until.isoformat(), "n": (r.computation.appeal_until - today).days},
            level="warning",
            due=r.computation.appeal_until,
        )
        for r in queries.open_appeal_windows(user, today).order_by("computation__appeal_until", "pk")[:limit]
    ]


register(
    Source(
        key="assessment.appeal_window",
        label=gettext_lazy("考核初步排名公示（申诉期内）"),
        count=lambda user, now: queries.open_appeal_windows(user, timezone.localdate(now)).count(),
        items=_window_items,
        order=57,
    )
)


def _hard_reminders(today: datetime.date):
    """A hard requirement whose deadline is near: each assessed unit not yet at the target."""
    end = window_end(today)
    for scheme in Scheme.objects.filter(state=SchemeState.PUBLISHED).select_related("org"):
        items = [
            i
            for i in scheme.items.filter(is_hard=True, rule=Rule.DEADLINE)
            if today <= datetime.date.fromisoformat(i.params["deadline"]) <= end
        ]
        if not items:
            continue
        units = scoring.assessed_units(scheme)
        for item in items:
            due = datetime.date.fromisoformat(item.params["deadline"])
            target = float(item.params["target"])
            figs = indicators.values(item.indicator, [u.pk for u in units], indicators.month_of(today))
            for u in units:
                value = scoring.value_of(figs.get(u.pk))
                if value is not None and value >= target:
                    continue
                yield Reminder(
                    subject=f"assessment.hard:{scheme.series}:{item.code}:{u.pk}",
                    unit_ids=[u.pk],
                    title=_("硬性指标 %(d)s 截止：%(n)s") % {"d": due.isoformat(), "n": item.name[:60]},
                    body=_("目标 %(t)s，本单位现为 %(v)s。")
                    % {"t": rules.fmt(target), "v": scoring.shown(figs.get(u.pk))},
                    url=str(reverse_lazy("assessment:home")),
                    due_on=due,
                )


register_reminders(ReminderSource("assessment.hard", _hard_reminders))

"""Indicators of official documents and supervision, counted at the recipient unit and rolled up.

- ``documents.acknowledged_on_time``: documents a unit acknowledged (签收) within the time limit,
  of the documents sent to it. Kept by :func:`dispatched` (sending) and the tracker of
  acknowledging.
- ``documents.supervision_on_time``: supervised items a unit completed on time (its final report
  accepted, submitted on or before the deadline day), of the items it was given (an item closed
  by the issuer no longer counts for the recipients that had not completed it).
- ``documents.overdue``: items past their deadline that a unit has not completed (open items
  only). It grows when a day passes with no action, so besides the actions' trackers it is
  rebuilt by the daily job ``documents.overdue`` (:mod:`unionwork.documents.notifications`).
"""

from __future__ import annotations

from contextlib import ExitStack

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import COUNT, RATE, Indicator, register
from unionwork.documents.models import Dispatch, SupervisionTarget, TargetState

ACK_KEY = "documents.acknowledged_on_time"
SUPERVISION_KEY = "documents.supervision_on_time"
OVERDUE_KEY = "documents.overdue"


def _ack_on_time_q() -> Q:
    from django.db.models import F

    return Q(acknowledged_at__isnull=False, acknowledged_at__lte=F("ack_due"))


def _counted_targets() -> Q:
    """Targets that count: every target of an open item; of a closed item only completed ones."""
    return Q(item__closed_at__isnull=True) | Q(state=TargetState.DONE)


def _overdue_q(today) -> Q:
    return Q(item__closed_at__isnull=True, item__deadline__lt=today) & ~Q(state=TargetState.DONE)


def _subtree(path: str) -> Q:
    return Q(recipient__path__startswith=path) | Q(recipient__ipath__startswith=path)


# -- own counts and live figures (rebuilds, checks) ------------------------------------------------


def _own_ack():
    rows = (
        Dispatch.objects.values_list("recipient__path", "recipient__ipath")
        .annotate(n=Count("pk", filter=_ack_on_time_q()), d=Count("pk"))
        .order_by()
    )
    for path, ipath, n, d in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, d


def _live_ack(path):
    got = Dispatch.objects.filter(_subtree(path)).aggregate(
        n=Count("pk", filter=_ack_on_time_q()), d=Count("pk")
    )
    return got["n"], got["d"]


def _own_supervision():
    rows = (
        SupervisionTarget.objects.filter(_counted_targets())
        .values_list("recipient__path", "recipient__ipath")
        .annotate(n=Count("pk", filter=Q(done_on_time=True, state=TargetState.DONE)), d=Count("pk"))
        .order_by()
    )
    for path, ipath, n, d in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, d


def _live_supervision(path):
    got = (
        SupervisionTarget.objects.filter(_counted_targets())
        .filter(_subtree(path))
        .aggregate(n=Count("pk", filter=Q(done_on_time=True, state=TargetState.DONE)), d=Count("pk"))
    )
    return got["n"], got["d"]


def _own_overdue():
    today = timezone.localdate()
    rows = (
        SupervisionTarget.objects.filter(_overdue_q(today))
        .values_list("recipient__path", "recipient__ipath")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, ipath, n in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, 0


def _live_overdue(path):
    return SupervisionTarget.objects.filter(_overdue_q(timezone.localdate())).filter(
        _subtree(path)
    ).count(), 0


ACKNOWLEDGED_ON_TIME = register(
    Indicator(
        key=ACK_KEY,
        label=_("公文按时签收率"),
        numerator_label=_("在签收时限内签收的收文"),
        denominator_label=_("收到的公文"),
        unit=RATE,
        higher_is_better=True,
        module="documents",
        own_counts=_own_ack,
        live_subtree=_live_ack,
        description=_("按收文单位统计：分发后在签收时限内签收的为按时；未签收和逾期签收的不计入分子。"),
        tags=("公文",),
    )
)

SUPERVISION_ON_TIME = register(
    Indicator(
        key=SUPERVISION_KEY,
        label=_("督办事项按时办结率"),
        numerator_label=_("按时办结的督办事项"),
        denominator_label=_("承办的督办事项"),
        unit=RATE,
        higher_is_better=True,
        module="documents",
        own_counts=_own_supervision,
        live_subtree=_live_supervision,
        description=_(
            "按承办单位统计：完成报告在时限当日或之前报送并被采纳的为按时办结；事项被关闭时未办结的不再计入。"
        ),
        tags=("公文",),
    )
)

OVERDUE = register(
    Indicator(
        key=OVERDUE_KEY,
        label=_("逾期未办结督办事项"),
        numerator_label=_("超过时限仍未办结的督办事项（按承办单位）"),
        unit=COUNT,
        higher_is_better=False,
        module="documents",
        own_counts=_own_overdue,
        live_subtree=_live_overdue,
        description=_("时限次日起仍未办结的计入；办结或事项关闭后不再计入。每日重算。"),
        tags=("公文",),
    )
)


# -- contributions and trackers, used by the actions inside their transactions ------------------


def _dispatch_contributions(ids):
    rows = Dispatch.objects.filter(pk__in=list(ids)).values_list(
        "pk", "recipient__path", "recipient__ipath", "acknowledged_at", "ack_due"
    )
    return {
        pk: (path, ipath or "", int(at is not None and at <= due), 1) for pk, path, ipath, at, due in rows
    }


def _target_rows(ids):
    return SupervisionTarget.objects.filter(pk__in=list(ids)).values_list(
        "pk",
        "recipient__path",
        "recipient__ipath",
        "state",
        "done_on_time",
        "item__closed_at",
        "item__deadline",
    )


def _supervision_contributions(ids):
    out = {}
    for pk, path, ipath, state, on_time, closed, _deadline in _target_rows(ids):
        done = state == TargetState.DONE
        if closed is None or done:
            out[pk] = (path, ipath or "", int(done and on_time), 1)
    return out


def _overdue_contributions(ids):
    today = timezone.localdate()
    return {
        pk: (path, ipath or "", 1, 0)
        for pk, path, ipath, state, _on_time, closed, deadline in _target_rows(ids)
        if closed is None and state != TargetState.DONE and deadline < today
    }


def dispatched(rows) -> None:
    """A document was sent: one more received document at each recipient (none acknowledged yet)."""
    indicators.bump_many(ACK_KEY, [(d.recipient.path, d.recipient.ipath, 0, 1) for d in rows])


def tracking_dispatches(ids):
    return indicators.tracking(ACK_KEY, _dispatch_contributions, ids)


class tracking_targets:  # noqa: N801 - a context manager, like indicators.tracking
    """Both supervision figures kept around a change of targets."""

    def __init__(self, ids):
        self.ids = list(ids)
        self.stack = ExitStack()

    def __enter__(self):
        self.stack.enter_context(indicators.tracking(SUPERVISION_KEY, _supervision_contributions, self.ids))
        self.stack.enter_context(indicators.tracking(OVERDUE_KEY, _overdue_contributions, self.ids))
        return self

    def __exit__(self, *exc):
        return self.stack.__exit__(*exc)


def targets_added(targets) -> None:
    """New targets of an item: each counts once in the denominator (overdue if already late)."""
    indicators.bump_many(SUPERVISION_KEY, [(t.recipient.path, t.recipient.ipath, 0, 1) for t in targets])
    today = timezone.localdate()
    late = [(t.recipient.path, t.recipient.ipath, 1, 0) for t in targets if t.item.deadline < today]
    if late:
        indicators.bump_many(OVERDUE_KEY, late)


def rebuild_overdue() -> int:
    """The daily recount of the overdue figure (a deadline passing moves it with no action)."""
    return indicators.rebuild(OVERDUE_KEY)

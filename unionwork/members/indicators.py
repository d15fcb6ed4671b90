"""The members' indicators, kept rolled up at every level as records change.

* ``members.active``: active members (a count).
* ``members.card_coverage``: active members holding a card in force (issued or activated)
  among active members; the member service card requirement (31 August) is judged on it.

A member counts in its union's subtree path, and for the industrial union its union is linked to.
Actions wrap their changes in :func:`tracking`; a roster import recounts once (:func:`rebuild_all`).
"""

import datetime
from collections.abc import Iterable
from contextlib import ExitStack, contextmanager

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import COUNT, RATE, Indicator, register
from unionwork.members.models import CARD_IN_FORCE, Member, MemberStatus, prefix_q

ACTIVE_KEY = "members.active"
COVERAGE_KEY = "members.card_coverage"


def _active():
    return Member.objects.filter(status=MemberStatus.ACTIVE)


def _rows(ids: Iterable[int]):
    ids = list(ids)
    for start in range(0, len(ids), 2000):
        yield from (
            _active()
            .filter(pk__in=ids[start : start + 2000])
            .values_list("pk", "org_path", "union__ipath", "card_status")
        )


def _count_contributions(ids) -> dict:
    return {pk: (path, ipath, 1, 0) for pk, path, ipath, _card in _rows(ids)}


def _card_contributions(ids) -> dict:
    return {pk: (path, ipath, 1 if card in CARD_IN_FORCE else 0, 1) for pk, path, ipath, card in _rows(ids)}


class _Both:
    def __init__(self, trackers):
        self.trackers = trackers

    def add(self, *ids) -> None:
        for t in self.trackers:
            t.add(*ids)


@contextmanager
def tracking(ids: Iterable[int] = ()):
    """Use around any change of members or their cards, inside the action's transaction."""
    ids = list(ids)
    with ExitStack() as stack:
        trackers = [
            stack.enter_context(indicators.tracking(ACTIVE_KEY, _count_contributions, ids)),
            stack.enter_context(indicators.tracking(COVERAGE_KEY, _card_contributions, ids)),
        ]
        yield _Both(trackers)


def _groups():
    return (
        _active()
        .values("org_path", "union__ipath")
        .annotate(n=Count("pk"), carded=Count("pk", filter=Q(card_status__in=CARD_IN_FORCE)))
        .order_by()
    )


def _own_active():
    for g in _groups().iterator(chunk_size=5000):
        yield g["org_path"], g["union__ipath"] or "", g["n"], 0


def _own_cards():
    for g in _groups().iterator(chunk_size=5000):
        yield g["org_path"], g["union__ipath"] or "", g["carded"], g["n"]


def _subtree(path: str):
    return _active().filter(prefix_q("org_path", path) | Q(union__ipath__startswith=path))


def _live_active(path: str):
    return _subtree(path).count(), 0


def _live_cards(path: str):
    agg = _subtree(path).aggregate(n=Count("pk"), carded=Count("pk", filter=Q(card_status__in=CARD_IN_FORCE)))
    return agg["carded"], agg["n"]


def rebuild_all() -> None:
    """Recount both indicators for this month (after a bulk write such as a roster), from one
    grouped count of the register."""
    groups = [
        (g["org_path"], g["union__ipath"] or "", g["n"], g["carded"])
        for g in _groups().iterator(chunk_size=5000)
    ]
    indicators.rebuild(ACTIVE_KEY, counts=((p, i, n, 0) for p, i, n, _c in groups))
    indicators.rebuild(COVERAGE_KEY, counts=((p, i, c, n) for p, i, n, c in groups))


ACTIVE = register(
    Indicator(
        key=ACTIVE_KEY,
        label=_("在会会员"),
        numerator_label=_("在会会员"),
        unit=COUNT,
        module="members",
        own_counts=_own_active,
        live_subtree=_live_active,
    )
)
CARD_COVERAGE = register(
    Indicator(
        key=COVERAGE_KEY,
        label=_("会员卡覆盖率"),
        numerator_label=_("持有效会员卡"),
        denominator_label=_("在会会员"),
        unit=RATE,
        target=90.0,
        module="members",
        own_counts=_own_cards,
        live_subtree=_live_cards,
        deadline=datetime.date(datetime.date.today().year, 8, 31),
        description=_(
            "在会会员中持有效会员服务卡（已发放或已激活）的比例；各区市县和产业工会须于 8 月 31 日前推行。"
        ),
    )
)

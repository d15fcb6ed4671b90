"""The members' indicators, kept rolled up at every level as records change.

* ``members.active``: active members (a count).
* ``members.card_coverage``: active members holding a card in force (issued or activated)
  among active members; the member service card requirement (31 August) is judged on it.
* ``members.cards_activated``: active members whose card is activated (a count, a detail of
  the coverage shown on the members' pages, not on the dashboard).
* ``members.inactive``: members in the register who have left (retired, left, transferred out):
  a count, shown on the members' pages. Both are kept so that a node's page reads stored rows
  instead of counting two million members.
* ``members.in_transit``: members released by their union (转出) and not yet accepted by another:
  counted at the releasing union's district (the city's child above it), not in any union's
  ``members.active``.
* ``members.floating``: members not accepted within the hand-over time, kept by the township or
  street union above their last union (流动会员); they count there in ``members.active`` too.

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
from unionwork.core.scope import prefix_q
from unionwork.members.models import CARD_IN_FORCE, COUNTED, CardStatus, Member, MemberStatus

ACTIVE_KEY = "members.active"
COVERAGE_KEY = "members.card_coverage"
ACTIVATED_KEY = "members.cards_activated"
INACTIVE_KEY = "members.inactive"
IN_TRANSIT_KEY = "members.in_transit"
FLOATING_KEY = "members.floating"
# Left the register's unions for good: retired, left, transferred out of the platform.
ENDED = (MemberStatus.TRANSFERRED, MemberStatus.RETIRED, MemberStatus.LEFT)
# Indicators of a page's detail: kept like any other, not among the dashboard's key figures.
DETAIL = "detail"


def _active():
    """Members counted where their union is: active in a union, or floating at a street."""
    return Member.objects.filter(status__in=COUNTED)


def district_path(path: str) -> str:
    """The path of the city's child above ``path`` (a district, a zone, an industrial union): where
    a member in transit is counted."""
    parts = [p for p in path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:2]) + "/" if parts else ""


def _rows(ids: Iterable[int]):
    ids = list(ids)
    for start in range(0, len(ids), 2000):
        yield from (
            _active()
            .filter(pk__in=ids[start : start + 2000])
            .values_list("pk", "org_path", "union__ipath", "card_status")
        )


def _any_rows(ids: Iterable[int]):
    ids = list(ids)
    for start in range(0, len(ids), 2000):
        yield from (
            Member.objects.filter(pk__in=ids[start : start + 2000]).values_list(
                "pk", "org_path", "union__ipath", "status", "card_status"
            )
        )


def _activated_contributions(ids) -> dict:
    return {
        pk: (path, ipath or "", 1, 0)
        for pk, path, ipath, status, card in _any_rows(ids)
        if status in COUNTED and card == CardStatus.ACTIVE
    }


def _inactive_contributions(ids) -> dict:
    return {
        pk: (path, ipath or "", 1, 0) for pk, path, ipath, status, _card in _any_rows(ids) if status in ENDED
    }


def _in_transit_contributions(ids) -> dict:
    return {
        pk: (district_path(path), "", 1, 0)
        for pk, path, _ipath, status, _card in _any_rows(ids)
        if status == MemberStatus.IN_TRANSIT
    }


def _floating_contributions(ids) -> dict:
    return {
        pk: (path, ipath or "", 1, 0)
        for pk, path, ipath, status, _card in _any_rows(ids)
        if status == MemberStatus.FLOATING
    }


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
            stack.enter_context(indicators.tracking(ACTIVATED_KEY, _activated_contributions, ids)),
            stack.enter_context(indicators.tracking(INACTIVE_KEY, _inactive_contributions, ids)),
            stack.enter_context(indicators.tracking(IN_TRANSIT_KEY, _in_transit_contributions, ids)),
            stack.enter_context(indicators.tracking(FLOATING_KEY, _floating_contributions, ids)),
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


def _all_groups():
    """One grouped count of the whole register serving the six indicators."""
    active = Q(status__in=COUNTED)
    return (
        Member.objects.values("org_path", "union__ipath")
        .annotate(
            n=Count("pk", filter=active),
            carded=Count("pk", filter=active & Q(card_status__in=CARD_IN_FORCE)),
            activated=Count("pk", filter=active & Q(card_status=CardStatus.ACTIVE)),
            inactive=Count("pk", filter=Q(status__in=ENDED)),
            in_transit=Count("pk", filter=Q(status=MemberStatus.IN_TRANSIT)),
            floating=Count("pk", filter=Q(status=MemberStatus.FLOATING)),
        )
        .order_by()
    )


def _own_activated():
    for g in _all_groups().iterator(chunk_size=5000):
        yield g["org_path"], g["union__ipath"] or "", g["activated"], 0


def _own_inactive():
    for g in _all_groups().iterator(chunk_size=5000):
        yield g["org_path"], g["union__ipath"] or "", g["inactive"], 0


def _own_in_transit():
    for g in _all_groups().iterator(chunk_size=5000):
        if g["in_transit"]:
            yield district_path(g["org_path"]), "", g["in_transit"], 0


def _own_floating():
    for g in _all_groups().iterator(chunk_size=5000):
        yield g["org_path"], g["union__ipath"] or "", g["floating"], 0


def _live_in_transit(path: str):
    # Counted at the city's children and above: nothing below a district.
    if len([p for p in path.strip("/").split("/") if p]) > 2:
        return 0, 0
    return Member.objects.filter(prefix_q("org_path", path), status=MemberStatus.IN_TRANSIT).count(), 0


def _live_floating(path: str):
    q = prefix_q("org_path", path) | Q(union__ipath__startswith=path)
    return Member.objects.filter(q, status=MemberStatus.FLOATING).count(), 0


def _live_activated(path: str):
    return _subtree(path).filter(card_status=CardStatus.ACTIVE).count(), 0


def _live_inactive(path: str):
    q = prefix_q("org_path", path) | Q(union__ipath__startswith=path)
    return Member.objects.filter(q, status__in=ENDED).count(), 0


def rebuild_all() -> None:
    """Recount the members' indicators for this month (after a bulk write such as a roster), from
    one grouped count of the register."""
    groups, transit, floating = [], [], []
    for g in _all_groups().iterator(chunk_size=5000):
        path, ipath = g["org_path"], g["union__ipath"] or ""
        groups.append((path, ipath, g["n"], g["carded"], g["activated"], g["inactive"]))
        if g["in_transit"]:
            transit.append((district_path(path), "", g["in_transit"], 0))
        floating.append((path, ipath, g["floating"], 0))
    indicators.rebuild(ACTIVE_KEY, counts=((p, i, n, 0) for p, i, n, *_r in groups))
    indicators.rebuild(COVERAGE_KEY, counts=((p, i, c, n) for p, i, n, c, *_r in groups))
    indicators.rebuild(ACTIVATED_KEY, counts=((p, i, a, 0) for p, i, _n, _c, a, _x in groups))
    indicators.rebuild(INACTIVE_KEY, counts=((p, i, x, 0) for p, i, _n, _c, _a, x in groups))
    indicators.rebuild(IN_TRANSIT_KEY, counts=transit)
    indicators.rebuild(FLOATING_KEY, counts=floating)


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
CARDS_ACTIVATED = register(
    Indicator(
        key=ACTIVATED_KEY,
        label=_("已激活会员卡"),
        numerator_label=_("会员卡已激活的在会会员"),
        unit=COUNT,
        module="members",
        own_counts=_own_activated,
        live_subtree=_live_activated,
        tags=(DETAIL,),
    )
)
INACTIVE = register(
    Indicator(
        key=INACTIVE_KEY,
        label=_("已离会会员"),
        numerator_label=_("退休、退会、转出的会员"),
        unit=COUNT,
        module="members",
        own_counts=_own_inactive,
        live_subtree=_live_inactive,
        tags=(DETAIL,),
    )
)
IN_TRANSIT = register(
    Indicator(
        key=IN_TRANSIT_KEY,
        label=_("转会途中会员"),
        numerator_label=_("已转出、尚未被接收的会员"),
        unit=COUNT,
        module="members",
        own_counts=_own_in_transit,
        live_subtree=_live_in_transit,
        tags=(DETAIL,),
        description=_(
            "原工会已办理转出、尚无工会接收的会员，计在原工会所在的区市县（不计入任何工会的在会会员）。"
        ),
    )
)
FLOATING = register(
    Indicator(
        key=FLOATING_KEY,
        label=_("流动会员"),
        numerator_label=_("超过接收期限、由乡镇（街道）工会管理的会员"),
        unit=COUNT,
        module="members",
        own_counts=_own_floating,
        live_subtree=_live_floating,
        tags=(DETAIL,),
        description=_(
            "转出后超过接收期限无工会接收的会员，由原工会所在乡镇（街道）工会管理，计入其在会会员。"
        ),
    )
)

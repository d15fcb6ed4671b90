"""Every read of the member register that pages, exports and other modules share.

All start from the user's scope (``Member.objects.restrict(user)``). The figures of a node
(members, cards, card coverage, membership rate) are read from the kept indicators; the live
breakdowns group the register by the child of the node a member's union lies under (one GROUP BY
over the covering index ``(org_path, status, card_status)``), so that the children add up to the
total exactly.

Public functions for the dashboard and the assessment (signatures are kept stable):

- :func:`node_figures` ``(user, unit) -> Figures``
- :func:`children_figures` ``(user, unit) -> FiguresTable``
- :func:`card_deadline_table` ``(user, year=None) -> list[DeadlineRow]``
- :func:`employees_of` ``(user, unit) -> dict[int, int] | None`` (the hook to the enterprise register)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import identifiers
from unionwork.core.scope import prefix_q
from unionwork.members import pii
from unionwork.members.models import (
    CARD_IN_FORCE,
    COUNTED,
    IN_TRANSFER,
    CardStatus,
    Member,
    MemberCard,
    Membership,
    MemberStatus,
)
from unionwork.orgs import queries as org_queries
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

# The hard requirement of the seed: every district and industrial union runs member service cards
# by 31 August. A node meets it when the cards in force cover this share of its active members.
CARD_DEADLINE = (8, 31)
CARD_COVERAGE_TARGET = 90.0  # percent
_LATIN = re.compile(r"^[a-z]+$")
SEARCH_PROBE = 2000
_ID_LIKE = re.compile(r"^[0-9]{14,17}[0-9Xx]$")


# -- lists and search -----------------------------------------------------------------------------


def members(user, action: str = "view") -> QuerySet[Member]:
    """The members the user may see (every status)."""
    return Member.objects.restrict(user, action)


def search_members(qs: QuerySet[Member], q: str) -> QuerySet[Member]:
    """Members matching ``q``: an exact ID number (by its keyed hash), a name or the start of one,
    or pinyin (full ``wangxiuying`` or initials ``wxy``, prefix). Every branch is one index range."""
    q = (q or "").strip().replace(" ", "")
    if not q:
        return qs
    if _ID_LIKE.match(q):
        try:
            cid = identifiers.parse_id(q)
        except identifiers.IdentifierError:
            return qs.none()
        return with_id_number(qs, cid.number)
    latin = q.lower()
    if _LATIN.match(latin):
        either = prefix_q("pinyin", latin) | prefix_q("initials", latin)
        # Planners often answer an OR of two ranges inside a scope range by scanning the scope.
        # A specific spelling matches few people: find them by each index first, then scope them.
        ids: list[int] = []
        for name in ("pinyin", "initials"):
            # No order (the model's own is by pinyin): the index's first rows, not a sort of all.
            part = list(
                Member.objects.filter(prefix_q(name, latin))
                .order_by()
                .values_list("pk", flat=True)[: SEARCH_PROBE + 1]
            )
            if len(part) > SEARCH_PROBE:  # a common prefix: the scope's own rows find it fast
                return qs.filter(either)
            ids.extend(part)
        return qs.filter(pk__in=ids)
    return qs.filter(prefix_q("name", q))


def with_id_number(qs: QuerySet[Member], number: str) -> QuerySet[Member]:
    """The member of a checked 18-character ID number, found by its keyed hash under every key."""
    return qs.filter(id_hash__in=pii.id_hashes(number))


def stints_of(member: Member) -> list[Membership]:
    """A member's stints, newest first (the member is already known to be in scope)."""
    return list(
        Membership.objects.filter(member=member).select_related("union").order_by("-started_on", "-pk")
    )


def cards_of(member: Member) -> list[MemberCard]:
    return list(MemberCard.objects.filter(member=member).order_by("-issued_at", "-pk"))


def card_check(raw_number) -> tuple[MemberCard | None, str]:
    """A card shown at a service station, checked against the register (any district: a member
    uses the card anywhere). Returns the card and "" when it may be used, else None or the card
    and a Chinese message saying why it is refused (it names no person)."""
    try:
        number = identifiers.validate_card_number(raw_number)
    except identifiers.IdentifierError as exc:
        return None, exc.message
    card = MemberCard.objects.select_related("member").filter(number=number).first()
    if card is None:
        return None, _("卡号 %(n)s 不在会员服务卡登记中，请核对卡号。") % {"n": number}
    refusals = {
        CardStatus.CANCELLED: _("卡号 %(n)s 的会员服务卡已注销，不能使用。"),
        CardStatus.LOST: _("卡号 %(n)s 的会员服务卡已挂失，不能使用；如已找回，请先到发卡工会解除挂失。"),
        CardStatus.REPLACED: _("卡号 %(n)s 的会员服务卡已补换，请使用新卡。"),
    }
    if card.status in refusals:
        return card, refusals[card.status] % {"n": number}
    if card.member.status != MemberStatus.ACTIVE:
        return card, _("卡号 %(n)s 的持卡人已不在会，不能使用。") % {"n": number}
    return card, ""


def card_in_scope(user, pk: int) -> MemberCard:
    """One card the user sees, with its holder (Http404 otherwise)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(MemberCard.objects.restrict(user).select_related("member"), pk=pk)


def recent_card_batches(user, limit: int = 10) -> list:
    """The latest bulk issues of cards in the user's scope."""
    from unionwork.members.models import CardBatch

    return list(CardBatch.objects.restrict(user).select_related("unit")[:limit])


def member_unions(user, action: str = "change") -> QuerySet[OrgUnit]:
    """The active grassroots and joint unions in the user's scope (where members can be kept)."""
    return OrgUnit.objects.restrict(user, action).filter(
        kind__in=(OrgKind.GRASSROOTS, OrgKind.JOINT), status=OrgStatus.ACTIVE
    )


# -- figures --------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The member figures of one node (or a row of a table): counts, so that rows add up."""

    unit: OrgUnit | None = None
    label: str = ""
    members: int = 0  # active members
    carded: int = 0  # active members with a card in force (issued or activated)
    activated: int = 0  # of those, cards activated
    inactive: int = 0  # retired, left or transferred out (still in the register)
    employees: int | None = None  # from the enterprise register, None when it has no figure

    @property
    def coverage(self) -> float | None:
        """Card coverage in percent: members with a card in force among active members."""
        return round(self.carded * 100.0 / self.members, 1) if self.members else None

    @property
    def membership_rate(self) -> float | None:
        """Active members among employees, in percent (None without an employee figure)."""
        if not self.employees:
            return None
        return round(self.members * 100.0 / self.employees, 1)

    def add_counts(self, other: Figures, sign: int = 1) -> None:
        """Add (``sign`` -1: take away) another row's member counts, not its employees."""
        self.members += sign * other.members
        self.carded += sign * other.carded
        self.activated += sign * other.activated
        self.inactive += sign * other.inactive

    def add(self, other: Figures) -> None:
        self.add_counts(other)
        if other.employees is not None:
            self.employees = (self.employees or 0) + other.employees


@dataclass
class FiguresTable:
    unit: OrgUnit
    rows: list[Figures]
    total: Figures
    direct: Figures | None = None  # members of the node itself (a union with members of its own)
    by: str = "children"  # or "districts" for an industrial union

    @property
    def all_rows(self) -> list[Figures]:
        return self.rows + ([self.direct] if self.direct else [])


def _grouped(user, unit: OrgUnit, by_child_of: str = "") -> list[tuple[str, str, str, int]]:
    """(org_path, status, card_status, count) over the node's subtree in the user's scope; with
    ``by_child_of`` (a path), the org_path is cut to the child of that path it lies under, so the
    database adds up each child's rows (a district's few dozen instead of every union's)."""
    qs = Member.objects.restrict(user).under(unit).order_by()
    if by_child_of:
        qs = qs.annotate(where=org_queries.child_prefix("org_path", by_child_of))
        qs = qs.values_list("where", "status", "card_status")
    else:
        qs = qs.values_list("org_path", "status", "card_status")
    return list(qs.annotate(n=Count("pk")))


def _fold(fig: Figures, status: str, card: str, n: int) -> None:
    if status in COUNTED:  # active, or floating at a street union
        fig.members += n
        if card in CARD_IN_FORCE:
            fig.carded += n
            if card == CardStatus.ACTIVE:
                fig.activated += n
    elif status not in IN_TRANSFER:  # in transit: counted in neither union (members.in_transit)
        fig.inactive += n


def node_figures(user, unit: OrgUnit) -> Figures:
    """The figures of a node's subtree (for an industrial union: its own and its linked units)."""
    fig = Figures(unit=unit, label=unit.name)
    for _path, status, card, n in _grouped(user, unit):
        _fold(fig, status, card, n)
    employees = employees_of(user, unit)
    if employees is not None:
        fig.employees = employees.get(unit.pk, 0)
    return fig


def _breakdown_base(unit: OrgUnit) -> tuple[OrgUnit, str]:
    """Rows by the node's children; an industrial union's rows are the districts of its units."""
    if unit.kind == OrgKind.INDUSTRIAL:
        root_id = int(unit.path.strip("/").split("/")[0])
        return OrgUnit.objects.get(pk=root_id), "districts"
    return unit, "children"


def children_figures(user, unit: OrgUnit) -> FiguresTable:
    """One row per child of the node (an industrial union: per district) and their total.

    One GROUP BY over the subtree; each union's counts go to the child whose path it lies
    under, so the rows (plus the node's own members, if any) add up to the total exactly.
    """
    base, by = _breakdown_base(unit)
    depth_ids = len(base.path.strip("/").split("/"))
    children = OrgUnit.objects.restrict(user).filter(parent=base, status=OrgStatus.ACTIVE)
    if by == "children":  # industrial unions' members lie in the territorial tree: they would count twice
        children = children.exclude(kind=OrgKind.INDUSTRIAL)
    children = list(children.order_by("kind", "code", "pinyin"))
    by_id = {c.pk: c for c in children}
    per_child: dict[int, Figures] = {}
    direct = Figures(unit=base, label=_("%(n)s（本级）") % {"n": base.name})
    total = Figures(unit=unit, label=_("合计"))
    missing: set[int] = set()
    for path, status, card, n in _grouped(user, unit, by_child_of=base.path):
        _fold(total, status, card, n)
        ids = path.strip("/").split("/")
        if not path.startswith(base.path) or len(ids) <= depth_ids:
            _fold(direct, status, card, n)
            continue
        child_id = int(ids[depth_ids])
        fig = per_child.get(child_id)
        if fig is None:
            fig = per_child[child_id] = Figures()
            if child_id not in by_id:
                missing.add(child_id)
        _fold(fig, status, card, n)
    if missing:  # children merged or deregistered that still hold members
        for extra in OrgUnit.objects.filter(pk__in=missing).order_by("code", "pinyin"):
            by_id[extra.pk] = extra
            children.append(extra)
    employees = employees_of(user, unit)
    rows = []
    for child in children:
        fig = per_child.get(child.pk, Figures())
        if by == "districts" and not fig.members and not fig.inactive:
            continue
        fig.unit, fig.label = child, child.name
        if employees is not None:
            fig.employees = employees.get(child.pk, 0)
        rows.append(fig)
    has_direct = direct.members or direct.inactive
    if employees is not None:
        total.employees = employees.get(unit.pk, sum(r.employees or 0 for r in rows))
        if has_direct:
            direct.employees = max(total.employees - sum(r.employees or 0 for r in rows), 0)
    return FiguresTable(unit=unit, rows=rows, total=total, direct=direct if has_direct else None, by=by)


def _kept_fields() -> dict[str, str]:
    """The kept indicators a members' table reads, and the ``Figures`` field each fills."""
    from unionwork.members import indicators as keys

    return {
        keys.ACTIVE_KEY: "members",
        keys.COVERAGE_KEY: "carded",
        keys.ACTIVATED_KEY: "activated",
        keys.INACTIVE_KEY: "inactive",
    }


def _kept(unit_ids: list[int], month) -> dict[int, Figures]:
    """Members' figures of units from the kept indicators (one indexed read, whatever the size)."""
    from unionwork.core import indicators

    fields = _kept_fields()
    got = indicators.values_many(fields, unit_ids, month)
    out = {uid: Figures() for uid in unit_ids}
    for key, attr in fields.items():
        for uid, fig in got[key].items():
            setattr(out[uid], attr, fig.numerator)
    return out


def _kept_by(unit_ids: list[int], by, month) -> dict[str, Figures]:
    """``_kept`` summed by the database in groups of ``by`` (an expression over the figure rows,
    such as the district their path lies in): group -> figures."""
    from unionwork.core import indicators

    fields = _kept_fields()
    got = indicators.sums_by(fields, unit_ids, by, month)
    out: dict[str, Figures] = {}
    for key, attr in fields.items():
        for group, fig in got[key].items():
            setattr(out.setdefault(group, Figures()), attr, fig.numerator)
    return out


def kept_figures(user, unit: OrgUnit, month=None) -> FiguresTable:
    """The node's table with every count read from the kept indicators at ``month`` (the same
    numbers as the dashboard, the statistical tables and the API; fast at city scale).

    Children are the node's territorial children (industrial unions apart: their members lie in
    the territorial tree too); the node's own members are the rest of its total. An industrial
    union's rows, by district, sum its linked units' kept figures (:func:`_kept_by_district`).
    Employees (入会率's denominator) come from the enterprise register, as of today.
    """
    base, by = _breakdown_base(unit)
    if by == "districts":
        return _kept_by_district(user, unit, base, month)
    # The children it had at the end of ``month`` (the as-of tree), with their status then.
    children = list(
        org_queries.children_as_of(user, unit, month, include_inactive=True)
        .exclude(kind=OrgKind.INDUSTRIAL)
        .order_by("kind", "code", "pinyin")
    )
    figs = _kept([unit.pk, *[c.pk for c in children]], month)
    total = figs[unit.pk]
    total.unit, total.label = unit, _("合计")
    employees = employees_of(user, unit)
    rows = []
    direct = Figures(
        unit=unit,
        label=_("%(n)s（本级）") % {"n": unit.name},
        members=total.members,
        carded=total.carded,
        activated=total.activated,
        inactive=total.inactive,
    )
    for child in children:
        fig = figs[child.pk]
        if child.as_of_status != OrgStatus.ACTIVE and not (fig.members or fig.inactive):
            continue
        fig.unit, fig.label = child, child.name
        if employees is not None:
            fig.employees = employees.get(child.pk, 0)
        direct.add_counts(fig, -1)
        rows.append(fig)
    has_direct = direct.members or direct.inactive
    if employees is not None:
        total.employees = employees.get(unit.pk, sum(r.employees or 0 for r in rows))
        if has_direct:
            direct.employees = max(total.employees - sum(r.employees or 0 for r in rows), 0)
    return FiguresTable(unit=unit, rows=rows, total=total, direct=direct if has_direct else None, by=by)


def _kept_by_district(user, unit: OrgUnit, city: OrgUnit, month=None) -> FiguresTable:
    """An industrial union's table: one row per district its linked units lie in, each the sum of
    those units' kept figures (less their descendants linked to another industrial union, which
    the union does not count), and the union's own units as the rest of its kept total, so the rows
    add up to the total exactly. A few indexed reads instead of a GROUP BY over the 200,000 members
    of 1,800 units spread over the city."""
    linked = list(
        org_queries.children_as_of(user, unit, month, linked=True)
        .exclude(path__startswith=unit.path)
        .values_list("pk", "kind")  # 1,800 units: their ids and kinds are all this needs
    )
    # Units under a linked unit but linked elsewhere: in the linked unit's figure, not the union's.
    holders = [pk for pk, kind in linked if kind != OrgKind.GRASSROOTS]  # a grassroots union has none
    elsewhere = list(
        OrgUnit.objects.filter(parent_id__in=holders)
        .exclude(ipath__startswith=unit.path)
        .values_list("pk", flat=True)
    )
    # Each district's sum of those units' kept figures, added up by the database (grouped by the
    # district the figure rows' paths lie in), less the units linked elsewhere.
    in_district = org_queries.child_prefix("unit_path", city.path)
    added = _kept_by([pk for pk, _kind in linked], in_district, month)
    taken = _kept_by(elsewhere, in_district, month)
    per: dict[int, Figures] = {}
    for sign, sums in ((1, added), (-1, taken)):
        for prefix, fig in sums.items():
            if not prefix.startswith(city.path) or prefix == city.path:
                continue
            d = int(prefix.strip("/").split("/")[-1])
            per.setdefault(d, Figures()).add_counts(fig, sign)
    figs = _kept([unit.pk], month)
    total = figs[unit.pk]
    total.unit, total.label = unit, _("合计")
    districts = OrgUnit.objects.filter(pk__in=per).order_by("kind", "code", "pinyin")
    rows = []
    for district in districts:
        fig = per[district.pk]
        if fig.members or fig.inactive:
            fig.unit, fig.label = district, district.name
            rows.append(fig)
    own = Figures(unit=unit, label=unit.name)
    own.add_counts(total)
    for row in rows:
        own.add_counts(row, -1)
    if own.members or own.inactive:  # the union's own grassroots unions, under its own path
        rows.append(own)
    employees = employees_of(user, unit)
    if employees is not None:
        for row in rows:
            row.employees = employees.get(row.unit.pk, 0)
        total.employees = employees.get(unit.pk, sum(r.employees or 0 for r in rows))
    return FiguresTable(unit=unit, rows=rows, total=total, by="districts")


def employees_of(user, unit: OrgUnit) -> dict[int, int] | None:
    """Employees per node from the enterprise register: the node itself and its table's rows.

    The hook to ``unionwork.founding``: employees of the enterprises covered by a union
    (``employees_covered`` of :func:`unionwork.founding.queries.rate_by_children`), the usual
    denominator of the membership rate (入会率). None when the module or its figure is missing.
    """
    try:
        from unionwork.founding import queries as founding
    except ImportError:
        return None
    kept = getattr(founding, "kept_employees", None)
    if kept is not None:
        # The kept figure (founding.employees; an industrial union's parts by district): a few
        # indexed reads instead of a scan of the subtree's enterprises (a second at city scale).
        out = kept(user, unit)
        out.setdefault(unit.pk, 0)
        return out
    fn = getattr(founding, "rate_by_children", None)
    if fn is None:
        return None
    table = fn(user, unit)
    out = {int(r.unit.pk): int(r.employees_covered) for r in table.rows if r.unit is not None}
    out[unit.pk] = int(table.total.employees_covered)
    return out


# -- the card deadline ----------------------------------------------------------------------------


@dataclass
class DeadlineRow:
    unit: OrgUnit
    figures: Figures
    deadline: datetime.date
    state: str  # "met", "missed", "pending", or "empty" (no active member registered yet)
    state_label: str = ""
    extra: dict = field(default_factory=dict)


def card_deadline(year: int | None = None) -> datetime.date:
    year = year or timezone.localdate().year
    return datetime.date(year, *CARD_DEADLINE)


def card_deadline_table(user, year: int | None = None, month=None) -> list[DeadlineRow]:
    """Each district, zone and industrial union in the user's scope: coverage against the 31 August
    requirement (met, missed once the day has passed, or pending before it).

    Once the deadline has passed, it is judged by the kept coverage as it stood at the deadline
    (the end of August: cards count from the day their issue reached the platform), shown beside
    today's (``extra["at_deadline"]``): cards issued in September do not meet an August deadline.
    """
    deadline = card_deadline(year)
    today = timezone.localdate()
    nodes = (
        OrgUnit.objects.restrict(user)
        .filter(kind__in=(OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.INDUSTRIAL), status=OrgStatus.ACTIVE)
        .order_by("kind", "code")
    )
    # The kept indicators at ``month`` (the figures the dashboard shows for these nodes).
    nodes = list(nodes)
    kept = _kept([n.pk for n in nodes], month)
    passed = today > deadline
    at_deadline = _kept([n.pk for n in nodes], deadline) if passed else {}
    rows = []
    for node in nodes:
        fig = kept[node.pk]
        fig.unit, fig.label = node, node.name
        judged = at_deadline.get(node.pk, fig)
        met = judged.coverage is not None and judged.coverage >= CARD_COVERAGE_TARGET
        extra = {"at_deadline": judged} if passed else {}
        if not fig.members and not judged.members:
            state, label = "empty", _("尚无在会会员数据")
        elif met:
            state, label = "met", _("已达标")
        elif passed:
            state, label = "missed", _("未达标（已逾期）")
        else:
            state, label = "pending", _("未达标（距截止 %(d)d 天）") % {"d": (deadline - today).days}
        if passed and judged.coverage is not None:
            label += _("；截止时覆盖率 %(r).1f%%") % {"r": judged.coverage}
        rows.append(
            DeadlineRow(
                unit=node, figures=fig, deadline=deadline, state=state, state_label=label, extra=extra
            )
        )
    return rows


# -- card issue preview ---------------------------------------------------------------------------


@dataclass
class IssuePreview:
    """What a bulk issue for ``unit`` would do, before it is done."""

    unit: OrgUnit
    to_issue: int = 0  # active members holding no card: each gets one
    held: dict[str, int] = field(default_factory=dict)  # skipped: already holding a card, by status label
    inactive: int = 0  # skipped: retired, left or transferred out
    by_union: list[tuple[str, int]] = field(default_factory=list)  # where the new cards go (largest first)
    sample: list[Member] = field(default_factory=list)  # the first members to get a card

    @property
    def skipped(self) -> int:
        return sum(self.held.values()) + self.inactive


def card_issue_preview(user, unit: OrgUnit, *, shown: int = 20) -> IssuePreview:
    """The counts of a bulk issue over ``unit``'s subtree in the user's scope: the same selection
    as ``actions.issue_cards`` (active members whose card status is not held), grouped once."""
    from unionwork.members.models import CARD_HELD

    qs = Member.objects.under(unit).restrict(user, "change")
    preview = IssuePreview(unit=unit)
    labels = dict(CardStatus.choices)
    for status, card, n in qs.values_list("status", "card_status").annotate(n=Count("pk")).order_by():
        if status != MemberStatus.ACTIVE:
            preview.inactive += n
        elif card in CARD_HELD:
            key = str(labels.get(card, card))
            preview.held[key] = preview.held.get(key, 0) + n
        else:
            preview.to_issue += n
    todo = qs.filter(status=MemberStatus.ACTIVE).exclude(card_status__in=CARD_HELD)
    rows = todo.values_list("union__name").annotate(n=Count("pk")).order_by("-n", "union__name")
    preview.by_union = [(name, n) for name, n in rows[:shown]]
    preview.sample = list(todo.select_related("union").order_by("org_path", "pinyin", "pk")[:shown])
    return preview


# -- transfers in progress (转会途中、流动会员) -----------------------------------------------------


def transits(user, action: str = "view") -> QuerySet:
    """The transfer handshakes the user sees: released by a union of the scope, named to it,
    offered to it by a registration, or kept by one of its street unions as floating."""
    from unionwork.members.models import Transit

    return Transit.objects.restrict(user, action)


def pending_acceptances(user) -> QuerySet:
    """Open transfers waiting for a union of the user's scope to accept them: named as the
    destination at the release, or offered to it when it registered the person's ID number."""
    from unionwork.core.scope import user_paths

    q = None
    for p in user_paths(user):
        part = prefix_q("to_path", p) | prefix_q("offer_path", p)
        q = part if q is None else q | part
    if q is None:
        return transits(user, "change").none()
    return transits(user, "change").open().filter(q)


def transit_in_scope(user, pk: int, action: str = "view"):
    """One transfer the user sees, with its member and unions (Http404 otherwise)."""
    return (
        transits(user)
        .select_related("member", "from_union", "destination", "offered_to", "holder", "accepted_union")
        .get_in_scope(user, action, pk=pk)
    )


def open_transit_of(member: Member):
    """The member's open transfer (released, not yet accepted), or None."""
    from unionwork.members.models import OPEN_TRANSIT, Transit

    return (
        Transit.objects.select_related("from_union", "destination", "offered_to", "holder")
        .filter(member=member, status__in=OPEN_TRANSIT)
        .first()
    )


def transits_of(member: Member) -> list:
    """A member's transfers, newest first (the member is already known to be in scope)."""
    from unionwork.members.models import Transit

    return list(
        Transit.objects.filter(member=member)
        .select_related("from_union", "destination", "accepted_union", "holder")
        .order_by("-released_on", "-pk")
    )


def kept_transit_figures(unit: OrgUnit, month=None) -> dict[str, int]:
    """The node's members in transit (counted at districts and above) and floating (kept figures)."""
    from unionwork.core import indicators
    from unionwork.members.indicators import FLOATING_KEY, IN_TRANSIT_KEY

    return {
        "in_transit": indicators.value(IN_TRANSIT_KEY, unit, month).numerator,
        "floating": indicators.value(FLOATING_KEY, unit, month).numerator,
    }


def card_pacing(unit: OrgUnit, children: list, month=None):
    """The 31 August card target paced for ``unit`` on the day the page shows (the end of a past
    month, today for the current one), and its children behind pace with their trend."""
    from unionwork.core import pacing
    from unionwork.members.pacing import CARDS_KEY

    day = pacing_day(month)
    return pacing.for_node(CARDS_KEY, unit, children, day)


def pacing_day(month=None) -> datetime.date:
    """The day a figure page paced at ``month`` stands on: today, or the end of a past month."""
    from unionwork.core import pacing

    return pacing.day_for(month)


# -- proof of membership without an account (other modules' public forms) ---------------------------

ID_TAIL_LENGTH = 6


def membership_token(union: OrgUnit, name: str, id_tail: str, purpose: str) -> str | None:
    """A keyed hash that stands for the active member of ``union`` called ``name`` whose citizen
    ID ends with ``id_tail`` (its last 6 characters), for one ``purpose`` (e.g. ``"survey:12"``);
    None when the register holds no such member.

    For pages answered without an account (会员评家): the caller keeps the token to allow one use
    per member and purpose, and nothing else. The token is an HMAC under the register's current
    hash key of the purpose and the member's record, so it names nobody outside the platform, and
    two purposes give unrelated tokens. The ID tail is compared with the decrypted number of the
    few members of that name in the union and is never stored nor logged.
    """
    import hmac

    name = (name or "").strip()
    tail = (id_tail or "").strip().upper()
    if not name or len(tail) != ID_TAIL_LENGTH:
        return None
    candidates = Member.objects.filter(union=union, name=name, status=MemberStatus.ACTIVE).only(
        "pk", "id_cipher", "pii_key"
    )[:20]
    for member in candidates:
        try:
            number = pii.decrypt(member.id_cipher, member.pii_key)
        except pii.PiiKeyError:
            continue
        if hmac.compare_digest(number[-ID_TAIL_LENGTH:].upper(), tail):
            message = f"membership-token:{purpose}:{member.pk}".encode()
            return hmac.digest(pii.current_key().hash_key, message, "sha256").hex()
    return None


def is_member_of(union: OrgUnit, name: str, id_tail: str) -> bool:
    """Whether ``union``'s register holds an active member of this name and ID tail."""
    return membership_token(union, name, id_tail, "check") is not None

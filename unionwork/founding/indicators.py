"""The founding rate as a declared indicator, kept rolled up at every level as records change.

Numerator: enterprises expected to have a union (by the founding rule) that are covered by an
active union; denominator: enterprises expected to have one. An enterprise counts where it lies
(its community). Industrial unions are not attributed a founding rate here: an uncovered
enterprise has no union to link it to one; their own founding page (by industry) shows theirs.

Beside the rate the module keeps, by the same tracker and recount (one scan of the enterprises
for all of them), the columns of its tables (tag ``detail``), the rate and the operating
enterprises of each ownership type and GB/T 4754 section (tags ``detail`` and ``breakdown``: one
indicator per group, read only by the founding page), and the counts of joint unions, project
unions and directly elected chairmen (kept around each change of a founding record,
:func:`union_tracking`; counted where the union lies and in its industrial union).

An industrial union's enterprises are those of the unions linked to it and those of its declared
industries, in every district. Its page shows them by district, by ownership and by industry: each
enterprise also counts, for every kept enterprise figure, in the part of each of its industrial
unions that lies in its district (``core.indicators.part_id``; :class:`IndustrialParts`). The
trackers keep the parts with the rest; a link made or undone, industries declared and a community
moved to another district recount them (:func:`recount_parts`).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.classifications import Industry
from unionwork.core.indicators import BREAKDOWN, COUNT, DETAIL, RATE, Indicator, register
from unionwork.founding.models import (
    Enterprise,
    EnterpriseStatus,
    FoundingRule,
    GrassrootsUnion,
    IndustrialUnionScope,
    Ownership,
    UnionStatus,
)
from unionwork.founding.queries import covered_q, expected_q, own_expected_q
from unionwork.orgs.models import OrgKind

KEY = "founding.rate"
# Kept beside the rate so that a node's founding table reads every column from the roll-up
# (tagged "detail": the dashboard's key figures stay the rate and 基层工会数).
OWN_KEY = "founding.own"  # expected to found their own union: covered / expected
EMPLOYEES_KEY = "founding.employees"  # employees of expected enterprises: covered / all
OPERATING_KEY = "founding.operating"  # enterprises: operating / all registered
TABLE_KEYS = (KEY, OWN_KEY, EMPLOYEES_KEY, OPERATING_KEY)


# The founding page's breakdowns, one kept indicator per group (tag "breakdown"): for each
# ownership type and each GB/T 4754 section, the rate (founded / expected, as founding.rate) and
# the enterprises (operating / all registered, as founding.operating).
def ownership_keys(code: str) -> tuple[str, str]:
    """(rate key, operating key) of an ownership type."""
    return f"founding.ownership.{code}", f"founding.ownership_operating.{code}"


def industry_keys(code: str) -> tuple[str, str]:
    """(rate key, operating key) of a GB/T 4754 section."""
    return f"founding.industry.{code}", f"founding.industry_operating.{code}"


OWNERSHIP_KEYS = {code: ownership_keys(code) for code in Ownership.values}
INDUSTRY_KEYS = {code: industry_keys(code) for code in Industry.values}
BREAKDOWN_KEYS = tuple(k for pair in [*OWNERSHIP_KEYS.values(), *INDUSTRY_KEYS.values()] for k in pair)
ENTERPRISE_KEYS = TABLE_KEYS + BREAKDOWN_KEYS
# Keys whose numerator counts what a union covers (the rest count operating enterprises).
COVERED_KEYS = (KEY, OWN_KEY, EMPLOYEES_KEY) + tuple(
    pair[0] for pair in [*OWNERSHIP_KEYS.values(), *INDUSTRY_KEYS.values()]
)

# The counts of the founding page's union card: active founding records with the trait / all
# active founding records (the records' status, as the union list shows it).
JOINT_KEY = "founding.unions.joint"
PROJECT_KEY = "founding.unions.project"
DIRECT_KEY = "founding.unions.direct_election"
UNION_KEYS = (JOINT_KEY, PROJECT_KEY, DIRECT_KEY)

KEYS = ENTERPRISE_KEYS + UNION_KEYS


@dataclass(frozen=True)
class IndustrialParts:
    """Which industrial unions' figures an enterprise counts in, and in which of their parts: the
    unions its union is linked to (its industrial path names them) and those whose declared
    industries hold its industry, each in the part of the district (the root's child) it lies
    in. Read once for a batch of enterprises (two small queries)."""

    unions: frozenset[int]
    by_industry: dict[str, tuple[int, ...]]

    @classmethod
    def now(cls, only: Iterable[int] | None = None) -> "IndustrialParts":
        from unionwork.orgs.models import OrgUnit

        unions = frozenset(OrgUnit.objects.filter(kind=OrgKind.INDUSTRIAL).values_list("pk", flat=True))
        if only is not None:
            unions &= frozenset(only)
        by_industry: dict[str, list[int]] = defaultdict(list)
        for uid, codes in IndustrialUnionScope.objects.filter(unit_id__in=unions).values_list(
            "unit_id", "industries"
        ):
            for code in codes or ():
                by_industry[code].append(uid)
        return cls(unions, {code: tuple(sorted(ids)) for code, ids in by_industry.items()})

    def of(self, union_ipath: str | None, industry: str) -> list[int]:
        """The industrial unions an enterprise (its union's industrial path, its industry) is of."""
        linked = [i for i in indicators.path_ids(union_ipath or "") if i in self.unions]
        return linked + [i for i in self.by_industry.get(industry, ()) if i not in linked]

    def chain(self, path: str, union_ipath: str | None, industry: str) -> str:
        """What the enterprise's contributions carry as their ``ipath``: its parts."""
        if not self.unions:
            return ""
        unions = self.of(union_ipath, industry)
        if not unions:
            return ""
        child = _district_of(path)
        return indicators.part_chain(*(indicators.part_id(u, child) for u in unions))


def _district_of(path: str) -> int:
    """The root's child a path lies under (its district), or the root for the root itself."""
    ids = indicators.path_ids(path)
    return ids[1] if len(ids) > 1 else ids[0]


def _parts(qs, rule=None):
    """(pk, path, expected, own expected, covered, operating, employees, ownership, industry, the
    union's industrial path) of each enterprise."""
    rule = rule or FoundingRule.current()

    def flag(q):
        return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())

    return qs.annotate(
        is_expected=flag(expected_q(rule)),
        is_own=flag(own_expected_q(rule)),
        is_covered=flag(covered_q()),
        is_operating=flag(Q(status=EnterpriseStatus.OPERATING)),
    ).values_list(
        "pk",
        "community__path",
        "is_expected",
        "is_own",
        "is_covered",
        "is_operating",
        "employees",
        "ownership",
        "industry",
        "union__ipath",
    )


def _split(row, out: dict, parts: IndustrialParts) -> None:
    """One enterprise's contribution to each kept founding figure (``out[key][pk]``), where it
    lies and in the parts of its industrial unions (``ipath``)."""
    pk, path, expected, own, covered, operating, employees, ownership, industry, union_ipath = row
    if not path:
        return
    ipath = parts.chain(path, union_ipath, industry)
    founded = 1 if covered else 0
    working = 1 if operating else 0
    out[OPERATING_KEY][pk] = (path, ipath, working, 1)
    for pair in (OWNERSHIP_KEYS.get(ownership), INDUSTRY_KEYS.get(industry)):
        if pair is None:
            continue  # a code outside the classification: in no group (as on the page)
        out[pair[1]][pk] = (path, ipath, working, 1)
        if expected:
            out[pair[0]][pk] = (path, ipath, founded, 1)
    if expected:
        out[KEY][pk] = (path, ipath, founded, 1)
        out[EMPLOYEES_KEY][pk] = (path, ipath, employees if covered else 0, employees)
        if own:
            out[OWN_KEY][pk] = (path, ipath, founded, 1)


def all_contributions(ids: Iterable[int]) -> dict[str, dict[int, tuple[str, str, int, int]]]:
    """Each enterprise's (path, ipath, numerator, denominator), per kept founding figure."""
    ids = list(ids)
    out: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}
    if not ids:
        return out
    rule, parts = FoundingRule.current(), IndustrialParts.now()
    for start in range(0, len(ids), 2000):
        for row in _parts(Enterprise.objects.filter(pk__in=ids[start : start + 2000]), rule):
            _split(row, out, parts)
    return out


def _union_rows(qs):
    return qs.filter(status=UnionStatus.ACTIVE).values_list(
        "pk", "unit__path", "unit__ipath", "unit__kind", "is_project_union", "chairman_directly_elected"
    )


def _union_split(pk, path, ipath, kind, project, direct, out: dict) -> None:
    """An active founding record's contribution to each kept union count (where its union lies,
    and in its industrial union through the industrial path)."""
    ipath = ipath or ""
    out[JOINT_KEY][pk] = (path, ipath, 1 if kind == OrgKind.JOINT else 0, 1)
    out[PROJECT_KEY][pk] = (path, ipath, 1 if project else 0, 1)
    out[DIRECT_KEY][pk] = (path, ipath, 1 if direct else 0, 1)


def union_contributions(ids: Iterable[int]) -> dict[str, dict[int, tuple[str, str, int, int]]]:
    """Each founding record's (path, ipath, numerator, denominator), per kept union count."""
    ids = list(ids)
    out: dict[str, dict] = {k: {} for k in UNION_KEYS}
    for start in range(0, len(ids), 2000):
        for row in _union_rows(GrassrootsUnion.objects.filter(pk__in=ids[start : start + 2000])):
            _union_split(*row, out)
    return out


def contributions(ids: Iterable[int]) -> dict[int, tuple[str, str, int, int]]:
    """Each enterprise's (path, ipath, numerator, denominator) to the founding rate as it stands now."""
    return all_contributions(ids)[KEY]


class Tracker:
    """Keeps every founding figure right around a change of enterprises (one read before and one
    after for all of them, see ``core.indicators.Tracker``); with ``keys`` and ``contributions``
    of the union counts, around a change of founding records."""

    def __init__(self, ids: Iterable = (), keys=ENTERPRISE_KEYS, contributions=all_contributions):
        self.keys, self.contributions = keys, contributions
        self.ids = set(ids)
        self.before = contributions(self.ids) if self.ids else {k: {} for k in keys}

    def add(self, *ids) -> None:
        self.ids.update(ids)

    def finish(self) -> None:
        after = self.contributions(self.ids) if self.ids else {k: {} for k in self.keys}
        for key in self.keys:
            deltas = []
            for pk in self.ids:
                b, a = self.before[key].get(pk), after[key].get(pk)
                if b == a:
                    continue
                if b:
                    deltas.append((b[0], b[1], -b[2], -b[3]))
                if a:
                    deltas.append(a)
            if deltas:
                indicators.bump_many(key, deltas)


class tracking:  # noqa: N801 - used as a context manager, like transaction.atomic
    """Use around any change of enterprises or of the unions covering them."""

    def __init__(self, ids: Iterable[int] = ()):
        self.tracker = self._tracker(ids)

    @staticmethod
    def _tracker(ids) -> Tracker:
        return Tracker(ids)

    def __enter__(self) -> Tracker:
        return self.tracker

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.tracker.finish()


class union_tracking(tracking):  # noqa: N801
    """Use around any change of founding records (founded, changed, dissolved or merged):
    ``with union_tracking([record.pk]) as t: ...; t.add(new_record.pk)``."""

    @staticmethod
    def _tracker(ids) -> Tracker:
        return Tracker(ids, UNION_KEYS, union_contributions)


def _enterprise_family() -> dict[str, list]:
    """The own counts of every kept enterprise figure, from one scan of the register."""
    out: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}
    parts = IndustrialParts.now()
    for row in _parts(Enterprise.objects.all()).iterator(chunk_size=5000):
        _split(row, out, parts)
    return {k: list(v.values()) for k, v in out.items()}


def _union_family() -> dict[str, list]:
    """The own counts of every kept union count, from one scan of the founding records."""
    out: dict[str, dict] = {k: {} for k in UNION_KEYS}
    for row in _union_rows(GrassrootsUnion.objects.all()).iterator(chunk_size=5000):
        _union_split(*row, out)
    return {k: list(v.values()) for k, v in out.items()}


def rebuild_all(month=None, keys: tuple[str, ...] = KEYS) -> None:
    """Recount this month's kept founding figures from the register and the founding records
    (one scan of each for all of them)."""
    indicators.rebuild_many(keys, month)


def _own_of(key: str, family=_enterprise_family):
    def own():
        return family()[key]

    return own


def _live(path: str):
    rule = FoundingRule.current()
    base = Enterprise.objects.filter(community__path__startswith=path)
    expected = base.filter(expected_q(rule))
    return expected.filter(covered_q()).count(), expected.count()


FOUNDING_RATE = register(
    Indicator(
        key=KEY,
        label=_("建会率"),
        numerator_label=_("已建会企业"),
        denominator_label=_("应建会企业"),
        unit=RATE,
        target=90.0,
        module="founding",
        own_counts=_own_of(KEY),
        live_subtree=_live,
        family=_enterprise_family,
        deadline=datetime.date(datetime.date.today().year, 9, 30),
        description=_(
            "应建会企业中已被正常状态的基层工会或联合工会覆盖的比例（三年建会任务 9 月 30 日前完成）。"
        ),
    )
)


def _split_all(path: str) -> dict[str, tuple[int, int]]:
    """Every kept enterprise figure of a subtree by a plain read of its enterprises (checks)."""
    out: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}
    parts = IndustrialParts(frozenset(), {})  # a territorial subtree's figures: no parts
    for row in _parts(Enterprise.objects.filter(community__path__startswith=path)).iterator():
        _split(row, out, parts)
    return {
        key: (sum(c[2] for c in got.values()), sum(c[3] for c in got.values())) for key, got in out.items()
    }


def _live_of(key: str):
    def live(path: str) -> tuple[int, int]:
        return _split_all(path)[key]

    return live


def _detail(key: str, label, numerator_label, denominator_label, tags=(DETAIL,)) -> Indicator:
    """A column of the founding tables (tag ``detail``: not a key figure of the dashboard), or a
    group of its breakdowns, kept by the same tracker as the founding rate."""
    return register(
        Indicator(
            key=key,
            label=label,
            numerator_label=numerator_label,
            denominator_label=denominator_label,
            unit=RATE,
            module="founding",
            own_counts=_own_of(key),
            live_subtree=_live_of(key),
            family=_enterprise_family,
            tags=tags,
        )
    )


FOUNDING_OWN = _detail(OWN_KEY, _("单独建会率"), _("已建会的应单独建会企业"), _("应单独建会企业"))
FOUNDING_EMPLOYEES = _detail(
    EMPLOYEES_KEY, _("应建会企业职工覆盖率"), _("已建会企业职工"), _("应建会企业职工")
)
FOUNDING_OPERATING = _detail(OPERATING_KEY, _("在营企业"), _("在营企业"), _("登记企业"))

for _groups, _label_of in (
    (OWNERSHIP_KEYS, dict(Ownership.choices)),
    (INDUSTRY_KEYS, {code: format_lazy("{} {}", code, label) for code, label in Industry.choices}),
):
    for _code, (_rate_key, _operating_key) in _groups.items():
        _detail(
            _rate_key,
            format_lazy(_("建会率（{}）"), _label_of[_code]),
            _("已建会企业"),
            _("应建会企业"),
            tags=(DETAIL, BREAKDOWN),
        )
        _detail(
            _operating_key,
            format_lazy(_("在营企业（{}）"), _label_of[_code]),
            _("在营企业"),
            _("登记企业"),
            tags=(DETAIL, BREAKDOWN),
        )


def live_parts(
    unit_ids: Iterable[int] | None = None, parts: IndustrialParts | None = None
) -> dict[str, dict[int, tuple[int, int]]]:
    """The parts of industrial unions' figures counted afresh from the register, for every kept
    enterprise figure: key -> part id -> (numerator, denominator); the parts of ``unit_ids``, or
    of every industrial union (or of those ``parts`` already read names). One scan of their
    enterprises (recounts and checks)."""
    from unionwork.core.scope import prefix_q
    from unionwork.orgs.models import OrgUnit

    parts = parts if parts is not None else IndustrialParts.now(unit_ids)
    out: dict[str, dict[int, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in ENTERPRISE_KEYS}
    if not parts.unions:
        return {}
    q = Q(industry__in=list(parts.by_industry))
    for path in OrgUnit.objects.filter(pk__in=parts.unions).values_list("path", flat=True):
        q |= prefix_q("union__ipath", path)
    chunk: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}

    def fold() -> None:
        for key, got in chunk.items():
            for _path, ipath, num, den in got.values():
                for chain in ipath.split(indicators.PART_SEP)[1:]:
                    cell = out[key][indicators.path_ids(chain)[0]]
                    cell[0] += num
                    cell[1] += den
            got.clear()

    for i, row in enumerate(_parts(Enterprise.objects.filter(q)).iterator(chunk_size=5000), 1):
        _split(row, chunk, parts)
        if i % 5000 == 0:
            fold()
    fold()
    return {key: {pid: (n, d) for pid, (n, d) in got.items()} for key, got in out.items()}


@transaction.atomic
def recount_parts(unit_ids: Iterable[int] | None = None) -> int:
    """Bring the kept parts of industrial unions' figures (of ``unit_ids``, or of all) to what the
    register gives now, this month: after a change that moves many enterprises between parts and
    that no enterprise's tracker sees (a union linked to another industrial union, industries
    declared, a community moved to another district). Returns the part figures moved."""
    parts = IndustrialParts.now(None if unit_ids is None else list(unit_ids))
    live = live_parts(parts=parts)
    wholes = parts.unions
    ids = sorted(
        {pid for whole in wholes for pid in indicators.parts_kept(whole)}
        | {pid for got in live.values() for pid in got}
    )
    if not ids:
        return 0
    kept = indicators.values_many(ENTERPRISE_KEYS, ids)
    moved = 0
    for key in ENTERPRISE_KEYS:
        deltas = []
        for pid in ids:
            now = live.get(key, {}).get(pid, (0, 0))
            was = kept[key].get(pid)
            was = (was.numerator, was.denominator) if was else (0, 0)
            if now != was:
                deltas.append(("", indicators.part_chain(pid), now[0] - was[0], now[1] - was[1]))
        if deltas:
            moved += indicators.bump_many(key, deltas)
    return moved


def on_ipaths_changed(
    sender, path: str, old_ipath: str | None = None, new_ipath: str | None = None, **kwargs
):
    """A union linked to another industrial union (or unlinked, or moved under another link): its
    enterprises count in the parts of other industrial unions now. Those named by the old and
    the new industrial path are recounted (all, when the signal does not say)."""
    named = None
    if old_ipath is not None and new_ipath is not None:
        named = set(indicators.path_ids(old_ipath)) | set(indicators.path_ids(new_ipath))
    recount_parts(named)


def on_subtree_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    """A subtree moved to another district: its enterprises leave their industrial unions' parts
    of the old district for those of the new one (their unions stay: a link that changed with the
    move is recounted by :func:`on_ipaths_changed`, sent after this). A move within a district
    changes no part."""
    from unionwork.core.scope import prefix_q

    if _district_of(old_path) == _district_of(new_path):
        return
    parts = IndustrialParts.now()
    if not parts.unions:
        return
    now: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}
    was: dict[str, dict] = {k: {} for k in ENTERPRISE_KEYS}
    qs = Enterprise.objects.filter(prefix_q("community__path", new_path))
    for row in _parts(qs).iterator(chunk_size=5000):
        _split(row, now, parts)
        _split((row[0], old_path + row[1][len(new_path) :], *row[2:]), was, parts)
    for key in ENTERPRISE_KEYS:
        deltas = [("", ipath, num, den) for _path, ipath, num, den in now[key].values()]
        deltas += [("", ipath, -num, -den) for _path, ipath, num, den in was[key].values()]
        if deltas:
            indicators.bump_many(key, deltas)


def _union_live_of(key: str):
    def live(path: str) -> tuple[int, int]:
        out: dict[str, dict] = {k: {} for k in UNION_KEYS}
        qs = GrassrootsUnion.objects.filter(Q(unit__path__startswith=path) | Q(unit__ipath__startswith=path))
        for row in _union_rows(qs):
            _union_split(*row, out)
        got = out[key].values()
        return sum(c[2] for c in got), sum(c[3] for c in got)

    return live


def _union_count(key: str, label, numerator_label) -> Indicator:
    """A count of the founding page's union card, kept around each change of a founding record."""
    return register(
        Indicator(
            key=key,
            label=label,
            numerator_label=numerator_label,
            denominator_label=_("正常状态的建会记录"),
            unit=COUNT,
            module="founding",
            own_counts=_own_of(key, _union_family),
            live_subtree=_union_live_of(key),
            family=_union_family,
            tags=(DETAIL,),
        )
    )


UNIONS_JOINT = _union_count(JOINT_KEY, _("联合工会数"), _("正常状态的联合工会"))
UNIONS_PROJECT = _union_count(PROJECT_KEY, _("项目工会数"), _("正常状态的项目工会"))
UNIONS_DIRECT = _union_count(DIRECT_KEY, _("主席直选的基层工会数"), _("主席直选的正常状态工会"))


def on_unit_status_changed(sender, unit, old_status, new_status, **kwargs) -> None:
    """A union deregistered or reactivated on the organisation pages: its enterprises' coverage
    changed with it (the enterprises still point at it)."""
    from unionwork.orgs.models import OrgStatus

    ids = list(Enterprise.objects.filter(union=unit).values_list("pk", flat=True))
    if not ids or (old_status == OrgStatus.ACTIVE) == (new_status == OrgStatus.ACTIVE):
        return
    now = all_contributions(ids)  # already reflects the new status
    sign = 1 if new_status == OrgStatus.ACTIVE else -1  # uncovered -> covered, or the reverse
    # Every figure counting what a union covers moves by the whole of each enterprise's weight.
    for key in COVERED_KEYS:
        deltas = [(path, ipath, sign * den, 0) for path, ipath, _num, den in now[key].values()]
        if deltas:
            indicators.bump_many(key, deltas)

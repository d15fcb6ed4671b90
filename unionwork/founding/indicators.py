"""The founding rate as a declared indicator, kept rolled up at every level as records change.

Numerator: enterprises expected to have a union (by the founding rule) that are covered by an
active union; denominator: enterprises expected to have one. An enterprise counts where it lies
(its community). Industrial unions are not attributed a founding rate here: an uncovered
enterprise has no union to link it to one; their own founding page (by industry) shows theirs.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import RATE, Indicator, register
from unionwork.founding.models import Enterprise, EnterpriseStatus, FoundingRule
from unionwork.founding.queries import covered_q, expected_q, own_expected_q

KEY = "founding.rate"
# Kept beside the rate so that a node's founding table reads every column from the roll-up
# (tagged "detail": the dashboard's key figures stay the rate and 基层工会数).
OWN_KEY = "founding.own"  # expected to found their own union: covered / expected
EMPLOYEES_KEY = "founding.employees"  # employees of expected enterprises: covered / all
OPERATING_KEY = "founding.operating"  # enterprises: operating / all registered
KEYS = (KEY, OWN_KEY, EMPLOYEES_KEY, OPERATING_KEY)


def _flags(qs, rule=None):
    rule = rule or FoundingRule.current()
    return qs.annotate(
        is_expected=Case(
            When(expected_q(rule), then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        is_covered=Case(When(covered_q(), then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).values_list("pk", "community__path", "is_expected", "is_covered")


def _parts(qs, rule=None):
    """(pk, path, expected, own expected, covered, operating, employees) of each enterprise."""
    rule = rule or FoundingRule.current()

    def flag(q):
        return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())

    return qs.annotate(
        is_expected=flag(expected_q(rule)),
        is_own=flag(own_expected_q(rule)),
        is_covered=flag(covered_q()),
        is_operating=flag(Q(status=EnterpriseStatus.OPERATING)),
    ).values_list("pk", "community__path", "is_expected", "is_own", "is_covered", "is_operating", "employees")


def _split(pk, path, expected, own, covered, operating, employees, out: dict) -> None:
    """One enterprise's contribution to each kept founding figure (``out[key][pk]``)."""
    if not path:
        return
    out[OPERATING_KEY][pk] = (path, "", 1 if operating else 0, 1)
    if expected:
        out[KEY][pk] = (path, "", 1 if covered else 0, 1)
        out[EMPLOYEES_KEY][pk] = (path, "", employees if covered else 0, employees)
        if own:
            out[OWN_KEY][pk] = (path, "", 1 if covered else 0, 1)


def all_contributions(ids: Iterable[int]) -> dict[str, dict[int, tuple[str, str, int, int]]]:
    """Each enterprise's (path, ipath, numerator, denominator), per kept founding figure."""
    ids = list(ids)
    out: dict[str, dict] = {k: {} for k in KEYS}
    rule = FoundingRule.current()
    for start in range(0, len(ids), 2000):
        for row in _parts(Enterprise.objects.filter(pk__in=ids[start : start + 2000]), rule):
            _split(*row, out)
    return out


def contributions(ids: Iterable[int]) -> dict[int, tuple[str, str, int, int]]:
    """Each enterprise's (path, ipath, numerator, denominator) to the founding rate as it stands now."""
    return all_contributions(ids)[KEY]


class Tracker:
    """Keeps every founding figure right around a change of enterprises (one read before and one
    after for all of them, see ``core.indicators.Tracker``)."""

    def __init__(self, ids: Iterable = ()):
        self.ids = set(ids)
        self.before = all_contributions(self.ids) if self.ids else {k: {} for k in KEYS}

    def add(self, *ids) -> None:
        self.ids.update(ids)

    def finish(self) -> None:
        after = all_contributions(self.ids) if self.ids else {k: {} for k in KEYS}
        for key in KEYS:
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
        self.tracker = Tracker(ids)

    def __enter__(self) -> Tracker:
        return self.tracker

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.tracker.finish()


def rebuild_all(month=None, keys: tuple[str, ...] = KEYS) -> None:
    """Recount this month's kept founding figures from the register (one scan for all of them)."""
    out: dict[str, dict] = {k: {} for k in KEYS}
    for row in _parts(Enterprise.objects.all()).iterator(chunk_size=5000):
        _split(*row, out)
    for key in keys:
        indicators.rebuild(key, month, counts=list(out[key].values()))


def _own():
    for _pk, path, expected, covered in _flags(Enterprise.objects.all()).iterator(chunk_size=5000):
        if expected:
            yield path, "", 1 if covered else 0, 1


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
        own_counts=_own,
        live_subtree=_live,
        deadline=datetime.date(datetime.date.today().year, 9, 30),
        description=_(
            "应建会企业中已被正常状态的基层工会或联合工会覆盖的比例（三年建会任务 9 月 30 日前完成）。"
        ),
    )
)


def _own_of(key: str):
    def own():
        out: dict[str, dict] = {k: {} for k in KEYS}
        for row in _parts(Enterprise.objects.all()).iterator(chunk_size=5000):
            _split(*row, out)
        return list(out[key].values())

    return own


def _live_of(key: str):
    def live(path: str) -> tuple[int, int]:
        num = den = 0
        for row in _parts(Enterprise.objects.filter(community__path__startswith=path)).iterator():
            out: dict[str, dict] = {k: {} for k in KEYS}
            _split(*row, out)
            for _p, _i, n, d in out[key].values():
                num, den = num + n, den + d
        return num, den

    return live


DETAIL = "detail"  # not a key figure of the dashboard: the columns of the founding tables


def _detail(key: str, label, numerator_label, denominator_label) -> Indicator:
    """A column of the founding tables, kept by the same tracker as the founding rate."""
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
            tags=(DETAIL,),
        )
    )


FOUNDING_OWN = _detail(OWN_KEY, _("单独建会率"), _("已建会的应单独建会企业"), _("应单独建会企业"))
FOUNDING_EMPLOYEES = _detail(
    EMPLOYEES_KEY, _("应建会企业职工覆盖率"), _("已建会企业职工"), _("应建会企业职工")
)
FOUNDING_OPERATING = _detail(OPERATING_KEY, _("在营企业"), _("在营企业"), _("登记企业"))


def on_unit_status_changed(sender, unit, old_status, new_status, **kwargs) -> None:
    """A union deregistered or reactivated on the organisation pages: its enterprises' coverage
    changed with it (the enterprises still point at it)."""
    from unionwork.orgs.models import OrgStatus

    ids = list(Enterprise.objects.filter(union=unit).values_list("pk", flat=True))
    if not ids or (old_status == OrgStatus.ACTIVE) == (new_status == OrgStatus.ACTIVE):
        return
    now = all_contributions(ids)  # already reflects the new status
    sign = 1 if new_status == OrgStatus.ACTIVE else -1  # uncovered -> covered, or the reverse
    for key in (KEY, OWN_KEY):
        deltas = [(path, ipath, sign, 0) for path, ipath, _num, _den in now[key].values()]
        indicators.bump_many(key, deltas)
    deltas = [(path, ipath, sign * den, 0) for path, ipath, _num, den in now[EMPLOYEES_KEY].values()]
    indicators.bump_many(EMPLOYEES_KEY, deltas)

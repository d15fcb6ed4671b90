"""The founding rate as a declared indicator, kept rolled up at every level as records change.

Numerator: enterprises expected to have a union (by the founding rule) that are covered by an
active union; denominator: enterprises expected to have one. An enterprise counts where it lies
(its community). Industrial unions are not attributed a founding rate here: an uncovered
enterprise has no union to link it to one; their own founding page (by industry) shows theirs.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import RATE, Indicator, register
from unionwork.founding.models import Enterprise, FoundingRule
from unionwork.founding.queries import covered_q, expected_q

KEY = "founding.rate"


def _flags(qs, rule=None):
    rule = rule or FoundingRule.current()
    return qs.annotate(
        is_expected=Case(
            When(expected_q(rule), then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        is_covered=Case(When(covered_q(), then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).values_list("pk", "community__path", "is_expected", "is_covered")


def contributions(ids: Iterable[int]) -> dict[int, tuple[str, str, int, int]]:
    """Each enterprise's (path, ipath, numerator, denominator) as it stands now."""
    ids = list(ids)
    out = {}
    rule = FoundingRule.current()
    for start in range(0, len(ids), 2000):
        for pk, path, expected, covered in _flags(
            Enterprise.objects.filter(pk__in=ids[start : start + 2000]), rule
        ):
            if expected:
                out[pk] = (path, "", 1 if covered else 0, 1)
    return out


def tracking(ids: Iterable[int] = ()):
    """Use around any change of enterprises or of the unions covering them."""
    return indicators.tracking(KEY, contributions, ids)


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


def on_unit_status_changed(sender, unit, old_status, new_status, **kwargs) -> None:
    """A union deregistered or reactivated on the organisation pages: its enterprises' coverage
    changed with it (the enterprises still point at it)."""
    from unionwork.orgs.models import OrgStatus

    ids = list(Enterprise.objects.filter(union=unit).values_list("pk", flat=True))
    if not ids or (old_status == OrgStatus.ACTIVE) == (new_status == OrgStatus.ACTIVE):
        return
    now = contributions(ids)  # already reflects the new status
    deltas = []
    for path, ipath, num, _den in now.values():
        if new_status == OrgStatus.ACTIVE:  # was uncovered, is covered
            deltas.append((path, ipath, num, 0))
        else:  # was covered through this unit, is not
            deltas.append((path, ipath, -1, 0))
    indicators.bump_many(KEY, deltas)

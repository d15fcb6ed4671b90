"""Indicators owned by stability work, kept at once by the actions' bumps.

Both are counted at the unit where the matter arose (``org``, the unit that scopes the record and
that the module's figure tables use), never at the level that handles it: escalating a case hands
it to the level above (``handling_org``) but leaves it where it arose, so the figures do not move.
:func:`case_changed` still takes the unit before and after, so that a change that ever moves the
counted unit subtracts from the old chain and adds to the new one in the same transaction.

What is not declared here, and why: the timeliness of periodic reports. Its denominator (reports
expected) grows when a deadline passes, with no action to bump it, and changes with the reporting
policy, heightened periods and the tree; a roll-up kept by bumps would be wrong between those
moments. :func:`unionwork.stability.queries.report_timeliness` computes it exactly on demand.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.core.indicators import COUNT, RATE, Indicator, register
from unionwork.stability.models import OPEN_STATES, Case, Incident

# An incident is on time when reported within its severity's time limit; a concealed one (recorded
# by a higher level) was not reported at all and counts as not on time.
ON_TIME = Q(is_late=False, concealed=False)


def _subtree(path: str) -> Q:
    return Q(org__path__startswith=path) | Q(org__ipath__startswith=path)


def _open_cases():
    return Case.objects.filter(state__in=OPEN_STATES)


def _own_open_cases():
    rows = _open_cases().values_list("org__path", "org__ipath").annotate(n=Count("pk")).order_by()
    for path, ipath, n in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, 0


def _live_open_cases(path: str) -> tuple[int, int]:
    return _open_cases().filter(_subtree(path)).count(), 0


def _own_incidents():
    rows = (
        Incident.objects.values_list("org__path", "org__ipath")
        .annotate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
        .order_by()
    )
    for path, ipath, n, d in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, d


def _live_incidents(path: str) -> tuple[int, int]:
    got = Incident.objects.filter(_subtree(path)).aggregate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
    return got["n"], got["d"]


OPEN_CASES = register(
    Indicator(
        key="stability.open_cases",
        label=_("未办结案件数"),
        numerator_label=_("尚未核实办结的案件（按发生单位）"),
        unit=COUNT,
        higher_is_better=False,
        module="stability",
        own_counts=_own_open_cases,
        live_subtree=_live_open_cases,
        description=_("矛盾纠纷、信访、诉求代理、主席接待转办的案件，立案起计入，核实办结后不再计入。"),
        tags=("维稳",),
    )
)

INCIDENTS_ON_TIME = register(
    Indicator(
        key="stability.incidents_on_time",
        label=_("事件报告及时率"),
        numerator_label=_("在等级规定时限内报告的事件"),
        denominator_label=_("报告和登记的事件（含迟报、瞒报）"),
        unit=RATE,
        higher_is_better=True,
        module="stability",
        own_counts=_own_incidents,
        live_subtree=_live_incidents,
        description=_("知情后在事件等级规定的时限内报告的为按时；上级登记的下级瞒报事件计为未按时。"),
        tags=("维稳",),
    )
)


CONCEALED = Q(concealed=True)


def _own_concealed():
    rows = (
        Incident.objects.filter(CONCEALED)
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, ipath, n in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, 0


def _live_concealed(path: str) -> tuple[int, int]:
    return Incident.objects.filter(CONCEALED).filter(_subtree(path)).count(), 0


CONCEALED_INCIDENTS = register(
    Indicator(
        key="stability.concealed",
        label=_("瞒报事件数"),
        numerator_label=_("上级登记的下级瞒报事件（按瞒报单位）"),
        unit=COUNT,
        higher_is_better=False,
        module="stability",
        own_counts=_own_concealed,
        live_subtree=_live_concealed,
        description=_("上级知情后登记的、下级未报告的事件，计入瞒报单位；百分考核的一票否决项读取此数。"),
        tags=("维稳",),
    )
)


# --- bumps, called by the actions inside their transactions --------------------------------------


def incident_reported(incident: Incident) -> None:
    """An incident was reported or recorded: one more incident, on time or not, at its unit."""
    org = incident.org
    on_time = not incident.is_late and not incident.concealed
    indicators.bump(INCIDENTS_ON_TIME.key, org.path, org.ipath, numerator=int(on_time), denominator=1)
    if incident.concealed:
        indicators.bump(CONCEALED_INCIDENTS.key, org.path, org.ipath, numerator=1)


def case_changed(old_org, was_open: bool, new_org, is_open: bool) -> None:
    """A case was opened, moved or closed: take it from where it was counted, count it where it is.

    ``old_org``/``was_open`` describe the case before the change (``None``/``False`` for a new
    case), ``new_org``/``is_open`` after it.
    """
    old = (old_org.path, old_org.ipath) if old_org is not None and was_open else None
    new = (new_org.path, new_org.ipath) if new_org is not None and is_open else None
    if old == new:
        return
    if old is not None:
        indicators.bump(OPEN_CASES.key, old[0], old[1], numerator=-1)
    if new is not None:
        indicators.bump(OPEN_CASES.key, new[0], new[1], numerator=1)

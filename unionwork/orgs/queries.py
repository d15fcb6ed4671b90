"""Every read of the organisation tree that pages and the API share. All start from the scope."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Left, StrIndex, Substr
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgEvent, OrgKind, OrgLink, OrgStatus, OrgUnit

_LATIN = re.compile(r"^[a-z0-9]+$")


def search_units(qs: QuerySet[OrgUnit], q: str) -> QuerySet[OrgUnit]:
    """Units whose name or code contains ``q``, or whose pinyin or initials match it (``gjz``)."""
    q = (q or "").strip()
    if not q:
        return qs
    cond = Q(name__icontains=q) | Q(code__startswith=q)
    latin = q.lower().replace(" ", "")
    if _LATIN.match(latin):
        cond |= Q(initials__startswith=latin) | Q(pinyin__startswith=latin)
        if len(latin) >= 2:
            cond |= Q(initials__contains=latin) | Q(pinyin__contains=latin)
    return qs.filter(cond)


def search_in_scope(user, q: str, limit: int = 50) -> list[OrgUnit]:
    """The tree browser's search: units in the user's scope matching ``q``, with their parent."""
    return list(search_units(OrgUnit.objects.restrict(user), q).select_related("parent")[:limit])


def month_end(month: datetime.date) -> datetime.date:
    """The first day after ``month`` (links are read as they stood at the end of the month)."""
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def children_as_of(
    user,
    unit: OrgUnit,
    month: datetime.date | None = None,
    *,
    include_inactive: bool = False,
    linked: bool = False,
) -> QuerySet[OrgUnit]:
    """The units that stood directly under ``unit`` at the end of ``month`` (the one as-of rule
    of every figure page, table, export and API call; the current month by default).

    The current month is today's tree in the user's scope. A past month is read from the dated
    links (:class:`~unionwork.orgs.models.OrgLink`): the units whose link to ``unit`` held on the
    month's last day, with the status they had then; a unit that has no link at all (bulk loads)
    counts under its parent of today. For a past month the scope is the node's: whoever may see
    ``unit`` sees what stood under it then (those figures are in the node's own, as kept then),
    even if a child has since moved elsewhere. ``linked``: also the units linked to ``unit`` as
    their industrial union (an industrial union's breakdown). Each unit carries
    ``as_of_status`` (its status then).
    """
    month = indicators.month_of(month)
    if month >= indicators.month_of():
        cond = Q(parent=unit) | Q(industrial_union=unit) if linked else Q(parent=unit)
        qs = OrgUnit.objects.restrict(user).filter(cond)
        if not include_inactive:
            qs = qs.filter(status=OrgStatus.ACTIVE)
        return qs.annotate(as_of_status=F("status"))
    end = month_end(month)
    held = OrgLink.objects.filter(parent=unit, valid_from__lt=end).filter(
        Q(valid_to=None) | Q(valid_to__gte=end)
    )
    if not linked:
        held = held.filter(kind=OrgLink.Kind.TERRITORIAL)
    if not include_inactive:
        held = held.filter(status=OrgStatus.ACTIVE)
    unlinked = Q(parent=unit) & ~Exists(
        OrgLink.objects.filter(unit=OuterRef("pk"), kind=OrgLink.Kind.TERRITORIAL)
    )
    if not include_inactive:
        unlinked &= Q(status=OrgStatus.ACTIVE)
    status_then = (
        OrgLink.objects.filter(unit=OuterRef("pk"), parent=unit)
        .filter(valid_from__lt=end)
        .filter(Q(valid_to=None) | Q(valid_to__gte=end))
    )
    return OrgUnit.objects.filter(Q(pk__in=held.values("unit_id")) | unlinked).annotate(
        as_of_status=Coalesce(Subquery(status_then.values("status")[:1]), F("status"))
    )


def children_of(
    user, unit: OrgUnit, include_inactive: bool = False, month: datetime.date | None = None
) -> list[OrgUnit]:
    """The direct children of ``unit`` (at the end of ``month``, see :func:`children_as_of`), each
    with ``child_count`` (today's)."""
    qs = children_as_of(user, unit, month, include_inactive=include_inactive).select_related(
        "parent", "industrial_union"
    )
    active_children = Count("children", filter=Q(children__status=OrgStatus.ACTIVE))
    out = list(qs.annotate(child_count=active_children).order_by("kind", "code", "pinyin"))
    for u in out:  # shown (page, API) with the status it had then; never saved
        u.status = u.as_of_status
    return out


@dataclass
class TimelineEntry:
    event: OrgEvent
    month: datetime.date
    figures: list  # (indicator, figure before, figure after): the month before the event and its month


def timeline(unit: OrgUnit, keys: list[str] | None = None) -> list[TimelineEntry]:
    """The unit's timeline, oldest first: each event with the kept figures of the unit at the end
    of the month before it and of its own month (one read of the kept values for all events)."""
    events = list(OrgEvent.objects.filter(unit=unit).order_by("at", "id")[:200])
    months = {indicators.month_of(ev.at) for ev in events}
    wanted = months | {indicators.previous_month(m) for m in months}
    got = indicators.unit_figures_at(unit, wanted, keys)
    shown = figure_indicators() if keys is None else [i for i in indicators.all_indicators() if i.key in keys]
    out = []
    for ev in events:
        m = indicators.month_of(ev.at)
        before, after = got.get(indicators.previous_month(m), {}), got.get(m, {})
        figs = [(i, before.get(i.key), after.get(i.key)) for i in shown if i.key in before or i.key in after]
        out.append(TimelineEntry(ev, m, figs))
    return out


def unit_history(unit: OrgUnit) -> list[OrgEvent]:
    """The domain timeline of a unit, newest first."""
    return list(OrgEvent.objects.filter(unit=unit).order_by("-at", "-id")[:200])


def referenced_unit(user, unit_id: int, what: str) -> OrgUnit:
    """A unit named in a request body, in the user's scope, or an ActionError (400) that words an
    unknown unit and one outside the scope alike."""
    unit = OrgUnit.objects.restrict(user, "view").filter(pk=unit_id).first()
    if unit is None:
        raise ActionError(
            _("%(what)s（编号 %(id)s）不存在，或不在您的管辖范围内。") % {"what": what, "id": unit_id},
            code="not_found",
        )
    return unit


def industrial_union(unit_id: int | None) -> OrgUnit | None:
    """An industrial union to link to, from anywhere in the city (the list is short and public)."""
    if unit_id is None:
        return None
    unit = OrgUnit.objects.filter(pk=unit_id, kind=OrgKind.INDUSTRIAL).first()
    if unit is None:
        raise ActionError(_("编号 %(id)s 不是产业工会，或不存在。") % {"id": unit_id}, code="not_found")
    return unit


# -- re-zoning preview ------------------------------------------------------------------------------
def figure_indicators() -> list:
    """The indicators of figure pages (every registered one but a module's detail figures)."""
    return [i for i in indicators.all_indicators() if "detail" not in i.tags]


@dataclass
class PreviewRow:
    unit: OrgUnit
    figures: dict  # indicator key -> its kept figure now

    @property
    def cells(self) -> list:
        return list(self.figures.values())


@dataclass
class ParentChange:
    unit: OrgUnit
    figures: list  # (indicator, figure before, figure after the re-zoning)

    def numerators(self) -> dict:
        return {i.key: (b.numerator, a.numerator) for i, b, a in self.figures}


@dataclass
class RezoningPreview:
    rows: list[PreviewRow]
    parents: list[ParentChange]  # each old parent: its figures lose its units'
    new_parent: ParentChange  # gains them all
    indicators: list


def rezoning_preview(user, units, new_parent: OrgUnit) -> RezoningPreview:
    """Which units move, their kept figures (members, enterprises, unions …), and the figures of
    each old parent and of the new one before and after: read from the kept values, a few queries
    whatever the number of units."""
    from unionwork.core.indicators import Figure

    ids = [u.pk if isinstance(u, OrgUnit) else int(u) for u in units]
    found = {u.pk: u for u in OrgUnit.objects.restrict(user).filter(pk__in=ids).select_related("parent")}
    shown = figure_indicators()
    moving = [found[pk] for pk in ids if pk in found]
    parent_ids = list(dict.fromkeys(u.parent_id for u in moving))
    got = {i.key: indicators.values(i.key, [*ids, *parent_ids, new_parent.pk]) for i in shown}

    def fig(key, uid, unit_kind):
        return got[key].get(uid) or Figure(0, 0, unit_kind)

    rows = [PreviewRow(u, {i.key: fig(i.key, u.pk, i.unit) for i in shown}) for u in moving]
    parents = []
    gained = {i.key: Figure(0, 0, i.unit) for i in shown}
    for pid in parent_ids:
        parent = next(u.parent for u in moving if u.parent_id == pid)
        figures = []
        for i in shown:
            lost = Figure(0, 0, i.unit)
            for r in rows:
                if r.unit.parent_id == pid:
                    lost = lost + r.figures[i.key]
            gained[i.key] = gained[i.key] + lost
            before = fig(i.key, pid, i.unit)
            figures.append(
                (
                    i,
                    before,
                    Figure(before.numerator - lost.numerator, before.denominator - lost.denominator, i.unit),
                )
            )
        parents.append(ParentChange(parent, figures))
    new_figs = [
        (i, fig(i.key, new_parent.pk, i.unit), fig(i.key, new_parent.pk, i.unit) + gained[i.key])
        for i in shown
    ]
    return RezoningPreview(rows, parents, ParentChange(new_parent, new_figs), shown)


def rezoning_outcome(user, rz) -> RezoningPreview:
    """A re-zoning once run: the units, and each old parent's and the new parent's kept figures at
    the end of the month before it took effect and now (read, not estimated)."""
    from unionwork.core.indicators import Figure

    shown = figure_indicators()
    before_month = indicators.previous_month(rz.effective_on)
    ids = [int(pk) for pk in rz.units]
    parent_ids = list(dict.fromkeys(int(p) for p in rz.from_parents.values() if p))
    found = {
        u.pk: u
        for u in OrgUnit.objects.filter(pk__in=[*ids, *parent_ids, rz.new_parent_id]).select_related("parent")
    }
    everyone = list(found)
    before = {i.key: indicators.values(i.key, everyone, before_month) for i in shown}
    now = {i.key: indicators.values(i.key, everyone) for i in shown}

    def change(uid):
        zero = {i.key: Figure(0, 0, i.unit) for i in shown}
        return ParentChange(
            found[uid],
            [(i, before[i.key].get(uid, zero[i.key]), now[i.key].get(uid, zero[i.key])) for i in shown],
        )

    rows = [
        PreviewRow(found[pk], {i.key: now[i.key].get(pk) or Figure(0, 0, i.unit) for i in shown})
        for pk in ids
        if pk in found
    ]
    return RezoningPreview(
        rows, [change(p) for p in parent_ids if p in found], change(rz.new_parent_id), shown
    )


def rezoning_rows(user):
    """The re-zonings the user may see, newest first."""
    from unionwork.orgs.models import Rezoning

    return Rezoning.objects.restrict(user).select_related("new_parent")


def child_prefix(field_name: str, parent_path: str):
    """SQL: the path of the child of ``parent_path`` that a record's path lies under, to group a
    subtree's records by child in one query.

    ``/1/10/106/1371/`` under ``/1/10/`` gives ``/1/10/106/``; a record at the parent itself
    gives the parent's path.
    """
    n = len(parent_path)
    rest = Substr(field_name, n + 1)
    return Left(field_name, Value(n, output_field=IntegerField()) + StrIndex(rest, Value("/")))

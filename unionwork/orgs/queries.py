"""Every read of the organisation tree that pages and the API share. All start from the scope."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet

from unionwork.orgs.models import OrgEvent, OrgStatus, OrgUnit

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


def children_of(user, unit: OrgUnit, include_inactive: bool = False) -> list[OrgUnit]:
    """The direct children of ``unit`` that lie in the user's scope, each with ``child_count``."""
    qs = OrgUnit.objects.restrict(user).filter(parent=unit).select_related("parent", "industrial_union")
    if not include_inactive:
        qs = qs.filter(status=OrgStatus.ACTIVE)
    active_children = Count("children", filter=Q(children__status=OrgStatus.ACTIVE))
    return list(qs.annotate(child_count=active_children).order_by("kind", "code", "pinyin"))


def unit_history(unit: OrgUnit) -> list[OrgEvent]:
    """The domain timeline of a unit, newest first."""
    return list(OrgEvent.objects.filter(unit=unit).order_by("-at", "-id")[:200])

"""Every read of the organisation tree that pages and the API share. All start from the scope."""

from __future__ import annotations

import re

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus, OrgUnit

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

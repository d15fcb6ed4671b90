"""Search sources of the picker for enterprises and grassroots unions (see core/pickers.py)."""

import re

from django.db.models import Q
from django.utils.translation import gettext_lazy

from unionwork.core import pickers
from unionwork.founding.models import Enterprise, GrassrootsUnion
from unionwork.orgs.models import OrgUnit
from unionwork.orgs.queries import search_units

_CODE = re.compile(r"^[0-9A-Za-z]+$")


def enterprise_label(e: Enterprise) -> str:
    return f"{e.name}（{e.uscc}）"


def enterprises_base(user, params):
    action = "change" if params.get("action") == "change" else "view"
    qs = Enterprise.objects.restrict(user, action)
    if params.get("operating") == "1":
        qs = qs.filter(status="operating")
    return qs


def search_enterprises(qs, q: str):
    """By name (any part) or credit code (its start)."""
    q = (q or "").strip()
    if not q:
        return qs
    cond = Q(name__icontains=q)
    if _CODE.match(q):
        cond |= Q(uscc__startswith=q.upper())
    return qs.filter(cond)


def union_label(u: GrassrootsUnion) -> str:
    return f"{u.unit.name}（{u.unit.code}）" if u.unit.code else u.unit.name


def unions_base(user, params):
    action = "manage" if params.get("action") == "manage" else "view"
    qs = GrassrootsUnion.objects.restrict(user, action).active().select_related("unit")
    kinds = pickers.list_param(params, "kind")
    if kinds:
        qs = qs.filter(unit__kind__in=kinds)
    return qs


def search_unions(qs, q: str):
    """The union's unit by name, pinyin, initials or code (the tree's own search)."""
    if not (q or "").strip():
        return qs
    return qs.filter(unit__in=search_units(OrgUnit.objects.all(), q).values("pk"))


pickers.register(
    pickers.Source(
        "enterprises",
        Enterprise,
        base=enterprises_base,
        search=search_enterprises,
        label=enterprise_label,
        order=("name", "pk"),
        placeholder=gettext_lazy("输入企业名称或信用代码搜索"),
    )
)
pickers.register(
    pickers.Source(
        "unions",
        GrassrootsUnion,
        base=unions_base,
        search=search_unions,
        label=union_label,
        order=("unit__pinyin", "pk"),
    )
)

"""Search sources of the picker for organisation units (see core/pickers.py)."""

from unionwork.core import pickers
from unionwork.orgs.models import OrgStatus, OrgUnit
from unionwork.orgs.queries import search_units

ACTIONS = {"view", "change", "manage"}


def unit_label(unit: OrgUnit) -> str:
    return f"{unit.name}（{unit.code}）" if unit.code else unit.name


def units_base(user, params):
    """Active units in the user's scope; ``kind`` (repeatable), ``max_depth``, ``exclude`` (a pk),
    ``not_under`` (a subtree), ``exclude_own``, ``action`` narrow it to what the form accepts."""
    action = params.get("action") if params.get("action") in ACTIONS else "view"
    qs = OrgUnit.objects.restrict(user, action).filter(status=OrgStatus.ACTIVE)
    kinds = pickers.list_param(params, "kind")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    max_depth = pickers.int_param(params, "max_depth")
    if max_depth is not None:
        qs = qs.filter(depth__lte=max_depth)
    exclude = pickers.int_param(params, "exclude")
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    not_under = pickers.int_param(params, "not_under")
    if not_under is not None:
        path = OrgUnit.objects.filter(pk=not_under).values_list("path", flat=True).first()
        if path:
            qs = qs.exclude(path__startswith=path)
    if params.get("exclude_own") == "1" and getattr(user, "org_id", None):
        qs = qs.exclude(pk=user.org_id)
    return qs


pickers.register(
    pickers.Source(
        "units", OrgUnit, base=units_base, search=search_units, label=unit_label, order=("depth", "path")
    )
)

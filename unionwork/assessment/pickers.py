"""Search source of the picker for the draft schemes one may import items into (core/pickers.py)."""

from django.utils.translation import gettext_lazy

from unionwork.assessment.models import Scheme, SchemeState
from unionwork.core import pickers


def drafts_base(user, params):
    return Scheme.objects.restrict(user, "manage").filter(state=SchemeState.DRAFT).select_related("org")


def search_drafts(qs, q: str):
    q = (q or "").strip()
    return qs.filter(name__icontains=q) if q else qs


pickers.register(
    pickers.Source(
        "assessment_drafts",
        Scheme,
        base=drafts_base,
        search=search_drafts,
        label=lambda s: f"{s.name}（{s.year}，第 {s.version} 版）",
        order=("-year", "pk"),
        placeholder=gettext_lazy("输入方案名称搜索"),
    )
)

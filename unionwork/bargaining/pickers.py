"""Search sources of the picker for contracts and instructors (see core/pickers.py)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from unionwork.bargaining.models import Contract, Instructor
from unionwork.core import pickers


def contracts_base(user, params):
    return Contract.objects.restrict(user).filter(withdrawn_on__isnull=True).select_related("org")


def search_contracts(qs, q: str):
    q = (q or "").strip()
    return qs.filter(Q(title__icontains=q) | Q(employer_party__icontains=q)) if q else qs


def instructors_base(user, params):
    return Instructor.objects.restrict(user).filter(left_on__isnull=True).select_related("org")


def search_instructors(qs, q: str):
    q = (q or "").strip()
    return qs.filter(Q(name__icontains=q) | Q(employer__icontains=q)) if q else qs


pickers.register(
    pickers.Source(
        "contracts",
        Contract,
        base=contracts_base,
        search=search_contracts,
        label=lambda c: f"{c.title}（{c.term_start:%Y-%m-%d}—{c.term_end:%Y-%m-%d}）",
        order=("-term_end", "pk"),
        placeholder=gettext_lazy("输入合同名称或企业方搜索"),
    )
)
pickers.register(
    pickers.Source(
        "instructors",
        Instructor,
        base=instructors_base,
        search=search_instructors,
        label=lambda i: f"{i.name}（{i.org.name}）",
        order=("name", "pk"),
        placeholder=gettext_lazy("输入指导员姓名搜索"),
    )
)

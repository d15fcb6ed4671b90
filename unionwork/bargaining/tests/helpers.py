"""Shared helpers of the bargaining tests."""

import datetime
from contextlib import contextmanager

from django.utils import timezone

from unionwork.bargaining import actions
from unionwork.bargaining.models import Contract, ContractCoverage, ContractKind, ContractLevel
from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.founding.models import Enterprise

__all__ = ["as_user", "bare_enterprise", "contract_for", "demo_user", "make_user", "today", "unit"]

# Names that mark 中山区's records in a page of 甘井子区's user (scope tests).
ZS_MARKERS = ["中山范围测试集体合同", "中山范围测试指导员", "中山范围测试协商", "中山范围测试三方议题"]


def today() -> datetime.date:
    return timezone.localdate()


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


def bare_enterprise(district_code: str = "210211", exclude=()) -> Enterprise:
    """An operating demo enterprise of the district with its own active grassroots union and no
    contract nor congress."""
    from unionwork.bargaining.models import Congress

    district = unit(district_code)
    return (
        Enterprise.objects.filter(
            community__path__startswith=district.path,
            status="operating",
            union__kind="grassroots",
            union__status="active",
        )
        .exclude(pk__in=ContractCoverage.objects.values("enterprise_id"))
        .exclude(union__in=Congress.objects.values("org_id"))
        .exclude(pk__in=list(exclude))
        .select_related("union", "community")
        .order_by("pk")
        .first()
    )


def contract_for(
    e: Enterprise, *, start=None, end=None, kind=ContractKind.COMPREHENSIVE, user=None, **kw
) -> Contract:
    start = start or today() - datetime.timedelta(days=100)
    end = end or today() + datetime.timedelta(days=500)
    fields = (
        dict(
            title=f"{e.name}集体合同",
            kind=kind,
            employer_party=e.name,
            signed_on=min(start, today()),
            term_start=start,
            term_end=end,
            wage_increase="5" if kind == ContractKind.WAGE else None,
        )
        | kw
    )
    with audit.acting_as(user, "test"):
        return actions.record_contract(
            user, e.union, level=ContractLevel.ENTERPRISE, enterprises=[e], **fields
        )

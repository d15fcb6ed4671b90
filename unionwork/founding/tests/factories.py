"""Test helpers of the founding module: enterprises with valid codes, quickly."""

from __future__ import annotations

import itertools

from unionwork.core import identifiers
from unionwork.founding import actions
from unionwork.founding.models import Enterprise, Industry, Ownership
from unionwork.orgs.models import OrgKind, OrgUnit

_serial = itertools.count(1)


def code(n: int | None = None, region: str = "210211") -> str:
    """A valid credit code, distinct for each n (organisation part "TE" + 7 digits)."""
    n = next(_serial) if n is None else n
    return identifiers.uscc_with_check(f"91{region}TE{n:07d}")


def communities(district_code: str, n: int) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(kind=OrgKind.COMMUNITY, code__startswith=district_code).order_by("code")[:n]
    )


def enterprise(
    community: OrgUnit,
    *,
    employees: int = 30,
    ownership: str = Ownership.PRIVATE,
    industry: str = Industry.C,
    name: str | None = None,
    user=None,
    **kwargs,
) -> Enterprise:
    n = next(_serial)
    return actions.register_enterprise(
        user,
        uscc=code(n, community.code[:6]),
        name=name or f"演示测试企业{n}有限公司",
        ownership=ownership,
        industry=industry,
        employees=employees,
        community=community,
        **kwargs,
    )


def many(
    community_list: list[OrgUnit], per: int, *, employees=(3, 30, 120), ownerships=None, industries=None
):
    """Bulk enterprises for figure tests (no audit: test data only)."""
    ownerships = ownerships or [Ownership.PRIVATE, Ownership.STATE_OWNED, Ownership.FOREIGN_INVESTED]
    industries = industries or [Industry.C, Industry.F, Industry.I]
    objs = []
    for c in community_list:
        for i in range(per):
            n = next(_serial)
            objs.append(
                Enterprise(
                    uscc=code(n, c.code[:6]),
                    name=f"演示批量企业{n}",
                    community=c,
                    employees=employees[i % len(employees)],
                    ownership=ownerships[i % len(ownerships)],
                    industry=industries[(i // 2) % len(industries)],
                    is_demo=True,
                )
            )
    created = Enterprise.objects.bulk_create(objs)
    # A bulk write recounts the kept indicator, as the enterprise import does: pages read it.
    from unionwork.founding.indicators import rebuild_all

    rebuild_all()
    return created

"""An industry contract seen from two districts and from the industrial union that signed it."""

import pytest

from unionwork.bargaining import actions, queries
from unionwork.bargaining.models import Contract, ContractLevel
from unionwork.core import scope
from unionwork.core.errors import ActionError

from .helpers import as_user, demo_user, today, unit

pytestmark = pytest.mark.django_db


def industry_contract() -> Contract:
    return Contract.objects.get(level=ContractLevel.INDUSTRY, org__code="I01")


def covered_names(user, contract) -> set[str]:
    return {row.enterprise.community.path for row in queries.coverage_of(user, contract)}


def test_industry_contract_from_two_districts_and_the_industrial_union(module_demos):
    c = industry_contract()
    gjz, zs, jx = demo_user("gjz_admin"), demo_user("zs_admin"), demo_user("jx_admin")
    for user in (gjz, zs, jx):
        assert queries.contracts(user).filter(pk=c.pk).exists(), user.username
    paths = {u: covered_names(u, c) for u in (gjz, zs, jx)}
    assert paths[gjz] and all(p.startswith(unit("210211").path) for p in paths[gjz])
    assert paths[zs] and all(p.startswith(unit("210202").path) for p in paths[zs])
    assert paths[jx] == paths[gjz] | paths[zs]
    assert c.coverages.count() == len(queries.coverage_of(jx, c))
    # Seen by the districts, changed only by the union that signed it.
    assert scope.allows_on(jx, "change", c)
    assert not scope.allows_on(gjz, "change", c)
    with as_user(gjz), pytest.raises(ActionError):
        actions.withdraw_contract(gjz, c, reason="越权")


def test_a_street_does_not_see_another_streets_contract(module_demos):
    c = industry_contract()
    other = Contract.objects.filter(
        level=ContractLevel.REGIONAL, org__path__startswith=unit("210202").path
    ).first()
    assert other is not None
    gjz = demo_user("gjz_admin")
    assert not queries.contracts(gjz).filter(pk=other.pk).exists()
    assert not any(
        row.enterprise.community.path.startswith(unit("210202").path) for row in queries.coverage_of(gjz, c)
    )


def test_district_cannot_cover_another_districts_enterprise(module_demos):
    from unionwork.founding.models import Enterprise

    zs_enterprise = Enterprise.objects.filter(
        community__path__startswith=unit("210202").path, union__isnull=False
    ).first()
    gjz = demo_user("gjz_admin")
    with as_user(gjz), pytest.raises(ActionError):
        actions.record_contract(
            gjz,
            unit("210211"),
            level="regional",
            enterprises=[zs_enterprise],
            title="越权合同",
            kind="comprehensive",
            employer_party="某",
            term_start=today(),
            term_end=today().replace(year=today().year + 1),
        )

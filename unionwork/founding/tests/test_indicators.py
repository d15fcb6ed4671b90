"""The founding rate is kept rolled up at every level, at once, and agrees with a plain count."""

import datetime

import pytest

from unionwork.core import audit, indicators
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions
from unionwork.founding.indicators import KEY, KEYS, rebuild_all
from unionwork.founding.models import Enterprise
from unionwork.orgs import actions as org_actions

pytestmark = pytest.mark.django_db


def agree(*codes):
    """Roll-up equals the plain aggregate at each level named, for every kept founding figure
    (the rate, the own-union split, employees, operating enterprises: the founding table's columns)."""
    for code in codes:
        u = unit(code)
        for key in KEYS:
            fig, live = indicators.value(key, u), indicators.live_totals(key, u.path)
            assert (fig.numerator, fig.denominator) == (live.numerator, live.denominator), (code, key)


@pytest.fixture
def admin():
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        rebuild_all()
        yield user


def register(admin, n: int, employees: int = 50):
    from unionwork.core.identifiers import uscc_with_check as with_check

    return actions.register_enterprise(
        admin,
        uscc=with_check(f"91210211MA{n:07d}"),
        name=f"大连演示指标企业{n}有限公司",
        ownership="private",
        industry="C",
        community=unit("210211001001"),
        employees=employees,
    )


def test_founding_changes_show_at_every_level_at_once(admin):
    levels = ("210211001001", "210211001", "210211", "2102")
    before = {c: indicators.value(KEY, unit(c)) for c in levels}
    e = register(admin, 1)
    for c in levels:
        assert indicators.value(KEY, unit(c)).denominator == before[c].denominator + 1
    record = actions.found_union(admin, enterprises=[e], founded_on=datetime.date(2026, 3, 1))
    for c in levels:
        assert indicators.value(KEY, unit(c)).numerator == before[c].numerator + 1
    agree(*levels)
    # Deregistering the union on the organisation pages uncovers the enterprise at once.
    org_actions.deregister_unit(admin, record.unit, reason="测试")
    for c in levels:
        assert indicators.value(KEY, unit(c)).numerator == before[c].numerator
    agree(*levels)
    org_actions.reactivate_unit(admin, record.unit, reason="测试")
    agree(*levels)
    actions.close_enterprise(admin, e, reason="测试")
    agree(*levels)


def test_small_enterprises_and_rule_changes(admin):
    small = register(admin, 2, employees=0)
    assert Enterprise.objects.filter(pk=small.pk).exists()
    agree("210211001", "210211")
    city_admin = demo_user("city_admin")
    actions.update_rule(city_admin, own_union_min_employees=100, joint_union_min_employees=50)
    agree("210211001", "210211", "2102")


def test_rebuild_equals_the_kept_figures(admin):
    e = register(admin, 3)
    actions.found_union(admin, enterprises=[e], founded_on=datetime.date(2026, 3, 1))
    codes = ("210211001", "210211", "2102")
    kept = {(c, k): indicators.value(k, unit(c)) for c in codes for k in KEYS}
    rebuild_all()
    assert kept == {(c, k): indicators.value(k, unit(c)) for c in codes for k in KEYS}

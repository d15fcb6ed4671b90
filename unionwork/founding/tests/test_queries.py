"""Founding figures: every level is the sum of its children, numerators and denominators alike."""

import datetime

import pytest

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions, queries
from unionwork.founding.models import Enterprise, EnterpriseStatus
from unionwork.orgs.models import OrgKind

from . import factories

pytestmark = pytest.mark.django_db
MEASURES = (
    "enterprises",
    "operating",
    "expected",
    "expected_own",
    "founded",
    "founded_own",
    "employees_expected",
    "employees_covered",
)


@pytest.fixture
def data():
    """Enterprises over communities of two districts, some founded, one closed."""
    with audit.acting_as(None, "test"):
        gjz = factories.communities("210211", 6)
        zs = factories.communities("210202", 3)
        factories.many(gjz + zs, 6)
        some = list(Enterprise.objects.filter(community__in=gjz, employees__gte=25).order_by("pk")[:5])
        for e in some[:4]:
            actions.found_union(None, enterprises=[e], founded_on=datetime.date(2025, 4, 1))
        small = list(Enterprise.objects.filter(community=gjz[0], employees__lt=25).order_by("pk")[:2])
        actions.found_union(
            None,
            enterprises=small,
            kind=OrgKind.JOINT,
            name="演示联合工会",
            founded_on=datetime.date(2025, 6, 1),
        )
        actions.close_enterprise(None, some[4], closed_on=datetime.date(2025, 1, 1))
    return {"gjz": gjz, "zs": zs}


def _assert_sum(table, whole):
    for m in MEASURES:
        assert sum(getattr(r, m) for r in table.all_rows) == getattr(table.total, m) == getattr(whole, m), m


@pytest.mark.parametrize("code", ["2102", "210211", "210211001"])
def test_each_level_is_the_sum_of_its_children(data, code):
    city = demo_user("city_admin")
    node = unit(code)
    table = queries.rate_by_children(city, node)
    whole = queries.founding_rate(city, node)
    assert whole.expected > 0 and whole.founded > 0
    _assert_sum(table, whole)
    for breakdown in (queries.rate_by_ownership(city, node), queries.rate_by_industry(city, node)):
        for m in MEASURES:
            assert sum(getattr(r, m) for r in breakdown) == getattr(whole, m), m


def test_the_figures_follow_the_rule(data):
    city = demo_user("city_admin")
    gjz = unit("210211")
    whole = queries.founding_rate(city, gjz)
    qs = Enterprise.objects.filter(community__path__startswith=gjz.path, status=EnterpriseStatus.OPERATING)
    assert whole.expected == qs.filter(employees__gte=1).count()
    assert whole.expected_own == qs.filter(employees__gte=25).count()
    assert whole.founded == 6 and whole.founded_own == 4
    assert whole.rate == round(6 * 100 / whole.expected, 1)
    with audit.acting_as(city, "test"):
        actions.update_rule(city, own_union_min_employees=25, joint_union_min_employees=10)
    narrower = queries.founding_rate(city, gjz)
    assert narrower.expected == qs.filter(employees__gte=10).count()
    assert narrower.founded == 4  # the joint union's enterprises have 3 employees: out now


def test_children_are_one_query_however_many(data, django_assert_max_num_queries):
    city = demo_user("city_admin")
    root = unit("2102")
    with django_assert_max_num_queries(4):  # rule, group by, children, units outside the list
        table = queries.rate_by_children(city, root)
    assert len(table.rows) >= 10


def test_a_district_sees_only_its_own(data):
    gjz_admin = demo_user("gjz_admin")
    seen = queries.enterprises(gjz_admin)
    assert seen.count() == 36 and not seen.filter(community__code__startswith="210202").exists()
    table = queries.rate_by_children(gjz_admin, unit("210211"))
    assert all(r.unit.path.startswith(unit("210211").path) for r in table.rows)
    # Asking for the city's figure as a district user yields the district's part only.
    assert queries.founding_rate(gjz_admin, unit("2102")).enterprises == 36


def test_an_industrial_union_sees_its_unions_enterprises_by_district(data):
    city = demo_user("city_admin")
    e = Enterprise.objects.filter(community__in=data["zs"], employees__gte=25).first()
    with audit.acting_as(city, "test"):
        actions.found_union(
            city, enterprises=[e], founded_on=datetime.date(2025, 5, 5), industrial_union=unit("I01")
        )
    jx = demo_user("jx_admin")
    assert list(queries.enterprises(jx)) == [e]
    table = queries.rate_by_children(jx, unit("I01"))
    assert [r.unit.code for r in table.rows] == ["210202"] and table.total.founded == 1
    # The page scans once for its table and its breakdowns: the same figures as scanning for each.
    groups = queries.live_groups(jx, unit("I01"))
    assert queries.rate_by_children(jx, unit("I01"), groups=groups) == table
    from unionwork.founding.tests.test_indicators import shape

    assert shape(queries.kept_breakdowns(jx, unit("I01"))) == shape(queries.rate_breakdowns(jx, unit("I01")))
    assert queries.kept_table(jx, unit("I01")) == table
    by_ownership, _by_industry = queries.rate_breakdowns(jx, unit("I01"), groups=groups)
    assert sum(r.founded for r in by_ownership) == table.total.founded
    # The members' 入会率 reads the employees alone: the table's, district by district.
    employees = {r.unit.pk: r.employees_covered for r in table.rows if r.employees_covered}
    employees[unit("I01").pk] = table.total.employees_covered
    assert queries.employees_by_child(jx, unit("I01")) == employees
    for code in ("2102", "210211"):
        whole = queries.rate_by_children(demo_user("city_admin"), unit(code))
        got = queries.employees_by_child(demo_user("city_admin"), unit(code))
        assert got[unit(code).pk] == whole.total.employees_covered
        assert {r.unit.pk: r.employees_covered for r in whole.rows if r.employees_covered} == {
            k: v for k, v in got.items() if k != unit(code).pk and v
        }
    counts = queries.union_counts(jx, unit("I01"), 2025)
    assert counts.active == 1 and counts.founded_this_year == 1


def test_an_industrial_unions_target_counts_its_linked_unions_of_the_year(
    data, django_assert_max_num_queries
):
    """An industrial union's progress against its target is the unions linked to it that were
    founded in the year (by its industrial path, wherever they lie), and its page's 本年新建 column
    is the same unions by district. It has no children to split a target to, so the overview
    counts nothing by child for it: the targets, the units below, and its own count."""
    city = demo_user("city_admin")
    iu = unit("I01")
    operating = Enterprise.objects.filter(employees__gte=25, status=EnterpriseStatus.OPERATING).order_by("pk")
    zs = operating.filter(community__in=data["zs"])
    gjz = operating.filter(community__in=data["gjz"], union__isnull=True)
    year = datetime.date.today().year
    with audit.acting_as(city, "test"):
        actions.set_target(city, unit=iu, year=year, target=5, deadline=datetime.date(year, 12, 31))
        for e, founded_on in ((zs[0], datetime.date(year, 1, 5)), (gjz.first(), datetime.date(year, 1, 6))):
            actions.found_union(city, enterprises=[e], founded_on=founded_on, industrial_union=iu)
        actions.found_union(  # linked, but founded the year before: not this year's
            city, enterprises=[zs[1]], founded_on=datetime.date(year - 1, 3, 1), industrial_union=iu
        )
        actions.found_union(city, enterprises=[zs[2]], founded_on=datetime.date(year, 2, 1))  # not linked
    jx = demo_user("jx_admin")
    for user in (city, jx):
        with django_assert_max_num_queries(5):
            overview = queries.target_overview(user, iu, year)
        assert (overview.node.founded, overview.node.founded_on_time) == (2, 2)
        assert overview.node.target.target == 5 and overview.rows == []
        by_district = queries.founded_by_child(user, iu, year)
        assert by_district == {unit("210202").path: 1, unit("210211").path: 1}
        assert sum(by_district.values()) == overview.node.founded


def test_the_enterprise_scope_in_its_indexed_form_is_the_path_rule(data, monkeypatch):
    """Enterprises are scoped by "the community (the union) is one of the units under the path"
    on their own columns, an index scan where the joined paths made the database read every
    enterprise: the same enterprises as the plain rule (the community's path, the union's
    industrial path), for every kind of account, a linked union (a list of ids) and an industrial
    union's many (a subquery)."""
    from django.db.models import Q

    from unionwork.core.scope import prefix_q
    from unionwork.founding import models as founding_models
    from unionwork.founding.models import _user_industries

    with audit.acting_as(None, "test"):
        linked = Enterprise.objects.filter(community__in=data["zs"]).order_by("pk").first()
        actions.found_union(
            None, enterprises=[linked], founded_on=datetime.date(2025, 5, 5), industrial_union=unit("I01")
        )
    users = [demo_user(n) for n in ("city_admin", "gjz_admin", "zs_admin", "jx_admin")]
    for listed in (founding_models._LINKED_LISTED, 0):
        monkeypatch.setattr(founding_models, "_LINKED_LISTED", listed)
        for user in users:
            plain = prefix_q("community__path", user.org_path) | prefix_q("union__ipath", user.org_path)
            industries = _user_industries(user)
            if industries:
                plain |= Q(industry__in=industries)
            expected = set(Enterprise.objects.filter(plain).values_list("pk", flat=True))
            got = set(Enterprise.objects.restrict(user).values_list("pk", flat=True))
            assert got == expected, (user.username, listed)
            assert got, user.username
    jx = set(Enterprise.objects.restrict(demo_user("jx_admin")).values_list("pk", flat=True))
    assert linked.pk in jx  # in 中山区, seen by the industrial union through its union


def test_union_counts_by_child_add_up(data):
    city = demo_user("city_admin")
    by_child = queries.union_counts_by_child(city, unit("2102"), 2025)
    total = queries.union_counts(city, unit("2102"), 2025)
    assert sum(c.active for c in by_child.values()) == total.active == 5  # founding records only
    assert total.joint == 1

import datetime

import pytest
from django.utils import timezone

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions, queries
from unionwork.founding.models import (
    Enterprise,
    EnterpriseEvent,
    EnterpriseStatus,
    FoundingRule,
    GrassrootsUnion,
    UnionStatus,
)
from unionwork.orgs import actions as org_actions
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus

from .factories import enterprise

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 3, 1)


@pytest.fixture
def gjz():
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        yield user


def test_register_and_update_keep_history(gjz):
    e = enterprise(unit("210211001001"), user=gjz, employees=12)
    actions.update_enterprise(gjz, e, employees=40, name="演示改名有限公司")
    e.refresh_from_db()
    assert (e.employees, e.name) == (40, "演示改名有限公司")
    verbs = list(
        AuditEvent.objects.filter(model="founding.enterprise", object_id=str(e.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["create", "update"]
    assert [ev.kind for ev in queries.enterprise_timeline(e)] == ["updated", "registered"]


def test_an_enterprise_cannot_be_registered_or_moved_outside_the_scope(gjz):
    with pytest.raises(ActionError, match="管辖范围"):
        enterprise(unit("210202001002"), user=gjz)
    e = enterprise(unit("210211001001"), user=gjz)
    with pytest.raises(ActionError, match="管辖范围"):
        actions.update_enterprise(gjz, e, community=unit("210202001002"))
    e.refresh_from_db()
    assert e.community == unit("210211001001")


def test_founding_a_union_creates_the_unit_the_record_and_covers_the_enterprise(gjz):
    e = enterprise(unit("210211001001"), user=gjz, employees=60)
    record = actions.found_union(
        gjz,
        enterprises=[e],
        founded_on=DAY,
        chairman_name="王演示",
        chairman_directly_elected=True,
        chairman_elected_on=DAY,
    )
    e.refresh_from_db()
    assert record.unit.kind == OrgKind.GRASSROOTS and record.unit.parent == e.community
    assert record.unit.name == e.name + "工会"
    assert e.union == record.unit and e.union_since == DAY
    assert OrgEvent.objects.filter(unit=record.unit, kind="created").exists()
    assert EnterpriseEvent.objects.filter(enterprise=e, kind="covered").exists()
    assert AuditEvent.objects.filter(
        model="founding.grassrootsunion", verb="found", actor_label="gjz_admin"
    ).exists()
    with pytest.raises(ActionError, match="已有工会"):
        actions.found_union(gjz, enterprises=[e], founded_on=DAY)


def test_founding_rules_are_enforced(gjz):
    a, b = enterprise(unit("210211001001"), user=gjz), enterprise(unit("210211001002"), user=gjz)
    with pytest.raises(ActionError, match="联合工会"):
        actions.found_union(gjz, enterprises=[a, b], founded_on=DAY)
    with pytest.raises(ActionError, match="重点项目"):
        actions.found_union(gjz, enterprises=[a], founded_on=DAY, is_project_union=True)
    with pytest.raises(ActionError, match="选举日期"):
        actions.found_union(gjz, enterprises=[a], founded_on=DAY, chairman_directly_elected=True)
    with pytest.raises(ActionError, match="晚于今天"):
        actions.found_union(
            gjz, enterprises=[a], founded_on=datetime.date.today() + datetime.timedelta(days=3)
        )
    actions.close_enterprise(gjz, a, closed_on=DAY)
    with pytest.raises(ActionError, match="已关闭"):
        actions.found_union(gjz, enterprises=[a], founded_on=DAY)
    assert not GrassrootsUnion.objects.filter(unit__covered_enterprises__in=[a, b]).exists()


def test_a_joint_union_sits_where_its_enterprises_meet(gjz):
    a, b = (
        enterprise(unit("210211001001"), user=gjz, employees=8),
        enterprise(unit("210211001002"), user=gjz, employees=5),
    )
    record = actions.found_union(
        gjz, enterprises=[a, b], kind=OrgKind.JOINT, name="演示街道联合工会", founded_on=DAY
    )
    assert record.unit.kind == OrgKind.JOINT and record.unit.parent == unit("210211001")
    assert set(Enterprise.objects.filter(union=record.unit)) == {a, b}
    c = enterprise(unit("210211001003"), user=gjz, employees=3)
    actions.cover_enterprises(gjz, record, [c], on=DAY)
    assert queries.covered_enterprises(record).count() == 3


def test_merge_and_dissolve_keep_the_records(gjz):
    a, b = enterprise(unit("210211001001"), user=gjz), enterprise(unit("210211001001"), user=gjz)
    ua = actions.found_union(gjz, enterprises=[a], founded_on=DAY)
    ub = actions.found_union(gjz, enterprises=[b], founded_on=DAY)
    actions.merge_unions(gjz, ua, ub, on=DAY, reason="企业合并")
    ua.refresh_from_db()
    ua.unit.refresh_from_db()
    a.refresh_from_db()
    assert ua.status == UnionStatus.MERGED and ua.merged_into == ub and ua.unit.status == OrgStatus.MERGED
    assert a.union == ub.unit
    actions.dissolve_union(gjz, ub, on=DAY, reason="企业破产")
    ub.refresh_from_db()
    a.refresh_from_db()
    b.refresh_from_db()
    assert ub.status == UnionStatus.DISSOLVED and ub.unit.status == OrgStatus.DEREGISTERED
    assert a.union is None and b.union is None
    assert GrassrootsUnion.objects.filter(pk__in=[ua.pk, ub.pk]).count() == 2  # kept


def test_a_union_merged_on_the_org_pages_carries_its_enterprises(gjz):
    a, b = enterprise(unit("210211001001"), user=gjz), enterprise(unit("210211001001"), user=gjz)
    ua = actions.found_union(gjz, enterprises=[a], founded_on=DAY)
    ub = actions.found_union(gjz, enterprises=[b], founded_on=DAY)
    org_actions.merge_units(gjz, ua.unit, ub.unit, reason="组织页面合并")
    a.refresh_from_db()
    ua.refresh_from_db()
    assert a.union == ub.unit and ua.status == UnionStatus.MERGED


def test_only_district_unions_found_in_their_district(gjz):
    zs_enterprise = Enterprise.objects.create(
        uscc="914403001922038216",
        name="演示中山企业",
        ownership="private",
        industry="C",
        employees=50,
        community=unit("210202001002"),
    )
    with pytest.raises(ActionError, match="管辖范围"):
        actions.found_union(gjz, enterprises=[zs_enterprise], founded_on=DAY)
    assert not Enterprise.objects.restrict(gjz).filter(pk=zs_enterprise.pk).exists()


def test_an_industrial_union_sees_its_linked_unions_enterprises_and_its_industries(gjz):
    i01 = unit("I01")
    linked = enterprise(unit("210211001001"), user=gjz, industry="F")
    actions.found_union(gjz, enterprises=[linked], founded_on=DAY, industrial_union=i01)
    other = enterprise(unit("210211001002"), user=gjz, industry="F")
    jx = demo_user("jx_admin")
    seen = set(Enterprise.objects.restrict(jx).values_list("pk", flat=True))
    assert linked.pk in seen and other.pk not in seen
    with audit.acting_as(None, "test"):
        actions.set_industries(None, i01, ["F"])
    jx = demo_user("jx_admin")  # a fresh user: the industries are cached per request
    assert other.pk in set(Enterprise.objects.restrict(jx).values_list("pk", flat=True))
    with pytest.raises(ActionError):
        actions.update_enterprise(jx, other, employees=1)  # seeing is not editing


def test_the_rule_is_the_city_administrators(gjz):
    with pytest.raises(ActionError, match="市总工会"):
        actions.update_rule(gjz, own_union_min_employees=10, joint_union_min_employees=1)
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        rule = actions.update_rule(
            city, own_union_min_employees=10, joint_union_min_employees=3, excluded_ownerships=["individual"]
        )
        with pytest.raises(ActionError, match="不能高于"):
            actions.update_rule(city, own_union_min_employees=5, joint_union_min_employees=8)
    assert FoundingRule.current().own_union_min_employees == 10
    assert "10 人及以上" in rule.describe() and "个体经营" in rule.describe()
    assert rule.expectation_of(12, "private", EnterpriseStatus.OPERATING) == "own"
    assert rule.expectation_of(5, "private", EnterpriseStatus.OPERATING) == "joint"
    assert rule.expectation_of(2, "private", EnterpriseStatus.OPERATING) == "out"
    assert rule.expectation_of(50, "individual", EnterpriseStatus.OPERATING) == "out"
    assert rule.expectation_of(50, "private", EnterpriseStatus.CLOSED) == "out"


def test_targets_are_set_above_and_split_below():
    city, gjz = demo_user("city_admin"), demo_user("gjz_admin")
    gjz_unit, zs_unit = unit("210211"), unit("210202")
    with audit.acting_as(city, "test"):
        actions.set_target(city, unit=unit("2102"), year=2025, target=300)
        actions.set_target(city, unit=gjz_unit, year=2025, target=100)
        actions.set_target(city, unit=zs_unit, year=2025, target=80)
    with audit.acting_as(gjz, "test"):
        with pytest.raises(ActionError, match="上级下达"):
            actions.set_target(gjz, unit=gjz_unit, year=2025, target=10)
        with pytest.raises(ActionError, match="无权"):
            actions.set_target(gjz, unit=unit("210202001"), year=2025, target=10)
        townships = list(gjz_unit.children.filter(kind=OrgKind.TOWNSHIP).order_by("code")[:3])
        actions.set_targets(gjz, parent=gjz_unit, year=2025, targets={t.pk: 30 for t in townships})
    problems = queries.target_problems(city, unit("2102"), 2025)
    by_unit = {p.unit.code: p for p in problems}
    assert by_unit["2102"].shortfall == 300 - 180  # the districts' 100 + 80 fall short of 300
    assert by_unit["210211"].shortfall == 10  # three townships of 30 fall short of 100
    assert "210202" not in by_unit and "210211001" not in by_unit  # not split at all: reported apart
    unsplit = {p.unit.code for p in queries.target_problems(city, unit("2102"), 2025, include_unsplit=True)}
    assert {"210202", "210211001"} <= unsplit
    # The district sees its own part only.
    assert {p.unit.code for p in queries.target_problems(gjz, gjz_unit, 2025)} == {"210211"}
    overview = queries.target_overview(gjz, gjz_unit, 2025)
    assert overview.node.value == 100 and overview.node.shortfall == 10
    assert overview.problems and "还差 10" in overview.problems[0]
    assert [r.value for r in overview.rows[:3]] == [30, 30, 30]


def test_target_progress_counts_unions_founded_in_the_year_by_the_deadline(gjz):
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        actions.set_target(
            city, unit=unit("210211"), year=2025, target=2, deadline=datetime.date(2025, 9, 30)
        )
    e1, e2 = enterprise(unit("210211001001"), user=gjz), enterprise(unit("210211001002"), user=gjz)
    first = actions.found_union(gjz, enterprises=[e1], founded_on=datetime.date(2025, 5, 1))
    actions.found_union(gjz, enterprises=[e2], founded_on=datetime.date(2025, 10, 8))
    # Both reached the platform today, after 30 September 2025: founded in the year, neither credited
    # within the deadline, although one states 1 May (deadline credit goes by the entry date).
    overview = queries.target_overview(city, unit("2102"), 2025)
    row = next(r for r in overview.rows if r.unit.code == "210211")
    assert (row.founded, row.founded_on_time, row.remaining) == (2, 0, 2)
    # Entered on 30 September (the last day), the 1 May one is credited; entered on 1 October, not.
    record = first
    for entered, credited in (
        (datetime.datetime(2025, 9, 30, 23, 0), 1),
        (datetime.datetime(2025, 10, 1, 0, 5), 0),
    ):
        GrassrootsUnion.objects.filter(pk=record.pk).update(created_at=timezone.make_aware(entered))
        overview = queries.target_overview(city, unit("2102"), 2025)
        row = next(r for r in overview.rows if r.unit.code == "210211")
        assert (row.founded, row.founded_on_time) == (2, credited), entered
    GrassrootsUnion.objects.filter(pk=record.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2025, 6, 2))
    )
    row = next(r for r in queries.target_overview(city, unit("2102"), 2025).rows if r.unit.code == "210211")
    assert (row.founded, row.founded_on_time, row.remaining) == (2, 1, 1)
    assert row.overdue  # today is past 30 September 2025 and one is missing
    series = queries.three_year_series(city, unit("210211"), 2025)
    assert len(series["labels"]) == 36 and series["cumulative"][-1] >= 2
    assert series["plan"][-4] == pytest.approx(series["plan"][-1])  # reached by September


def test_a_nodes_own_progress_is_its_subtrees_whatever_its_childrens_deadlines(gjz):
    """The node's row counts every union founded in the year under it, credited by its own
    deadline (not its children's), once: an industrial union's linked unions lie in a district."""
    city_user = demo_user("city_admin")
    city, gjz_unit = unit("2102"), unit("210211")
    with audit.acting_as(city_user, "test"):
        actions.set_target(city_user, unit=city, year=2025, target=5, deadline=datetime.date(2025, 12, 31))
        actions.set_target(city_user, unit=gjz_unit, year=2025, target=2, deadline=datetime.date(2025, 6, 30))
    founded = [
        actions.found_union(gjz, enterprises=[enterprise(unit(code), user=gjz)], founded_on=day)
        for code, day in (
            ("210211001001", datetime.date(2025, 3, 1)),
            ("210211001002", datetime.date(2025, 8, 1)),
        )
    ]
    entered = (datetime.datetime(2025, 3, 2, 9, 0), datetime.datetime(2025, 8, 2, 9, 0))
    for record, when in zip(founded, entered, strict=True):
        GrassrootsUnion.objects.filter(pk=record.pk).update(created_at=timezone.make_aware(when))
    overview = queries.target_overview(city_user, city, 2025)
    district = next(r for r in overview.rows if r.unit.code == "210211")
    assert (district.founded, district.founded_on_time) == (2, 1)  # by 30 June: the March one
    # The city's own row: every union of the year under it, credited by 31 December.
    expected = queries._founded_in(city_user, city, 2025, datetime.date(2025, 12, 31))
    assert (overview.node.founded, overview.node.founded_on_time) == expected
    assert overview.node.founded >= 2 and overview.node.founded_on_time >= 2
    assert overview.node.founded == sum(
        r.founded for r in overview.rows if r.unit.kind != OrgKind.INDUSTRIAL
    ) + (overview.founded_by_child.get(city.path, 0))
    # An industrial union's own row counts its linked unions (by industrial path).
    jx = demo_user("jx_admin").org
    jx_overview = queries.target_overview(city_user, jx, 2025)
    assert (jx_overview.node.founded, jx_overview.node.founded_on_time) == queries._founded_in(
        city_user, jx, 2025, None
    )


def test_a_target_sheet_is_saved_whole_or_not_at_all():
    """The node's own target and its split are one transaction: a refused line saves nothing."""
    from unionwork.founding.models import FoundingTarget

    city = demo_user("city_admin")
    root, gjz_unit = unit("2102"), unit("210211")
    not_a_child = unit("210211001")
    with audit.acting_as(city, "test"):
        before = AuditEvent.objects.count()
        with pytest.raises(ActionError, match="直接下级"):
            actions.save_target_sheet(
                city, unit=root, year=2031, targets={root.pk: 300, gjz_unit.pk: 100, not_a_child.pk: 5}
            )
        assert not FoundingTarget.objects.filter(year=2031).exists()
        assert AuditEvent.objects.count() == before
        saved = actions.save_target_sheet(
            city, unit=root, year=2031, targets={root.pk: 300, gjz_unit.pk: 100}
        )
    assert sorted(t.target for t in saved) == [100, 300]
    assert AuditEvent.objects.filter(verb="set_target").count() >= 2


def test_the_bureau_list_closes_missing_enterprises_through_the_action(gjz):
    e = enterprise(unit("210211001001"), user=gjz, employees=12)
    with pytest.raises(ActionError):
        actions.close_enterprises(demo_user("zs_admin"), [e.pk], summary="x")  # another district
    assert actions.close_enterprises(gjz, [e.pk], summary="名录中已无此企业", note="导入") == 1
    e.refresh_from_db()
    assert e.status == EnterpriseStatus.CLOSED and e.closed_on is not None
    assert EnterpriseEvent.objects.filter(enterprise=e, kind=EnterpriseEvent.Kind.CLOSED).exists()
    assert AuditEvent.objects.filter(model="founding.enterprise", object_id=str(e.pk), verb="close").exists()

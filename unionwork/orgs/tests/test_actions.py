import pytest

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs import actions
from unionwork.orgs.models import OrgEvent, OrgKind, OrgStatus, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gjz():
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        yield user


def test_the_real_tree_is_loaded():
    assert OrgUnit.objects.filter(kind=OrgKind.DISTRICT).count() == 10
    assert OrgUnit.objects.filter(kind=OrgKind.TOWNSHIP).count() == 152
    assert OrgUnit.objects.filter(kind=OrgKind.COMMUNITY).count() == 1832
    city = OrgUnit.objects.get(kind=OrgKind.CITY)
    assert city.name == "大连市总工会" and city.code == "2102"
    assert unit("210211").name == "甘井子区总工会"
    assert (
        unit("210202001002").name == "春海社区工会" and unit("210202001002").division_name == "春海社区居委会"
    )
    # Every path is its parent's path plus its own id.
    for u in OrgUnit.objects.exclude(parent=None).select_related("parent")[:500]:
        assert u.path == f"{u.parent.path}{u.pk}/" and u.depth == u.parent.depth + 1


def test_create_rename_and_history(gjz):
    community = unit("210211001001")
    new = actions.create_unit(gjz, parent=community, name="大连演示测试有限公司工会", kind=OrgKind.GRASSROOTS)
    assert new.path == f"{community.path}{new.pk}/"
    actions.update_unit(gjz, new, name="大连演示测试股份公司工会", reason="企业改制")
    new.refresh_from_db()
    assert new.name == "大连演示测试股份公司工会"
    kinds = list(OrgEvent.objects.filter(unit=new).order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "renamed"]
    verbs = list(
        AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(new.pk))
        .order_by("id")
        .values_list("verb", "actor_label")
    )
    assert verbs == [("create", "gjz_admin"), ("update", "gjz_admin")]


def test_event_kind_follows_the_fields_changed_not_the_wording(gjz):
    new = actions.create_unit(gjz, parent=unit("210211001001"), name="演示改码工会", kind=OrgKind.GRASSROOTS)
    actions.update_unit(gjz, new, code="DEMO-K1")  # the code alone: an update
    actions.update_unit(gjz, new, name="演示改码工会二", code="DEMO-K2")  # name and code: an update
    actions.update_unit(gjz, new, name="演示改码工会三")  # the name alone: a renaming
    kinds = list(OrgEvent.objects.filter(unit=new).order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "updated", "updated", "renamed"]


def test_move_rewrites_the_whole_subtree(gjz):
    township, other_township = unit("210211001"), unit("210211002")
    community = OrgUnit.objects.filter(parent=township).first()
    child = actions.create_unit(gjz, parent=community, name="演示企业工会", kind=OrgKind.GRASSROOTS)
    actions.move_unit(gjz, community, other_township, reason="区划调整")
    community.refresh_from_db()
    child.refresh_from_db()
    assert community.parent_id == other_township.pk
    assert community.path == f"{other_township.path}{community.pk}/"
    assert child.path == f"{community.path}{child.pk}/"


def test_a_move_that_makes_a_cycle_is_refused(gjz):
    township = unit("210211001")
    community = OrgUnit.objects.filter(parent=township).first()
    with pytest.raises(ActionError, match="循环"):
        actions.move_unit(gjz, township, community)
    township.refresh_from_db()
    assert township.parent == unit("210211")


def test_a_unit_cannot_stand_under_a_wrong_kind(gjz):
    with pytest.raises(ActionError, match="不能隶属于"):
        actions.move_unit(gjz, unit("210211001001"), unit("210211"))


def test_merge_moves_children_and_keeps_the_source(gjz):
    a, b = unit("210211001001"), unit("210211001002")
    child = actions.create_unit(gjz, parent=a, name="演示企业工会甲", kind=OrgKind.GRASSROOTS)
    actions.merge_units(gjz, a, b, reason="社区合并")
    a.refresh_from_db()
    child.refresh_from_db()
    assert a.status == OrgStatus.MERGED and a.merged_into == b
    assert child.parent_id == b.pk and child.path.startswith(b.path)
    assert OrgEvent.objects.filter(unit=b, kind=OrgEvent.Kind.MERGED).exists()


def test_deregistered_unit_is_kept(gjz):
    u = actions.create_unit(gjz, parent=unit("210211001001"), name="演示将注销工会", kind=OrgKind.GRASSROOTS)
    with pytest.raises(ActionError, match="原因"):
        actions.deregister_unit(gjz, u, reason="")
    actions.deregister_unit(gjz, u, reason="企业关闭")
    u.refresh_from_db()
    assert u.status == OrgStatus.DEREGISTERED
    assert OrgUnit.objects.filter(pk=u.pk).exists()
    actions.reactivate_unit(gjz, u, reason="恢复经营")
    u.refresh_from_db()
    assert u.is_active


def test_a_unit_with_active_children_cannot_be_deregistered(gjz):
    with pytest.raises(ActionError, match="下级组织"):
        actions.deregister_unit(gjz, unit("210211001"), reason="测试")


def test_outside_scope_and_without_role_is_refused():
    zs_unit = unit("210202001")
    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        with pytest.raises(ActionError, match="管辖范围"):
            actions.update_unit(user, zs_unit, name="越权改名")
        with pytest.raises(ActionError, match="管辖范围"):
            actions.move_unit(user, unit("210211001001"), zs_unit)
    viewer = demo_user("gjz_viewer")
    with audit.acting_as(viewer, "test"), pytest.raises(ActionError, match="角色"):
        actions.update_unit(viewer, unit("210211001"), name="查看员改名")
    assert unit("210202001").name == zs_unit.name


def test_one_cannot_move_or_deregister_ones_own_node(gjz):
    with pytest.raises(ActionError, match="本账号所属"):
        actions.deregister_unit(gjz, unit("210211"), reason="测试")


def test_bad_names_are_refused(gjz):
    with pytest.raises(ActionError, match="过长"):
        actions.create_unit(gjz, parent=unit("210211001001"), name="长" * 101, kind=OrgKind.GRASSROOTS)
    with pytest.raises(ActionError, match="不能为空"):
        actions.create_unit(gjz, parent=unit("210211001001"), name="  ", kind=OrgKind.GRASSROOTS)
    with pytest.raises(ActionError, match="已被其他组织使用"):
        actions.create_unit(
            gjz, parent=unit("210211001001"), name="重复代码", kind=OrgKind.GRASSROOTS, code="210211"
        )


def test_industrial_union_user_sees_linked_units_across_districts():
    jx = demo_user("jx_admin")
    visible = set(OrgUnit.objects.restrict(jx).values_list("code", flat=True))
    assert {"I01", "G0001", "G0003"} <= visible  # G0001 in 甘井子区, G0003 in 中山区
    assert "G0002" not in visible and "210211" not in visible and "210202" not in visible


def test_relinking_a_union_moves_it_between_industrial_scopes(gjz):
    g = unit("G0002")
    actions.update_unit(gjz, g, industrial_union=unit("I01"))
    assert OrgUnit.objects.restrict(demo_user("jx_admin")).filter(pk=g.pk).exists()
    actions.update_unit(gjz, g, industrial_union=None)
    assert not OrgUnit.objects.restrict(demo_user("jx_admin")).filter(pk=g.pk).exists()


def test_loading_divisions_twice_adds_nothing(acting, tmp_path):
    from unionwork.demo.foundation import load_divisions_default

    before = OrgUnit.objects.count()
    result = load_divisions_default()
    assert sum(result.created.values()) == 0 and OrgUnit.objects.count() == before


def test_loading_another_citys_files(acting, tmp_path):
    """The loader takes any city from files in the national format."""
    from unionwork.orgs.divisions import load_divisions

    (tmp_path / "cities.csv").write_text(
        'code,name,provinceCode\n2101,"沈阳市",21\n2102,"大连市",21\n', encoding="utf-8"
    )
    (tmp_path / "areas.csv").write_text(
        'code,name,cityCode,provinceCode\n210102,"和平区",2101,21\n', encoding="utf-8"
    )
    (tmp_path / "streets.csv").write_text(
        'code,name,areaCode,provinceCode,cityCode\n210102001,"浑河湾街道",210102,21,2101\n', encoding="utf-8"
    )
    (tmp_path / "villages.csv").write_text(
        'code,name,streetCode,provinceCode,cityCode,areaCode\n210102001001,"浑河湾村民委员会",210102001,21,2101,210102\n',
        encoding="utf-8",
    )
    with pytest.raises(ActionError, match="--city"):
        load_divisions(tmp_path)
    result = load_divisions(tmp_path, "2101")
    assert result.root.name == "沈阳市总工会"
    assert unit("210102001001").name == "浑河湾村工会"
    assert unit("210102001001").path.startswith(result.root.path)

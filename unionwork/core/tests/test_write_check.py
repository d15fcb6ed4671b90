"""One scope rule: what the pages offer is what the actions accept (issue 11, item 1).

The write check of a record that exists asks the record's restricted queryset
(``core.scope.check_record``); the check of a path not yet written (``core.scope.check``) is the
path rule of the same querysets, held equal here over the whole tree.
"""

import datetime

import pytest
from django.db.models import Q

from unionwork.core import audit, scope
from unionwork.core.errors import ActionError
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions as founding_actions
from unionwork.founding.models import Enterprise, GrassrootsUnion
from unionwork.founding.tests.factories import enterprise
from unionwork.members import actions as member_actions
from unionwork.members.models import Member
from unionwork.members.tests.helpers import register
from unionwork.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db
USERS = ("city_admin", "gjz_admin", "gjz_viewer", "zs_admin", "jx_admin")
DAY = datetime.date(2025, 3, 1)


@pytest.mark.parametrize("username", USERS)
def test_the_path_check_is_the_querysets_path_rule_over_the_whole_tree(username):
    user = demo_user(username)
    in_scope = set(OrgUnit.objects.restrict(user).values_list("pk", flat=True))
    units = list(OrgUnit.objects.values_list("pk", "path", "ipath"))
    assert {pk for pk, path, ipath in units if scope.path_in_scope(user, path, ipath)} == in_scope
    assert {pk for pk, path, ipath in units if scope.allows(user, "view", path, ipath)} == in_scope


@pytest.fixture
def linked():
    """Enterprises in two districts: one covered by a union linked to 机械冶金产业工会 (I01) in
    中山区, one of its declared industry in 甘井子区, one of another industry there."""
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        zs_e = enterprise(unit("210202001002"), user=city, industry="C", employees=60)
        founding_actions.found_union(city, enterprises=[zs_e], founded_on=DAY, industrial_union=unit("I01"))
        industry_e = enterprise(unit("210211001002"), user=city, industry="F")
        other_e = enterprise(unit("210211001002"), user=city, industry="G")
        founding_actions.set_industries(city, unit("I01"), ["F"])
    return {"zs": Enterprise.objects.get(pk=zs_e.pk), "industry": industry_e, "other": other_e}


def test_an_industrial_union_admin_can_update_every_enterprise_it_is_offered(linked):
    jx = demo_user("jx_admin")
    offered = list(Enterprise.objects.restrict(jx, "change"))
    assert linked["zs"] in offered  # linked through its union, in another district
    with audit.acting_as(jx, "test"):
        for e in offered:  # before: refused, the action asked the community's path only
            founding_actions.update_enterprise(jx, e, employees=e.employees + 1)
            founding_actions.close_enterprise(jx, e, closed_on=DAY)
            founding_actions.reopen_enterprise(jx, e)
    linked["zs"].refresh_from_db()
    assert linked["zs"].employees == 61


def test_an_enterprise_seen_for_its_industry_is_neither_offered_nor_changed(linked, client):
    jx = demo_user("jx_admin")
    e = linked["industry"]
    assert Enterprise.objects.restrict(jx).filter(pk=e.pk).exists()  # seen: its declared industry
    assert not Enterprise.objects.restrict(jx, "change").filter(pk=e.pk).exists()
    assert not Enterprise.objects.restrict(jx).filter(pk=linked["other"].pk).exists()
    with audit.acting_as(jx, "test"), pytest.raises(ActionError) as exc:
        founding_actions.update_enterprise(jx, e, employees=1)
    assert exc.value.code == "out_of_scope"
    with audit.acting_as(jx, "test"), pytest.raises(ActionError):
        founding_actions.found_union(jx, enterprises=[e], founded_on=DAY)
    client.force_login(jx)
    page = client.get(f"/founding/enterprises/{e.pk}/")
    assert page.status_code == 200 and not page.context["may_change"]
    assert client.get(f"/founding/enterprises/{e.pk}/edit/").status_code == 403
    zs = linked["zs"]
    page = client.get(f"/founding/enterprises/{zs.pk}/")
    assert page.context["may_change"]
    assert client.get(f"/founding/enterprises/{zs.pk}/edit/").status_code == 200


def test_a_district_admin_still_cannot_touch_other_districts(linked):
    gjz = demo_user("gjz_admin")
    zs_e = linked["zs"]
    union = GrassrootsUnion.objects.get(unit=zs_e.union)
    assert not Enterprise.objects.restrict(gjz, "change").filter(pk=zs_e.pk).exists()
    assert not scope.allows_on(gjz, "change", zs_e)
    with audit.acting_as(gjz, "test"):
        for attempt in (
            lambda: founding_actions.update_enterprise(gjz, zs_e, employees=1),
            lambda: founding_actions.close_enterprise(gjz, zs_e),
            lambda: founding_actions.update_union(gjz, union, chairman_name="某某"),
            lambda: founding_actions.dissolve_union(gjz, union, reason="试"),
        ):
            with pytest.raises(ActionError) as exc:
                attempt()
            assert exc.value.code == "out_of_scope"
        # Nor move one of its own out of its district.
        own = enterprise(unit("210211001001"), user=gjz)
        with pytest.raises(ActionError, match="管辖范围"):
            founding_actions.update_enterprise(gjz, own, community=unit("210202001002"))
    own.refresh_from_db()
    assert own.community == unit("210211001001")


def test_members_are_checked_by_the_register_rule():
    gjz, zs, jx = demo_user("gjz_admin"), demo_user("zs_admin"), demo_user("jx_admin")
    (in_zs,) = register("G0003")  # 中山区, linked to I01
    (in_gjz,) = register("G0002")  # 甘井子区, linked to I02
    for user in (gjz, zs, jx):
        seen = set(Member.objects.restrict(user, "change").values_list("pk", flat=True))
        # The register's declared ipath_q (linked paths) is the plain rule on the union's ipath.
        plain = Member.objects.filter(scope.scope_q(user, "org_path", "union__ipath"))
        assert seen == set(plain.values_list("pk", flat=True))
        for m in (in_zs, in_gjz):
            assert scope.record_in_scope(user, m, "change") == (m.pk in seen)
    assert scope.record_in_scope(jx, in_zs, "change") and not scope.record_in_scope(jx, in_gjz)
    with audit.acting_as(gjz, "test"), pytest.raises(ActionError) as exc:
        member_actions.end_membership(gjz, in_zs, "left")
    assert exc.value.code == "out_of_scope"


def test_check_records_refuses_the_whole_set_if_one_is_outside(linked):
    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        own = enterprise(unit("210211001001"), user=gjz)
    scope.check_records(gjz, [own], "change")
    with pytest.raises(ActionError):
        scope.check_records(gjz, [own, linked["zs"]], "change")
    scope.check_records(None, [linked["zs"]])  # the system acts anywhere


def test_a_module_declares_what_differs_and_cannot_override_the_rule():
    with pytest.raises(TypeError, match="extra_scope_q"):

        class Wrong(scope.ScopedQuerySet):
            def restrict(self, user, action="view"):
                return self

    class Declared(scope.ScopedQuerySet):
        def extra_scope_q(self, user, action):
            return Q(pk=0) if action == "view" else None

    assert Declared.restrict is scope.ScopedQuerySet.restrict

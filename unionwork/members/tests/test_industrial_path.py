"""The members keep their union's industrial path (``Member.org_ipath``): every way into the
register writes it, every change of a link to an industrial union (or a move) rewrites it, and an
industrial union's scope read through it is the rule itself (the union's industrial path)."""

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from unionwork.core import audit
from unionwork.core.imports.testing import csv_bytes, run_upload
from unionwork.core.models import ImportJob
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions
from unionwork.members.models import Member
from unionwork.orgs import actions as org_actions

from .helpers import new_id, new_unit, register

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "文化程度", "用工形式", "所在工会", "入会日期"]


def assert_kept():
    """Every member's industrial path is its union's, and some are linked (the check is not empty)."""
    wrong = list(
        Member._base_manager.exclude(org_ipath=F("union__ipath")).values_list(
            "name", "org_ipath", "union__ipath"
        )
    )
    assert wrong == []
    assert Member._base_manager.exclude(org_ipath="").exists()


def by_rule(user):
    """The industrial union's members by the rule as written (its path, or its union's industrial path)."""
    p = user.org.path
    return set(
        Member.objects.filter(Q(org_path__startswith=p) | Q(union__ipath__startswith=p)).values_list(
            "pk", flat=True
        )
    )


def unlinked(code: str = "TJ201"):
    """A grassroots union no industrial union is linked to (every demo union is linked to one)."""
    return new_unit(code, name=f"演示无产业工会{code}")


def test_every_way_into_the_register_writes_the_unions_industrial_path(acting):
    linked, plain = unit("G0001"), unlinked()
    assert linked.ipath and not plain.ipath
    (a,) = register("G0001")
    (b,) = register(plain.code)
    assert (a.org_ipath, b.org_ipath) == (linked.ipath, "")
    # a roster import (the one-pass writer, packed rows)
    rows = [HEADER] + [
        ["钱一", new_id(), "", "", "13904110000", "大学本科", "劳动合同制", code, "2020-05-01"]
        for code in ("G0001", plain.code, "G0003")
    ]
    job = run_upload(demo_user("city_admin"), "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.DONE, (job.message, job.errors)
    assert set(Member.objects.filter(name="钱一").values_list("union__code", "org_ipath")) == {
        ("G0001", linked.ipath),
        (plain.code, ""),
        ("G0003", unit("G0003").ipath),
    }
    # the demo's bulk writer (a city's register: batch by batch, rows as tuples)
    import random

    from unionwork.members import pii
    from unionwork.members.demo import _rows, _write, demo_people

    rows = _rows(demo_people(40, seed=4242), [linked, plain], pii.hasher(), random.Random(1), per_union=10)
    assert _write(rows, {linked.pk: linked, plain.pk: plain}, "测试") == 40
    assert sorted(
        Member.objects.filter(union__in=[linked, plain])
        .order_by()
        .values_list("union_id", "org_ipath")
        .distinct()
    ) == sorted([(linked.pk, linked.ipath), (plain.pk, "")])
    # a transfer, a release held by the street, an acceptance, and back
    with audit.acting_as(None, "test"):
        actions.transfer_member(None, a, plain)
        a.refresh_from_db()
        assert a.org_ipath == ""
        actions.transfer_member(None, a, linked)
        a.refresh_from_db()
        assert a.org_ipath == linked.ipath
    assert_kept()


def test_links_moves_and_merges_rewrite_the_members_industrial_paths(acting):
    jx, other = unit("I01"), unit("I02")
    plain = unlinked()
    register(plain.code, 2)
    register("G0001", 2)
    with audit.acting_as(None, "test"):
        # linked to an industrial union: its members follow
        org_actions.update_unit(None, plain, industrial_union=other, reason="测试")
        plain.refresh_from_db()
        assert plain.ipath.startswith(other.path)
        assert set(Member.objects.filter(union=plain).values_list("org_ipath", flat=True)) == {plain.ipath}
        assert_kept()
        # unlinked: they are no industrial union's any more
        org_actions.update_unit(None, plain, industrial_union=None, reason="测试")
        assert set(Member.objects.filter(union=plain).values_list("org_ipath", flat=True)) == {""}
        assert_kept()
        # moved under a joint union linked to an industrial union: they inherit its link
        joint = new_unit("TJ101", kind="joint", name="演示联合工会", industrial_union=jx)
        org_actions.move_unit(None, plain, joint)
        plain.refresh_from_db()
        assert plain.ipath.startswith(joint.ipath)
        assert set(Member.objects.filter(union=plain).values_list("org_ipath", flat=True)) == {plain.ipath}
        assert_kept()
        # merged into an unlinked union: its members take the target's (none)
        target = new_unit("TJ102", name="演示合并目标工会")
        org_actions.merge_units(None, plain, target, reason="测试")
    assert set(Member.objects.filter(union=target).values_list("org_ipath", flat=True)) == {""}
    assert Member.objects.filter(union=target).count() == 2
    assert_kept()


def test_an_industrial_unions_scope_through_the_kept_path_is_the_rule(acting):
    register("G0001", 3)
    register("G0003", 2)
    register("G0002", 2)
    jx = demo_user("jx_admin")
    seen = set(Member.objects.restrict(jx).values_list("pk", flat=True))
    assert seen == by_rule(jx)
    assert Member.objects.filter(union__code__in=["G0001", "G0003"]).count() >= 5
    assert not seen & set(Member.objects.filter(union__code="G0002").values_list("pk", flat=True))
    # and through the union's page's subtree filter (``under``) the same
    assert set(Member.objects.under(jx.org).values_list("pk", flat=True)) == seen
    # a territorial user's scope is unchanged by it
    gjz = demo_user("gjz_admin")
    assert set(Member.objects.restrict(gjz).values_list("pk", flat=True)) == set(
        Member.objects.filter(org_path__startswith=gjz.org.path).values_list("pk", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the form of the query on PostgreSQL")
def test_on_postgresql_the_union_s_query_names_no_list_of_its_units(acting):
    """The industrial union's list asks one range of the kept path, whatever the number of its
    linked units: the query does not name their paths (it did, one by one)."""
    register("G0001", 2)
    jx = demo_user("jx_admin")
    linked = list(
        unit("G0001").__class__.objects.filter(ipath__startswith=jx.org.path).values_list("path", flat=True)
    )
    assert linked
    with CaptureQueriesContext(connection) as ctx:
        list(Member.objects.restrict(jx).order_by("-pk")[:50])
    sql = ctx.captured_queries[-1]["sql"]
    assert "org_ipath" in sql
    assert not any(f"'{p}'" in sql for p in linked if not p.startswith(jx.org.path))

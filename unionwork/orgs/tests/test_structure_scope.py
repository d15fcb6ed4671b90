"""Issue 10 point 5: scope holds for structure. An industrial union manages the units linked to
it in any district, but cannot move them out of their district (page, API, import, merge)."""

import json
import logging

import pytest

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.imports.testing import csv_bytes, run_upload
from unionwork.core.models import ImportJob
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs import actions
from unionwork.orgs.models import OrgKind, OrgUnit

pytestmark = pytest.mark.django_db


def _unchanged(code: str, path: str) -> None:
    g = unit(code)
    assert g.path == path
    # the district still sees it
    assert OrgUnit.objects.restrict(demo_user("gjz_admin")).filter(pk=g.pk).exists()


def _refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "unionwork.security"]


def test_an_industrial_union_cannot_move_a_districts_union_through_the_api(client, caplog):
    g, before = unit("G0001"), unit("G0001").path  # in 甘井子区, linked to the industrial union I01
    jx = demo_user("jx_admin")
    assert OrgUnit.objects.restrict(jx).filter(pk=g.pk).exists()  # it manages it...
    with audit.acting_as(None, "test"):
        key = issue_token(jx, "测试")[1]
    with caplog.at_level(logging.WARNING, logger="unionwork.security"):
        r = client.post(
            f"/api/v1/orgs/{g.pk}/move",
            json.dumps({"parent_id": unit("I01").pk, "reason": "划入本产业工会"}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )
    assert r.status_code == 400
    assert "产业工会可以关联或取消关联组织，但不能调动其隶属关系" in r.json()["detail"]
    _unchanged("G0001", before)  # ...but cannot take it out of its district
    assert any("refused move" in m and "jx_admin" in m for m in _refusals(caplog))


def test_an_industrial_union_cannot_move_it_through_the_page(client):
    g, before = unit("G0001"), unit("G0001").path
    client.force_login(demo_user("jx_admin"))
    r = client.post(f"/orgs/{g.pk}/move/", {"new_parent": unit("I01").pk, "reason": "划入"})
    assert r.status_code == 400
    assert "不能调动其隶属关系" in r.content.decode()
    _unchanged("G0001", before)


def test_an_industrial_union_cannot_move_it_through_an_import():
    before = unit("G0001").path
    rows = [["组织代码", "组织名称", "组织类型", "上级组织"], ["G0001", unit("G0001").name, "", "I01"]]
    job = run_upload(demo_user("jx_admin"), "orgs.units", csv_bytes(rows), filename="组织.csv")
    assert job.status == ImportJob.Status.FAILED
    (issue,) = job.errors
    assert issue["column"] == "上级组织" and "不能调动其隶属关系" in issue["message"]
    _unchanged("G0001", before)


def test_an_industrial_union_cannot_merge_a_districts_union_into_its_own(caplog):
    jx = demo_user("jx_admin")
    with audit.acting_as(jx, "test"):
        own = actions.create_unit(None, parent=unit("I01"), name="产业工会直属工会", kind=OrgKind.GRASSROOTS)
        before = unit("G0001").path
        with caplog.at_level(logging.WARNING, logger="unionwork.security"):
            with pytest.raises(ActionError, match="不能调动其隶属关系"):
                actions.merge_units(jx, unit("G0001"), own, reason="并入")
    _unchanged("G0001", before)
    assert any("refused merge" in m for m in _refusals(caplog))


def test_what_an_industrial_union_may_still_do(client):
    """Within its own subtree it moves units; a linked unit it may unlink from itself."""
    jx = demo_user("jx_admin")
    with audit.acting_as(jx, "test"):
        joint = actions.create_unit(jx, parent=unit("I01"), name="产业联合工会", kind=OrgKind.JOINT)
        own = actions.create_unit(jx, parent=unit("I01"), name="产业直属工会", kind=OrgKind.GRASSROOTS)
        actions.move_unit(jx, own, joint, reason="归入联合工会")
        assert unit_by_pk(own.pk).parent_id == joint.pk
        actions.update_unit(jx, unit("G0001"), industrial_union=None, reason="取消关联")
    assert unit("G0001").industrial_union_id is None
    assert not OrgUnit.objects.restrict(jx).filter(code="G0001").exists()


def test_the_district_still_moves_its_own_units():
    gjz = demo_user("gjz_admin")
    g = unit("G0001")
    with audit.acting_as(gjz, "test"):
        actions.move_unit(gjz, g, unit("210211001"), reason="区划调整")
    assert unit("G0001").parent_id == unit("210211001").pk


def unit_by_pk(pk: int) -> OrgUnit:
    return OrgUnit.objects.get(pk=pk)

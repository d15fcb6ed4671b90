"""The standardisation checklist of foreign-invested enterprises: items set by the city, checks
recorded where the enterprise lies."""

import pytest

from unionwork.bargaining import actions, queries
from unionwork.bargaining.models import FOREIGN, StandardCheck, StandardItem
from unionwork.core.errors import ActionError
from unionwork.founding.models import Enterprise

from .helpers import as_user, demo_user, unit

pytestmark = pytest.mark.django_db


def test_city_sets_items_districts_check_their_enterprises(client, module_demos):
    city, gjz = demo_user("city_admin"), demo_user("gjz_admin")
    with as_user(gjz), pytest.raises(ActionError):
        actions.add_standard_item(gjz, kind="congress", text="越权项目")
    with as_user(city):
        item = actions.add_standard_item(city, kind="bargaining", text="协商指导员参与协商")
    e = Enterprise.objects.filter(
        community__path__startswith=unit("210211").path, ownership__in=FOREIGN, status="operating"
    ).first()
    client.force_login(gjz)
    assert client.get("/bargaining/standard/").status_code == 200
    assert client.get(f"/bargaining/standard/{e.pk}/").status_code == 200
    url = f"/bargaining/standard/{e.pk}/check/"
    assert client.get(url).status_code == 200
    resp = client.post(url, {f"item_{item.pk}": "on", "checked_on": "2026-01-05", "note": "检查"})
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert StandardCheck.objects.get(enterprise=e, item=item).met
    row = queries.standard_rows(gjz).get(pk=e.pk)
    assert row.met_count >= 1 and row.items_total == StandardItem.objects.filter(active=True).count()
    zs_e = Enterprise.objects.filter(
        community__path__startswith=unit("210202").path, ownership__in=FOREIGN
    ).first()
    assert client.get(f"/bargaining/standard/{zs_e.pk}/").status_code == 404
    assert client.get(f"/bargaining/standard/{zs_e.pk}/check/").status_code == 404
    client.force_login(demo_user("gjz_viewer"))
    assert client.get(f"/bargaining/standard/{e.pk}/").status_code == 200
    assert client.get(f"/bargaining/standard/{e.pk}/check/").status_code == 403
    with as_user(city):
        actions.retire_standard_item(city, item)
    assert StandardItem.objects.filter(pk=item.pk, active=False).exists()


def test_the_list_finds_an_enterprise_by_name_or_code_and_filters_by_place_and_type(client, module_demos):
    gjz = demo_user("gjz_admin")
    client.force_login(gjz)
    rows = list(queries.standard_rows(gjz).order_by("pk"))
    assert len(rows) >= 2
    e = rows[0]

    def names(**params):
        resp = client.get("/bargaining/standard/", params)
        assert resp.status_code == 200
        return {row.obj.name for row in resp.context["rows"]}

    assert e.name in names(q=e.name)
    assert names(q=e.name) <= {r.name for r in rows if e.name in r.name}
    assert names(q=e.uscc.lower()) == {e.name}
    assert names(q="不存在的外资企业") == set()
    other = next(o for o in FOREIGN if o != e.ownership)
    assert e.name not in names(ownership=other)
    assert e.name in names(ownership=e.ownership)
    street = e.community.parent
    in_street = names(under=street.code)
    assert e.name in in_street
    assert in_street <= {r.name for r in rows if r.community.path.startswith(street.path)}
    # 中山区's enterprises are not found by searching for them.
    zs = Enterprise.objects.filter(
        community__path__startswith=unit("210202").path, ownership__in=FOREIGN
    ).first()
    assert names(q=zs.uscc) == set()

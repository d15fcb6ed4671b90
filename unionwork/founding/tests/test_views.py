"""The founding pages: they work, they stay in scope, and the exports add up."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions, queries
from unionwork.founding.models import Enterprise, FoundingRule, FoundingTarget
from unionwork.orgs.models import OrgKind

from . import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def world():
    """A few enterprises, unions and targets in 甘井子区 and in 中山区."""
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        gjz_c = factories.communities("210211", 3)
        factories.many(gjz_c, 4)
        gjz_e = Enterprise.objects.filter(community__in=gjz_c, employees__gte=25).order_by("pk")
        gjz_union = actions.found_union(city, enterprises=[gjz_e[0]], founded_on=DAY)
        zs_e = factories.enterprise(unit("210202001002"), user=city, name="演示中山测试企业", employees=80)
        zs_union = actions.found_union(city, enterprises=[zs_e], founded_on=DAY, chairman_name="中山主席")
        zs_target = actions.set_target(city, unit=unit("210202"), year=2026, target=5)
        gjz_target = actions.set_target(city, unit=unit("210211"), year=2026, target=6)
    return {
        "zs": [zs_e.pk, zs_union.pk, zs_target.pk, unit("210202").pk, unit("210202001").pk, zs_union.unit.pk],
        "gjz_union": gjz_union,
        "gjz_target": gjz_target,
        "gjz_enterprise": gjz_e[1],
    }


def test_pages_render_for_the_district(client, world):
    client.force_login(demo_user("gjz_admin"))
    u, t, e = world["gjz_union"], world["gjz_target"], world["gjz_enterprise"]
    for url in [
        "/founding/",
        f"/founding/unit/{unit('210211001').pk}/",
        "/founding/enterprises/",
        "/founding/enterprises/?has_union=no&expected=own&ownership=private",
        f"/founding/enterprises/{e.pk}/",
        "/founding/unions/",
        f"/founding/unions/{u.pk}/",
        "/founding/unions/new/",
        f"/founding/unions/new/?enterprise={e.pk}",
        "/founding/targets/",
        f"/founding/targets/{t.pk}/letter/",
        "/founding/rule/",
        "/founding/enterprises/import/",
        f"/founding/enterprises/{e.pk}/edit/",
        f"/founding/unions/{u.pk}/edit/",
    ]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "甘井子区" in resp.content.decode() or url.endswith("/edit/") or "/enterprises/" in url, url


def test_the_export_is_the_children_table_with_its_total(client, world):
    gjz = demo_user("gjz_admin")
    client.force_login(gjz)
    resp = client.get("/founding/?export=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    header = rows[1]
    assert header[:4] == ["单位", "企业数", "在营企业", "应建会企业"]
    body = rows[2:]
    assert body[-1][0] == "合计"
    total = queries.founding_rate(gjz, unit("210211"))
    assert body[-1][1] == total.enterprises and body[-1][6] == total.founded
    assert sum(r[3] for r in body[:-1]) == total.expected


def test_lists_do_not_query_per_row(client, world, django_assert_max_num_queries):
    client.force_login(demo_user("gjz_admin"))
    client.get("/founding/enterprises/")  # warm the session and caches
    with django_assert_max_num_queries(12):
        assert client.get("/founding/enterprises/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/founding/unions/").status_code == 200
    # 30, and the founding target's pacing (core/pacing.for_node): its windows, the figures now and
    # before the start, the trends of the children behind pace: four queries, none per child.
    with django_assert_max_num_queries(34):
        assert client.get("/founding/").status_code == 200


def test_founding_through_the_form(client, world):
    client.force_login(demo_user("gjz_admin"))
    e = world["gjz_enterprise"]
    resp = client.post(
        "/founding/unions/new/",
        {
            "kind": OrgKind.GRASSROOTS,
            "enterprises": e.pk,
            "founded_on": "2026-04-01",
            "chairman_name": "李演示",
            "chairman_directly_elected": "on",
            "chairman_elected_on": "2026-04-01",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    e.refresh_from_db()
    assert e.union is not None and e.union.founding.chairman_directly_elected
    # An out-of-scope enterprise (a forged id: the picker never offers it) is refused, in Chinese.
    resp = client.post(
        "/founding/unions/new/",
        {"kind": OrgKind.GRASSROOTS, "enterprises": world["zs"][0], "founded_on": "2026-04-01"},
    )
    assert resp.status_code == 400 and "不在您的管辖范围内" in resp.content.decode()


def test_splitting_and_letters_through_the_pages(client, world):
    gjz = demo_user("gjz_admin")
    client.force_login(gjz)
    townships = list(unit("210211").children.filter(kind=OrgKind.TOWNSHIP).order_by("code")[:2])
    resp = client.post(
        "/founding/targets/?year=2026", {f"target_{townships[0].pk}": "2", f"target_{townships[1].pk}": "3"}
    )
    assert resp.status_code == 302
    page = client.get("/founding/targets/?year=2026").content.decode()
    assert "还差 1" in page  # 2 + 3 < 6
    resp = client.post(
        f"/founding/targets/{world['gjz_target'].pk}/letter/",
        {
            "signed_on": "2026-03-05",
            "signatories": "市总工会 张演示；甘井子区总工会 李演示",
            "file": SimpleUploadedFile("责任状.pdf", b"%PDF-1.4 demo", content_type="application/pdf"),
        },
    )
    assert resp.status_code == 302
    target = FoundingTarget.objects.get(pk=world["gjz_target"].pk)
    assert target.has_letter and target.letter_file.name.endswith(".pdf")
    assert client.get(f"/founding/targets/{target.pk}/letter/file/").status_code == 200
    # The district cannot raise its own target.
    client.post("/founding/targets/?year=2026", {f"target_{unit('210211').pk}": "1"})
    assert FoundingTarget.objects.get(pk=target.pk).target == 6


def test_the_rule_page_is_the_citys(client, world):
    client.force_login(demo_user("gjz_admin"))
    assert (
        client.post(
            "/founding/rule/",
            {"form": "rule", "own_union_min_employees": "3", "joint_union_min_employees": "1"},
        ).status_code
        == 403
    )
    client.force_login(demo_user("city_admin"))
    resp = client.post(
        "/founding/rule/",
        {
            "form": "rule",
            "own_union_min_employees": "30",
            "joint_union_min_employees": "5",
            "excluded_ownerships": ["individual"],
        },
    )
    assert resp.status_code == 302
    assert FoundingRule.current().own_union_min_employees == 30
    assert re.search("30 人及以上", client.get("/founding/rule/").content.decode())


def test_the_union_list_counts_each_unions_enterprises_and_sorts_by_them(client, world):
    """覆盖企业 is a count per shown row (a subquery): each union's own enterprises, and a joint
    union covering three ranks above one covering one."""
    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        three = list(
            Enterprise.objects.filter(community__path__startswith=unit("210211").path, union=None)[:3]
        )
        joint = actions.found_union(
            city,
            enterprises=three,
            founded_on=DAY,
            chairman_name="联合主席",
            name="演示联合工会甲",
            kind=OrgKind.JOINT,
        )
    client.force_login(demo_user("gjz_admin"))
    assert joint.unit.covered_enterprises.count() == 3
    rows = client.get("/founding/unions/", {"sort": "-n_enterprises"}).context["rows"]
    by_name = {r.obj.unit.name: r.obj.n_enterprises for r in rows}
    assert by_name[joint.unit.name] == 3 and by_name[world["gjz_union"].unit.name] == 1
    assert rows[0].obj.unit.name == joint.unit.name
    counts = [r.obj.n_enterprises for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_the_enterprise_list_offers_the_bureau_import_only_to_who_may_import(client, world):
    """A viewer or a reviewer cannot import the statistics bureau's list: the list does not link
    to it for them; an editor and an administrator see the link."""
    url = reverse("founding:enterprises")
    for username, offered in (
        ("gjz_viewer", False),
        ("gjz_reviewer", False),
        ("gjz_editor", True),
        ("gjz_admin", True),
    ):
        client.force_login(demo_user(username))
        page = client.get(url).content.decode()
        assert ('data-testid="bureau-import"' in page) is offered, username

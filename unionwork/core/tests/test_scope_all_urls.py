"""Scope is sacred: a district user requests every URL of the platform, pages and API.

Nothing of another district may appear (pages, exports, searches, API), and nothing of it may be
changed. The URLs come from the resolver and from the OpenAPI schema, so a new page or endpoint is
covered the day it is added; a URL argument this test does not know fails it until declared below.
"""

import io
import json
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from python_calamine import CalamineWorkbook

from unionwork.core import audit, indicators
from unionwork.core.imports import all_importers
from unionwork.core.models import AuditEvent, ImportJob
from unionwork.core.testing import seed_module_demos
from unionwork.orgs.models import OrgUnit

from .factories import demo_user, unit

pytestmark = pytest.mark.django_db

# Strings that only the other district (中山区) and its units carry.
OTHER_MARKERS = [
    "中山区总工会",
    "海军广场街道工会",
    "春海社区工会",
    "大连中山演示重工有限公司工会",
    "中山区管理员",
]
# Sample values for URL arguments that are not object ids.
SAMPLE_ARGS = {
    "name": ["orgs.units", "accounts.users", "units", "unions", "enterprises", "members"],
    "what": ["activate", "deactivate", "unlock"],
}
# Sample values for API path parameters that are not object ids.
API_SAMPLE_ARGS = {
    "key": lambda: [i.key for i in indicators.all_indicators() if not i.key.startswith("test.")],
    "name": lambda: [i.name for i in all_importers()],
}
# Query strings every list is also requested with: searches and exports.
PROBES = ["", "?q=中山", "?q=zs", "?q=2102", "?export=xlsx", "?under=210202", "?q=中山&export=xlsx"]


def walk(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def route_to_paths(route: str, out_of_scope_ids: list[int]) -> list[str]:
    """Fill a route's arguments: ids get every out-of-scope object's id, names their samples."""
    route = route.lstrip("^").rstrip("$")
    params = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route)
    if not params:
        return ["/" + route.replace("\\", "")]
    paths = [route]
    for conv, name, re_name in params:
        key = name or re_name
        if conv == "int" or key == "pk" or key.endswith("_id"):
            values = [str(i) for i in out_of_scope_ids]
        elif key in SAMPLE_ARGS:
            values = SAMPLE_ARGS[key]
        else:
            raise AssertionError(f"scope test: declare sample values for URL argument {key!r} in {route}")
        pattern = re.compile(r"<(?:\w+:)?" + key + r">|\(\?P<" + key + r">[^)]*\)")
        paths = [pattern.sub(v, p, count=1) for p in paths for v in values]
    return ["/" + p.replace("\\", "") for p in paths]


def assert_clean(resp, url, markers=OTHER_MARKERS):
    if resp.status_code in (301, 302, 400, 403, 404, 405):
        return
    assert resp.status_code == 200, f"{url}: status {resp.status_code}"
    ctype = resp.get("Content-Type", "")
    if "spreadsheetml" in ctype:
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        wb = CalamineWorkbook.from_filelike(io.BytesIO(body))
        text = json.dumps(
            [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names], ensure_ascii=False, default=str
        )
    else:
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        text = body.decode("utf-8", errors="replace")
    for marker in markers:
        assert marker not in text, f"{url}: shows {marker} of another district"


def scoped_models():
    return [m for m in apps.get_models() if hasattr(m._default_manager, "restrict") and m is not AuditEvent]


def other_district_state():
    """Every record of the other district, of every scoped model, as it stands."""
    zs_admin = demo_user("zs_admin")
    return {
        m._meta.label: list(m._default_manager.restrict(zs_admin).order_by("pk").values())
        for m in scoped_models()
    }


def other_district_markers() -> list[str]:
    """Names that only the other district's records carry (those that say 中山)."""
    zs_admin = demo_user("zs_admin")
    names = set(OTHER_MARKERS)
    for m in scoped_models():
        for obj in m._default_manager.restrict(zs_admin).order_by("-pk")[:50]:
            text = str(obj)
            if "中山" in text and len(text) >= 6:
                names.add(text)
    return sorted(names)


@pytest.fixture
def other_ids():
    """Ids of objects of every kind that belong to 中山区 (and one to 机械冶金产业工会's other district)."""
    # Records of every module in both districts (inside this test's transaction).
    seed_module_demos()
    zs = unit("210202")
    zs_admin = demo_user("zs_admin")
    with audit.acting_as(zs_admin, "test"):
        job = ImportJob.objects.create(
            importer="orgs.units", user=zs_admin, org_path=zs.path, original_name="zs.xlsx"
        )
    ids = {
        zs.pk,
        *OrgUnit.objects.filter(path__startswith=zs.path).order_by("?").values_list("pk", flat=True)[:5],
        unit("G0003").pk,
        zs_admin.pk,
        job.pk,
        *AuditEvent.objects.filter(org_path__startswith=zs.path)
        .order_by("-id")
        .values_list("pk", flat=True)[:3],
    }
    # Module records of the other district: every scoped model offers its own ids.
    for model in scoped_models():
        ids.update(model._default_manager.restrict(zs_admin).order_by("-pk").values_list("pk", flat=True)[:3])
    assert len(ids) >= 20
    return sorted(ids)


def test_district_user_sees_and_changes_nothing_of_another_district(client, other_ids):
    user = demo_user("gjz_admin")
    client.force_login(user)
    before = other_district_state()
    markers = other_district_markers()
    checked = 0
    for route, _pattern in walk(get_resolver()):
        if route.lstrip("^").startswith(("api/", "static/")):
            continue
        for path in route_to_paths(route, other_ids):
            for probe in PROBES:
                url = path + probe
                assert_clean(client.get(url), url, markers)
                checked += 1
            resp = client.post(
                path,
                {
                    "name": "篡改",
                    "reason": "越权测试",
                    "new_parent": unit("210211").pk,
                    "target": unit("210211").pk,
                    "password": "Xx#12345678",
                },
            )
            assert resp.status_code < 500, path
    assert checked > 100
    assert other_district_state() == before, "a change reached another district"


def test_district_token_sees_and_changes_nothing_of_another_district(client, other_ids):
    from unionwork.accounts.tokens import issue_token

    user = demo_user("gjz_admin")
    with audit.acting_as(user, "test"):
        _token, key = issue_token(user, "scope test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    schema = client.get("/api/v1/openapi.json").json()
    before = other_district_state()
    markers = other_district_markers()
    checked = 0
    for path, ops in schema["paths"].items():
        concrete = [path]
        for param in re.findall(r"\{(\w+)\}", path):
            values = API_SAMPLE_ARGS[param]() if param in API_SAMPLE_ARGS else other_ids
            concrete = [p.replace("{" + param + "}", str(i)) for p in concrete for i in values]
        for url in concrete:
            url = "/api/v1" + url if not url.startswith("/api/") else url
            if "get" in ops:
                for probe in ["", "?q=中山", "?q=zs", "?under=" + str(other_ids[0])]:
                    assert_clean(client.get(url + probe, **headers), url + probe, markers)
                    checked += 1
            for method in ("post", "patch", "put", "delete"):
                if method in ops:
                    # Every id in the body names the other district too: creating under it must fail.
                    body = {
                        "name": "篡改",
                        "reason": "越权测试",
                        "parent_id": unit("210202001").pk,
                        "target_id": unit("210202001").pk,
                        "kind": "grassroots",
                        "union_id": unit("G0003").pk,
                        "unit_id": unit("210202").pk,
                        "community_id": unit("210202001002").pk,
                        "enterprise_ids": other_ids,
                        "id_number": "210202197506010017",
                        "employment_form": "contract",
                        "founded_on": "2026-01-01",
                        "note": "越权测试",
                        # a member or card of the other district moved into this one's union
                        "to_union_id": unit("G0001").pk,
                    }
                    resp = getattr(client, method)(
                        url, data=json.dumps(body), content_type="application/json", **headers
                    )
                    assert resp.status_code < 500, url
    assert checked > 10
    assert other_district_state() == before, "an API call changed another district"

"""The API's OpenAPI schema and its Swagger page: complete, public, and usable offline."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

EXPECTED_PATHS = {
    "/api/v1/orgs/",
    "/api/v1/orgs/{unit_id}",
    "/api/v1/orgs/{unit_id}/children",
    "/api/v1/orgs/{unit_id}/history",
    "/api/v1/orgs/{unit_id}/move",
    "/api/v1/orgs/{unit_id}/merge",
    "/api/v1/orgs/{unit_id}/deregister",
    "/api/v1/orgs/{unit_id}/reactivate",
    "/api/v1/accounts/me",
    "/api/v1/accounts/",
    "/api/v1/members/",
    "/api/v1/members/{member_id}",
    "/api/v1/members/{member_id}/transfer",
    "/api/v1/members/cards/",
    "/api/v1/members/{member_id}/cards",
    "/api/v1/members/cards/{card_id}/replace",
    "/api/v1/members/cards/{card_id}/cancel",
    "/api/v1/founding/enterprises/",
    "/api/v1/founding/enterprises/{enterprise_id}",
    "/api/v1/founding/unions/",
    "/api/v1/founding/unions/{union_id}",
    "/api/v1/founding/targets/",
    "/api/v1/founding/targets/node/{unit_id}",
    "/api/v1/imports/{name}/upload",
    "/api/v1/imports/jobs/{job_id}",
    "/api/v1/imports/jobs/{job_id}/errors.xlsx",
}


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/openapi.json")  # no token needed
    assert response.status_code == 200
    return response.json()


def test_schema_lists_every_path_and_the_bearer_scheme(schema):
    assert schema["openapi"].startswith("3.")
    assert EXPECTED_PATHS <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()


def test_every_operation_declares_its_responses(schema):
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            codes = set(op["responses"])
            where = f"{method.upper()} {path}"
            assert codes & {"200", "201"}, where
            assert {"401", "422"} <= codes, where
            assert op.get("security"), where
            if "{unit_id}" in path:
                assert "404" in codes, where
            if method != "get":
                assert {"400", "403", "404"} <= codes, where
            for code, response in op["responses"].items():
                content = response["content"]
                # A file download declares its binary body instead of JSON; its errors are JSON.
                binary = [c for c in content.values() if c.get("schema", {}).get("format") == "binary"]
                declared = binary if code == "200" and binary else content["application/json"]["schema"]
                assert declared, f"{where} {code}"


def test_docs_page_is_public_and_served_from_local_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower(), "Swagger 资源来自 CDN：请把 'ninja' 加入 INSTALLED_APPS，使文档离线可用"
    assets = re.findall(r'(?:src|href)="[^"]*/static/(ninja/[^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert finders.find(asset), asset


def test_unknown_api_paths_answer_in_json(client):
    resp = client.get("/api/v1/no-such-thing/")
    assert resp.status_code == 404
    assert resp["Content-Type"].startswith("application/json")
    assert "接口不存在" in resp.json()["detail"]


def test_schema_has_no_duplicate_keys(client):
    """Swagger refuses a schema with a key twice ("duplicated mapping key"), e.g. 200 and "200"."""
    import json

    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys in the OpenAPI schema: {keys}"
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)

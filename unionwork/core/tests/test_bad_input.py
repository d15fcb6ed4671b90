"""Issue 10 point 7: bad input gets a 4xx with a Chinese message, never a 500 or a traceback."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.bad_input import BadInputMiddleware
from unionwork.core.tests.factories import demo_user, unit

pytestmark = pytest.mark.django_db

HUGE = [2**63, 2**64 + 7, -(2**63) - 1, int("9" * 400)]


@pytest.fixture
def api(client):
    with audit.acting_as(None, "test"):
        key = issue_token(demo_user("city_admin"), "测试")[1]
    client.raise_request_exception = False
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.fixture
def pages():
    c = Client(raise_request_exception=False)
    c.force_login(demo_user("city_admin"))
    return c


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- bodies over the limit: 413 ------------------------------------------------------------------


def test_an_api_body_over_the_limit_is_413_in_chinese(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    body = json.dumps({"parent_id": unit("210211").pk, "name": "甲" * 5000, "kind": "grassroots"})
    r = api.post("/api/v1/orgs/", body, content_type="application/json")
    assert r.status_code == 413
    assert "请求内容过大" in r.json()["detail"]


def test_a_form_body_over_the_limit_is_413_with_a_chinese_page(pages, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    r = pages.post(f"/orgs/{unit('210211').pk}/edit/", {"name": "甲" * 5000})
    assert r.status_code == 413
    assert "请求内容过大" in r.content.decode()


def test_too_many_fields_read_by_the_csrf_check_are_413_in_chinese(settings):
    """Under the byte limit but over the field count: Django refuses while the CSRF check reads."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    c = Client(raise_request_exception=False, enforce_csrf_checks=True)
    c.force_login(demo_user("city_admin"))
    url = f"/orgs/{unit('210211').pk}/edit/"
    assert c.get(url).status_code == 200  # sets the CSRF cookie, so the check reads the body
    r = c.post(url, {f"f{i}": "1" for i in range(50)})
    assert r.status_code == 413
    assert "字段过多" in r.content.decode()


def test_an_upload_over_the_request_limit_is_413_before_it_is_read(pages, settings):
    settings.UNIONWORK_MAX_REQUEST_BYTES = 10_000
    f = SimpleUploadedFile("roster.csv", b"a,b\n" * 5000, content_type="text/csv")
    r = pages.post("/imports/orgs.units/", {"file": f})
    assert r.status_code == 413
    assert "上传文件不能超过" in r.content.decode()


# --- malformed JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "{",
        '{"name": "甲",}',
        "[" * 100_000,
        b"\xff\xfe\x00",
        '{"parent_id": ' + "9" * 5000 + "}",
        "null",
        "[]",
    ],
)
def test_malformed_json_is_a_clear_4xx(api, body):
    r = api.post("/api/v1/orgs/", body, content_type="application/json")
    assert 400 <= r.status_code < 500, r.content[:300]
    assert _chinese(r.json()["detail"]), r.json()
    assert "Traceback" not in r.content.decode(errors="replace")


# --- integers beyond 2^63 ------------------------------------------------------------------------


def _body_for(schema: dict, op: dict, number: int) -> dict:
    """A body where every integer field is ``number`` and everything else is valid."""
    sch = next(iter(op["requestBody"]["content"].values()))["schema"]
    components = schema["components"]["schemas"]
    while "$ref" in sch:
        sch = components[sch["$ref"].split("/")[-1]]
    body = {}
    for name, prop in sch.get("properties", {}).items():
        ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
        kinds = {prop.get("type")} | {a.get("type") for a in prop.get("anyOf", [])}
        if ref:
            body[name] = components[ref.split("/")[-1]].get("enum", ["x"])[0]
        elif kinds & {"integer", "number"}:
            body[name] = number
        elif "boolean" in kinds:
            body[name] = True
        elif "string" in kinds:
            body[name] = "2026-01-01" if prop.get("format") == "date" else "测试"
    return body


@pytest.mark.parametrize("number", HUGE)
def test_integers_beyond_2_63_in_api_paths_queries_and_bodies_are_4xx(api, number):
    schema = api.get("/api/v1/openapi.json").json()
    tried = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            params = op.get("parameters", [])
            url = path
            for p in params:
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", str(number))
            query = {p["name"]: str(number) for p in params if p["in"] == "query"}
            if method == "get":
                r = api.get(url, query)
            else:
                body = _body_for(schema, op, number) if "requestBody" in op else {}
                # the path names a real unit, so the body's integers are what gets checked
                real = path
                for p in params:
                    if p["in"] == "path":
                        real = real.replace("{" + p["name"] + "}", str(unit("210211001").pk))
                for target in {url, real}:
                    r = getattr(api, method)(target, json.dumps(body), content_type="application/json")
                    assert r.status_code < 500, (method, target, body, r.content[:300])
                    tried += 1
            assert r.status_code < 500, (method, url, query, r.content[:300])
            tried += 1
    assert tried > 20


def test_a_page_number_past_any_list_is_refused_before_the_database(api):
    """An OFFSET past PostgreSQL's bigint aborts the transaction; the schema refuses it first."""
    schema = api.get("/api/v1/openapi.json").json()
    paged = [
        path
        for path, methods in schema["paths"].items()
        if any(p["name"] == "page" for p in methods.get("get", {}).get("parameters", []))
    ]
    assert len(paged) >= 8  # every list operation of every module
    for path in paged:
        if "{" in path:
            continue
        r = api.get(path, {"page": str(10**19)})
        assert r.status_code == 422, (path, r.status_code)
        assert "page：不能大于" in r.json()["detail"], r.json()


@pytest.mark.parametrize("number", HUGE[:2])
def test_integers_beyond_2_63_in_pages_and_forms_are_4xx(pages, number):
    pk = unit("210211001").pk
    for url in [f"/orgs/{number}/", f"/members/{number}/", f"/orgs/{number}/edit/", f"/audit/{number}/"]:
        assert pages.get(url).status_code == 404, url
    for url in [
        f"/orgs/list/?parent={number}",
        f"/orgs/list/?page={number}",
        f"/members/list/?under={number}",
        f"/audit/?under={number}",
        f"/members/list/?org={number}",
    ]:
        assert pages.get(url).status_code < 500, url
    forms = [
        (f"/orgs/{pk}/move/", {"new_parent": number, "reason": "测试"}),
        (f"/orgs/{pk}/merge/", {"target": number, "reason": "测试"}),
        (f"/orgs/{pk}/add/", {"name": "测试工会", "kind": "grassroots", "industrial_union": number}),
        (f"/orgs/{pk}/edit/", {"name": "测试工会", "industrial_union": number}),
        ("/members/add/", {"org": number, "name": "张三"}),
        ("/members/transfer-in/", {"org": number, "member": number}),
        ("/members/cards/issue/", {"org": number, "members": number}),
    ]
    for url, data in forms:
        r = pages.post(url, data)
        assert 400 <= r.status_code < 500, (url, r.status_code)


def test_a_huge_count_in_a_form_without_a_bound_is_a_chinese_400_not_a_500():
    """The stability report's counts are plain IntegerFields with no upper bound: the number
    reached the database (OverflowError on SQLite, DataError on PostgreSQL) and gave a 500."""
    from unionwork.stability import forms as stability_forms

    user = demo_user("gjz_admin")
    form = stability_forms.ReportForm(user=user)
    period = form.fields["period"].choices[0][0]
    c = Client(raise_request_exception=False)
    c.force_login(user)
    data = {"org": form.fields["org"].queryset.first().pk, "period": period, "summary": "测试"}
    data |= {"disputes_found": 1, "disputes_resolved": 0, "workers_involved": 2**64}
    r = c.post("/stability/reports/file/", data)
    assert r.status_code == 400
    assert "数字超出允许范围" in r.content.decode()


def test_what_a_view_lets_through_is_still_a_4xx_not_a_500():
    """The safety net: an overflow or a recursion escaping a view becomes a Chinese 400."""
    mw = BadInputMiddleware(lambda request: None)
    rf = RequestFactory()
    for path in ["/api/v1/orgs/", "/orgs/1/edit/"]:
        for exc in [
            OverflowError("Python int too large to convert to SQLite INTEGER"),
            RecursionError(),
            UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        ]:
            r = mw.process_exception(rf.post(path), exc)
            assert r is not None and r.status_code == 400
            assert _chinese(r.content.decode())
    assert mw.process_exception(rf.get("/"), KeyError("x")) is None  # real bugs stay 500s and are logged


@pytest.mark.parametrize("value", ["¹", "①", "٣x", "１２"])
def test_digits_that_are_not_ascii_are_refused_not_a_500(api, pages, value):
    """``str.isdigit`` accepts ``¹`` which ``int`` refuses: a filter by unit must not pass it on."""
    for url in ["/api/v1/members/", "/api/v1/members/cards/"]:
        r = api.get(url, {"under": value})
        assert r.status_code < 500, (url, value, r.content[:300])
    for url in ["/members/list/", "/orgs/list/", "/audit/"]:
        for param in ["under", "parent"]:
            r = pages.get(url, {param: value})
            assert r.status_code < 500, (url, param, value)

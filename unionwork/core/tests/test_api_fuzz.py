"""The API fuzzed from its own OpenAPI schema (schemathesis): no generated request gets a 5xx.

Bounded for the suite (a few examples per operation, valid and invalid data); the tally of what
was tried is written to test-artifacts/api-fuzz.json. A longer run:
``API_FUZZ_EXAMPLES=200 API_FUZZ_COVERAGE=1 .venv/bin/python -m pytest unionwork/core/tests/test_api_fuzz.py``.
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.tests.factories import demo_user

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "5"))
# The coverage phase (every boundary of every parameter) takes minutes: on in a longer run only;
# test_bad_input.py tries the boundaries that matter (integers beyond 2^63) on every operation.
COVERAGE = os.environ.get("API_FUZZ_COVERAGE", "") == "1"
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": COVERAGE}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)
TALLY = {"requests": 0, "server_errors": 0, "by_status": {}, "operations": set()}


@pytest.fixture(scope="module", autouse=True)
def _tally():
    yield
    out = Path(__file__).resolve().parents[3] / "test-artifacts"
    out.mkdir(exist_ok=True)
    data = {**TALLY, "operations": len(TALLY["operations"]), "examples_per_operation": EXAMPLES}
    (out / "api-fuzz.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))


@pytest.fixture
def token(db):
    # The WSGI app closes the database connection after each request, as in production; inside
    # the test's transaction it must not (Django's own test client disconnects it the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield _issue()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _issue() -> str:
    with audit.acting_as(None, "test"):
        return issue_token(demo_user("gjz_admin"), "模糊测试")[1]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@pytest.mark.django_db
def test_api_answers_every_generated_request_without_a_server_error(case, token):
    # Each request in its own savepoint, as each request commits on its own in production: a
    # refused one that made PostgreSQL abort its statement must not poison the next example.
    savepoint = transaction.savepoint_create()
    try:
        response = case.call(headers={"Authorization": f"Bearer {token}"})
    finally:
        transaction.savepoint_rollback(savepoint)
    TALLY["requests"] += 1
    TALLY["operations"].add(case.operation.label)
    status = str(response.status_code)
    TALLY["by_status"][status] = TALLY["by_status"].get(status, 0) + 1
    if response.status_code >= 500:
        TALLY["server_errors"] += 1
    assert response.status_code < 500, (case.method, case.path, case.path_parameters, case.query, case.body)
    if response.status_code >= 400:  # every refusal in the API's shape, in Chinese
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/json"), (
            case.method,
            case.path,
            response.status_code,
            case.headers,
            case.body,
            response.text[:3000],
        )
        detail = response.json()["detail"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), (case.method, case.path, detail)

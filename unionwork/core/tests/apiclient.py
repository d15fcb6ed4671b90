"""Shared helpers of the API tests: a JSON client with a Bearer token, the audit events since a point."""

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.models import AuditEvent

from .factories import demo_user


class Api:
    """A test client that speaks JSON with a token."""

    def __init__(self, client, key: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path, **params):
        return self.client.get(path, params, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(path, data or {}, content_type="application/json", headers=self.headers)

    def patch(self, path, data):
        return self.client.patch(path, data, content_type="application/json", headers=self.headers)

    def upload(self, path, files: dict, data: dict | None = None):
        return self.client.post(path, {**(data or {}), **files}, headers=self.headers)


def key_for(username: str) -> str:
    with audit.acting_as(None, "test"):
        return issue_token(demo_user(username), "测试")[1]


def clients(client):
    """``clients(client)("gjz_viewer")``: an API client with a fresh token of that demo account."""
    return lambda username: Api(client, key_for(username))


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(since: int, model: str) -> list[AuditEvent]:
    """The audit events of ``model`` (app_label.model) written after event ``since``."""
    return list(AuditEvent.objects.filter(id__gt=since, model=model).order_by("id"))

"""Security events (issue 10, point 3): each kind recorded with who, from where and when; the
administrators' page scoped; kept 180 days; one JSON line per event on the log stream."""

import datetime
import json
import logging

import pytest
from django.utils import timezone

from unionwork.accounts.tokens import issue_token
from unionwork.core import audit, security
from unionwork.core.logjson import JsonLineFormatter
from unionwork.core.models import SecurityEvent
from unionwork.core.tests.factories import demo_user
from unionwork.demo.foundation import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


def events(kind, **filters):
    return list(SecurityEvent.objects.filter(kind=kind, **filters).order_by("id"))


def login(client, username, password):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT="UA-test",
    )


def assert_who_where_when(ev, username, path_prefix="/"):
    assert ev.username == username
    assert ev.ip == IP
    assert abs((timezone.now() - ev.at).total_seconds()) < 60
    assert ev.path.startswith(path_prefix)


def test_login_failure_lockout_and_unlock_are_recorded(client, settings):
    login(client, "gjz_editor", "wrong-Password1")
    failed = events("login_failed", username="gjz_editor")
    assert len(failed) == 1
    assert_who_where_when(failed[0], "gjz_editor", "/accounts/login/")
    assert (
        failed[0].user == demo_user("gjz_editor") and failed[0].org_path == demo_user("gjz_editor").org_path
    )
    assert failed[0].user_agent == "UA-test" and failed[0].method == "POST"
    assert "wrong-Password1" not in json.dumps(failed[0].detail)

    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        login(client, "gjz_editor", "wrong-Password1")
    [lock] = events("lockout", username="gjz_editor")
    assert_who_where_when(lock, "gjz_editor", "/accounts/login/")
    # Once locked even the right password is refused, and the refusal says why.
    login(client, "gjz_editor", DEMO_PASSWORD)
    assert events("login_failed", username="gjz_editor")[-1].detail["reason"] == "locked"
    assert not events("login", username="gjz_editor")

    assert login(client, "gjz_admin", DEMO_PASSWORD).status_code == 302
    assert_who_where_when(events("login", username="gjz_admin")[-1], "gjz_admin", "/accounts/login/")
    editor = demo_user("gjz_editor")
    resp = client.post(f"/accounts/{editor.pk}/unlock/", REMOTE_ADDR=IP)
    assert resp.status_code in (200, 302)
    [unlock] = events("unlock")
    assert_who_where_when(unlock, "gjz_admin", f"/accounts/{editor.pk}/unlock/")
    assert unlock.detail["account"] == "gjz_editor"


def test_failed_login_of_an_unknown_name_is_recorded_without_an_account(client):
    login(client, "no_such_person", "whatever-Password1")
    [ev] = events("login_failed", username="no_such_person")
    assert ev.user is None and ev.org_path == "" and ev.ip == IP


def test_refused_accesses_403_and_404_outside_scope(client):
    from unionwork.members.tests.helpers import register

    client.force_login(demo_user("gjz_viewer"))
    assert client.get("/imports/accounts.users/", REMOTE_ADDR=IP).status_code == 403
    [forbidden] = events("forbidden", username="gjz_viewer")
    assert_who_where_when(forbidden, "gjz_viewer", "/imports/accounts.users/")

    zs_member = register("G0003")[0]  # a member in 中山区, outside 甘井子区
    resp = client.get(f"/members/{zs_member.pk}/", REMOTE_ADDR=IP)
    assert resp.status_code == 404
    [refused] = events("out_of_scope", username="gjz_viewer")
    assert_who_where_when(refused, "gjz_viewer", f"/members/{zs_member.pk}/")
    assert refused.detail == {"model": "members.member", "object_id": str(zs_member.pk)}
    # A record that does not exist at all is a plain 404, not a refused access.
    assert client.get("/members/999999999/", REMOTE_ADDR=IP).status_code == 404
    assert len(events("out_of_scope")) == 1
    # An ordinary successful page view records nothing.
    before = SecurityEvent.objects.count()
    assert client.get("/members/", REMOTE_ADDR=IP).status_code == 200
    assert SecurityEvent.objects.count() == before


def test_api_token_use_and_invalid_tokens(client):
    with audit.acting_as(None, "test"):
        _token, key = issue_token(demo_user("gjz_viewer"), "测试")
    for _ in range(3):
        resp = client.get("/api/v1/orgs/", headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR=IP)
        assert resp.status_code == 200
    # Recorded at the resolution of last_used_at (a minute), not once per request.
    [used] = events("token_use")
    assert_who_where_when(used, "gjz_viewer", "/api/v1/orgs/")
    resp = client.get("/api/v1/orgs/", headers={"Authorization": "Bearer uw_forged"}, REMOTE_ADDR=IP)
    assert resp.status_code == 401
    [bad] = events("token_invalid")
    assert bad.user is None and bad.ip == IP


def test_unmasking_an_id_number_is_recorded(client):
    from unionwork.members.tests.helpers import register

    member = register("G0001")[0]
    client.force_login(demo_user("gjz_admin"))
    resp = client.post(f"/members/{member.pk}/reveal/", REMOTE_ADDR=IP)
    assert resp.status_code == 200
    [ev] = events("unmask")
    assert_who_where_when(ev, "gjz_admin", f"/members/{member.pk}/reveal/")
    assert ev.detail["member"] == member.pk
    assert member.id_masked[:6] not in json.dumps(ev.detail)  # what was shown is not in the event


def _event_of(username, kind="login", ip=IP):
    user = demo_user(username)
    return SecurityEvent.objects.create(
        at=timezone.now(), kind=kind, user=user, username=username, org_path=user.org_path, ip=ip
    )


def test_the_page_is_scoped_to_the_administrators_subtree(client):
    _event_of("zs_admin", ip="198.51.100.99")
    _event_of("gjz_editor")
    SecurityEvent.objects.create(at=timezone.now(), kind="login_failed", username="nobody_known", ip=IP)

    client.force_login(demo_user("gjz_admin"))
    page = client.get("/security/").content.decode()
    assert "gjz_editor" in page and "zs_admin" not in page and "nobody_known" not in page
    # Not even through a filter naming the other district's user.
    assert "198.51.100.99" not in client.get("/security/?username=zs_admin").content.decode()

    client.force_login(demo_user("city_admin"))
    page = client.get("/security/").content.decode()
    assert "gjz_editor" in page and "zs_admin" in page and "nobody_known" in page

    client.force_login(demo_user("gjz_viewer"))
    assert "gjz_editor" not in client.get("/security/").content.decode()  # a viewer sees no events


def test_purge_keeps_180_days_whatever_the_setting(settings):
    now = timezone.now()
    old = _event_of("gjz_admin")
    kept = _event_of("gjz_admin")
    SecurityEvent.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=181))
    SecurityEvent.objects.filter(pk=kept.pk).update(at=now - datetime.timedelta(days=179))
    settings.UNIONWORK_SECURITY_EVENT_DAYS = 30  # shorter than the law allows: 180 still holds
    assert security.keep_days() == 180
    security.purge(now)
    assert set(SecurityEvent.objects.filter(pk__in=[old.pk, kept.pk]).values_list("pk", flat=True)) == {
        kept.pk
    }


def test_the_purge_is_a_daily_scheduled_job():
    from unionwork.core import schedule

    assert "core.purge_security_events" in {j.key for j in schedule.jobs() if not j.hourly}


def test_each_event_is_one_json_line_on_the_security_log(tmp_path, caplog):
    handler = logging.FileHandler(tmp_path / "security.jsonl", encoding="utf-8")
    handler.setFormatter(JsonLineFormatter())
    logger = logging.getLogger("unionwork.security")
    logger.addHandler(handler)
    try:
        security.record("login", user=demo_user("gjz_admin"))
        security.record("login_failed", username="陌生人", reason="bad_credentials")
    finally:
        logger.removeHandler(handler)
        handler.close()
    lines = (tmp_path / "security.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert (
        first["kind"] == "login" and first["user"] == "gjz_admin" and first["logger"] == "unionwork.security"
    )
    assert datetime.datetime.fromisoformat(first["at"])
    assert second["user"] == "陌生人" and second["detail"] == {"reason": "bad_credentials"}


def test_settings_send_the_security_stream_to_a_file_under_var():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["security_file"]
    assert handler["filename"] == settings.UNIONWORK_SECURITY_LOG_FILE
    assert "security_file" in settings.LOGGING["loggers"]["unionwork.security"]["handlers"]
    assert settings.LOGGING["formatters"]["jsonline"]["()"].endswith("JsonLineFormatter")

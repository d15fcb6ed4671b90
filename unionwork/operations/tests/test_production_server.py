"""The production server (issue 19 point 1): deploy/serve.sh starts gunicorn with several workers
and the production settings on PostgreSQL; static files come compressed with a long cache; a user
logs in through it as through the reverse proxy (X-Forwarded-Proto: https).

The server runs on a copy of the test database (its demo accounts; the test's own transaction is
not visible to another process), on a free loopback port, for a few seconds.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from unionwork.operations import pg

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not pg.is_postgresql(settings.DATABASES["default"]),
        reason="the production server runs on PostgreSQL (make test runs this on it when reachable)",
    ),
]

USERNAME = "gjz_viewer"  # not an administrator: production asks administrators for a second factor
PASSWORD = "Serve#Test-2026-login"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def static_root(tmp_path):
    """collectstatic as `deploy/serve.sh prepare` runs it, started before the database copy so the
    two overlap; the test waits for it."""
    root = tmp_path / "static"
    env = {
        **_clean_env(),
        "DJANGO_SETTINGS_MODULE": "unionwork.settings_production",
        "SECRET_KEY": "serve-test-" + "s3cr3t-K" * 8,
        "STATIC_ROOT": str(root),
        "UNIONWORK_SECURITY_LOG_FILE": str(tmp_path / "collect-security.jsonl"),
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc, root
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


@pytest.fixture
def serve_database():
    """A copy of the seeded test database, its login user given a password production can check."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.utils.crypto import get_random_string

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_serve"[:63]
    with pg.connect_admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    dump = subprocess.Popen(["pg_dump", "-Fc"], env=pg.libpq_env(db), stdout=subprocess.PIPE)
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name],
        env=pg.libpq_env(db, name),
        stdin=dump.stdout,
        capture_output=True,
        text=True,
    )
    dump.stdout.close()
    assert dump.wait() == 0 and restore.returncode == 0, restore.stderr
    # The test settings hash with MD5 (fast); production knows only the strong hashers.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, get_random_string(22))
    import psycopg

    with psycopg.connect(**_conninfo(db, name), autocommit=True) as conn:
        updated = conn.execute(
            "UPDATE accounts_user SET password = %s WHERE username = %s", [hashed, USERNAME]
        ).rowcount
    assert updated == 1
    yield name
    with pg.connect_admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _conninfo(db: dict, name: str) -> dict:
    return {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "dbname": name,
    }


def _database_url(db: dict, name: str) -> str:
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += ":" + db["PASSWORD"]
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth}@{host}/{name}" if auth else f"postgres://{host}/{name}"


def _environment(tmp_path: Path, database_url: str, port: int) -> Path:
    """An environment file as deploy/environment.example asks for."""
    values = {
        "DJANGO_SETTINGS_MODULE": "unionwork.settings_production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "serve-test-" + "s3cr3t-K" * 8,
        "ALLOWED_HOSTS": "127.0.0.1",
        "UNIONWORK_PII_KEY": "serve-test-pii-key-0123456789",
        "UNIONWORK_AUDIT_KEY": "serve-test-audit-key-0123456789",
        "BEHIND_TLS_PROXY": "1",
        "UNIONWORK_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "UNIONWORK_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "UNIONWORK_AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.jsonl"),
        "UNIONWORK_SECURITY_LOG_FILE": str(tmp_path / "security-events.jsonl"),
        "UNIONWORK_PYTHON": sys.executable,
    }
    path = tmp_path / "environment"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def _clean_env() -> dict[str, str]:
    """The test process's environment without what it set for itself (settings, DEBUG, keys)."""
    drop = {
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "UNIONWORK_ENV_FILE",
    }
    return {
        k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("UNIONWORK_", "SECURE_"))
    }


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {server.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not listen in time")


def _cookies(response, jar: dict[str, str]) -> None:
    # The cookies are Secure (__Host-): a client behind TLS sends them back; here it is done by hand.
    for header in response.raw.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]


def test_the_production_server_serves_static_files_and_a_user_logs_in(tmp_path, static_root, serve_database):
    import requests

    db = settings.DATABASES["default"]
    port = free_port()
    env_file = _environment(tmp_path, _database_url(db, serve_database), port)
    env = _clean_env()
    root = settings.BASE_DIR
    started = time.monotonic()
    collect, collected = static_root
    output, _ = collect.communicate(timeout=300)
    assert collect.returncode == 0, output
    assert (collected / "staticfiles.json").exists()
    server = subprocess.Popen(
        [str(root / "deploy" / "serve.sh"), "web", str(env_file)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        base = f"http://127.0.0.1:{port}"
        origin = f"https://127.0.0.1:{port}"
        proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
        get = lambda path, **kw: requests.get(base + path, allow_redirects=False, timeout=30, **kw)  # noqa: E731

        # Plain HTTP is sent to HTTPS: the production settings are in force.
        plain = get("/accounts/login/")
        assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")

        jar: dict[str, str] = {}
        page = get("/accounts/login/", headers=proxy)
        assert page.status_code == 200, page.text[:500]
        assert "Strict-Transport-Security" in page.headers
        _cookies(page, jar)
        assert "__Host-csrftoken" in jar
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

        # Static files: hashed names (manifest), compressed, cached for good (WhiteNoise).
        css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
        assert css, "no hashed stylesheet in the login page"
        static = get(css.group(1), headers={**proxy, "Accept-Encoding": "gzip, br"})
        assert static.status_code == 200
        assert static.headers.get("Content-Encoding") in {"gzip", "br"}
        assert "immutable" in static.headers.get("Cache-Control", "")

        cookie = lambda: "; ".join(f"{k}={v}" for k, v in jar.items())  # noqa: E731
        login = requests.post(
            base + "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
            headers={**proxy, "Cookie": cookie(), "Referer": origin + "/accounts/login/", "Origin": origin},
            allow_redirects=False,
            timeout=30,
        )
        assert login.status_code == 302, login.text[:2000]
        _cookies(login, jar)
        assert "__Host-sessionid" in jar
        location = login.headers["Location"]
        for _hop in range(3):  # the home page leads to the dashboard
            response = get(location.removeprefix(origin), headers={**proxy, "Cookie": cookie()})
            if response.status_code != 302:
                break
            location = response.headers["Location"]
        assert response.status_code == 200, response.text[:500]
        assert "甘井子区查看员" in response.text  # the logged-in user's name in the top bar
        assert time.monotonic() - started < 120
    finally:
        os.killpg(server.pid, 15)
        try:
            output, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            output, _ = server.communicate()
    assert output.count("Booting worker with pid") >= 2, output  # several workers
    assert "Starting gunicorn" in output

"""`manage.py check --deploy` is clean with the production settings (issue 10 point 2)."""

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DEBUG",
            "SECURE_COOKIES",
            "HOST_COOKIES",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="unionwork.settings_production",
        SECRET_KEY="x" * 20 + "-production-like-secret-key-with-enough-entropy-7Gq2",
        ALLOWED_HOSTS="unionwork.example.org",
        UNIONWORK_PII_KEY="k" * 44,
        UNIONWORK_AUDIT_KEY="a" * 44,
        UNIONWORK_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_https_on():
    env = dict(os.environ, SECRET_KEY="s" * 60, DEBUG="0", ALLOWED_HOSTS="h.example.org")
    code = (
        "import unionwork.settings_production as s;"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0,"
        " s.SESSION_COOKIE_SECURE, s.UNIONWORK_REQUIRE_ADMIN_2FA)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "True", "True", "True"], (
        out.stderr
    )

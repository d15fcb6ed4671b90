"""deploy/ stays complete: every variable the settings and gunicorn read is in environment.example,
and the systemd units run the three processes through deploy/serve.sh."""

import re

from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"
READS = re.compile(r'(?:os\.environ\.get|os\.environ\.setdefault|env_bool)\(\s*"([A-Z][A-Z0-9_]+)"')


def variables_read() -> set[str]:
    sources = [
        settings.BASE_DIR / "unionwork" / "settings.py",
        settings.BASE_DIR / "unionwork" / "settings_production.py",
        DEPLOY / "gunicorn.conf.py",
    ]
    names = set()
    for path in sources:
        names |= set(READS.findall(path.read_text(encoding="utf-8")))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", (DEPLOY / "serve.sh").read_text()))
    return names


def test_every_environment_variable_is_listed_with_its_meaning():
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "environment.example").read_text(), re.M))
    names = variables_read()
    assert {
        "DATABASE_URL",
        "SECRET_KEY",
        "UNIONWORK_PII_KEY",
        "UNIONWORK_AUDIT_KEY",
        "WEB_CONCURRENCY",
    } <= names
    missing = names - listed
    assert not missing, f"add to deploy/environment.example: {sorted(missing)}"


def test_the_units_run_web_worker_and_scheduler_through_serve_sh():
    for kind in ("web", "worker", "scheduler"):
        unit = (DEPLOY / f"unionwork-{kind}.service").read_text()
        assert f"ExecStart=/opt/unionwork/deploy/serve.sh {kind}\n" in unit
        assert "EnvironmentFile=/etc/unionwork/environment" in unit
    serve = (DEPLOY / "serve.sh").read_text()
    assert "db_worker --queue-name '*'" in serve and "manage.py scheduler" in serve
    assert "unionwork.settings_production" in serve


def test_the_worker_runs_below_the_web_servers_priority(tmp_path):
    """serve.sh starts the task worker under nice (UNIONWORK_WORKER_NICE, default 10): an import
    or a large export leaves the cores to the web server's requests first."""
    import os
    import stat
    import subprocess

    fake = tmp_path / "python"  # stands in for the virtualenv's Python: says how it was started
    fake.write_text('#!/bin/sh\necho "nice=$(nice) args=$*"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    base = os.nice(0)
    for value, expected in ((None, base + 10), ("3", base + 3), ("0", base)):
        env = {
            "PATH": os.environ["PATH"],
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "UNIONWORK_PYTHON": str(fake),
            "UNIONWORK_ENV_FILE": str(tmp_path / "absent"),
        }
        if value is not None:
            env["UNIONWORK_WORKER_NICE"] = value
        out = subprocess.run(
            ["bash", str(DEPLOY / "serve.sh"), "worker"], env=env, capture_output=True, text=True, timeout=30
        )
        assert out.returncode == 0, out.stderr
        assert (
            out.stdout.strip()
            == f"nice={min(expected, 19)} args=manage.py db_worker --queue-name * --no-reload"
        )

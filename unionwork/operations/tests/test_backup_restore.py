"""The restore drill (issue 19 point 2), on SQLite and on PostgreSQL: back up, restore into a new
database as an operator would (another process, `manage.py restore`), then `audit_verify` passes,
a member's ID number still decrypts, the kept figures and every table's rows are as before.

Transactional: the backup is taken by another session (pg_dump) or from the committed state.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from unionwork.core import audit, indicators
from unionwork.operations import backup, pg
from unionwork.operations.tests.test_production_server import _database_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def new_database(tmp_path):
    """A new, empty database of the test's kind: its URL."""
    db = settings.DATABASES["default"]
    if pg.is_sqlite(db):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{db['NAME']}_restore"[:63]
    with pg.connect_admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield _database_url(db, name)
    with pg.connect_admin(db) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_backup_restores_into_a_new_database_and_passes_every_check(
    tmp_path, seeded, settings, new_database
):
    from unionwork.members.tests.helpers import register

    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "imports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "imports" / "roster.bin").write_bytes(b"\x01encrypted upload")
    (member,) = register("G0001")
    with audit.acting_as(None, "test"):
        indicators.rebuild_many()
    figures = backup.figures_digest()
    assert figures["rows"] > 0

    call_command("backup", str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = backup.read_manifest(directory)[1]
    assert manifest["figures"] == figures and manifest["media"]["files"] == 1
    assert manifest["pii_keys"] and manifest["audit"]["count"] > 0
    text = directory.joinpath("manifest.json").read_text()
    assert (
        audit.audit_key().hex() not in text and settings.SECRET_KEY not in text
    )  # the keys derive from it here

    # Never over a database that holds data.
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(directory))

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DATABASE_URL=new_database,
        MEDIA_ROOT=str(tmp_path / "restored-media"),
        UNIONWORK_AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl"),
        TASKS_BACKEND="immediate",
    )
    restored = run("restore", str(directory), env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    for name in ("migrations", "tables", "figures", "audit", "pii", "media"):
        assert f"✓ {name}:" in restored.stdout, restored.stdout
    assert (tmp_path / "restored-media" / "imports" / "roster.bin").read_bytes() == b"\x01encrypted upload"

    # As the operator would next: audit_verify, and a look at a member and the figures.
    probe = run(
        "shell",
        "-c",
        "from django.core.management import call_command; call_command('audit_verify');"
        "from unionwork.members.models import Member; from unionwork.operations.backup import figures_digest;"
        f"print(Member.objects.get(pk={member.pk}).id_number, figures_digest()['sha256'])",
        env=env,
    )
    assert probe.returncode == 0, probe.stderr
    assert f"审计链完好：共 {manifest['audit']['count']} 个事件" in probe.stdout, probe.stdout
    assert probe.stdout.split()[-2:] == [member.id_number, figures["sha256"]]


def test_a_restore_refuses_keys_that_cannot_read_the_backup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    manifest = backup.read_manifest(directory)[1]
    manifest["keys"]["audit"] = "0" * 16
    with pytest.raises(backup.BackupError, match="UNIONWORK_AUDIT_KEY"):
        backup.check_keys(manifest)
    manifest = backup.read_manifest(directory)[1]
    manifest["pii_keys"] = {"deadbeef": 3}
    with pytest.raises(backup.BackupError, match="deadbeef"):
        backup.check_keys(manifest)
    directory.joinpath("manifest.json").write_text(directory.joinpath("manifest.json").read_text())
    with directory.joinpath(next(iter(manifest["files"]))).open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(backup.BackupError, match="校验和不符"):
        backup.read_manifest(directory)

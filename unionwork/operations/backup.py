"""Backups that restore (issue 19 point 2): the database, the uploaded files and a manifest.

A backup is one directory ``unionwork-YYYYMMDDTHHMMSSZ/`` holding

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's online backup
  API): one consistent state of the whole database, taken while the platform runs;
- ``media.tar``: the uploaded files (MEDIA_ROOT; import files, stored encrypted);
- ``manifest.json``: what that state holds, read in the same snapshot as the dump: the rows of
  every table, a digest of the kept figures (IndicatorValue), the audit chain's head signed as an
  anchor, the PII key ids the members are written under, the applied migrations, and a
  fingerprint of each key (never a key). ``restore`` checks the restored database against it.

The keys are never in a backup (docs/keys.md): UNIONWORK_PII_KEY and UNIONWORK_AUDIT_KEY are kept
apart, and a restore refuses to start when the keys it is given are not those the backup needs.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from unionwork.operations import pg

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_TAR = "media.tar"


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why, in Chinese, for the operator."""


# -- what a database state holds -------------------------------------------------------------------
def table_counts() -> dict[str, int]:
    """Rows of every table of the database (the platform's and Django's)."""
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def figures_digest() -> dict:
    """The kept figures (every IndicatorValue row) as a count and a SHA-256: equal before and after."""
    from unionwork.core.models import IndicatorValue

    digest = hashlib.sha256()
    rows = 0
    fields = (
        "indicator",
        "unit_id",
        "parent_id",
        "unit_path",
        "unit_ipath",
        "month",
        "numerator",
        "denominator",
    )
    for row in (
        IndicatorValue.objects.order_by("indicator", "unit_id", "month")
        .values_list(*fields)
        .iterator(chunk_size=5000)
    ):
        digest.update(json.dumps([str(v) for v in row], ensure_ascii=False).encode())
        rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def audit_head() -> dict:
    """The chain's head as a signed anchor (like ``audit_anchor`` writes, but kept in the manifest)."""
    from unionwork.core import audit
    from unionwork.core.models import AuditEvent, AuditHead

    head = AuditHead.objects.filter(pk=1).values_list("count", "last_hash").first() or (0, audit.GENESIS)
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    a = audit.Anchor(count=head[0], last_id=last_id, head=head[1], at=_now().isoformat())
    a = audit.Anchor(a.count, a.last_id, a.head, a.at, a.signature(audit.audit_key()))
    return {"count": a.count, "last_id": a.last_id, "head": a.head, "anchor": a.line()}


def pii_key_ids() -> dict[str, int]:
    """Members per PII key id: the keys a restore needs."""
    from django.db.models import Count

    from unionwork.members.models import Member

    rows = Member.objects.order_by().values_list("pii_key").annotate(n=Count("id"))
    return {key_id: n for key_id, n in rows}


def key_fingerprints() -> dict:
    """What identifies the configured keys without revealing them."""
    from unionwork.core import audit
    from unionwork.members import pii

    audit_fp = hmac.new(audit.audit_key(), b"unionwork-backup-key-check", hashlib.sha256).hexdigest()[:16]
    return {"audit": audit_fp, "pii": [k.key_id for k in pii.keyring()]}


def applied_migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def state() -> dict:
    """Everything the manifest records of the database, read in the caller's transaction."""
    return {
        "tables": table_counts(),
        "figures": figures_digest(),
        "audit": audit_head(),
        "pii_keys": pii_key_ids(),
        "migrations": applied_migrations(),
    }


# -- backup ----------------------------------------------------------------------------------------
def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(destination: str | os.PathLike) -> Path:
    """Write a backup of the database and the uploaded files into a new directory under ``destination``."""
    db = connection.settings_dict
    if not (pg.is_postgresql(db) or pg.is_sqlite(db)):
        raise BackupError(f"不支持的数据库：{db['ENGINE']}")
    if connection.in_atomic_block:
        raise BackupError("backup 须在事务之外运行")
    started = _now()
    target = Path(destination) / f"unionwork-{started:%Y%m%dT%H%M%SZ}"
    if target.exists():
        raise BackupError(f"{target} 已存在")
    target.mkdir(parents=True, mode=0o700)
    if pg.is_postgresql(db):
        if not shutil.which("pg_dump"):
            raise BackupError("找不到 pg_dump：请安装 PostgreSQL 客户端（postgresql-client）")
        with transaction.atomic():
            with connection.cursor() as cursor:
                # One snapshot for the manifest and the dump: what the manifest says is what it holds.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            facts = state()
            dump = subprocess.run(
                ["pg_dump", "-Fc", "--snapshot", snapshot, "-f", str(target / PG_DUMP)],
                env=pg.libpq_env(db),
                capture_output=True,
                text=True,
            )
        if dump.returncode != 0:
            raise BackupError(f"pg_dump 失败：{dump.stderr.strip()}")
        files = [PG_DUMP]
    else:
        # SQLite: one read transaction for the manifest and the copy (in WAL mode a snapshot;
        # writers go on). Not Django's atomic(): it begins IMMEDIATE, and SQLite's backup from a
        # connection holding the write lock never ends.
        connection.ensure_connection()
        raw = connection.connection
        raw.execute("BEGIN DEFERRED")
        try:
            facts = state()
            copy = sqlite3.connect(target / SQLITE_COPY)
            try:
                raw.backup(copy)
            finally:
                copy.close()
        finally:
            raw.execute("ROLLBACK")
        files = [SQLITE_COPY]
    media = media_files()
    if media:
        with tarfile.open(target / MEDIA_TAR, "w") as tar:
            for path in media:
                tar.add(path, arcname=str(path.relative_to(settings.MEDIA_ROOT)), recursive=False)
        files.append(MEDIA_TAR)
    manifest = {
        "format": FORMAT,
        "started": started.isoformat(),
        "finished": _now().isoformat(),
        "engine": "postgresql" if pg.is_postgresql(db) else "sqlite",
        "database": db["NAME"] if pg.is_postgresql(db) else Path(str(db["NAME"])).name,
        "media": {"files": len(media), "bytes": sum(p.stat().st_size for p in media)},
        "keys": key_fingerprints(),
        "files": {
            name: {"bytes": (target / name).stat().st_size, "sha256": _sha256(target / name)}
            for name in files
        },
        **facts,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


# -- restore ---------------------------------------------------------------------------------------
def read_manifest(source: str | os.PathLike) -> tuple[Path, dict]:
    source = Path(source)
    path = source / MANIFEST
    if not path.exists():
        raise BackupError(f"{source} 不是备份目录（没有 {MANIFEST}）")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（需要 {FORMAT}）")
    for name, meta in manifest["files"].items():
        if not (source / name).exists():
            raise BackupError(f"备份缺少文件 {name}")
        if _sha256(source / name) != meta["sha256"]:
            raise BackupError(f"备份文件 {name} 的校验和不符（文件损坏或被改动）")
    return source, manifest


def check_keys(manifest: dict) -> None:
    """Refuse before touching anything when the configured keys cannot read the backup."""
    have = key_fingerprints()
    if have["audit"] != manifest["keys"]["audit"]:
        raise BackupError(
            "UNIONWORK_AUDIT_KEY 与备份时的审计链密钥不同：请设置备份时的密钥（与备份分开保管，见 docs/keys.md）"
        )
    needed = sorted(set(manifest["pii_keys"]) - set(have["pii"]))
    if needed:
        raise BackupError(
            f"UNIONWORK_PII_KEY 中缺少会员数据使用的密钥（密钥编号 {', '.join(needed)}）："
            "请设置备份时的密钥（与备份分开保管，见 docs/keys.md）"
        )


def restore(source: str | os.PathLike) -> dict:
    """Restore a backup into the configured database, which must be new and empty, and its files
    into MEDIA_ROOT; returns the manifest. Run :func:`check` afterwards."""
    source, manifest = read_manifest(source)
    check_keys(manifest)
    db = connection.settings_dict
    engine = "postgresql" if pg.is_postgresql(db) else "sqlite" if pg.is_sqlite(db) else db["ENGINE"]
    if engine != manifest["engine"]:
        raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {engine}")
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"数据库 {db['NAME']} 不是空的（{len(existing)} 张表）：请恢复到新建的空数据库"
            "（PostgreSQL: createdb；SQLite: 新文件），核对无误后再切换"
        )
    connection.close()
    if engine == "postgresql":
        if not shutil.which("pg_restore"):
            raise BackupError("找不到 pg_restore：请安装 PostgreSQL 客户端（postgresql-client）")
        result = subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                db["NAME"],
                str(source / PG_DUMP),
            ],
            env=pg.libpq_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")
    else:
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise BackupError("不能恢复到内存数据库：请用 DATABASE_URL=sqlite:///路径 指定新文件")
        src = sqlite3.connect(f"file:{source / SQLITE_COPY}?mode=ro", uri=True)
        dst = sqlite3.connect(name)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    if MEDIA_TAR in manifest["files"]:
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA_TAR) as tar:
            tar.extractall(root, filter="data")
    return manifest


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    notes: list[str] = field(default_factory=list)


def check(manifest: dict) -> list[Check]:
    """The restored database against the manifest: tables, figures, audit chain, keys, files."""
    from django.db.migrations.executor import MigrationExecutor

    from unionwork.core import audit

    checks: list[Check] = []
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    now = applied_migrations()
    checks.append(
        Check(
            "migrations",
            now == manifest["migrations"],
            f"已应用的迁移与备份一致（{len(now)} 个）"
            if now == manifest["migrations"]
            else "已应用的迁移与备份不一致",
            [
                f"代码中还有 {len(pending)} 个迁移未应用：核对后运行 manage.py migrate，再运行 restore --check-only"
            ]
            if pending
            else [],
        )
    )
    if pending:
        return checks  # the models may not match the tables yet: the other checks wait for migrate
    counts = table_counts()
    differ = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    checks.append(
        Check(
            "tables",
            not differ,
            f"{len(manifest['tables'])} 张表的行数与备份一致（共 {sum(manifest['tables'].values()):,} 行）"
            if not differ
            else "行数不一致：" + "；".join(f"{t} 备份 {a} 现在 {b}" for t, (a, b) in sorted(differ.items())),
        )
    )
    figures = figures_digest()
    checks.append(
        Check(
            "figures",
            figures == manifest["figures"],
            f"保存的指标值与备份时相同（{figures['rows']} 行，SHA-256 {figures['sha256'][:12]}…）"
            if figures == manifest["figures"]
            else f"指标值与备份时不同：备份 {manifest['figures']}，现在 {figures}",
        )
    )
    at_backup = audit.Anchor.parse(manifest["audit"]["anchor"])
    result = audit.verify(anchors=[at_backup])
    later, _problems = audit.read_anchors()
    later = [a for a in later if a.count > at_backup.count]
    checks.append(
        Check(
            "audit",
            result.ok and result.checked == at_backup.count,
            f"审计链完好：{result.checked} 个事件，与备份时签名的链头相符"
            if result.ok
            else "审计链校验未通过：" + "；".join(result.problems[:5]),
            [
                f"锚点文件记录了 {max(a.count for a in later)} 个事件，多于本备份的 {at_backup.count} 个："
                "备份之后写入的事件已随恢复丢失。把旧锚点文件改名保存（留作记录），"
                "再运行 audit_anchor 开始新的锚点文件（docs/administration.md）"
            ]
            if later
            else [],
        )
    )
    checks.append(_check_pii(manifest))
    media = media_files()
    checks.append(
        Check(
            "media",
            len(media) >= manifest["media"]["files"],
            f"上传文件 {manifest['media']['files']} 个已恢复到 {settings.MEDIA_ROOT}",
        )
    )
    return checks


def _check_pii(manifest: dict) -> Check:
    """For every key the members are written under: one member's ID decrypts and hashes back to its record."""
    from unionwork.members import pii
    from unionwork.members.models import Member

    keys = {k.key_id: k for k in pii.keyring()}
    problems, opened = [], 0
    for key_id in sorted(manifest["pii_keys"]):
        member = Member.objects.filter(pii_key=key_id).order_by("id").first()
        if member is None:
            problems.append(f"密钥 {key_id} 下没有会员")
            continue
        try:
            number = member.id_number
        except pii.PiiKeyError:
            problems.append(f"会员 #{member.pk} 的身份证号无法解密（密钥 {key_id}）")
            continue
        if key_id not in keys or pii.id_hash(number, keys[key_id]) != member.id_hash:
            problems.append(f"会员 #{member.pk} 的身份证号与其摘要不符（密钥 {key_id}）")
            continue
        opened += 1
    members = sum(manifest["pii_keys"].values())
    return Check(
        "pii",
        not problems,
        f"身份证号可解密：{len(manifest['pii_keys'])} 个密钥下各抽查一名会员，均与摘要相符（共 {members:,} 名会员）"
        if not problems
        else "；".join(problems),
    )

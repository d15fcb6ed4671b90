"""The database of a settings entry as PostgreSQL's client programs want it (pg_dump, pg_restore)."""

from __future__ import annotations

import os


def is_postgresql(db: dict) -> bool:
    return db["ENGINE"].endswith(("postgresql", "postgis"))


def is_sqlite(db: dict) -> bool:
    return db["ENGINE"].endswith("sqlite3")


def libpq_env(db: dict, name: str | None = None) -> dict[str, str]:
    """The environment for libpq programs connecting to ``db`` (the password never on a command line)."""
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        value = db.get(key)
        if value:
            env[var] = str(value)
        else:
            env.pop(var, None)
    env["PGDATABASE"] = name or db["NAME"]
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def connect_admin(db: dict):
    """A psycopg connection (autocommit) to the server's maintenance database, to create or drop databases."""
    import psycopg

    return psycopg.connect(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=5,
    )

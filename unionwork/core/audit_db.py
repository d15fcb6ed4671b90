"""The database's side of the append-only audit trail: triggers that refuse UPDATE and DELETE.

Used by the migration that installs them and by ``manage.py flush`` (which empties the whole
database, a development and test operation) to lift them for the moment of the flush.
"""

SQLITE_ON = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_OFF = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRES_ON = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_OFF = ["DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;"]


def statements(vendor: str, on: bool) -> list[str]:
    if vendor == "postgresql":
        return POSTGRES_ON if on else POSTGRES_OFF
    return SQLITE_ON if on else SQLITE_OFF


def set_append_only(connection, on: bool) -> None:
    with connection.cursor() as cur:
        for sql in statements(connection.vendor, on):
            cur.execute(sql)

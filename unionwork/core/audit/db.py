"""The database's side of the append-only audit trail: triggers that refuse UPDATE and DELETE.

The one UPDATE allowed is the sequencer's: linking an unlinked event (``seq`` NULL, sealed) by
setting its ``seq``, ``prev_hash`` and ``hash``, every other column unchanged. A linked event
can no longer be changed at all. Used by the migrations that install the triggers and by
``manage.py flush`` (which empties the whole database, a development and test operation) to
lift them for the moment of the flush.
"""

# Every column of the event but the three the sequencer sets.
_KEPT = (
    "id",
    "at",
    "actor_id",
    "actor_label",
    "source",
    "verb",
    "model",
    "object_id",
    "object_repr",
    "org_path",
    "before",
    "after",
    "note",
    "seal",
)
_SQLITE_SAME = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT)
_POSTGRES_SAME = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in _KEPT)

SQLITE_ON = [
    f"""CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       WHEN NOT (OLD.seq IS NULL AND OLD.seal IS NOT NULL AND NEW.seq IS NOT NULL AND {_SQLITE_SAME})
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
    f"""CREATE OR REPLACE FUNCTION core_auditevent_link_only() RETURNS trigger AS $$
       BEGIN
         IF OLD.seq IS NULL AND OLD.seal IS NOT NULL AND NEW.seq IS NOT NULL AND {_POSTGRES_SAME} THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_link_only ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_append_only BEFORE DELETE OR TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
    """CREATE TRIGGER core_auditevent_link_only BEFORE UPDATE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_link_only();""",
]
POSTGRES_OFF = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    "DROP TRIGGER IF EXISTS core_auditevent_link_only ON core_auditevent;",
]

# As migration 0002 installed them, before events were linked after commit (no UPDATE at all).
SQLITE_ON_V1 = [
    """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    SQLITE_ON[1],
]
POSTGRES_ON_V1 = [
    POSTGRES_ON[0],
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]


def statements(vendor: str, on: bool, version: int = 2) -> list[str]:
    if vendor == "postgresql":
        return (POSTGRES_ON if version == 2 else POSTGRES_ON_V1) if on else POSTGRES_OFF
    return (SQLITE_ON if version == 2 else SQLITE_ON_V1) if on else SQLITE_OFF


def set_append_only(connection, on: bool, version: int = 2) -> None:
    with connection.cursor() as cur:
        for sql in statements(connection.vendor, on, version):
            cur.execute(sql)

"""Links of one kind of one unit never overlap in time, in the database: an exclusion constraint
on PostgreSQL (btree_gist), triggers on SQLite. An empty link ([d, d), a change undone the same
day) overlaps nothing."""

from django.db import migrations

PG = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE orgs_orglink ADD CONSTRAINT orglink_no_overlap EXCLUDE USING gist "
    "(unit_id WITH =, kind WITH =, daterange(valid_from, valid_to, '[)') WITH &&)",
]
PG_DROP = ["ALTER TABLE orgs_orglink DROP CONSTRAINT IF EXISTS orglink_no_overlap"]

_OVERLAP = """EXISTS (SELECT 1 FROM orgs_orglink o WHERE o.unit_id = NEW.unit_id AND o.kind = NEW.kind
  AND o.id IS NOT NEW.id
  AND (o.valid_to IS NULL OR o.valid_to > NEW.valid_from)
  AND (NEW.valid_to IS NULL OR NEW.valid_to > o.valid_from)
  AND (o.valid_to IS NULL OR o.valid_to > o.valid_from)
  AND (NEW.valid_to IS NULL OR NEW.valid_to > NEW.valid_from))"""
SQLITE = [
    f"CREATE TRIGGER orglink_no_overlap_insert BEFORE INSERT ON orgs_orglink WHEN {_OVERLAP} "
    "BEGIN SELECT RAISE(ABORT, 'orglink_no_overlap'); END",
    f"CREATE TRIGGER orglink_no_overlap_update BEFORE UPDATE ON orgs_orglink WHEN {_OVERLAP} "
    "BEGIN SELECT RAISE(ABORT, 'orglink_no_overlap'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS orglink_no_overlap_insert",
    "DROP TRIGGER IF EXISTS orglink_no_overlap_update",
]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_rezoning")]
    operations = [
        migrations.RunPython(
            run({"postgresql": PG, "sqlite": SQLITE}), run({"postgresql": PG_DROP, "sqlite": SQLITE_DROP})
        )
    ]

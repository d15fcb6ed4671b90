"""Name search by any part of a name through an index on PostgreSQL (pg_trgm), not a scan.

The enterprise list's search (``name__icontains``: ``UPPER(name::text) LIKE UPPER('%…%')``) and
the union list's (the unit's name, the chairman's) are answered from GIN trigram indexes on the
same expressions. SQLite has no such index: its scan of 100,000 names stays (bench_pages.py).
"""

from django.db import migrations

INDEXES = [
    ("founding_enterprise_name_trgm", "founding_enterprise", "name"),
    ("founding_union_chairman_trgm", "founding_grassrootsunion", "chairman_name"),
    ("orgs_orgunit_name_trgm", "orgs_orgunit", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("founding", "0003_keep_founding_table_figures"),
        ("orgs", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]

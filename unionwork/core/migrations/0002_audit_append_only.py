"""The database itself refuses to change or remove audit events (SQLite and PostgreSQL)."""

from django.db import migrations

from unionwork.core.audit.db import statements


def forwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, on=True, version=1):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, on=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

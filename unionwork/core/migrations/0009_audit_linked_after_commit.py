"""Audit events are written unlinked in the change's transaction and linked into the chain after
commit by one sequencer (core/audit/chain.py; docs/keys.md), so no audited write waits for
another's transaction. Existing events keep their links and are not rewritten: they have neither
``seq`` nor ``seal`` and stay in id order at the start of the chain. The triggers now allow the
one UPDATE the sequencer makes (setting seq, prev_hash and hash of an unlinked, sealed event).
"""

from django.db import migrations, models

from unionwork.core.audit.db import statements


def triggers(version):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements(vendor, on=False) + statements(vendor, on=True, version=version):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0008_import_job_heartbeat")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seal",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, verbose_name="链上序号"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("seal__isnull", False), ("seq__isnull", True)),
                fields=["id"],
                name="core_audit_unlinked",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                condition=models.Q(("seq__isnull", False)), fields=("seq",), name="core_audit_seq_unique"
            ),
        ),
        migrations.RunPython(triggers(2), triggers(1)),
    ]

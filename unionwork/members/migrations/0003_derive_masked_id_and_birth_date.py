"""The masked ID and the birth date are no longer stored in clear beside the encrypted number.

Both are derived on read from the decrypted number (``Member.id_masked``, ``Member.birth_date``);
only the birth year stays in clear, for sorting and age figures. Existing rows get their year
from the old birth date column, in batches of primary keys (one UPDATE per batch, so a register
of millions never holds one long statement), then the two columns are dropped.
"""

from django.db import migrations, models
from django.db.models.functions import ExtractYear

BATCH = 20_000


def fill_birth_year(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    db = schema_editor.connection.alias
    qs = Member._base_manager.using(db)
    last = qs.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return
    for start in range(0, last + 1, BATCH):
        qs.filter(pk__gte=start, pk__lt=start + BATCH).update(birth_year=ExtractYear("birth_date"))


class Migration(migrations.Migration):
    atomic = True

    dependencies = [
        ("members", "0002_employment_not_recorded"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="birth_year",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="出生年份"),
        ),
        migrations.RunPython(fill_birth_year, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="member",
            name="birth_year",
            field=models.PositiveSmallIntegerField(verbose_name="出生年份"),
        ),
        migrations.RemoveField(model_name="member", name="id_masked"),
        migrations.RemoveField(model_name="member", name="birth_date"),
    ]

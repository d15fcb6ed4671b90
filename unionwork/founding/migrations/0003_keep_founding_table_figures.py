"""Count the founding table's kept figures (founding.own, founding.employees, founding.operating)
for the current month, so that figure pages read them from the first request after the upgrade."""

from django.db import migrations


def count(apps, schema_editor):
    # The module's own recount (the live models): the three figures are new, their rows empty.
    from unionwork.founding.indicators import EMPLOYEES_KEY, OPERATING_KEY, OWN_KEY, rebuild_all

    Enterprise = apps.get_model("founding", "Enterprise")  # noqa: N806
    if Enterprise.objects.exists():
        rebuild_all(keys=(OWN_KEY, EMPLOYEES_KEY, OPERATING_KEY))


class Migration(migrations.Migration):
    dependencies = [
        ("founding", "0002_founding_submissions"),
        ("core", "0008_import_job_heartbeat"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]

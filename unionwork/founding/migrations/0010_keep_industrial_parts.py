"""Count the industrial unions' new kept parts for the current month (each kept enterprise figure
by industrial union and district: ``founding.indicators.IndustrialParts``), so that an industrial
union's founding page and members' page read them from the first request after the upgrade.
Months before keep no parts: those pages show them empty, as every kept figure before its
first month."""

from django.db import migrations


def count(apps, schema_editor):
    # The module's own recount (the live models): one scan of the industrial unions' enterprises.
    from unionwork.founding.indicators import recount_parts

    Enterprise = apps.get_model("founding", "Enterprise")  # noqa: N806
    if Enterprise.objects.exists():
        recount_parts()


class Migration(migrations.Migration):
    dependencies = [
        ("founding", "0009_list_sort_indexes"),
        ("core", "0014_indicatorvalue_unit_scan"),
        ("orgs", "0006_orgunit_path_ids"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]

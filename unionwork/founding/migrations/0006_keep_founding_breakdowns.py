"""Count the founding page's new kept figures for the current month: the rate and the enterprises
of each ownership type and GB/T 4754 section (founding.ownership.*, founding.ownership_operating.*,
founding.industry.*, founding.industry_operating.*) and the union card's counts
(founding.unions.*), so that the page reads them from the first request after the upgrade."""

from django.db import migrations


def count(apps, schema_editor):
    # The module's own recount (the live models): the figures are new, their rows empty; one scan
    # of the enterprises and one of the founding records for all of them.
    from unionwork.founding.indicators import BREAKDOWN_KEYS, UNION_KEYS, rebuild_all

    Enterprise = apps.get_model("founding", "Enterprise")  # noqa: N806
    GrassrootsUnion = apps.get_model("founding", "GrassrootsUnion")  # noqa: N806
    if Enterprise.objects.exists() or GrassrootsUnion.objects.exists():
        rebuild_all(keys=BREAKDOWN_KEYS + UNION_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("founding", "0005_list_order_indexes"),
        ("core", "0010_indicator_corrections"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]

"""Count the new kept figure ``stability.concealed`` (concealed incidents, at the concealing unit)
for the current month, so the assessment's veto items read it from the first request after the
upgrade."""

from django.db import migrations


def count(apps, schema_editor):
    # The module's own recount (the live models): the figure is new, its rows empty.
    from unionwork.core import audit, indicators
    from unionwork.stability.indicators import CONCEALED_INCIDENTS

    Incident = apps.get_model("stability", "Incident")  # noqa: N806
    if Incident.objects.filter(concealed=True).exists():
        with audit.acting_as(None, "migration"):
            indicators.rebuild(CONCEALED_INCIDENTS.key)


class Migration(migrations.Migration):
    dependencies = [
        ("stability", "0001_initial"),
        ("core", "0010_indicator_corrections"),
    ]

    operations = [migrations.RunPython(count, migrations.RunPython.noop)]

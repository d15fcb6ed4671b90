"""The members keep their union's industrial path (``Member.org_ipath``), indexed over the linked
members only: an industrial union's members are then an index range, not a list of its units."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_ipaths(apps, schema_editor):
    Member = apps.get_model("members", "Member")
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    db = schema_editor.connection.alias
    linked = OrgUnit.objects.using(db).exclude(ipath="").values("pk")
    Member._base_manager.using(db).filter(union_id__in=linked).update(
        org_ipath=Subquery(OrgUnit.objects.using(db).filter(pk=OuterRef("union_id")).values("ipath")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_transfer_handshake"),
        ("orgs", "0005_orglink_no_overlap"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="org_ipath",
            field=models.CharField(blank=True, default="", editable=False, max_length=255, verbose_name="产业路径"),
        ),
        migrations.RunPython(copy_ipaths, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(
                condition=models.Q(("org_ipath", ""), _negated=True),
                fields=["org_ipath"],
                name="member_ipath_scope",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]

"""Fill the dated parent links from today's tree: every link holds from a fixed epoch (the tree
before the history was kept is read as today's), a merged or deregistered unit's link closes on
the day its status changed and a link with that status opens."""

import datetime

from django.db import migrations

EPOCH = datetime.date(2000, 1, 1)
BATCH = 2000


def forwards(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    OrgLink = apps.get_model("orgs", "OrgLink")
    links = []
    rows = OrgUnit.objects.exclude(parent_id=None).values_list(
        "pk", "parent_id", "industrial_union_id", "status", "status_changed_at"
    )
    for pk, parent_id, iu_id, status, changed in rows.iterator(chunk_size=BATCH):
        for kind, parent in (("territorial", parent_id), ("industrial", iu_id)):
            if parent is None:
                continue
            if status != "active" and changed is not None and changed.date() > EPOCH:
                day = changed.date()
                links.append(OrgLink(unit_id=pk, kind=kind, parent_id=parent, status="active",
                                     valid_from=EPOCH, valid_to=day))
                links.append(OrgLink(unit_id=pk, kind=kind, parent_id=parent, status=status, valid_from=day))
            else:
                links.append(OrgLink(unit_id=pk, kind=kind, parent_id=parent, status=status, valid_from=EPOCH))
        if len(links) >= BATCH:
            OrgLink.objects.bulk_create(links)
            links = []
    OrgLink.objects.bulk_create(links)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_org_links")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

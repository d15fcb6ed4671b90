"""The name search's index carries the member's path: a search by a name's first characters in a
subtree is counted from the index alone (the bounded count of 10,001 rows read the table: 23.7 ms
for one surname in the city, 3.0 ms from the index). At city scale the index is rebuilt in
about 2 s and grows from 43 to 95 MB."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0006_list_order_indexes'),
        ('orgs', '0006_orgunit_path_ids'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='member',
            name='member_name_search',
        ),
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['name', 'org_path'], name='member_name_search', opclasses=['varchar_pattern_ops', 'varchar_pattern_ops']),
        ),
    ]

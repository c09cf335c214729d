"""Characteristic values keep their item's name and class, for screening by key values within
one name.

The column is filled here and made required in the next migration: on PostgreSQL the filled
rows' deferred foreign key checks must be committed before the table is altered again."""

import django.db.models.deletion
from django.db import migrations, models

# One statement on either database: the values of a catalogue take a join, not a query per row.
BACKFILL = """
UPDATE catalog_characteristicvalue
SET item_name_id = catalog_item.item_name_id, supply_class = catalog_item.supply_class
FROM catalog_item WHERE catalog_item.id = catalog_characteristicvalue.item_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("names", "0001_initial"),
        ("catalog", "0006_item_lists"),
    ]

    operations = [
        migrations.AddField(
            model_name="characteristicvalue",
            name="item_name",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="names.itemname",
            ),
        ),
        migrations.AddField(
            model_name="characteristicvalue",
            name="supply_class",
            field=models.CharField(default="", max_length=4, verbose_name="supply class"),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]

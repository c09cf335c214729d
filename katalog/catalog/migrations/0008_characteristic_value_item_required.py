"""Every characteristic value has its item's name (filled by the previous migration), and the
index that screening by key values walks."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_characteristic_value_item"),
    ]

    operations = [
        migrations.AlterField(
            model_name="characteristicvalue",
            name="item_name",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="names.itemname",
            ),
        ),
        migrations.AddIndex(
            model_name="characteristicvalue",
            index=models.Index(
                fields=["characteristic", "item_name", "value"],
                include=["item", "supply_class"],
                name="charvalue_name_range_idx",
            ),
        ),
    ]

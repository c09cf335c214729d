"""The search index over the catalogue tables (see `katalog.search.backends`)."""

from django.db import migrations


def create_index(apps, schema_editor):
    from katalog.search.backends import ensure_search_schema

    ensure_search_schema(schema_editor.connection)


def drop_index(apps, schema_editor):
    from katalog.search.backends import drop_search_schema

    drop_search_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("names", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

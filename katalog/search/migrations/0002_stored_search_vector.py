"""PostgreSQL: the item search vector becomes a stored column with its own GIN index, replacing
the expression index (see `katalog.search.backends`). Nothing changes on SQLite."""

from django.db import migrations


def ensure_schema(apps, schema_editor):
    from katalog.search.backends import ensure_search_schema

    ensure_search_schema(schema_editor.connection)


class Migration(migrations.Migration):
    # The table rewrite of a large catalogue must not hold one migration transaction open
    # with everything else; it commits on its own.
    atomic = False
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(ensure_schema, migrations.RunPython.noop)]

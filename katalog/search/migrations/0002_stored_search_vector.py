"""PostgreSQL: the item search vector becomes a stored column with its own GIN index, replacing
the expression index of earlier versions. Nothing changes on SQLite. The SQL is this
migration's own copy (see 0001)."""

from django.db import migrations

VECTOR_COLUMN = (
    "ALTER TABLE catalog_item ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
)
INDEXES = [
    "DROP INDEX IF EXISTS search_item_tsv_idx",
    "CREATE INDEX IF NOT EXISTS search_item_vector_idx ON catalog_item USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_reference_reverse_key_idx ON catalog_reference "
    "(reverse(key) text_pattern_ops)",
]


def stored_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = 'catalog_item' AND column_name = 'search_vector'"
        )
        missing = cursor.fetchone() is None
    if missing:
        schema_editor.execute(VECTOR_COLUMN)
    for sql in INDEXES:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    # The table rewrite of a large catalogue must not hold one migration transaction open
    # with everything else; it commits on its own.
    atomic = False
    dependencies = [("search", "0001_search_index")]

    operations = [migrations.RunPython(stored_vector, migrations.RunPython.noop)]

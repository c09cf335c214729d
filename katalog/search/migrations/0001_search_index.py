"""The search index over the catalogue tables, as it was first created.

A migration keeps its own copy of the SQL it runs, so that it does the same thing whatever later
versions of `katalog.search.backends` do; the index's later shape is put in place by the
post-migrate hook of the search app (`backends.ensure_search_schema`)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_item_fts USING fts5("
    "search_text, content='catalog_item', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_reference_trgm USING fts5("
    "key, content='catalog_reference', content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS search_item_ai AFTER INSERT ON catalog_item BEGIN "
    "INSERT INTO search_item_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS search_item_ad AFTER DELETE ON catalog_item BEGIN "
    "INSERT INTO search_item_fts(search_item_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS search_item_au AFTER UPDATE OF search_text ON catalog_item "
    "BEGIN INSERT INTO search_item_fts(search_item_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO search_item_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS search_reference_ai AFTER INSERT ON catalog_reference BEGIN "
    "INSERT INTO search_reference_trgm(rowid, key) VALUES (new.id, new.key); END",
    "CREATE TRIGGER IF NOT EXISTS search_reference_ad AFTER DELETE ON catalog_reference BEGIN "
    "INSERT INTO search_reference_trgm(search_reference_trgm, rowid, key) "
    "VALUES ('delete', old.id, old.key); END",
    "CREATE TRIGGER IF NOT EXISTS search_reference_au AFTER UPDATE OF key ON catalog_reference "
    "BEGIN INSERT INTO search_reference_trgm(search_reference_trgm, rowid, key) "
    "VALUES ('delete', old.id, old.key); "
    "INSERT INTO search_reference_trgm(rowid, key) VALUES (new.id, new.key); END",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    "CREATE INDEX IF NOT EXISTS search_reference_key_trgm_idx ON catalog_reference "
    "USING gin (key gin_trgm_ops)",
]
COMMON = [
    "CREATE INDEX IF NOT EXISTS search_item_serial_idx ON catalog_item (serial)",
    "CREATE INDEX IF NOT EXISTS search_reference_ascii_idx ON catalog_reference (ascii_key)",
]
DROP = {
    "sqlite": [
        *(
            f"DROP TRIGGER IF EXISTS search_{t}_{op}"
            for t in ("item", "reference")
            for op in ("ai", "ad", "au")
        ),
        "DROP TABLE IF EXISTS search_item_fts",
        "DROP TABLE IF EXISTS search_reference_trgm",
    ],
    "postgresql": ["DROP INDEX IF EXISTS search_reference_key_trgm_idx"],
}


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])
    for sql in statements + COMMON:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)
    for sql in (
        "DROP INDEX IF EXISTS search_item_serial_idx",
        "DROP INDEX IF EXISTS search_reference_ascii_idx",
    ):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("names", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

"""Batched inserts for imports: PostgreSQL COPY into a temporary table, then one
`INSERT … SELECT … ON CONFLICT`; elsewhere (SQLite) Django's batched multi-row INSERT.

Rows are given as unsaved model instances, so defaults, `auto_now` times and computed columns
(search text, keys) are exactly what a normal save would store.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

BATCH_SIZE = 2000


def bulk_insert(
    model: type[Model],
    objects: Sequence[Model],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """Insert `objects`; on a unique conflict update `update_fields`, or keep the existing row."""
    if not objects:
        return
    if connection.vendor == "postgresql":
        _copy_insert(model, objects, unique_fields, update_fields)
        return
    if update_fields:
        model.objects.bulk_create(
            objects, batch_size=BATCH_SIZE, update_conflicts=True,
            unique_fields=list(unique_fields), update_fields=list(update_fields),
        )  # fmt: skip
    else:
        model.objects.bulk_create(
            objects, batch_size=BATCH_SIZE, ignore_conflicts=bool(unique_fields)
        )


def _columns(model: type[Model]):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _copy_insert(model, objects, unique_fields, update_fields) -> None:
    fields = _columns(model)
    table = model._meta.db_table
    staging = f"load_{table}"
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        # A session temp table with the target's columns (no constraints), emptied at each commit.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {quote(staging)} ON COMMIT DELETE ROWS "
            f"AS SELECT {names} FROM {quote(table)} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {quote(staging)}")
        with cursor.cursor.copy(f"COPY {quote(staging)} ({names}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([_db_value(f, obj) for f in fields])
        cursor.execute(
            f"INSERT INTO {quote(table)} ({names}) SELECT {names} FROM {quote(staging)}{_on_conflict(model, unique_fields, update_fields)}"
        )


def _db_value(field, obj):
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _on_conflict(model, unique_fields, update_fields) -> str:
    if not unique_fields:
        return ""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in unique_fields)
    if not update_fields:
        return f" ON CONFLICT ({columns}) DO NOTHING"
    sets = ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}"
        for c in (model._meta.get_field(f).column for f in update_fields)
    )
    return f" ON CONFLICT ({columns}) DO UPDATE SET {sets}"

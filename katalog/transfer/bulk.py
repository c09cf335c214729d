"""Batched inserts for imports: PostgreSQL COPY into a temporary table, then one
`INSERT … SELECT … ON CONFLICT`; on SQLite one `executemany` of `INSERT … ON CONFLICT`.

Rows are given as unsaved model instances, or as mappings of attribute names to values (the
cheaper choice for large batches), so defaults, `auto_now` times and computed columns (search
text, keys) are exactly what a normal save would store. Their column values are read with one
converter per field, prepared once per batch: going through each field's
`pre_save`/`get_db_prep_save` for every value cost three times the insert itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Model
from django.utils import timezone

BATCH_SIZE = 2000

# Fields whose stored value is the attribute itself (as `get_db_prep_save` would give it).
PLAIN_FIELDS = (
    models.CharField, models.TextField, models.IntegerField, models.FloatField,
    models.BooleanField, models.ForeignKey,
)  # fmt: skip


def bulk_insert(
    model: type[Model],
    objects: Sequence[Model] | Sequence[Mapping[str, Any]],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """Insert `objects`; on a unique conflict update `update_fields`, or keep the existing row."""
    if not objects:
        return
    fields = _columns(model)
    convert = [_converter(f, isinstance(objects[0], Mapping)) for f in fields]
    rows = [[value(obj) for value in convert] for obj in objects]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    conflict = _on_conflict(model, unique_fields, update_fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_insert(cursor, table, names, rows, conflict)
            return
        marks = ", ".join(["%s"] * len(fields))
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}", rows[start : start + BATCH_SIZE]
            )


def _columns(model: type[Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _converter(field: models.Field, from_mapping: bool) -> Callable[[Any], Any]:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        now = field.get_db_prep_save(timezone.now(), connection)
        return lambda _obj: now
    attname = field.attname
    plain = isinstance(field, PLAIN_FIELDS) and not field.choices
    if from_mapping:
        def prepare(value: Any) -> Any:
            return value if plain else field.get_db_prep_save(value, connection)

        default = prepare(field.get_default())
        return lambda row: prepare(row[attname]) if attname in row else default
    if plain:
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _copy_insert(cursor: Any, table: str, names: str, rows: list[list[Any]], conflict: str) -> None:
    staging = connection.ops.quote_name(f"load_{table.strip(chr(34))}")
    # A session temp table with the target's columns (no constraints), emptied at each commit.
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "
        f"AS SELECT {names} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {staging}")
    with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}{conflict}")


def _on_conflict(model: type[Model], unique_fields: Sequence[str], update_fields: Sequence[str]) -> str:
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

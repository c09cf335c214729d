"""Batched inserts for imports: on PostgreSQL COPY straight into the table, or, when that meets
a conflicting row (or rows must update on conflict), COPY into a temporary table and one
`INSERT … SELECT … ON CONFLICT`; on SQLite one `executemany` of `INSERT … ON CONFLICT`.

Rows are given as unsaved model instances, or as mappings of attribute names to values (the
cheaper choice for large batches), so defaults, `auto_now` times and computed columns (search
text, keys) are exactly what a normal save would store. Their column values are read with one
converter per field, prepared once per batch: going through each field's
`pre_save`/`get_db_prep_save` for every value cost three times the insert itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, cast

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Model
from django.utils import timezone

from katalog.core.fields import column, stored_field

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
    if isinstance(objects[0], Mapping):
        rows = _mapping_rows(fields, objects)  # type: ignore[arg-type]
    else:
        convert = [_converter(f) for f in fields]
        rows = [[value(obj) for value in convert] for obj in cast("Sequence[Model]", objects)]
    _insert_rows(model, fields, rows, _on_conflict(model, unique_fields, update_fields))


def bulk_insert_values(
    model: type[Model],
    given: Sequence[str],
    values: Sequence[tuple],
    *,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> None:
    """`bulk_insert` of rows given as tuples of the stored values of the fields `given`; the
    other columns get their defaults. The cheapest form for millions of rows: no mapping per
    row to merge and convert."""
    if not values:
        return
    chosen = [stored_field(model, name) for name in given]
    rest, extra = default_columns(model, chosen)
    rows = [row + extra for row in values]
    _insert_rows(model, chosen + rest, rows, _on_conflict(model, unique_fields, update_fields))


def default_columns(
    model: type[Model], given: Sequence[models.Field]
) -> tuple[list[models.Field], tuple]:
    """The model's columns other than `given` (and an automatic primary key), with the stored
    value each takes in a row that does not give it: its default, or now for `auto_now`."""
    now = timezone.now()
    rest = [
        f
        for f in model._meta.concrete_fields
        if f not in given and not (f.primary_key and f.auto_created)
    ]
    return rest, tuple(_stored(f, now if _is_auto_now(f) else f.get_default()) for f in rest)


def _stored(field: models.Field, value: Any) -> Any:
    return value if _is_plain(field) else field.get_db_prep_save(value, connection)


def _insert_rows(
    model: type[Model], fields: list[models.Field], rows: Sequence[Sequence[Any]], conflict: str
) -> None:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(cast(str, f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_insert(cursor, table, names, rows, conflict)
            return
        marks = ", ".join(["%s"] * len(fields))
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}",  # noqa: S608 (table and column names come from the models)
                rows[start : start + BATCH_SIZE],
            )


def _columns(model: type[Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _is_auto_now(field: models.Field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _is_plain(field: models.Field) -> bool:
    return isinstance(field, PLAIN_FIELDS) and not field.choices


def _converter(field: models.Field) -> Callable[[Model], Any]:
    if _is_auto_now(field):
        now = field.get_db_prep_save(timezone.now(), connection)
        return lambda _obj: now
    attname = field.attname
    if _is_plain(field):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def _mapping_rows(
    fields: list[models.Field], objects: Sequence[Mapping[str, Any]]
) -> list[list[Any]]:
    """Column values of mappings: each row is merged over the defaults and read in one
    `itemgetter` call. Defaults and `auto_now` times are converted once per batch; of the
    given values, only those of fields whose stored form differs from the value."""
    now = timezone.now()
    defaults = {f.attname: _stored(f, f.get_default()) for f in fields}
    forced = {f.attname: _stored(f, now) for f in fields if _is_auto_now(f)}
    converted = [
        (i, f, f.attname) for i, f in enumerate(fields) if not _is_plain(f) and not _is_auto_now(f)
    ]
    read = itemgetter(*(f.attname for f in fields))
    rows = []
    for obj in objects:
        row = list(read({**defaults, **obj, **forced}))
        for i, field, attname in converted:
            if attname in obj:
                row[i] = field.get_db_prep_save(row[i], connection)
        rows.append(row)
    return rows


def _copy_insert(
    cursor: Any, table: str, names: str, rows: Sequence[Sequence[Any]], conflict: str
) -> None:
    """Importers pass only rows they did not find, so a direct COPY nearly always succeeds; the
    staging table's second pass over every row cost as much as the COPY. Rows that must update,
    or a conflict (a row written meanwhile by someone else), take the staged way."""
    if "DO UPDATE" not in conflict:
        try:
            with transaction.atomic():
                _copy(cursor, table, names, rows)
            return
        except IntegrityError:
            if not conflict:
                raise
    _staged_insert(cursor, table, names, rows, conflict)


def _copy(cursor: Any, table: str, names: str, rows: Sequence[Sequence[Any]]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _staged_insert(
    cursor: Any, table: str, names: str, rows: Sequence[Sequence[Any]], conflict: str
) -> None:
    staging = connection.ops.quote_name(f"load_{table.strip(chr(34))}")
    # A session temp table with the target's columns (no constraints), emptied at each commit.
    cursor.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "  # noqa: S608 (table and column names come from the models)
        f"AS SELECT {names} FROM {table} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {staging}")
    _copy(cursor, staging, names, rows)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {staging}{conflict}")  # noqa: S608 (table and column names come from the models)


def _on_conflict(
    model: type[Model], unique_fields: Sequence[str], update_fields: Sequence[str]
) -> str:
    if not unique_fields:
        return ""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column(model, f)) for f in unique_fields)
    if not update_fields:
        return f" ON CONFLICT ({columns}) DO NOTHING"
    sets = ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}" for c in (column(model, f) for f in update_fields)
    )
    return f" ON CONFLICT ({columns}) DO UPDATE SET {sets}"

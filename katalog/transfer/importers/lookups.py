"""Batch lookups of what rows name: one query per batch, in plain SQL where a Django `IN` of
10,000 values cost more than the index reads."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model

from katalog.catalog.models import Item, Registration
from katalog.core.fields import column
from katalog.transfer.importers.base import ImportActor

SQLITE_PARAMETERS = 10000


def items_by_niin(niins: Iterable[str], *columns: str) -> list[tuple]:
    """`(niin, *columns)` of the items with these identification numbers."""
    if any("__" in c for c in columns):  # a value across a relation: the ORM writes the join
        return list(Item.objects.filter(niin__in=list(niins)).values_list("niin", *columns))
    return rows_matching(Item, "niin", niins, ["niin", *columns])


def rows_matching(
    model: type[Model], field: str, values: Iterable[Any], columns: list[str]
) -> list[tuple]:
    """`columns` of the rows whose `field` is one of `values`, in plain SQL: building a Django
    `IN` of 10,000 values cost more than the index reads. PostgreSQL takes the values as one
    array; SQLite as parameters, in chunks below its limit."""
    values = list(values)
    if not values:
        return []
    meta = model._meta
    names = ", ".join(column(model, c) for c in columns)
    head = f"SELECT {names} FROM {meta.db_table} WHERE {column(model, field)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [values])
            return cursor.fetchall()
        found = []
        for start in range(0, len(values), SQLITE_PARAMETERS):
            chunk = values[start : start + SQLITE_PARAMETERS]
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found += cursor.fetchall()
        return found


def registered_items(actor: ImportActor, item_ids: list[int]) -> set[int]:
    """Of these items, those on which the importing bureau is a registered user now."""
    if actor.bureau_id is None or not item_ids:
        return set()
    return set(
        Registration.objects.filter(
            item_id__in=item_ids, bureau_id=actor.bureau_id, effective_to__isnull=True
        ).values_list("item_id", flat=True)
    )

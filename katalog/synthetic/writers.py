"""Bulk writers for generated rows: `executemany` on SQLite, `COPY … FROM STDIN` on PostgreSQL
(psycopg 3 `cursor.copy`), and CSV import files. Rows are written as they come, chunk by chunk,
inside the caller's transaction.

A writer is given the columns the generator fills; every other column of the model gets its
default once (timestamps get the run's time), so a column added to a catalogue model later does
not break generation.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Model

from katalog.core.fields import stored_field
from katalog.transfer.bulk import default_columns


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def adapt_json(value: dict) -> Any:
    return connection.ops.adapt_json_value(value, None)


def adapt_date(value: Any) -> Any:
    return connection.ops.adapt_datefield_value(value)


class TableWriter:
    """Writes tuples for `fields` (model field names) plus constant defaults for the rest."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self.table = model._meta.db_table
        given = [stored_field(model, name) for name in fields]
        rest, self.extra = default_columns(model, given)
        self.columns = [str(f.column) for f in given + rest]
        self.count = 0

    def write(self, rows: Iterable[tuple]) -> None:
        extra = self.extra
        full = [row + extra for row in rows]
        if not full:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if is_postgres():
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    f"COPY {connection.ops.quote_name(self.table)} ({names}) FROM STDIN"
                ) as copy,
            ):
                for row in full:
                    copy.write_row(row)
        else:
            connection.ensure_connection()
            marks = ", ".join("?" * len(self.columns))
            connection.connection.executemany(
                f'INSERT INTO "{self.table}" ({names}) VALUES ({marks})',  # noqa: S608 (table and column names come from the models)
                full,
            )
        self.count += len(full)


def next_id(model: type[Model]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608 (table and column names come from the models)
        return int(cursor.fetchone()[0] or 0) + 1


def sync_id_sequence(model: type[Model]) -> None:
    """After rows were written with explicit ids, new rows must get ids after them
    (PostgreSQL identity sequences do not follow explicit ids; SQLite's AUTOINCREMENT does)."""
    if not is_postgres():
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 (table and column names come from the models)
            f"GREATEST((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
            [table],
        )


def tune_sqlite_for_bulk() -> None:
    """On top of the connection's WAL + synchronous=NORMAL (one sync per chunk transaction):
    a 128 MiB page cache and temporary data in memory, for index builds. On PostgreSQL, this
    session's index builds get 1 GiB of sort memory: the 64 MiB default makes the b-tree and
    trigram builds over tens of millions of rows spill to disk many times over."""
    if is_postgres():
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
        return
    with connection.cursor() as cursor:
        for pragma in ("temp_store=MEMORY", "cache_size=-131072"):
            cursor.execute(f"PRAGMA {pragma}")


@contextmanager
def search_index_suspended(enabled: bool) -> Iterator[None]:
    """Load without maintaining the search index, then build it once: row-by-row upkeep of
    FTS5 triggers or GIN trigram indexes costs several times the load itself. Worth it only
    when the load is large compared to what the tables hold."""
    try:
        from katalog.search.backends import (
            drop_search_schema,
            ensure_search_schema,
            rebuild_search_index,
        )
    except ImportError:  # search is not installed: nothing to suspend
        enabled = False
    if not enabled:
        yield
        return
    drop_search_schema()
    try:
        yield
    finally:
        if not ensure_search_schema() and not is_postgres():
            rebuild_search_index()


def secondary_indexes(tables: Sequence[str]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes on `tables` that no constraint or primary key
    needs, so they can be dropped for a bulk load and built once afterwards."""
    with connection.cursor() as cursor:
        if is_postgres():
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                [list(tables)],
            )
        else:
            marks = ", ".join("%s" for _ in tables)
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 (only %s placeholders are joined in)
                f"AND tbl_name IN ({marks})",
                list(tables),
            )
        return [(name, sql) for name, sql in cursor.fetchall()]


@contextmanager
def indexes_suspended(tables: Sequence[str], enabled: bool) -> Iterator[None]:
    """Drop secondary indexes for a large load and rebuild them after: one sorted build is
    far cheaper than millions of random inserts into b-trees. Unique indexes are rebuilt too,
    so a duplicate that slipped in fails loudly here."""
    dropped = secondary_indexes(tables) if enabled else []
    with connection.cursor() as cursor:
        for name, _sql in dropped:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in dropped:
                cursor.execute(sql)


def analyze(tables: Sequence[str]) -> None:
    """Refresh the planner's statistics after a large load. Until autovacuum gets to it, a
    table of 18 million registrations looked like one of 90,000 without an end date, and the
    search facets chose a full scan of it (5 s instead of 10 ms)."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class CsvWriter:
    """One import file with a header, in the layout `katalog import` reads."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.handle = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(header)
        self.count = 0

    def write(self, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        self.writer.writerows(rows)
        self.count += len(rows)

    def close(self) -> None:
        self.handle.close()

"""The per-database parts of search: index schema, index rebuild, full-text and fuzzy queries.

SQLite: two FTS5 tables with *external content* (they store only the index, the text stays in
the catalogue tables) kept in sync by triggers, so every write path (services, bulk
`executemany` imports, raw SQL) updates them in the same transaction:
- `search_item_fts` over `catalog_item.search_text` (unicode61, diacritics removed): words;
- `search_reference_trgm` over `catalog_reference.key` (trigram): fuzzy reference numbers.
PostgreSQL: a stored generated column `catalog_item.search_vector` (`to_tsvector('simple',
search_text)`), GIN indexes on it and on `key gin_trgm_ops`, and a b-tree on `reverse(key)` need
no sync at all; `pg_trgm`, `unaccent` and `fuzzystrmatch` are created if missing. The vector is
stored, not an index expression, because a common word matches a few per cent of the catalogue:
the planner then walks the items in id order and tests each row, and parsing the text again for
every row cost 3 µs a row (400 ms for the first 2,000 matches of "гайка" among 10 million items).

Django rebuilds a SQLite table when a later migration alters it, which drops triggers and
indexes it does not know of; `ensure_search_schema` runs after every `migrate` and puts them
back (rebuilding the index when a trigger was missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

# Indexes on catalogue columns that search needs and the catalogue models do not declare.
_COMMON_INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_item_serial_idx ON catalog_item (serial)",
    "CREATE INDEX IF NOT EXISTS search_reference_ascii_idx ON catalog_reference (ascii_key)",
]

_SQLITE_TABLES = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_item_fts USING fts5("
    "search_text, content='catalog_item', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_reference_trgm USING fts5("
    "key, content='catalog_reference', content_rowid='id', tokenize='trigram', detail='none')",
]

_SQLITE_TRIGGERS = {
    "search_item_ai": "CREATE TRIGGER search_item_ai AFTER INSERT ON catalog_item BEGIN "
    "INSERT INTO search_item_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "search_item_ad": "CREATE TRIGGER search_item_ad AFTER DELETE ON catalog_item BEGIN "
    "INSERT INTO search_item_fts(search_item_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "search_item_au": "CREATE TRIGGER search_item_au AFTER UPDATE OF search_text ON catalog_item BEGIN "
    "INSERT INTO search_item_fts(search_item_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO search_item_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "search_reference_ai": "CREATE TRIGGER search_reference_ai AFTER INSERT ON catalog_reference BEGIN "
    "INSERT INTO search_reference_trgm(rowid, key) VALUES (new.id, new.key); END",
    "search_reference_ad": "CREATE TRIGGER search_reference_ad AFTER DELETE ON catalog_reference BEGIN "
    "INSERT INTO search_reference_trgm(search_reference_trgm, rowid, key) "
    "VALUES ('delete', old.id, old.key); END",
    "search_reference_au": "CREATE TRIGGER search_reference_au AFTER UPDATE OF key ON catalog_reference BEGIN "
    "INSERT INTO search_reference_trgm(search_reference_trgm, rowid, key) "
    "VALUES ('delete', old.id, old.key); "
    "INSERT INTO search_reference_trgm(rowid, key) VALUES (new.id, new.key); END",
}

_POSTGRES_SCHEMA = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS fuzzystrmatch",
    "DROP INDEX IF EXISTS search_item_tsv_idx",  # the expression index of earlier versions
    "CREATE INDEX IF NOT EXISTS search_item_vector_idx ON catalog_item USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_reference_key_trgm_idx ON catalog_reference "
    "USING gin (key gin_trgm_ops)",
    # Keys by their end: a suffix is a range of this b-tree (see `_postgres_near_keys`).
    "CREATE INDEX IF NOT EXISTS search_reference_reverse_key_idx ON catalog_reference "
    "(reverse(key) text_pattern_ops)",
]

# Added only when missing: even `ADD COLUMN IF NOT EXISTS` refuses to run in a transaction
# that has pending foreign-key checks on the table.
_POSTGRES_VECTOR_COLUMN = (
    "ALTER TABLE catalog_item ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
)

# A trigram query needs grams of exactly three characters (shorter terms crashed SQLite 3.40).
GRAM = 3
FUZZY_CANDIDATES = 200


def is_postgres(connection: BaseDatabaseWrapper | None = None) -> bool:
    return (connection or default_connection).vendor == "postgresql"


def ensure_search_schema(connection: BaseDatabaseWrapper | None = None) -> bool:
    """Create what search needs if missing; True if the SQLite index had to be rebuilt."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = 'catalog_item' AND column_name = 'search_vector'"
            )
            if cursor.fetchone() is None:
                cursor.execute(_POSTGRES_VECTOR_COLUMN)
            for sql in _POSTGRES_SCHEMA + _COMMON_INDEXES:
                cursor.execute(sql)
            return False
        if connection.vendor != "sqlite":
            return False
        for sql in _SQLITE_TABLES + _COMMON_INDEXES:
            cursor.execute(sql)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'"
        )
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _SQLITE_TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(_SQLITE_TRIGGERS[name])
    if missing:
        rebuild_search_index(connection)
    return bool(missing)


def drop_search_schema(connection: BaseDatabaseWrapper | None = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS search_item_vector_idx")
            cursor.execute("DROP INDEX IF EXISTS search_reference_key_trgm_idx")
        elif connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute("DROP TABLE IF EXISTS search_item_fts")
            cursor.execute("DROP TABLE IF EXISTS search_reference_trgm")
        cursor.execute("DROP INDEX IF EXISTS search_item_serial_idx")
        cursor.execute("DROP INDEX IF EXISTS search_reference_ascii_idx")


def rebuild_search_index(connection: BaseDatabaseWrapper | None = None) -> None:
    """Rebuild the index from the catalogue tables (SQLite FTS5 `rebuild`; PostgreSQL REINDEX)."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO search_item_fts(search_item_fts) VALUES ('rebuild')")
            cursor.execute(
                "INSERT INTO search_reference_trgm(search_reference_trgm) VALUES ('rebuild')"
            )
        elif connection.vendor == "postgresql":
            cursor.execute("REINDEX INDEX search_item_vector_idx")
            cursor.execute("REINDEX INDEX search_reference_key_trgm_idx")


# --- full text --------------------------------------------------------------------------------


def text_match_sql(terms: Sequence[Sequence[str]]) -> tuple[str, list]:
    """SQL selecting the ids of items whose search text has every term (any of its variants,
    as a word prefix). `terms` holds, per query word, its spellings (word key, transliteration)."""
    matches, params, item_id = _text_matches(terms, None)
    return f"SELECT {item_id} {matches}", params


# How the ranked query names the id of the item being ranked, for `text_ranked_sql`'s `kept`.
RANKED_ITEM_ID = {"postgresql": "i.id", "sqlite": "search_item_fts.rowid"}


def ranked_item_id() -> str:
    return RANKED_ITEM_ID["postgresql" if is_postgres() else "sqlite"]


def _text_matches(
    terms: Sequence[Sequence[str]], kept: tuple[str, Sequence[object]] | None
) -> tuple[str, list, str]:
    """FROM/WHERE of the items whose search text has every term (and pass `kept`), with its
    parameters and the expression naming the matched item's id."""
    exists, exists_params = (f" AND EXISTS ({kept[0]})", list(kept[1])) if kept else ("", [])
    if is_postgres():
        return (
            "FROM catalog_item i WHERE i.search_vector @@ to_tsquery('simple'::regconfig, %s)"
            + exists,
            [_tsquery(terms), *exists_params],
            ranked_item_id(),
        )
    return (
        "FROM search_item_fts WHERE search_item_fts MATCH %s" + exists,
        [_fts5_query(terms), *exists_params],
        ranked_item_id(),
    )


def text_ranked_sql(
    terms: Sequence[Sequence[str]],
    kept: tuple[str, Sequence[object]] | None,
    after: tuple[float, int] | None,
    among: list[int] | None = None,
) -> tuple[str, list]:
    """SQL of `(id, score)` of matching items, best (lowest score) first, then by id, from after
    the keyset position `after`. `kept` is an optional `EXISTS` subquery (SQL, params) that
    refers to the ranked item as `ranked_item_id()`: a lookup per match, so the cost follows
    the number of matches, not the size of the filtered set.
    `among`, when given, holds exactly the first matches by id and bounds the ranking to them:
    PostgreSQL fetches them by primary key instead of testing every row again, SQLite's index
    reads the rowid range up to the last of them directly."""
    matches, params, item_id = _text_matches(terms, kept)
    if among and is_postgres():
        matches += f" AND {item_id} = ANY(%s)"
        params.append(list(among))
    elif among:
        matches += f" AND {item_id} <= %s"
        params.append(among[-1])
    if is_postgres():
        score = "-ts_rank(i.search_vector, to_tsquery('simple'::regconfig, %s))::float8"
        params = [_tsquery(terms), *params]
    else:
        score = "bm25(search_item_fts)"
    sql = f"SELECT id, score FROM (SELECT {item_id} AS id, {score} AS score {matches}) ranked"
    if after is not None:
        sql += " WHERE score > %s OR (score = %s AND id > %s)"
        params += [after[0], after[0], after[1]]
    return sql + " ORDER BY score, id", params


def text_matches_by_id_sql(
    terms: Sequence[Sequence[str]], kept: tuple[str, Sequence[object]] | None, after_id: int
) -> tuple[str, list]:
    """SQL of the ids of matching items after `after_id`, in id order (both indexes yield
    matches in id order, so a LIMIT stops the walk early)."""
    matches, params, item_id = _text_matches(terms, kept)
    return f"SELECT {item_id} AS id {matches} AND {item_id} > %s ORDER BY {item_id}", [
        *params,
        after_id,
    ]


def text_first_ids(
    terms: Sequence[Sequence[str]], kept: tuple[str, Sequence[object]] | None, limit: int
) -> list[int]:
    """The ids of the first `limit` matching items, by id."""
    sql, params = text_matches_by_id_sql(terms, kept, 0)
    with default_connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {int(limit)}", params)
        return [int(pk) for (pk,) in cursor.fetchall()]


def text_first_ids_sql(terms: Sequence[Sequence[str]], limit: int) -> tuple[str, list]:
    """SQL of the ids of the first `limit` items (by id) whose search text has every term."""
    sql, params = text_matches_by_id_sql(terms, None, 0)
    return f"{sql} LIMIT {int(limit)}", params


# Words shorter than this match whole words only, not as a prefix: "th" would stand for every
# word starting with it, thousands of them, and reading all their entries took 40 ms of a
# search for "TH-4KT80F" among 20 million items.
MIN_PREFIX = 3


def _is_prefix(variant: str) -> bool:
    return len(variant) >= MIN_PREFIX


def _fts5_query(terms: Sequence[Sequence[str]]) -> str:
    groups = [
        "(" + " OR ".join(f'"{v}"' + "*" * _is_prefix(v) for v in variants) + ")"
        for variants in terms
    ]
    return " AND ".join(groups)


def _tsquery(terms: Sequence[Sequence[str]]) -> str:
    groups = [
        "(" + " | ".join(f"'{v}'" + ":*" * _is_prefix(v) for v in variants) + ")"
        for variants in terms
    ]
    return " & ".join(groups)


# --- fuzzy reference numbers ------------------------------------------------------------------


def _segments(key: str, parts: int) -> list[str]:
    """`key` cut into `parts` contiguous pieces of nearly equal length."""
    size, extra = divmod(len(key), parts)
    cuts = [i * size + min(i, extra) for i in range(parts + 1)]
    return [key[cuts[i] : cuts[i + 1]] for i in range(parts)]


def _grams(text: str) -> list[str]:
    return sorted({text[i : i + GRAM] for i in range(len(text) - GRAM + 1)})


def fuzzy_reference_candidates(
    key: str, limit: int = FUZZY_CANDIDATES, max_edits: int | None = None
) -> list[tuple[int, int, str]]:
    """`(reference id, item id, key)` of references whose keys share the most trigrams with
    `key`: candidates for re-ranking, not yet filtered by edit distance.

    With `max_edits`, only keys holding one of `max_edits + 1` pieces of `key` whole are looked
    at: an edit changes at most one piece, so every key within that distance holds one, and the
    index skips the many keys that merely share a common trigram or two."""
    pieces = _segments(key, max_edits + 1) if max_edits is not None else []
    if pieces and any(len(piece) < GRAM for piece in pieces):
        pieces = []
    params: list[Any]
    with default_connection.cursor() as cursor:
        if is_postgres():
            if pieces:
                # The near keys first, then their rows: in one statement the planner guessed
                # 200,000 keys for a common suffix and hashed the whole table (4 s).
                cursor.execute(*_postgres_near_keys(key, pieces, max_edits))
                near = [k for (k,) in cursor.fetchall()]
                where, params = "key = ANY(%s)", [near]
            else:
                where, params = "key %% %s", [key]
            cursor.execute(
                f"SELECT id, item_id, key FROM catalog_reference WHERE {where}"
                " ORDER BY similarity(key, %s) DESC, id LIMIT %s",
                [*params, key, limit],
            )
            return [tuple(row) for row in cursor.fetchall()]
        if pieces:
            match = " OR ".join(
                "(" + " AND ".join(f'"{g}"' for g in _grams(piece)) + ")" for piece in pieces
            )
        else:
            grams = _grams(key)
            if not grams:
                return []
            match = " OR ".join(f'"{g}"' for g in grams)
        cursor.execute(
            "SELECT r.id, r.item_id, r.key FROM ("
            "SELECT rowid AS rid, rank FROM search_reference_trgm WHERE search_reference_trgm MATCH %s "
            "ORDER BY rank LIMIT %s) m JOIN catalog_reference r ON r.id = m.rid ORDER BY m.rank, r.id",
            [match, limit],
        )
        return [tuple(row) for row in cursor.fetchall()]


def _postgres_near_keys(key: str, pieces: list[str], max_edits: int | None) -> tuple[str, list]:
    """SQL of the distinct keys within `max_edits` of `key`. Edits that spare the first piece
    leave it as the key's prefix (the pattern b-tree reads that range), edits that spare the
    last leave it as the suffix (a range of the b-tree of reversed keys: through the trigram
    index, the entries of a common digit trigram took 15 ms to read), and the middle pieces
    stay whole somewhere inside (the trigram index). Each part keeps only the keys within the
    distance, tested on the index entry itself: a common prefix (`DIN9`) holds 38,000 keys,
    and fetching their rows to rank them took 130 ms. (Trigram similarity alone reads the
    posting lists of every trigram of `key`: seconds for a common one among 20 million keys.)"""
    first, *middle, last = pieces
    parts = [("key", _like_escape(first) + "%")]
    parts += [("key", "%" + _like_escape(piece) + "%") for piece in middle]
    parts += [("reverse(key)", _like_escape(last[::-1]) + "%")]
    near = "levenshtein_less_equal(key, %s, %s) <= %s"
    sql = " UNION ".join(
        f"SELECT key FROM catalog_reference WHERE {column} LIKE %s AND {near}"
        for column, _p in parts
    )
    return sql, [value for _c, pattern in parts for value in (pattern, key, max_edits, max_edits)]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

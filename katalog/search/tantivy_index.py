"""A derived tantivy index beside the database: item words, reference keys and facet columns.

The database stays the source of truth. The index holds one document per item: its search text
as words (prefix matches) and as Snowball stems (word forms), its reference keys as raw terms
(fuzzy part-number lookup), and its class, status, bureau and item name code, the countries of
its references' manufacturers and the user codes of its open registrations as fast fields (exact
facet counts over all matches by terms aggregation). It lives in its own directory
(`SEARCH_INDEX_DIR`, by default `search-index` in the data directory); search uses it only
when that directory holds an index, and otherwise the database's own full-text indexes.

It follows the database through the change stream, the audit log that the one write path
appends to in the same transaction as each change: the index records the last entry it applied
(its position, a file beside it), and applying the entries after it reads their items back from
the database and writes them again (`catch_up`). The worker catches up every second; the
process that made a change catches up as it commits, when little is waiting. Several machines
serving one database each keep their own index from the same log. `katalog reindex` rebuilds
it in bulk and records the log's position it was built at.

Search uses the index only while it is current (`state`): missing, or with changes of items in
the log after its position, search says so and answers from the database. Hits are always
checked against the database before they are shown (release rules, filters).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from django.conf import settings

from katalog.audit import selectors as audit_selectors
from katalog.core.text import word_key
from katalog.search.filters import WORD_RE
from katalog.search.stemming import stem

try:  # search works without the index (and without the package) through the database
    import tantivy
except ImportError:  # pragma: no cover
    tantivy = None  # type: ignore[assignment]  # the module's name stands for its absence

log = logging.getLogger(__name__)

# Words shorter than this match whole words only (as in the database backends).
MIN_PREFIX = 3
WRITER_HEAP = 64 * 1024 * 1024
BATCH = 5_000
FACET_FIELDS = {
    "class": "cls",
    "status": "status",
    "bureau": "bureau",
    "name": "name",
    "country": "country",
    "user": "user",
}
# Terms aggregations return the most frequent buckets; more than any facet lists (FACET_TOP).
FACET_BUCKETS = 1_000
# An item has several countries and user nations: each field holds the item's set as one term
# (sorted, joined by SET_SEPARATOR), counted per set and summed per member here. Aggregating a
# field of several values per document cost 7–9 ms over 170,000 matches, one value 0.5 ms.
SET_FACETS = ("country", "user")
SET_SEPARATOR = ","
SET_BUCKETS = 100_000

# The log is applied in bites: this many entries at most, naming this many items at most. As a
# change commits, its own process takes one small bite (a web request must not index a backlog
# left by a bulk load); the worker takes the rest.
CATCH_UP_ENTRIES = 500
BITE_KEYS = 20_000
ON_COMMIT_ENTRIES = 50
ON_COMMIT_KEYS = 2_000
# Named with the version of the index's documents: an index of an older version has no position
# (search answers from the database and says the index is behind until it is rebuilt).
POSITION_FILE = "katalog-position-2"
ITEM = "item"  # the audit log's object type of items

_lock = threading.Lock()
_opened: dict[str, tantivy.Index] = {}
# Per index directory, the searcher of this process and the stamp of the commit it sees.
_searchers: dict[str, tuple[tuple[int, ...], tantivy.Searcher]] = {}


def index_dir() -> Path:
    configured = getattr(settings, "SEARCH_INDEX_DIR", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "search-index"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("words", stored=False, tokenizer_name="default")
    builder.add_text_field("stems", stored=False, tokenizer_name="default")
    builder.add_text_field("keys", stored=True, tokenizer_name="raw")
    for field in FACET_FIELDS.values():
        builder.add_text_field(field, stored=False, tokenizer_name="raw", fast=True)
    return builder.build()


SCHEMA = _schema() if tantivy is not None else None


def present() -> bool:
    return tantivy is not None and (index_dir() / "meta.json").is_file()


def position(directory: Path | None = None) -> int | None:
    """The last entry of the change log the index holds, None if it does not say (built by an
    older version: it must be rebuilt)."""
    try:
        return int((directory or index_dir()).joinpath(POSITION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _position_write(seq: int, directory: Path | None = None) -> None:
    """Replace the position file in one step: a reader sees the old position or the new one."""
    target = (directory or index_dir()) / POSITION_FILE
    scratch = target.with_name(f"{POSITION_FILE}.{os.getpid()}")
    scratch.write_text(f"{seq}\n")
    os.replace(scratch, target)


class IndexState(StrEnum):
    CURRENT = "current"
    BEHIND = "behind"
    MISSING = "missing"


def state() -> IndexState:
    """Whether search may answer from the index: built, and no change of an item in the log
    after its position."""
    if not present():
        return IndexState.MISSING
    at = position()
    if at is None or audit_selectors.subjects_waiting(ITEM, after=at):
        return IndexState.BEHIND
    return IndexState.CURRENT


def _open() -> tantivy.Index | None:
    """The index of this process (readers see new commits after `reload`), or None."""
    path = index_dir()
    if not present():
        return None
    with _lock:
        index = _opened.get(str(path))
        if index is None:
            index = _opened[str(path)] = tantivy.Index(SCHEMA, path=str(path))
    return index


def _forget(path: Path) -> None:
    with _lock:
        _opened.pop(str(path), None)
        _searchers.pop(str(path), None)


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    id: int
    search_text: str
    supply_class: str
    status: str
    bureau: str
    name: str
    keys: tuple[str, ...]
    countries: tuple[str, ...] = ()
    users: tuple[str, ...] = ()


def stems_of(text: str) -> str:
    return " ".join(stem(word) for word in WORD_RE.findall(word_key(text)))


# A word written with apostrophes, as the transliteration of ь and ъ writes it ("kol'tso").
APOSTROPHED = re.compile(r"[^\W_]+(?:'[^\W_]+)+")


def joined_words(text: str) -> list[str]:
    """The words of `text` written with apostrophes, as one word each ("kol'tso" → "koltso").
    The index holds them beside their parts, and a query word's transliteration in parts is
    looked up joined: one term, where the parts as a phrase cost a search of a common word
    twice its time."""
    return sorted({match.replace("'", "") for match in APOSTROPHED.findall(text)})


def _document(row: ItemRow) -> tantivy.Document:
    words = word_key(row.search_text)
    words = " ".join([words, *joined_words(words)])
    doc = tantivy.Document(
        id=row.id,
        words=words,
        stems=stems_of(words),
        cls=row.supply_class,
        status=row.status,
        bureau=row.bureau,
        name=row.name,
    )
    for key in row.keys:
        doc.add_text("keys", key)
    for field, values in (("country", row.countries), ("user", row.users)):
        if values:
            doc.add_text(field, SET_SEPARATOR.join(sorted(values)))
    return doc


def item_rows(ids: Sequence[int] | None = None, batch: int = BATCH) -> Iterator[list[ItemRow]]:
    """The index's view of items (all, or those of `ids`), `batch` at a time by id."""
    from katalog.catalog.models import Item

    after = 0
    while True:
        items = Item.objects.filter(id__gt=after).order_by("id")
        if ids is not None:
            items = items.filter(id__in=ids)
        chunk = list(
            items.values_list(
                "id", "search_text", "supply_class", "status", "bureau__key", "item_name__code"
            )[:batch]
        )
        if not chunk:
            return
        keys, countries, users = _linked_values([row[0] for row in chunk])
        yield [
            ItemRow(
                *(pk, text or "", cls, status, bureau, name),
                *(keys.get(pk, ()), countries.get(pk, ()), users.get(pk, ())),
            )
            for pk, text, cls, status, bureau, name in chunk
        ]
        after = chunk[-1][0]


Linked = dict[int, tuple[str, ...]]


def _linked_values(ids: list[int]) -> tuple[Linked, Linked, Linked]:
    """Per item, its reference keys, its manufacturers' countries and its users' codes (of the
    open registrations), each without repeats."""
    from katalog.catalog.models import Reference, Registration

    keys: dict[int, dict[str, None]] = {}
    countries: dict[int, dict[str, None]] = {}
    refs = Reference.objects.filter(item_id__in=ids).values_list(
        "item_id", "key", "ascii_key", "manufacturer__country_id"
    )
    for item_id, key, ascii_key, country in refs:
        keys.setdefault(item_id, {}).update((k, None) for k in (key, ascii_key) if k)
        if country:
            countries.setdefault(item_id, {})[country] = None
    users: dict[int, dict[str, None]] = {}
    open_ones = Registration.objects.filter(item_id__in=ids, effective_to__isnull=True)
    for item_id, code in open_ones.values_list("item_id", "bureau__user_code"):
        if code:
            users.setdefault(item_id, {})[code] = None
    return _listed(keys), _listed(countries), _listed(users)


def _listed(found: dict[int, dict[str, None]]) -> Linked:
    return {pk: tuple(values) for pk, values in found.items()}


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Build the index from the database into a new directory, then put it in place; the number
    of items indexed. Searches keep using the old index (or the database) until it is done."""
    target = index_dir()
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    # Read before the rows: a change committed while they are read is applied again by the
    # next catch-up, which is harmless; none is missed.
    built_at = audit_selectors.last_seq()
    index = tantivy.Index(SCHEMA, path=str(building))
    writer = index.writer(WRITER_HEAP)
    count = 0
    for rows in item_rows():
        for row in rows:
            writer.add_document(_document(row))
        count += len(rows)
        if progress is not None:
            progress(count)
    writer.commit()
    writer.wait_merging_threads()
    _position_write(built_at, building)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    building.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    _forget(target)
    return count


def update_items(ids: Iterable[int]) -> None:
    """Write these items again as the database holds them now (deleted ones leave the index)."""
    index = _open()
    ids = sorted(set(ids))
    if index is None or not ids:
        return
    writer = index.writer(WRITER_HEAP // 4, 1)
    try:
        for pk in ids:
            writer.delete_documents_by_term("id", pk)
        for rows in item_rows(ids):
            for row in rows:
                writer.add_document(_document(row))
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    finally:
        writer.wait_merging_threads()


# --- following the change log -------------------------------------------------------------


def catch_up(
    *, bites: int | None = None, entries: int = CATCH_UP_ENTRIES, most_keys: int = BITE_KEYS
) -> int:
    """Apply the log's entries after the index's position: write their items again as the
    database holds them now, then move the position. The log is taken in bites of at most
    `entries` entries naming at most `most_keys` items (one entry always); `bites` None goes
    on to the log's end. Returns the entries applied. A position the index does not know (an
    index of an older version) is not guessed at: rebuild it."""
    from katalog.catalog.models import Item

    at = position() if present() else None
    if at is None:
        return 0
    applied = taken = 0
    while bites is None or taken < bites:
        keys, last = audit_selectors.subjects_after(
            ITEM, after=at, entries=entries, most_keys=most_keys
        )
        if last == at:
            break
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            update_items(Item.objects.filter(niin__in=chunk).values_list("id", flat=True))
        _position_write(last)
        applied, taken, at = applied + last - at, taken + 1, last
    return applied


def follow_log() -> int:
    """The worker's round: catch up with the whole log, unless another process is writing."""
    try:
        return catch_up()
    except ValueError:
        return 0


def follow_changes(touched: set[tuple[str, str]]) -> None:
    """Audit listener: a committed change touched items; catch up now if little waits."""
    if not present() or not any(kind == ITEM for kind, _key in touched):
        return
    try:
        catch_up(bites=1, entries=ON_COMMIT_ENTRIES, most_keys=ON_COMMIT_KEYS)
    except ValueError:
        # Another process holds the index's writer; it, or the worker, applies these entries.
        log.info("search index busy; the change is applied by the next catch-up")


# --- queries ----------------------------------------------------------------------------------


def _stamp(path: Path) -> tuple[int, ...] | None:
    """What identifies the index's last commit: tantivy replaces `meta.json` in one step at
    every commit (a new file), and a rebuild puts a new directory in place. None without one."""
    try:
        folder, meta = path.stat(), (path / "meta.json").stat()
    except OSError:
        return None
    return (folder.st_ino, folder.st_dev, meta.st_ino, meta.st_mtime_ns, meta.st_size)


def _searcher() -> tantivy.Searcher | None:
    """The searcher of this process, reused across queries while the index's last commit stays
    the same; a commit by any process (catch-up, rebuild) makes the next query reload it."""
    if tantivy is None:
        return None
    path = index_dir()
    stamp = _stamp(path)
    if stamp is None:
        return None
    key = str(path)
    with _lock:
        cached = _searchers.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        index = _opened.get(key)
        if index is None or cached is None or cached[0][:2] != stamp[:2]:
            # A new directory (rebuilt): open it afresh rather than reloading the old one.
            index = _opened[key] = tantivy.Index(SCHEMA, path=str(path))
        index.reload()
        searcher = index.searcher()
        _searchers[key] = (stamp, searcher)
    return searcher


def _word_query(variants: Sequence[str]) -> tantivy.Query:
    """One query word: any spelling as a word (or word prefix), or its stem as a stem; a
    transliteration in parts ("kol tso") as the one word the index also holds for it
    (`joined_words`), by prefix. Each clause once, and no prefix that a shorter one
    of the same word covers: a common word's clauses each match a sixth of the catalogue, and
    every one more costs as much again."""
    tokens = {"".join(WORD_RE.findall(word_key(v))) for v in variants} - {""}
    prefixes = {t for t in tokens if len(t) >= MIN_PREFIX}
    covered = {t for t in prefixes if any(t != o and t.startswith(o) for o in prefixes)}
    queries = [
        # A one-word prefix query: every word starting with the token (the same matches and
        # scores as the regular expression `token.*`, without compiling one).
        *(
            tantivy.Query.phrase_prefix_query(SCHEMA, "words", [t])
            for t in sorted(prefixes - covered)
        ),
        *(tantivy.Query.term_query(SCHEMA, "words", t) for t in sorted(tokens - prefixes)),
        *(tantivy.Query.term_query(SCHEMA, "stems", s) for s in sorted({stem(t) for t in tokens})),
    ]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])


def text_query(terms: Sequence[Sequence[str]]) -> tantivy.Query:
    """Items having every query word (any of its spellings or word forms)."""
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, _word_query(variants)) for variants in terms]
    )


def text_matches(terms: Sequence[Sequence[str]], limit: int) -> tuple[dict[int, float], int] | None:
    """Up to `limit` matching item ids with their relevance (higher is better) and the number of
    all matches; None without an index."""
    searcher = _searcher()
    if searcher is None:
        return None
    result = searcher.search(text_query(terms), limit, count=True)
    # The ids from the fast field, all at once (reading each stored document costs ~2 µs).
    ids = searcher.fast_field_values("id", [address for _score, address in result.hits])
    scores = {
        int(pk): float(score)
        for (score, _a), pk in zip(result.hits, ids, strict=True)
        if isinstance(pk, int)  # every document has its id; the stub allows none
    }
    # SearchResult.count exists (tantivy 0.27) but its stub lists only `hits`.
    return scores, int(result.count or 0)  # type: ignore[attr-defined]


def text_ids_after(terms: Sequence[Sequence[str]], after: int, limit: int) -> list[int] | None:
    """Up to `limit` ids of matching items above `after`, ascending; None without an index."""
    searcher = _searcher()
    if searcher is None:
        return None
    above = tantivy.Query.range_query(
        SCHEMA, "id", tantivy.FieldType.Integer, after, None, include_lower=False
    )
    query = tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, text_query(terms)), (tantivy.Occur.Must, above)]
    )
    result = searcher.search(
        query, limit, count=False, order_by_field="id", order=tantivy.Order.Asc
    )
    return [int(pk) for pk, _address in result.hits]


def facet_counts(terms: Sequence[Sequence[str]]) -> dict[str, dict[str, int]] | None:
    """Per facet (`FACET_FIELDS`), counts over all matches (their number comes with
    `text_matches`); None without an index, or when a facet has more values than its buckets
    (its counts would not be exact)."""
    searcher = _searcher()
    if searcher is None:
        return None
    aggregations = {
        facet: {
            "terms": {"field": field, "size": SET_BUCKETS if facet in SET_FACETS else FACET_BUCKETS}
        }
        for facet, field in FACET_FIELDS.items()
    }
    result = searcher.aggregate(text_query(terms), aggregations)
    if any(result[facet].get("sum_other_doc_count") for facet in FACET_FIELDS):
        return None
    counts: dict[str, dict[str, int]] = {}
    for facet in FACET_FIELDS:
        tally = counts[facet] = {}
        for bucket in result[facet]["buckets"]:
            members = (
                str(bucket["key"]).split(SET_SEPARATOR)
                if facet in SET_FACETS
                else [str(bucket["key"])]
            )
            for member in members:
                tally[member] = tally.get(member, 0) + int(bucket["doc_count"])
    return counts


def fuzzy_candidates(key: str, max_edits: int, limit: int) -> list[tuple[int, str]] | None:
    """`(item id, key)` of the items having a reference key within `max_edits` edits of `key`
    (not yet re-ranked), or None without an index."""
    searcher = _searcher()
    if searcher is None:
        return None
    query = tantivy.Query.fuzzy_term_query(
        SCHEMA, "keys", key, distance=max_edits, transposition_cost_one=False
    )
    found = []
    for _score, address in searcher.search(query, limit, count=False).hits:
        doc = searcher.doc(address)
        found += [(int(doc["id"][0]), k) for k in doc.get_all("keys")]
    return found


__all__ = [
    "catch_up",
    "facet_counts",
    "follow_changes",
    "follow_log",
    "fuzzy_candidates",
    "index_dir",
    "position",
    "present",
    "rebuild",
    "state",
    "text_ids_after",
    "text_matches",
    "update_items",
]

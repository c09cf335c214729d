"""Lookup and search latency, each next to the plain SQL index lookup of the same key."""

from __future__ import annotations

import importlib
import random
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection

from katalog.benchmarks.report import NOT_AVAILABLE, Figure, ms
from katalog.benchmarks.timing import percentiles, timed
from katalog.catalog.models import Item, Reference
from katalog.catalog.selectors import item_detail_by_number, items_by_reference
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.core.text import code_key

# The figures read as the installation's operator, who sees every item: the release rules'
# filter is not part of the comparison with the plain SQL floor.
READER = SYSTEM_OPERATOR

SECTION = "lookup and search"
NAME_WORDS = [
    "гайка",
    "bearing",
    "резистор",
    "bolt",
    "кольцо",
    "screwdriver",
    "конденсатор",
    "fuse",
    "washer",
    "ключ",
]


def sample_rows(model: Any, fields: tuple[str, ...], count: int, rng: random.Random) -> list[tuple]:
    """Random rows found by random id probes (no full scan, no OFFSET)."""
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    if not last:
        return []
    rows = []
    for _ in range(count):
        row = (
            model.objects.filter(pk__gte=rng.randint(1, last))
            .order_by("pk")
            .values_list(*fields)
            .first()
        )
        if row:
            rows.append(row)
    return rows


def raw_lookup(sql: str) -> Callable[[Any], Any]:
    def run(key: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            return cursor.fetchall()

    return run


def latency_figure(
    name: str, samples: list[float], floor: list[float], goal_ms: float | None, goal_at: str
) -> Figure:
    p50, p95, p99 = percentiles(samples)
    f50, f95, f99 = percentiles(floor)
    measured = p99 if goal_at == "p99" else p95
    return Figure(
        SECTION,
        name,
        f"p50 {ms(p50)} / p95 {ms(p95)} / p99 {ms(p99)}",
        f"plain SQL index lookup: p50 {ms(f50)} / p95 {ms(f95)} / p99 {ms(f99)}",
        f"{goal_at} < {goal_ms:g} ms" if goal_ms else "",
        (measured < goal_ms) if goal_ms else None,
    )


def search_api() -> tuple[Any, Any] | None:
    """`search` and `SearchQuery` if the search area is installed."""
    try:
        module = importlib.import_module("katalog.search.selectors")
        return module.search, module.SearchQuery
    except (ImportError, AttributeError):
        return None


def mistype(number: str, rng: random.Random) -> str:
    """The number with one letter or digit replaced, as someone mistyping it would."""
    spots = [i for i, ch in enumerate(number) if ch.isalnum()]
    if not spots:
        return number
    i = rng.choice(spots)
    pool = "0123456789" if number[i].isdigit() else "ABCDEFGHKLMNPRSTUVXZ"
    return number[:i] + rng.choice([c for c in pool if c != number[i].upper()]) + number[i + 1 :]


def refresh_statistics() -> None:
    """Planner statistics and the visibility map of the freshly generated catalogue, as
    autovacuum keeps them on a live PostgreSQL database. Without statistics the planner guesses
    table sizes and picks full scans; without the visibility map (a table just loaded or
    migrated has none) an index-only scan reads every row's table page too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction block: there, the statistics only.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def lookup_figures(samples: int, seed: int) -> list[Figure]:
    refresh_statistics()
    rng = random.Random(seed)
    items = sample_rows(Item, ("niin", "item_name_id"), samples, rng)
    refs = sample_rows(Reference, ("number", "key", "item_id"), samples, rng)
    if not items or not refs:
        return [Figure(SECTION, "lookups", "n/a (empty catalogue)")]
    niins = [n for n, _i in items]
    # Warm cache: every sampled key is looked up once, untimed, before the timed pass, for the
    # lookup and its plain-SQL floor alike. A fresh large catalogue is not in the page cache,
    # and the first touch of each page would time the disk rather than the lookup.
    figures = [
        latency_figure(
            "lookup by catalogue number (full item, warm cache)",
            timed(lambda n: item_detail_by_number(n, reader=READER), niins, warmup=len(niins)),
            timed(
                raw_lookup("SELECT id FROM catalog_item WHERE niin = %s"), niins, warmup=len(niins)
            ),
            5,
            "p99",
        ),
        latency_figure(
            "lookup by exact reference number (items in full, warm cache)",
            timed(lambda r: items_by_reference(r[0], reader=READER), refs, warmup=len(refs)),
            timed(
                raw_lookup("SELECT item_id FROM catalog_reference WHERE key = %s"),
                [k for _n, k, _i in refs],
                warmup=len(refs),
            ),
            5,
            "p99",
        ),
    ]
    api = search_api()
    if api is None:
        figures += [
            Figure(SECTION, "fuzzy reference number, top 10", NOT_AVAILABLE, goal="p95 < 50 ms"),
            Figure(SECTION, "name search with facets", NOT_AVAILABLE, goal="p95 < 100 ms"),
        ]
        return figures
    # The database's own path, as search answers while the index is missing or behind; the
    # search index section measures the index beside tantivy queried directly.
    with index_hidden():
        figures.append(fuzzy_figure(api, refs, rng))
        figures.append(name_search_figure(api, items, rng))
    return figures


@contextmanager
def index_hidden() -> Iterator[None]:
    """Search as without its index: pointed at an empty directory for the duration."""
    with tempfile.TemporaryDirectory(prefix="katalog-no-index-") as empty:
        before = settings.SEARCH_INDEX_DIR
        settings.SEARCH_INDEX_DIR = empty
        try:
            yield
        finally:
            settings.SEARCH_INDEX_DIR = before


def fuzzy_figure(api: tuple[Any, Any], refs: list[tuple], rng: random.Random) -> Figure:
    search, query_class = api
    size = max(50, len(refs) // 4)
    cases = [(mistype(number, rng), item_id, key) for number, key, item_id in refs[:size]]
    # Warmed on other numbers, mistyped the same way: the index's upper levels and common
    # parts are in memory as on a server in use, the pages of the timed numbers are not.
    for number, _key, _item in refs[size : 2 * size]:
        search(query_class(q=mistype(number, rng), limit=10), lang="en", reader=READER)
    found = 0

    def run(case: tuple[str, int, str]) -> None:
        nonlocal found
        page = search(query_class(q=case[0], limit=10), lang="en", reader=READER)
        found += any(hit.get("niin") == niin_of.get(case[1]) for hit in page.hits)

    niin_of = dict(Item.objects.filter(pk__in=[c[1] for c in cases]).values_list("pk", "niin"))
    samples = timed(run, cases, warmup=0)
    floor = timed(
        raw_lookup("SELECT item_id FROM catalog_reference WHERE key = %s"),
        [code_key(c[2]) for c in cases],
    )
    figure = latency_figure(
        "fuzzy reference number, database path (one character mistyped), top 10, "
        f"after {len(refs[size : 2 * size])} others",
        samples,
        floor,
        50,
        "p95",
    )
    figure.result += f"; original item in the top 10 for {found / len(cases):.0%} of {len(cases)}"
    return figure


def name_search_figure(api: tuple[Any, Any], items: list[tuple], rng: random.Random) -> Figure:
    search, query_class = api
    words = [rng.choice(NAME_WORDS) for _ in range(max(50, len(items) // 4))]
    name_ids = [i for _n, i in items][: len(words)]
    samples = timed(
        lambda w: search(query_class(q=w, limit=50), lang="ru", reader=READER), words, warmup=0
    )
    floor = timed(
        raw_lookup("SELECT id FROM catalog_item WHERE item_name_id = %s ORDER BY id LIMIT 50"),
        name_ids,
        warmup=0,
    )
    return latency_figure(
        "name search with facets, database path (one word, 50 hits)", samples, floor, 100, "p95"
    )

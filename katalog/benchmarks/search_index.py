"""The search index: its build, and katalog's fuzzy part-number and name searches through it,
each beside tantivy queried directly on the same index and the same cases (the floor an
embedded index sets), with the ratio."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from katalog.benchmarks.lookups import (
    NAME_WORDS,
    READER,
    mistype,
    refresh_statistics,
    sample_rows,
)
from katalog.benchmarks.report import Figure, ms
from katalog.benchmarks.timing import percentiles, timed
from katalog.catalog.models import Item, Reference
from katalog.core.text import code_key
from katalog.search import tantivy_index
from katalog.search.selectors import SearchQuery, search

SECTION = "search index"
FUZZY_GOAL_MS, FUZZY_GOAL_RATIO, NAME_GOAL_MS = 10.0, 3.0, 30.0


def search_index_figures(samples: int, seed: int) -> list[Figure]:
    refresh_statistics()
    rng = random.Random(seed)
    refs = sample_rows(Reference, ("number", "key", "item_id"), samples, rng)
    items = sample_rows(Item, ("niin", "item_name_id"), samples, rng)
    if not refs or not items:
        return [Figure(SECTION, "search index", "n/a (empty catalogue)")]
    figures = [build_figure()]
    figures.append(fuzzy_figure(refs, rng))
    figures.append(name_figure(len(items), rng))
    return figures


def build_figure() -> Figure:
    started = time.perf_counter()
    count = tantivy_index.rebuild()
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in Path(tantivy_index.index_dir()).rglob("*") if f.is_file())
    return Figure(
        SECTION,
        f"index build of {count:,} items (words, stems, reference keys, facets)",
        f"{seconds:,.1f} s, {count / seconds:,.0f} items/s",
        f"{size / 1e6:,.0f} MB on disk",
    )


def _searcher() -> Any:
    index = tantivy_index.tantivy.Index(tantivy_index.SCHEMA, path=str(tantivy_index.index_dir()))
    index.reload()
    return index.searcher()


def fuzzy_figure(refs: list[tuple], rng: random.Random) -> Figure:
    size = max(50, len(refs) // 4)
    cases = [(mistype(number, rng), item_id) for number, _key, item_id in refs[:size]]
    warm = [mistype(number, rng) for number, _key, _item in refs[size : 2 * size]]
    niin_of = dict(Item.objects.filter(pk__in=[c[1] for c in cases]).values_list("pk", "niin"))
    for typed in warm:  # as on a server in use: the index's common parts are in memory
        search(SearchQuery(q=typed, limit=10), lang="en", reader=READER)
    found = {"katalog": 0, "tantivy": 0}

    def through_katalog(case: tuple[str, int]) -> None:
        page = search(SearchQuery(q=case[0], limit=10), lang="en", reader=READER)
        found["katalog"] += any(hit.get("niin") == niin_of.get(case[1]) for hit in page.hits)

    searcher = _searcher()

    def directly(case: tuple[str, int]) -> None:
        query = tantivy_index.tantivy.Query.fuzzy_term_query(
            tantivy_index.SCHEMA, "keys", code_key(case[0]), distance=1
        )
        ids = [int(searcher.doc(a)["id"][0]) for _s, a in searcher.search(query, 10).hits]
        found["tantivy"] += case[1] in ids

    ours, floor = timed(through_katalog, cases, warmup=0), timed(directly, cases, warmup=0)
    share = {name: count / len(cases) for name, count in found.items()}
    ratio = percentiles(ours)[1] / max(percentiles(floor)[1], 1e-6)
    return _compared(
        f"fuzzy part number through katalog (one character mistyped), top 10, {len(cases)} cases",
        ours,
        floor,
        extra=(
            f"; right item in the top 10 for {share['katalog']:.1%}",
            f"; right item for {share['tantivy']:.1%}; ratio of p95 {ratio:.1f}×",
        ),
        goal=f"p95 ≤ {FUZZY_GOAL_MS:g} ms and ≤ {FUZZY_GOAL_RATIO:g}× tantivy, as many found",
        met=percentiles(ours)[1] <= FUZZY_GOAL_MS
        and ratio <= FUZZY_GOAL_RATIO
        and found["katalog"] >= found["tantivy"],
    )


def name_figure(count: int, rng: random.Random) -> Figure:
    words = [rng.choice(NAME_WORDS) for _ in range(max(50, count // 4))]
    searcher = _searcher()
    aggregations = {
        facet: {"terms": {"field": field, "size": tantivy_index.FACET_BUCKETS}}
        for facet, field in tantivy_index.FACET_FIELDS.items()
    }

    def directly(word: str) -> None:
        query = tantivy_index.text_query([[word]])
        searcher.search(query, 50, count=True)
        searcher.aggregate(query, aggregations)

    ours = timed(lambda w: search(SearchQuery(q=w, limit=50), lang="ru", reader=READER), words)
    floor = timed(directly, words)
    ratio = percentiles(ours)[1] / max(percentiles(floor)[1], 1e-6)
    return _compared(
        f"name search with facets through katalog (one word, 50 hits), {len(words)} queries",
        ours,
        floor,
        extra=("", f" (top 50, match count, every facet's counts); ratio {ratio:.1f}×"),
        goal=f"p95 ≤ {NAME_GOAL_MS:g} ms",
        met=percentiles(ours)[1] <= NAME_GOAL_MS,
    )


def _compared(
    name: str,
    ours: list[float],
    floor: list[float],
    *,
    extra: tuple[str, str],
    goal: str,
    met: bool,
) -> Figure:
    return Figure(
        SECTION,
        name,
        _line(ours) + extra[0],
        "tantivy directly: " + _line(floor) + extra[1],
        goal,
        met,
    )


def _line(samples: list[float]) -> str:
    p50, p95, p99 = percentiles(samples)
    return f"p50 {ms(p50)} / p95 {ms(p95)} / p99 {ms(p99)}"

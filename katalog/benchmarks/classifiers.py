"""The classification server's figures: a whole version as JSON (served from the cache of
serialised versions, next to building it afresh), one composed correspondence, and a whole
composed table NACE Rev.2.1 → ISIC Rev.5."""

from __future__ import annotations

import random
import time

from django.test import Client

from katalog.benchmarks.report import Figure, ms
from katalog.benchmarks.timing import percentiles, timed
from katalog.classifiers import cache, composition, selectors
from katalog.classifiers.models import Item, Version

SECTION = "classifiers"


def _p(samples: list[float]) -> str:
    p50, p95, p99 = percentiles(samples)
    return f"p50 {ms(p50)} / p95 {ms(p95)} / p99 {ms(p99)}"


def classifier_figures(samples: int, seed: int) -> list[Figure]:
    if Version.objects.filter(slug__in=["okved2", "nace21", "isic5"]).count() != 3:
        return [Figure(SECTION, "classifiers", "n/a (the shipped classifications are not loaded)")]
    return [*_whole_version(samples), _one_correspondence(samples, seed), _whole_table()]


def _whole_version(samples: int) -> list[Figure]:
    client = Client()
    okved2 = Version.objects.get(slug="okved2")
    count = okved2.items.count()
    calls = max(20, min(samples, 200))
    paths = [
        (
            "GET /api/v1/classifications/okved2/codes",
            "/api/v1/classifications/okved2/codes?language=ru",
        ),
        ("GET /api/klass/v1/versions/{id} (OKVED2)", f"/api/klass/v1/versions/{okved2.pk}"),
    ]
    figures = []
    for name, path in paths:

        def warm(_k: int, p: str = path) -> None:
            client.get(p)

        cached = timed(warm, list(range(calls)), warmup=3)

        def fresh(_k: int, p: str = path) -> None:
            cache.clear()
            client.get(p)

        cold = timed(fresh, list(range(max(10, calls // 10))), warmup=1)
        p95 = percentiles(cached)[1]
        figures.append(
            Figure(
                SECTION,
                f"whole version as JSON, {count:,} codes: {name}",
                _p(cached),
                f"serialised afresh each time: {_p(cold)}",
                "p95 < 50 ms",
                p95 < 50,
            )
        )
    return figures


def _one_correspondence(samples: int, seed: int) -> Figure:
    rng = random.Random(seed)
    nace21 = Version.objects.get(slug="nace21")
    isic5 = Version.objects.get(slug="isic5")
    items = list(Item.objects.filter(version=nace21).select_related("version"))
    chosen = [rng.choice(items) for _ in range(max(50, min(samples, 1000)))]

    def run(item: Item) -> None:
        selectors.correspond(item=item, target=isic5)

    warm = timed(run, chosen, warmup=20)

    def cold(item: Item) -> None:
        composition.clear_cache()
        run(item)

    first = timed(cold, chosen[:20], warmup=0)
    p95 = percentiles(warm)[1]
    return Figure(
        SECTION,
        "one composed correspondence NACE Rev.2.1 → ISIC Rev.5 (3 tables), ranked",
        _p(warm),
        f"tables read afresh each time: {_p(first)}",
        "p95 < 10 ms",
        p95 < 10,
    )


def _whole_table() -> Figure:
    nace21 = Version.objects.get(slug="nace21")
    isic5 = Version.objects.get(slug="isic5")
    composition.clear_cache()
    started = time.perf_counter()
    _route, rows = selectors.compose_table(source=nace21, target=isic5)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    selectors.compose_table(source=nace21, target=isic5)
    warm = time.perf_counter() - started
    codes = len({r.source.code for r in rows})
    return Figure(
        SECTION,
        f"whole composed table NACE Rev.2.1 → ISIC Rev.5 ({codes:,} codes, {len(rows):,} rows)",
        f"{cold * 1000:,.0f} ms with the tables read from the database",
        f"{warm * 1000:,.0f} ms with the tables in memory",
        "< 1 s",
        cold < 1,
    )

"""`katalog bench`: measure lookups against the plain SQL floor and write a Markdown table.

Runs on the configured database (the demo catalogue by default). Timings live here only, never
in tests.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import connection

from katalog.catalog.models import Item, Reference
from katalog.catalog.selectors import item_detail, item_get, items_by_reference
from katalog.core.management.base import KatalogCommand

RESULTS_DIR = Path("bench/results")


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def timed(fn: Callable[[Any], Any], keys: list[Any]) -> list[float]:
    samples = []
    for key in keys:
        start = time.perf_counter()
        fn(key)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def raw_lookup(sql: str) -> Callable[[Any], Any]:
    def run(key: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            return cursor.fetchall()

    return run


class Command(KatalogCommand):
    help = "Benchmark lookups and write bench/results/<date>-<database>.md"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--samples", type=int, default=2000)
        parser.add_argument("--large", action="store_true", help="label the run as the large benchmark")

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(7)
        niins = list(Item.objects.values_list("niin", flat=True)[:50000])
        numbers = [rng.choice(niins) for _ in range(options["samples"])]
        refs = list(Reference.objects.values_list("number", "key")[:50000])
        chosen = [rng.choice(refs) for _ in range(options["samples"])] if refs else []
        rows = [
            ("lookup by catalogue number (full item)", timed(lambda n: item_detail(item_get(n)), numbers),
             timed(raw_lookup("SELECT id FROM catalog_item WHERE niin = %s"), numbers)),
            ("lookup by exact reference number", timed(lambda r: items_by_reference(r[0]), chosen),
             timed(raw_lookup("SELECT item_id FROM catalog_reference WHERE key = %s"), [k for _n, k in chosen])),
        ]  # fmt: skip
        self.write_report(rows, options)

    def write_report(self, rows: list, options: dict) -> None:
        vendor = connection.vendor
        lines = [
            f"# katalog benchmark — {dt.date.today().isoformat()} — {vendor}",
            "",
            f"Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; items: {Item.objects.count():,}, references: {Reference.objects.count():,}.",
            "",
            "| measurement | p50 ms | p95 ms | p99 ms | floor: plain SQL p50 / p95 / p99 ms |",
            "|---|---|---|---|---|",
        ]
        for name, samples, floor in rows:
            p = percentiles(samples)
            f = percentiles(floor)
            lines.append(
                f"| {name} | {p[0]:.2f} | {p[1]:.2f} | {p[2]:.2f} | {f[0]:.3f} / {f[1]:.3f} / {f[2]:.3f} |"
            )
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{dt.date.today().isoformat()}-{vendor}{'-large' if options['large'] else ''}.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write("\n".join(lines))
        self.stdout.write(f"\nwritten to {path}")

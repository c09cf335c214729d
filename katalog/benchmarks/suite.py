"""The whole benchmark: make sure the bench database holds the catalogue, then measure import,
lookups, search, the HTTP API and screening quality, and write one Markdown table."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from katalog.accounts.models import Bureau
from katalog.benchmarks import (
    classifiers,
    exchange,
    imports,
    lookups,
    reduction,
    screening,
    search_index,
    serving,
)
from katalog.benchmarks.machine import machine_facts
from katalog.benchmarks.report import Figure, render
from katalog.catalog.models import Item, Manufacturer, Reference
from katalog.synthetic.generator import generate_catalogue

# The sections `run_suite` measures, in its order (`katalog bench --section NAME` picks some).
SECTIONS = (
    "import", "search index", "lookup and search", "HTTP API", "screening", "classifiers",
    "exchange",
)  # fmt: skip


@dataclass
class SuiteOptions:
    items: int
    seed: int = 1
    samples: int = 1000
    import_rows: int | None = None
    http_seconds: int = 10
    screening_lines: int = 100_000
    large: bool = False
    exchange_items: int = 20_000
    out_dir: Path = Path("bench/results")
    # Only these sections (by their names, e.g. "search index"); all when empty.
    sections: tuple[str, ...] = ()


def prepare_database() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if not Bureau.objects.exists():
        call_command("init", "--reference-only", "--no-migrate", verbosity=0)


def fill_catalogue(target: int, seed: int, progress: Callable[[int], None] | None) -> Figure:
    present = Item.objects.count()
    if present >= target:
        return Figure(
            "catalogue", "generated catalogue", f"{present:,} items already present", "reused"
        )
    report = generate_catalogue(items=target - present, seed=seed, progress=progress)
    rows = (
        report.items
        + report.references
        + report.values
        + report.registrations
        + report.manufacturers
    )
    return Figure(
        "catalogue",
        f"generation of {report.items:,} items ({rows:,} rows)",
        f"{report.items / report.seconds:,.0f} items/s",
        f"{rows / report.seconds:,.0f} rows/s in all, {report.seconds:,.0f} s",
    )


def measure_import(rows: int, seed: int, notes: list[str]) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="katalog-bench-") as work:
        return imports.import_figures(rows, Path(work), seed, notes)


def measure_exchange(items: int, seed: int) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="katalog-bench-exchange-") as work:
        return exchange.exchange_figures(items, Path(work), seed)


def guarded(section: str, measure: Callable[[], list[Figure]]) -> list[Figure]:
    """A section that breaks is reported as broken in the table; the other sections still run."""
    try:
        return measure()
    except Exception as exc:
        connection.close()  # a failed statement can leave the connection unusable (PostgreSQL)
        return [Figure(section, "failed", f"{type(exc).__name__}: {str(exc)[:300]}", met=False)]


def run_suite(
    options: SuiteOptions,
    progress: Callable[[int], None] | None = None,
    say: Callable[[str], None] = print,
) -> Path:
    started = dt.datetime.now(dt.UTC)
    # The bench catalogue's search index is its own, beside the installation's.
    settings.SEARCH_INDEX_DIR = str(
        Path(settings.DATA_DIR) / f"bench-search-index-{connection.vendor}"
    )
    prepare_database()
    notes: list[str] = []
    figures = [fill_catalogue(options.items, options.seed, progress)]
    rows = options.import_rows or max(1000, options.items // 2)
    sections: list[tuple[str, Callable[[], list[Figure]]]] = [
        ("import", lambda: measure_import(rows, options.seed + 1, notes)),
        ("search index", lambda: search_index.search_index_figures(options.samples, options.seed)),
        ("lookup and search", lambda: lookups.lookup_figures(options.samples, options.seed)),
        ("HTTP API", lambda: serving.http_figures(options.http_seconds, options.seed)),
        (
            "screening",
            lambda: screening.screening_figures(options.screening_lines, options.seed, notes),
        ),
        ("classifiers", lambda: classifiers.classifier_figures(options.samples, options.seed)),
        ("exchange", lambda: measure_exchange(options.exchange_items, options.seed)),
        ("reduction", reduction.reduction_figures),
    ]
    path = (
        options.out_dir
        / f"{started.date().isoformat()}-{connection.vendor}{'-large' if options.large else ''}.md"
    )
    if options.sections:
        sections = [(name, measure) for name, measure in sections if name in options.sections]
    for section, measure in sections:
        say(f"measuring: {section}")
        figures += guarded(section, measure)
        # Written after every section: a run stopped half-way keeps what it measured.
        write_report(path, options, started, figures, notes)
    return path


def write_report(
    path: Path, options: SuiteOptions, started: dt.datetime, figures: list[Figure], notes: list[str]
) -> None:
    sizes = (
        f"{Item.objects.count():,} items, {Reference.objects.count():,} references, "
        f"{Manufacturer.objects.count():,} manufacturers"
    )
    facts = [
        *machine_facts(),
        ("date", started.strftime("%Y-%m-%d %H:%M UTC")),
        ("catalogue", sizes),
    ]
    large = " (large)" if options.large else ""
    title = f"katalog benchmark — {started.date().isoformat()} — {connection.vendor}{large}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(title, facts, figures, notes), encoding="utf-8")

"""`katalog bench`: fill a dedicated bench database with a generated catalogue and measure
import, lookups, search, the HTTP API and screening, each next to its floor or raw comparison;
writes a Markdown table under bench/results/. Timings live here only, never in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import connection
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from katalog.benchmarks.suite import SECTIONS, SuiteOptions, run_suite
from katalog.core.management.base import KatalogCommand


def is_bench_database(name: str) -> bool:
    """The bench adds millions of rows: only to a database named for it."""
    return "bench" in Path(name).name.lower()


def create_postgres_database_if_missing() -> None:
    """`make bench-large` names a database (katalog_bench) that may not exist yet."""
    import psycopg

    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')


class Command(KatalogCommand):
    help = (
        "Benchmark a generated catalogue in a dedicated bench database and write "
        "bench/results/<date>-<db>.md"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--items",
            type=int,
            default=1_000_000,
            help="catalogue size to measure (generated if missing)",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--samples", type=int, default=1000, help="lookups per measurement")
        parser.add_argument(
            "--import-rows", type=int, help="rows in the import file (default: items / 2)"
        )
        parser.add_argument("--http-seconds", type=int, default=10)
        parser.add_argument(
            "--screening-lines", type=int, default=100_000,
            help="lines of the labelled parts list screened (default: 100,000)",
        )  # fmt: skip
        parser.add_argument(
            "--large", action="store_true", help="label the run as the large benchmark"
        )
        parser.add_argument(
            "--exchange-items", type=int, default=20_000,
            help="items of the bureau whose first full catalogue the exchange figures send",
        )  # fmt: skip
        parser.add_argument("--out", type=Path, default=Path("bench/results"))
        parser.add_argument(
            "--section", action="append", default=[], dest="sections",
            choices=SECTIONS, help="measure only this section (repeatable; default: all)",
        )  # fmt: skip
        parser.add_argument(
            "--any-database",
            action="store_true",
            help="allow a database whose name does not contain 'bench' (the run adds data to it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(connection.settings_dict["NAME"])
        if not is_bench_database(name) and not options["any_database"]:
            raise CommandError(
                f"katalog bench writes a generated catalogue into the database {name!r}; point "
                "KATALOG_DATABASE_URL at a bench database (e.g. sqlite:///var/bench.sqlite3) "
                "or pass --any-database"
            )
        if connection.vendor == "postgresql":
            create_postgres_database_if_missing()
        suite = SuiteOptions(
            items=options["items"],
            seed=options["seed"],
            samples=options["samples"],
            import_rows=options["import_rows"],
            http_seconds=options["http_seconds"],
            screening_lines=options["screening_lines"],
            large=options["large"],
            exchange_items=options["exchange_items"],
            out_dir=options["out"],
            sections=tuple(options["sections"]),
        )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=True) as bar:
            task = bar.add_task("generating the catalogue", total=None)
            path = run_suite(suite, progress=lambda n: bar.advance(task, n), say=bar.console.print)
        self.stdout.write(path.read_text(encoding="utf-8"))
        self.stdout.write(f"written to {path}")

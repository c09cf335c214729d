"""`katalog generate`: a synthetic catalogue of any size, into the database or as import files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from katalog.core.management.base import KatalogCommand
from katalog.synthetic.generator import generate_catalogue, generate_import_files


class Command(KatalogCommand):
    help = (
        "Generate a synthetic catalogue (items, references, manufacturers, characteristics, "
        "registrations), deterministic for a seed, into the database or as import files."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--items", type=int, required=True, help="number of items to add")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--manufacturers", type=int, help="number of manufacturers (default: items / 10)"
        )
        parser.add_argument("--format", choices=["db", "csv"], default="db")
        parser.add_argument("--out", type=Path, help="directory for the csv files")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["items"] < 1:
            raise CommandError("--items must be at least 1")
        if options["format"] == "csv" and not options["out"]:
            raise CommandError("--format csv needs --out DIR")
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, disable=options["no_progress"], transient=True) as bar:
            task = bar.add_task("generating items", total=options["items"])
            common = {
                "items": options["items"],
                "seed": options["seed"],
                "manufacturers": options["manufacturers"],
                "progress": lambda n: bar.advance(task, n),
            }
            if options["format"] == "csv":
                report = generate_import_files(out_dir=options["out"], **common)
            else:
                report = generate_catalogue(**common)
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

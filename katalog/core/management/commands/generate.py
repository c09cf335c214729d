"""`katalog generate`: a synthetic catalogue of any size, into the database or as import files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

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
        self.add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["items"] < 1:
            raise CommandError("--items must be at least 1")
        if options["format"] == "csv" and not options["out"]:
            raise CommandError("--format csv needs --out DIR")
        with self.progress(options, "generating items", options["items"]) as shown:
            common = {
                "items": options["items"],
                "seed": options["seed"],
                "manufacturers": options["manufacturers"],
                "progress": shown.advance,
            }
            if options["format"] == "csv":
                report = generate_import_files(out_dir=options["out"], **common)
            else:
                report = generate_catalogue(**common)
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

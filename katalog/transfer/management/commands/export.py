"""`katalog export items [--format csv|xlsx|jsonl] [-o FILE] [--q TEXT] [--param NAME=VALUE]`:
stream matching items (the whole catalogue without a query) in constant memory."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from katalog.core.management.base import KatalogCommand
from katalog.transfer.exporters import FORMATS, export_items


def search_params(q: str, pairs: list[str]) -> dict[str, str | list[str]]:
    """Search parameters as a URL query string would give them (a repeated name: a list)."""
    values: dict[str, list[str]] = {"q": [q]} if q else {}
    for pair in pairs:
        name, _sep, value = pair.partition("=")
        values.setdefault(name.strip(), []).append(value)
    return {name: v[0] if len(v) == 1 else v for name, v in values.items()}


class Command(KatalogCommand):
    help = "Export items as CSV, XLSX or JSON Lines (streamed; constant memory)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["items"])
        parser.add_argument(
            "-o", "--output", type=Path, help="file to write (default: standard output)"
        )
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default=None,
            help="default: from the file name, else csv",
        )
        parser.add_argument("--q", default="", help="search text; without it, every item")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="another search parameter as in the search URL (repeatable)",
        )
        self.add_actor_argument(parser)
        self.add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt = options["format"] or (suffix if suffix in FORMATS else "csv")
        params = search_params(options["q"], options["param"])
        reader = self.reading_user(options)
        if output is None and fmt == "xlsx":
            raise CommandError("XLSX needs an output file (-o items.xlsx)")
        with self.progress(options, "exporting items") as shown:
            count = export_items(
                output or sys.stdout, reader=reader, fmt=fmt, params=params, progress=shown.reached
            )
        if output is not None:
            self.stderr.write(f"{count} items written to {output}")

"""`katalog export items [-o FILE]`: stream the catalogue as CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from katalog.core.management.base import KatalogCommand
from katalog.transfer.exporters import export_items_csv


class Command(KatalogCommand):
    help = "Export items as CSV (streamed; constant memory)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["items"])
        parser.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"]:
            with options["output"].open("w", encoding="utf-8", newline="") as out:
                count = export_items_csv(out)
            self.stderr.write(f"{count} items written to {options['output']}")
        else:
            export_items_csv(sys.stdout)

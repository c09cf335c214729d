"""`katalog screening_keys`: add the folded screening key of every reference that has none."""

from __future__ import annotations

from typing import Any

from katalog.core.management.base import KatalogCommand
from katalog.screening.services import screening_keys_backfill


class Command(KatalogCommand):
    help = "Add missing folded screening keys of references (run after bulk loads)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)
        self.add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with self.progress(options, "adding screening keys") as shown:
            added = screening_keys_backfill(
                batch_size=options["batch_size"], on_progress=shown.reached
            )
        self.stdout.write(f"screening keys added: {added}")

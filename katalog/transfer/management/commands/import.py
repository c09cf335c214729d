"""`katalog import KIND FILE`: load catalogue data from CSV, XLSX or JSONL.

A run stopped half-way (killed, power cut) resumes after its last committed batch when the same
file is imported again."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from katalog.core.management.base import KatalogCommand
from katalog.transfer.importers.base import BATCH_SIZE, Policy
from katalog.transfer.importers.kinds import IMPORTERS, import_file
from katalog.transfer.readers import count_rows

SHOWN_ERRORS = 20


class Command(KatalogCommand):
    help = "Import a file. Rejected rows are reported with line number and reason; good rows load."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--on-existing", choices=[p.value for p in Policy], default="skip")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, change nothing"
        )
        parser.add_argument("--errors", type=Path, help="write every rejected row to this CSV file")
        parser.add_argument(
            "--encoding",
            help="encoding of a CSV or JSON Lines file (default: detected; e.g. latin-1)",
        )
        self.add_progress_argument(parser)
        # Progress is shown by default now; the old switch is still accepted.
        parser.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="rows per transaction"
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self.acting_user(options)
        total = None if options["no_progress"] else count_rows(options["file"])
        with self.progress(options, f"importing {options['kind']}", total) as shown:
            report = import_file(
                options["kind"],
                options["file"],
                actor=actor,
                policy=Policy(options["on_existing"]),
                dry_run=options["dry_run"],
                error_file=options["errors"],
                progress=shown.advance,
                batch_size=max(1, options["batch_size"]),
                encoding=options["encoding"],
            )
        if report.resumed_after_line:
            self.stderr.write(
                f"resumed after line {report.resumed_after_line}, committed by an earlier run"
            )
        for error in report.errors[:SHOWN_ERRORS]:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"line {error.line}{column}: {error.code}: {error.message}")
        if report.rejected > SHOWN_ERRORS:
            self.stderr.write(f"… and {report.rejected - SHOWN_ERRORS} more rejected rows")
        prefix = "dry run: would have " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}{report.kind}: {report.total} rows read, {report.created} created, "
            f"{report.updated} updated, {report.skipped} skipped, {report.rejected} rejected"
        )

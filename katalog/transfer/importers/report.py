"""What an import reports: its counts, and its rejected rows (the first ones kept in memory,
all of them in an optional CSV file that a resumed run continues)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from katalog.core.errors import RowError
from katalog.core.tables import CsvWriter

KEPT_ERRORS = 1000


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    dry_run: bool = False
    resumed_after_line: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "total": self.total, "created": self.created,
            "updated": self.updated, "skipped": self.skipped, "rejected": self.rejected,
            "dry_run": self.dry_run, "resumed_after_line": self.resumed_after_line,
        }  # fmt: skip


COUNTED = ("total", "created", "updated", "skipped", "rejected")


class ErrorSink:
    """Collects rejected rows: the first ones in memory, all of them in an optional CSV file.

    Resuming a stopped run keeps the report rows of the committed lines and appends the rest,
    so the file ends as an uninterrupted run would have written it.
    """

    def __init__(
        self,
        report: ImportReport,
        path: Path | None,
        *,
        keep_up_to: int = 0,
        on_reject: Callable[[RowError], None] | None = None,
    ) -> None:
        self.report = report
        self.pending: list[RowError] = []
        self.on_reject = on_reject
        self.handle = _open_error_file(path, keep_up_to) if path else None
        self.writer = CsvWriter(self.handle) if self.handle else None

    def add(self, error: RowError) -> None:
        self.pending.append(error)

    def flush(self) -> None:
        """Report a batch's rejections in line order (validation and writing find them apart)."""
        for error in sorted(self.pending, key=lambda e: e.line):
            self.report.rejected += 1
            if len(self.report.errors) < KEPT_ERRORS:
                self.report.errors.append(error)
            if self.writer:
                self.writer.writerow([error.line, error.column, error.code, error.message])
            if self.on_reject:
                self.on_reject(error)
        self.pending = []
        if self.handle:
            self.handle.flush()

    def close(self) -> None:
        if self.handle:
            self.handle.close()


ERROR_HEADER = ["line", "column", "code", "message"]


def _open_error_file(path: Path, keep_up_to: int):
    """Open the error report; on resume keep only the rows of lines already committed."""
    kept: list[list[str]] = []
    if keep_up_to and path.exists():
        with path.open(encoding="utf-8", newline="") as old:
            kept = [r for r in csv.reader(old) if r and r[0].isdigit() and int(r[0]) <= keep_up_to]
    handle = path.open("w", encoding="utf-8", newline="")
    writer = CsvWriter(handle)
    writer.writerow(ERROR_HEADER)
    writer.writerows(kept)
    return handle

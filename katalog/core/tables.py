"""The one writer of every CSV and XLSX file katalog produces: exports, error reports,
screening results, classifier tables.

A cell that a spreadsheet program would run as a formula (`=…`, `+…`, `-…`, `@…`, or one
starting with a tab or carriage return) is written as text, with a leading apostrophe, so a file
made from hostile input cannot run anything when a person opens it (CWE-1236).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # makes spreadsheet programs read a CSV file as UTF-8


def safe_cell(value: Any) -> str:
    """A value as a cell's text, never as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_row(values: Iterable[Any]) -> list[str]:
    return [safe_cell(v) for v in values]


class CsvWriter:
    """csv.writer with every cell made safe; `dialect` options as for csv.writer."""

    def __init__(self, handle: SupportsWrite[str], **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    header: Sequence[str], rows: Iterable[Iterable[Any]], *, bom: bool = True
) -> Iterator[str]:
    """A CSV file as text chunks, one per row (for streaming responses)."""
    writer = CsvWriter(_Line())
    yield (BOM if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def write_xlsx(
    path: Path | IO[bytes], sheets: Iterable[tuple[str, Sequence[str], Iterable[Iterable[Any]]]]
) -> int:
    """A write-only workbook of (sheet title, header, rows): rows go to the file as they come,
    never all in memory. Returns the number of data rows written."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    count = 0
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
            count += 1
    workbook.save(path)
    return count

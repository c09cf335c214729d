"""Screening of a whole parts list (CSV, XLSX or JSON Lines) into a result CSV.

Rows are read as a stream and screened in chunks: each chunk costs a few reference queries in
all (see `services.screen_prepared`), so memory stays flat for 100,000 lines. A row that cannot
be screened is reported with its line, column and reason, and the rest goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import translation
from django.utils.translation import gettext as _

from katalog.core.errors import ValidationFailed
from katalog.core.tables import CsvWriter
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.models import NOT_SCREENED
from katalog.screening.services import (
    Lookups,
    ReferenceInput,
    ScreeningInput,
    ScreeningResult,
    prepare,
    screen_prepared,
)
from katalog.transfer.readers import read_rows

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

CHUNK_SIZE = 500
CANDIDATES_PER_LINE = 3
MAX_LINES = 100_000

# Accepted column names (headers are lower-cased, spaces become underscores).
REFERENCE_COLUMNS = ("reference_number", "reference", "part_number", "number")
MANUFACTURER_CODE_COLUMNS = ("manufacturer_code", "manufacturer", "cage", "ncage")
MANUFACTURER_NAME_COLUMNS = ("manufacturer_name",)
ITEM_NAME_COLUMNS = ("item_name", "item_name_code", "name")
SUPPLY_CLASS_COLUMNS = ("supply_class", "class", "fsc")
KNOWN_COLUMNS = frozenset(
    REFERENCE_COLUMNS
    + MANUFACTURER_CODE_COLUMNS
    + MANUFACTURER_NAME_COLUMNS
    + ITEM_NAME_COLUMNS
    + SUPPLY_CLASS_COLUMNS
)
CHARACTERISTIC_COLUMN = re.compile(r"^[a-z0-9]{4}$")

RESULT_COLUMNS = [
    "line", "reference_number", "manufacturer", "item_name", "line_verdict", "rank",
    "catalogue_number", "candidate_item_name", "candidate_status", "score", "verdict", "reasons",
]  # fmt: skip

Progress = Callable[[int, int | None], None]
Reject = Callable[[int, str, str, str], None]


@dataclass
class BatchSummary:
    lines: int = 0
    duplicate: int = 0
    review: int = 0
    no_duplicate: int = 0
    not_screened: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _first(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if row.get(name):
            return row[name]
    return ""


def _column_of(row: dict[str, str], names: tuple[str, ...]) -> str:
    return next((n for n in names if n in row), names[0])


def query_from_row(row: dict[str, str], locale: str) -> ScreeningInput:
    """A screening query from one row; unknown extra columns are not characteristics."""
    number = _first(row, REFERENCE_COLUMNS)
    references: tuple[ReferenceInput, ...] = ()
    if number:
        references = (
            ReferenceInput(
                number=number,
                manufacturer_code=_first(row, MANUFACTURER_CODE_COLUMNS),
                manufacturer_name=_first(row, MANUFACTURER_NAME_COLUMNS),
            ),
        )
    characteristics = {
        column.upper(): value
        for column, value in row.items()
        if value and column not in KNOWN_COLUMNS and CHARACTERISTIC_COLUMN.match(column)
    }
    return ScreeningInput(
        references=references,
        item_name_code=_first(row, ITEM_NAME_COLUMNS),
        supply_class=_first(row, SUPPLY_CLASS_COLUMNS),
        characteristics=characteristics,
        locale=locale,
    )


def _unknown_guide_columns(query: ScreeningInput, lookups: Lookups) -> ScreeningInput:
    """Four-letter columns that are not characteristics of the item name's guide are other data
    of the parts list (quantities, notes), not errors: drop them before parsing."""
    name = lookups.item_name(query.item_name_code) if query.item_name_code else None
    guide = lookups.guide(name.guide_id) if name else {}
    kept = {code: raw for code, raw in query.characteristics.items() if code in guide}
    return ScreeningInput(
        references=query.references,
        item_name_code=query.item_name_code,
        supply_class=query.supply_class,
        characteristics=kept,
        locale=query.locale,
    )


def _reject_column(exc: ValidationFailed, row: dict[str, str]) -> str:
    field = exc.errors[0].field if exc.errors else ""
    names = {
        "reference_number": REFERENCE_COLUMNS,
        "item_name": ITEM_NAME_COLUMNS,
        "supply_class": SUPPLY_CLASS_COLUMNS,
    }.get(field)
    return _column_of(row, names) if names else field.lower()


def _chunks(
    rows: Iterator[tuple[int, dict[str, str]]],
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    while chunk := list(islice(rows, CHUNK_SIZE)):
        yield chunk


def _result_rows(
    line: int, query: ScreeningInput, result: ScreeningResult, per_line: int
) -> Iterator[list[Any]]:
    ref = query.references[0] if query.references else ReferenceInput("")
    head = [
        line,
        ref.number,
        ref.manufacturer_code or ref.manufacturer_name,
        query.item_name_code,
        result.verdict,
    ]
    if result.verdict == NOT_SCREENED:
        reason = _("nothing to screen: give a reference number or key characteristics")
        yield [*head, 0, "", "", "", "", result.verdict, reason]
        return
    if not result.candidates:
        yield [*head, 0, "", "", "", "", result.verdict, _("no candidate found")]
        return
    for rank, c in enumerate(result.candidates[:per_line], start=1):
        yield [
            *head,
            rank,
            c.catalogue_number,
            c.item_name,
            c.status,
            f"{c.score:.3f}",
            c.verdict,
            c.reasons(),
        ]


def screen_file(
    path: Path | str,
    out_stream: SupportsWrite[str],
    *,
    locale: str = "en",
    lang: str | None = None,
    on_progress: Progress | None = None,
    on_reject: Reject | None = None,
    per_line: int = CANDIDATES_PER_LINE,
    reader: Any,
) -> BatchSummary:
    """Screen every line of a parts list and write the result CSV to `out_stream`, with the
    candidates the reader may see."""
    with translation.override(lang or translation.get_language()):
        return _screen_file(
            Path(path), out_stream, locale, on_progress, on_reject, per_line, reader
        )


def _screen_file(
    path: Path,
    out: SupportsWrite[str],
    locale: str,
    on_progress: Progress | None,
    on_reject: Reject | None,
    per_line: int,
    reader: Any,
) -> BatchSummary:
    summary = BatchSummary()
    writer = CsvWriter(out)
    writer.writerow(RESULT_COLUMNS)
    lookups = Lookups()

    def reject(line: int, column: str, code: str, message: str) -> None:
        summary.rejected += 1
        if on_reject:
            on_reject(line, column, code, message)

    rows = read_rows(path)
    for chunk in _chunks(islice(rows, MAX_LINES)):
        prepared, accepted = [], []
        lookups.load_manufacturers(_first(row, MANUFACTURER_CODE_COLUMNS) for _line, row in chunk)
        for line, row in chunk:
            summary.lines += 1
            if "__error__" in row:
                reject(line, "", E.ROW_UNREADABLE, row["__error__"])
                continue
            try:
                query = _unknown_guide_columns(query_from_row(row, locale), lookups)
                prepared.append(prepare(query, lookups))
            except ValidationFailed as exc:
                reject(
                    line,
                    _reject_column(exc, row),
                    exc.errors[0].code if exc.errors else exc.code,
                    exc.message,
                )
                continue
            accepted.append((line, query))
        for (line, query), result in zip(
            accepted, screen_prepared(prepared, reader=reader, limit=per_line), strict=True
        ):
            setattr(summary, result.verdict, getattr(summary, result.verdict) + 1)
            writer.writerows(_result_rows(line, query, result, per_line))
        if on_progress:
            on_progress(summary.lines, None)
    beyond = next(rows, None)
    if beyond is not None:
        message = _("Only %(max)d lines are screened at once; the rest was not screened") % {
            "max": MAX_LINES
        }
        reject(beyond[0], "", E.TOO_MANY_LINES, message)
    return summary

"""Streaming export of items as CSV, XLSX or JSON Lines: ids are read in keyset chunks, rows
fetched per chunk, so memory stays flat whatever the catalogue size."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from katalog.catalog.interchange_selectors import alternatives_by_item
from katalog.catalog.models import Item
from katalog.catalog.visibility import read_scope, visible_item_ids
from katalog.core.errors import ValidationFailed
from katalog.core.tables import csv_lines
from katalog.core.tables import write_xlsx as write_workbook
from katalog.names.models import ItemName
from katalog.search.selectors import search_item_ids, search_query_from_params
from katalog.transfer.errors import TransferErrorCode as E

PAGE = 2000
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jsonl": "application/x-ndjson",
}
ITEM_COLUMNS = [
    "catalogue_number",
    "supply_class",
    "item_name_code",
    "name",
    "identification_type",
    "status",
    "replaced_by",
    "bureau",
    "quality_score",
    # The family alternatives (catalogue numbers, `;` between them) of an item with a family.
    "alternatives",
]
# Parameters that only shape a page of results, not which items match.
PAGING_PARAMS = {"format", "after", "limit", "cursor", "sort"}


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed(
            _("Unknown export format %(f)r") % {"f": fmt}, code=E.UNKNOWN_EXPORT_FORMAT
        )
    return fmt


# --- which items --------------------------------------------------------------------------


def all_item_ids() -> Iterator[int]:
    """Every item id in catalogue-number (niin) order, by keyset over the unique niin."""
    last = ""
    while True:
        page = list(
            Item.objects.filter(niin__gt=last).order_by("niin").values_list("niin", "pk")[:PAGE]
        )
        if not page:
            return
        for _niin, pk in page:
            yield pk
        last = page[-1][0]


def _is_query(params: Mapping[str, Any] | None) -> bool:
    return params is not None and any(
        v not in ("", None, []) for k, v in params.items() if k not in PAGING_PARAMS
    )


def export_item_ids(params: Mapping[str, Any] | None = None, *, reader: Any) -> Iterator[int]:
    """The ids of a search result (search parameters as in the URL), or of the whole catalogue
    (whose numbers, names and statuses every reader may see)."""
    if not _is_query(params):
        read_scope(reader)
        return all_item_ids()
    query_params = {k: v for k, v in (params or {}).items() if k not in PAGING_PARAMS}
    return search_item_ids(search_query_from_params(query_params), reader=reader)


# --- the rows -----------------------------------------------------------------------------

ROW_FIELDS = (
    "pk",
    "supply_class",
    "niin",
    "item_name_id",
    "name_text",
    "identification_type",
    "status",
    "replaced_by__niin",
    "replaced_by__supply_class",
    "bureau__key",
    # The stored score of the quality app, through the item's reverse relation (an item not
    # scored yet has none): read as a value, so this layer imports nothing of that app.
    "quality__score",
)


def _number(nsc: str, niin: str) -> str:
    return f"{nsc}-{niin[:2]}-{niin[2:5]}-{niin[5:]}"


def _row(
    values: tuple, item_names: dict[int, tuple[str, str]], full: bool, alternatives: list[str]
) -> list[str]:
    """One export row; of an item the reader may not see in full, only the number, the name
    and the status (and what follows from the number)."""
    _pk, nsc, niin, name_id, name_text, tiic, status, r_niin, r_nsc, bureau, score = values
    inc, approved_name = item_names[name_id]
    if not full:
        name_text, tiic, score = "", "", None
    replaced = _number(r_nsc, r_niin) if r_niin else ""
    return [
        _number(nsc, niin),
        nsc,
        inc,
        name_text or approved_name,
        tiic,
        status,
        replaced,
        bureau,
        "" if score is None else str(score),
        ";".join(alternatives),
    ]


def _add_item_names(item_names: dict[int, tuple[str, str]], ids: set[int]) -> None:
    """Item names are few and shared by many items: fetched once each, not with every row."""
    missing = ids - item_names.keys()
    for pk, code, names in ItemName.objects.filter(pk__in=missing).values_list(
        "pk", "code", "names"
    ):
        item_names[pk] = (code, names.get("en") or names.get("ru", ""))


def item_rows(ids: Iterable[int] | None = None, *, reader: Any) -> Iterator[list[str]]:
    """Rows of ITEM_COLUMNS for the ids in their order, fetched a chunk at a time, as the
    reader may see them."""
    scope = read_scope(reader)
    iterator = iter(all_item_ids() if ids is None else ids)
    item_names: dict[int, tuple[str, str]] = {}
    while chunk := list(islice(iterator, PAGE)):
        found = {v[0]: v for v in Item.objects.filter(pk__in=chunk).values_list(*ROW_FIELDS)}
        full = visible_item_ids(scope, found)
        alternatives = alternatives_by_item(full, scope)
        _add_item_names(item_names, {v[3] for v in found.values()})
        for pk in chunk:
            if pk in found:
                yield _row(found[pk], item_names, pk in full, alternatives.get(pk, []))


# --- the formats --------------------------------------------------------------------------


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    return csv_lines(ITEM_COLUMNS, rows)


def jsonl_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(dict(zip(ITEM_COLUMNS, row, strict=True)), ensure_ascii=False) + "\n"


def write_xlsx(rows: Iterable[list[str]], path: Path) -> int:
    return write_workbook(path, [("items", ITEM_COLUMNS, rows)])


def export_items(
    out: IO[str] | Path,
    *,
    reader: Any,
    fmt: str = "csv",
    params: Mapping[str, Any] | None = None,
    progress: Any = None,
) -> int:
    """Export matching items (all without a query) to a text stream (csv, jsonl) or a path (any),
    as the reader may see them."""
    check_format(fmt)
    rows = _counted(item_rows(export_item_ids(params, reader=reader), reader=reader), progress)
    if fmt == "xlsx":
        if not isinstance(out, Path):  # the command line asks for a file first
            raise TypeError("an XLSX export is written to a path, not to a text stream")
        return write_xlsx(rows, out)
    chunks = csv_chunks(rows) if fmt == "csv" else jsonl_chunks(rows)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as handle:
            return _write_all(chunks, handle, fmt)
    return _write_all(chunks, out, fmt)


def _write_all(chunks: Iterable[str], handle: IO[str], fmt: str) -> int:
    count = 0
    for chunk in chunks:
        handle.write(chunk)
        count += 1
    return count - 1 if fmt == "csv" else count


def _counted(rows: Iterable[list[str]], progress) -> Iterator[list[str]]:
    for done, row in enumerate(rows, start=1):
        if progress:
            progress(done)
        yield row


def export_items_csv(out: IO[str], *, reader: Any) -> int:
    """The whole catalogue as CSV."""
    return export_items(out, reader=reader, fmt="csv")

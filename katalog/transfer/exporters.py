"""Streaming export of the catalogue: rows are read in keyset pages, memory stays flat."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from katalog.catalog.models import Item

PAGE = 2000
ITEM_COLUMNS = [
    "catalogue_number", "supply_class", "item_name_code", "name", "identification_type", "status",
    "replaced_by", "bureau",
]  # fmt: skip
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Spreadsheet formula injection guard: a cell starting with = + - @ is made text."""
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def item_rows() -> Iterator[list[str]]:
    last_id = 0
    while True:
        page = list(
            Item.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", "supply_class", "niin", "item_name__code", "item_name__names", "name_text",
                         "identification_type", "status", "replaced_by__niin", "replaced_by__supply_class", "bureau__key")[:PAGE]
        )
        if not page:
            return
        for pk, nsc, niin, inc, names, name_text, tiic, status, r_niin, r_nsc, bureau in page:
            number = f"{nsc}-{niin[:2]}-{niin[2:5]}-{niin[5:]}"
            replaced = f"{r_nsc}-{r_niin[:2]}-{r_niin[2:5]}-{r_niin[5:]}" if r_niin else ""
            name = name_text or names.get("en") or names.get("ru", "")
            yield [number, nsc, inc, name, tiic, status, replaced, bureau]
            last_id = pk


def export_items_csv(out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(ITEM_COLUMNS)
    count = 0
    for row in item_rows():
        writer.writerow([neutralise(str(v)) for v in row])
        count += 1
    return count

"""References (part numbers) of existing items."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from katalog.catalog import rules
from katalog.catalog.models import Manufacturer, Reference
from katalog.catalog.services import checks
from katalog.catalog.signals import references_written
from katalog.core.errors import RowError, ValidationFailed
from katalog.core.text import ascii_code_key, code_key
from katalog.transfer.bulk import bulk_insert
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import (
    BaseImporter,
    ImportActor,
    Policy,
    RowRejected,
    catalogue_number,
    checked,
    pick,
)
from katalog.transfer.importers.lookups import items_by_niin, registered_items, rows_matching
from katalog.transfer.importers.report import ErrorSink, ImportReport
from katalog.transfer.seen import SeenLines


@dataclass
class ReferenceRecord:
    item_id: int
    bureau_id: int
    manufacturer_id: int
    number: str
    key: str
    codes: dict[str, str]


REFERENCE_CODE_COLUMNS = {
    "category": ("rncc", "category"), "variation": ("rnvc", "variation"),
    "document_availability": ("dac", "document_availability"), "format_code": ("rnfc", "format_code"),
    "source_code": ("rnsc", "source_code"), "justification": ("rnjc", "justification"),
}  # fmt: skip
# A code the row leaves empty takes the catalogue's default (category 3, variation 2, …).
REFERENCE_DEFAULTS = {
    f.name: f.get_default()
    for f in Reference._meta.concrete_fields
    if f.name in REFERENCE_CODE_COLUMNS
}


class ReferenceImporter(BaseImporter):
    """References: `catalogue_number, reference_number, manufacturer_code` and optional codes."""

    kind = "references"

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.items: dict[str, tuple[int, int]] = {}
        self.manufacturers: dict[str, int] = {}
        self.niin_of: dict[str, str] = {}  # the batch's catalogue numbers as written → parsed
        self.seen = SeenLines()

    def prepare(self, batch) -> None:
        self.niin_of, codes = {}, set()
        for _line, row in batch:
            text = pick(row, "catalogue_number", "nsn")[1]
            # A number that does not parse is refused with its line by the row check.
            with contextlib.suppress(ValidationFailed):
                self.niin_of[text] = rules.parse_catalogue_number(text).niin
            codes.add(pick(row, "manufacturer_code", "cage_code")[1].upper())
        found = items_by_niin(set(self.niin_of.values()), "id", "bureau_id")
        self.items = {n: (i, b) for n, i, b in found}
        self.niin_by_id = {i: n for n, i, _b in found}
        self.registered = registered_items(self.actor, [i for i, _b in self.items.values()])
        self.manufacturers = dict(
            Manufacturer.objects.filter(code__in=codes).values_list("code", "id")
        )

    def validate(self, line: int, row: dict[str, str]) -> ReferenceRecord:
        column, text = pick(row, "catalogue_number", "nsn")
        niin = self.niin_of.get(text)
        if niin is None:
            niin = catalogue_number(column, text).niin
        if niin not in self.items:
            raise RowRejected(
                column, E.ITEM_NOT_FOUND, _("no item with catalogue number %(n)s") % {"n": text}
            )
        mcol, mcode = pick(row, "manufacturer_code", "cage_code")
        if mcode.upper() not in self.manufacturers:
            raise RowRejected(
                mcol, E.MANUFACTURER_NOT_FOUND, _("unknown manufacturer code %(c)r") % {"c": mcode}
            )
        rcol, number = pick(row, "reference_number", "part_number", "reference")
        number = checked(rcol, checks.reference_number, number)
        key = code_key(number)
        item_id, assigning_id = self.items[niin]
        if not self.actor.unbounded and not (
            assigning_id == self.actor.bureau_id or item_id in self.registered
        ):
            raise RowRejected(
                column,
                E.NOT_REGISTERED_USER,
                _("your bureau is not registered as user of %(item)s") % {"item": text},
            )
        # A reference is held for the bureau that adds it (a system load: the assigning one).
        bureau_id = assigning_id if self.actor.bureau_id is None else self.actor.bureau_id
        mfr_id = self.manufacturers[mcode.upper()]
        if (item_id, mfr_id, number) in self.seen:
            raise RowRejected(
                rcol,
                E.DUPLICATE_IN_FILE,
                _("already given on line %(line)d")
                % {"line": self.seen[(item_id, mfr_id, number)]},
            )
        self.seen[(item_id, mfr_id, number)] = line
        codes = {
            f: pick(row, *cols)[1].upper()[:1] or REFERENCE_DEFAULTS[f]
            for f, cols in REFERENCE_CODE_COLUMNS.items()
        }
        return ReferenceRecord(item_id, bureau_id, mfr_id, number, key, codes)

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        mfr_keys = {(r.manufacturer_id, r.key) for _l, r in records}
        holders: dict[tuple[int, str], set[int]] = {}
        existing: set[tuple[int, int, str]] = set()
        # By key alone (one index probe per key), then the pair: an IN over manufacturers and
        # keys together is a cross product that probes the pair index millions of times.
        query = rows_matching(
            Reference,
            "key",
            {k for _m, k in mfr_keys},
            ["manufacturer_id", "key", "item_id", "number"],
        )
        for mfr, key, item, number in query:
            if (mfr, key) not in mfr_keys:
                continue
            holders.setdefault((mfr, key), set()).add(item)
            existing.add((item, mfr, number))
        new = []
        for line, r in records:
            if (r.item_id, r.manufacturer_id, r.number) in existing:
                report.skipped += 1
                continue
            others = holders.get((r.manufacturer_id, r.key), set()) - {r.item_id}
            if others and not r.codes["justification"]:
                sink.add(
                    RowError(
                        line,
                        "reference_number",
                        E.REFERENCE_CONFLICT,
                        _("the same manufacturer and reference are already on another item"),
                    )
                )
                continue
            holders.setdefault((r.manufacturer_id, r.key), set()).add(r.item_id)
            new.append(r)
        for r in new:
            self.touched_items.add(r.item_id)
            self.changed("item", self.niin_by_id[r.item_id], {"action": "reference_added",
                         "number": r.number, "manufacturer_id": r.manufacturer_id})  # fmt: skip
        bulk_insert(
            Reference,
            [
                {"item_id": r.item_id, "manufacturer_id": r.manufacturer_id, "number": r.number, "key": r.key,
                 "ascii_key": ascii_code_key(r.number), "bureau_id": r.bureau_id, **r.codes}
                for r in new
            ],
            unique_fields=["item", "manufacturer", "number"],
        )  # fmt: skip
        if new:
            references_written.send(Reference, rows=None)  # derived keys in the same transaction
        report.created += len(new)

"""Management data of nations on existing items."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from katalog.catalog.models import ManagementData, Registration
from katalog.catalog.services import checks
from katalog.transfer.bulk import bulk_insert
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import (
    ImportActor,
    Policy,
    RowRejected,
    checked,
    checked_price,
    checked_unit_of_issue,
)
from katalog.transfer.importers.item_rows import BureauLookup, ItemRowsImporter
from katalog.transfer.importers.report import ErrorSink, ImportReport


@dataclass
class ManagementRecord:
    item_id: int
    bureau_id: int
    unit_of_issue: str
    price: Decimal | None
    currency: str | None
    notes: str
    released: bool = False


class ManagementDataImporter(ItemRowsImporter):
    """Management data: `catalogue_number, bureau, unit_of_issue, price, currency, notes`."""

    kind = "management"

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.bureaus = BureauLookup()
        self.tables = checks.CodeTables.load()

    def validate(self, line: int, row: dict[str, str]) -> ManagementRecord:
        (item_id,) = self.item_of(row)
        bureau_id = self.bureaus.get(row)
        self.require_own_data(item_id, bureau_id, "bureau")
        if (
            not self.actor.unbounded
            and bureau_id != self.assigning[item_id]
            and not self.registered_user(item_id, bureau_id)
        ):
            raise RowRejected(
                "bureau", E.NOT_REGISTERED_USER,
                _("the bureau is not registered as user of %(item)s") % {"item": self.niin_by_id[item_id]},
            )  # fmt: skip
        price, currency = checked_price(
            "price", row.get("price", ""), row.get("currency"), self.tables
        )
        unit = checked_unit_of_issue(row, self.tables)
        notes = checked("notes", checks.text_limit, "notes", row.get("notes", ""), checks.NOTES_MAX)
        released = (row.get("released") or "").strip().lower() in {"1", "true", "yes", "да"}
        self.once((item_id, bureau_id), line, "bureau")
        return ManagementRecord(item_id, bureau_id, unit, price, currency, notes, released)

    def registered_user(self, item_id: int, bureau_id: int) -> bool:
        if bureau_id == self.actor.bureau_id:
            return item_id in self.registered
        return Registration.objects.filter(
            item_id=item_id, bureau_id=bureau_id, effective_to__isnull=True
        ).exists()

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        existing = set(
            ManagementData.objects.filter(item_id__in={r.item_id for _l, r in records}).values_list(
                "item_id", "bureau_id"
            )
        )
        new, changed = self.sort_existing(
            records, existing, lambda r: (r.item_id, r.bureau_id), sink, report, "bureau"
        )
        objects = [ManagementData(item_id=r.item_id, bureau_id=r.bureau_id, unit_of_issue=r.unit_of_issue,
                                  price=r.price, currency_id=r.currency, notes=r.notes, released=r.released)
                   for r in new + changed]  # fmt: skip
        for r in new + changed:
            self.touch(r.item_id, {"action": "management_set", "bureau_id": r.bureau_id,
                                   "unit_of_issue": r.unit_of_issue, "currency": r.currency,
                                   "price": str(r.price) if r.price is not None else None})  # fmt: skip
        bulk_insert(
            ManagementData, objects, unique_fields=["item", "bureau"],
            update_fields=["unit_of_issue", "price", "currency", "notes", "released"] if changed else (),
        )  # fmt: skip
        report.created += len(new)
        report.updated += len(changed)

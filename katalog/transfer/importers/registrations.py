"""User registrations of nations on existing items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from katalog.catalog.models import CANCELLED_STATUSES, Item, ItemStatus, Registration
from katalog.transfer.bulk import bulk_insert
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import ImportActor, Policy, RowRejected
from katalog.transfer.importers.item_rows import BureauLookup, ItemRowsImporter, parse_date
from katalog.transfer.importers.report import ErrorSink, ImportReport


@dataclass
class RegistrationRecord:
    item_id: int
    bureau_id: int
    effective_from: dt.date
    effective_to: dt.date | None
    inactive: bool


class RegistrationImporter(ItemRowsImporter):
    """User registrations: `catalogue_number, bureau (key or user code), effective_from[, effective_to]`.

    A registration is the same record when item, bureau and effective date agree.
    """

    kind = "registrations"
    item_fields = ("id", "status")

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.bureaus = BureauLookup()

    def validate(self, line: int, row: dict[str, str]) -> RegistrationRecord:
        item_id, status = self.item_of(row)
        bureau_id = self.bureaus.get(row)
        self.require_own_data(item_id, bureau_id, "bureau")
        if status in CANCELLED_STATUSES:
            raise RowRejected(
                "catalogue_number",
                E.ITEM_CANCELLED,
                _("the item is cancelled; register on its replacement"),
            )
        start = parse_date("effective_from", row.get("effective_from", ""))
        if start is None:
            raise RowRejected("effective_from", E.MISSING_VALUE, _("the effective date is missing"))
        end = parse_date("effective_to", row.get("effective_to", ""))
        if end is not None and end < start:
            raise RowRejected("effective_to", E.INVALID_DATE, _("ends before it starts"))
        self.once((item_id, bureau_id, start), line, "effective_from")
        return RegistrationRecord(item_id, bureau_id, start, end, status == ItemStatus.INACTIVE)

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        existing = set(
            Registration.objects.filter(item_id__in={r.item_id for _l, r in records}).values_list(
                "item_id", "bureau_id", "effective_from"
            )
        )
        new, changed = self.sort_existing(
            records,
            existing,
            lambda r: (r.item_id, r.bureau_id, r.effective_from),
            sink,
            report,
            "effective_from",
        )
        objects = [Registration(item_id=r.item_id, bureau_id=r.bureau_id, effective_from=r.effective_from,
                                effective_to=r.effective_to) for r in new + changed]  # fmt: skip
        bulk_insert(
            Registration, objects, unique_fields=["item", "bureau", "effective_from"],
            update_fields=["effective_to"] if changed else (),
        )  # fmt: skip
        for r in new + changed:
            self.touch(r.item_id, {"action": "registration", "bureau_id": r.bureau_id,
                                   "effective_from": r.effective_from.isoformat(),
                                   "effective_to": r.effective_to.isoformat() if r.effective_to else None})  # fmt: skip
        # As with one registration: a current user makes an inactive item active again.
        revived = {r.item_id for r in new if r.inactive and r.effective_to is None}
        Item.objects.filter(pk__in=revived, status=ItemStatus.INACTIVE).update(
            status=ItemStatus.ACTIVE, row_version=F("row_version") + 1
        )
        report.created += len(new)
        report.updated += len(changed)

"""Characteristic values: replies to the guide of an existing item's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from katalog.catalog.models import CharacteristicValue
from katalog.core.errors import ValidationFailed
from katalog.names.models import Characteristic
from katalog.names.values import parse_reply
from katalog.transfer.bulk import bulk_insert
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import ImportActor, Policy, RowRejected, pick
from katalog.transfer.importers.item_rows import ItemRowsImporter
from katalog.transfer.importers.report import ErrorSink, ImportReport


@dataclass
class CharacteristicRecord:
    item_id: int
    item_name_id: int
    supply_class: str
    characteristic_id: int
    fields: dict[str, Any]


class CharacteristicValueImporter(ItemRowsImporter):
    """Replies to guide characteristics: `catalogue_number, characteristic, value[, locale]`."""

    kind = "characteristics"
    item_fields = ("id", "item_name__guide_id", "item_name_id", "supply_class")
    value_fields = ["raw", "qualifier", "unit_code", "value", "value_max", "code", "text", "flag"]

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.characteristics: dict[tuple[int, str], Characteristic] = {}
        self.loaded_guides: set[int] = set()

    def prepare(self, batch) -> None:
        super().prepare(batch)
        guides = {
            guide for _id, guide, _name, _class in self.items.values() if guide
        } - self.loaded_guides
        for characteristic in Characteristic.objects.filter(guide_id__in=guides).select_related(
            "reply_table"
        ):
            self.characteristics[(characteristic.guide_id, characteristic.code.upper())] = (
                characteristic
            )
        self.loaded_guides |= guides

    def validate(self, line: int, row: dict[str, str]) -> CharacteristicRecord:
        item_id, guide_id, item_name_id, supply_class = self.item_of(row)
        column, code = pick(row, "characteristic", "characteristic_code", "mrc")
        characteristic = self.characteristics.get((guide_id, code.upper()))
        if characteristic is None:
            raise RowRejected(
                column,
                E.UNKNOWN_CHARACTERISTIC,
                _("%(c)r is not in the guide of the item name") % {"c": code},
            )
        vcol, raw = pick(row, "value", "reply", "raw")
        if not raw:
            raise RowRejected(vcol, E.MISSING_VALUE, _("the value is missing"))
        try:
            fields = parse_reply(characteristic, raw, locale=row.get("locale") or "en")
        except ValidationFailed as exc:
            raise RowRejected(vcol, exc.code, exc.message) from None
        self.require_assigning(item_id, "catalogue_number")
        self.once((item_id, characteristic.pk), line, column)
        return CharacteristicRecord(item_id, item_name_id, supply_class, characteristic.pk, fields)

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        existing = set(
            CharacteristicValue.objects.filter(
                item_id__in={r.item_id for _l, r in records}
            ).values_list("item_id", "characteristic_id")
        )
        new, changed = self.sort_existing(
            records,
            existing,
            lambda r: (r.item_id, r.characteristic_id),
            sink,
            report,
            "characteristic",
        )
        objects = [
            CharacteristicValue(
                item_id=r.item_id,
                item_name_id=r.item_name_id,
                supply_class=r.supply_class,
                characteristic_id=r.characteristic_id,
                **r.fields,
            )
            for r in new + changed
        ]
        for r in new + changed:
            self.touch(r.item_id, {"action": "characteristic_set", "characteristic_id": r.characteristic_id,
                                   "raw": r.fields.get("raw")})  # fmt: skip
        bulk_insert(
            CharacteristicValue, objects, unique_fields=["item", "characteristic"],
            update_fields=self.value_fields if changed else (),
        )  # fmt: skip
        report.created += len(new)
        report.updated += len(changed)

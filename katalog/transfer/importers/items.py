"""Items of supply, in katalog's layout or in the public FLIS/LESO layout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import BureauCode
from katalog.catalog import rules
from katalog.catalog.models import CANCELLED_STATUSES, Item, ItemStatus, ManagementData
from katalog.catalog.services import (
    ItemSearchTexts,
    checks,
    raise_serial_floor,
    values_follow_item,
)
from katalog.catalog.services.numbers import check_loaded_serial, serial_counters
from katalog.core.errors import KatalogError, RowError
from katalog.names.models import NO_APPROVED_NAME_CODE, ItemName
from katalog.transfer.bulk import bulk_insert, bulk_insert_values
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import (
    BATCH_SIZE,
    BaseImporter,
    ImportActor,
    Policy,
    RowRejected,
    catalogue_number,
    checked,
    checked_price,
    checked_unit_of_issue,
    not_assigning,
    pick,
)
from katalog.transfer.importers.lookups import items_by_niin
from katalog.transfer.importers.report import ErrorSink, ImportReport
from katalog.transfer.seen import SeenLines

IMPORTABLE_STATUSES = frozenset(ItemStatus.values) - CANCELLED_STATUSES


@dataclass
class ItemRecord:
    niin: str
    supply_class: str
    bureau_code: str
    serial: int
    bureau_id: int
    item_name_id: int
    name_text: str
    identification_type: str
    status: str
    unit_of_issue: str
    price: Decimal | None
    currency: str | None
    search_text: str


# The item columns an import sets, in the order of `ItemImporter._item`.
ITEM_COLUMNS = (
    "niin", "supply_class", "bureau_code", "serial", "bureau_id", "item_name_id", "name_text",
    "identification_type", "status", "search_text",
)  # fmt: skip


class ItemImporter(BaseImporter):
    """Items in katalog's layout or in the public FLIS/LESO layout (`nsn, fsc, item_name, …`)."""

    kind = "items"
    validates_offline = True

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.tables = checks.CodeTables.load()
        self.names = dict(ItemName.objects.values_list("code", "id"))
        self.counters = serial_counters()
        # The search text is made while validating, in the read-ahead thread (see `read_ahead`).
        self.name_search_texts = dict(ItemName.objects.values_list("id", "search_text"))
        self.search_texts = ItemSearchTexts()
        self.code_holders = self._code_holders()
        self.seen = SeenLines()
        # The highest serial met in the file per bureau code; the counters are raised to them
        # at the end.
        self.top_serials: dict[str, int] = {}

    @staticmethod
    def _code_holders() -> dict[str, int]:
        holders: dict[str, int] = {}
        today = timezone.localdate()
        for row in BureauCode.objects.order_by("valid_from"):
            current = row.valid_from <= today and (row.valid_to is None or row.valid_to >= today)
            if current or row.code not in holders:
                holders[row.code] = row.bureau_id
        return holders

    def validate(self, line: int, row: dict[str, str]) -> ItemRecord:
        column, text = pick(row, "catalogue_number", "nsn", "number")
        if not text:
            raise RowRejected(column, E.MISSING_VALUE, _("the catalogue number is missing"))
        number = catalogue_number(column, text)
        supply_class = number.supply_class or pick(row, "supply_class", "fsc")[1]
        checked("supply_class", checks.supply_class, supply_class, self.tables.supply_classes)
        bureau_id = self.code_holders.get(number.bureau_code)
        if bureau_id is None:
            raise RowRejected(
                column, E.BUREAU_CODE_UNKNOWN,
                _("no bureau holds the bureau code %(code)s") % {"code": number.bureau_code},
            )  # fmt: skip
        self.check_number_authority(column, number, bureau_id)
        if number.niin in self.seen:
            raise RowRejected(
                column, E.DUPLICATE_IN_FILE,
                _("catalogue number already given on line %(line)d") % {"line": self.seen[number.niin]},
            )  # fmt: skip
        name_code = row.get("item_name_code") or NO_APPROVED_NAME_CODE
        if name_code not in self.names:
            raise RowRejected(
                "item_name_code",
                E.UNKNOWN_ITEM_NAME,
                _("unknown item name code %(c)r") % {"c": name_code},
            )
        status = row.get("status") or ItemStatus.ACTIVE
        if status not in IMPORTABLE_STATUSES:
            raise RowRejected(
                "status", E.INVALID_STATUS, _("status %(s)r cannot be imported") % {"s": status}
            )
        # Cut to the catalogue's limit rather than refused: FLIS descriptions run longer.
        name_text = pick(row, "name", "item_name")[1].removeprefix("DESC=")[: checks.NAME_TEXT_MAX]
        price_column, price_text = pick(row, "price", "unit_acquisition_value_usd")
        currency_text = row.get("currency") or (
            "USD" if row.get("unit_acquisition_value_usd") else ""
        )
        price, currency = checked_price(price_column, price_text, currency_text, self.tables)
        unit = checked_unit_of_issue(row, self.tables)
        identification = checked(
            "identification_type",
            checks.identification_type,
            row.get("identification_type", ""),
            self.tables.identification_types,
        )
        self.seen[number.niin] = line
        if number.serial > self.top_serials.get(number.bureau_code, -1):
            self.top_serials[number.bureau_code] = number.serial
        item_name_id = self.names[name_code]
        return ItemRecord(
            niin=number.niin,
            supply_class=supply_class,
            bureau_code=number.bureau_code,
            serial=number.serial,
            bureau_id=bureau_id,
            item_name_id=item_name_id,
            name_text=name_text,
            search_text=self.search_texts(
                item_name_id, self.name_search_texts[item_name_id], name_text
            ),
            identification_type=identification,
            status=status,
            unit_of_issue=unit,
            price=price,
            currency=currency,
        )

    def check_number_authority(
        self, column: str, number: rules.CatalogueNumber, holder_id: int
    ) -> None:
        """Numbers under a bureau code are the holder's: only its cataloguers load them (an
        unbounded load, any), and a number far beyond the code's counter is refused."""
        if not self.actor.may_write_for(holder_id):
            raise RowRejected(
                column,
                E.NOT_ASSIGNING_BUREAU,
                _("numbers under bureau code %(code)s are issued only by the bureau that holds it")
                % {"code": number.bureau_code},
            )
        counter = max(
            self.counters.get(number.bureau_code, 0), self.top_serials.get(number.bureau_code, 0)
        )
        try:
            check_loaded_serial(
                number.bureau_code, number.serial, counter, unbounded=self.actor.unbounded
            )
        except KatalogError as exc:
            raise RowRejected(column, exc.code, exc.message) from None

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        found = {niin: (pk, bureau, status) for niin, pk, bureau, status in
                 items_by_niin([r.niin for _l, r in records], "id", "bureau_id", "status")}  # fmt: skip
        existing = {niin: pk for niin, (pk, _b, _s) in found.items()}
        new, changed = [], []
        for line, r in records:
            if r.niin not in existing:
                new.append(r)
            elif self.policy == Policy.UPDATE:
                refused = self.update_refusal(r, *found[r.niin][1:])
                if refused is not None:
                    sink.add(RowError(line, "catalogue_number", refused.code, refused.message))
                else:
                    changed.append(r)
            elif self.policy == Policy.FAIL:
                sink.add(
                    RowError(
                        line, "catalogue_number", E.ALREADY_EXISTS, _("the item already exists")
                    )
                )
            else:
                report.skipped += 1
        bulk_insert_values(Item, ITEM_COLUMNS, [self._item(r) for r in new], unique_fields=["niin"])
        for r in new:
            self.changed("item", r.niin, {"action": "created", "item_name_id": r.item_name_id,
                                          "status": r.status})  # fmt: skip
        self._write_updates(changed)
        self._write_management(new + changed, existing)
        report.created += len(new)
        report.updated += len(changed)

    def update_refusal(self, r: ItemRecord, bureau_id: int, status: str) -> RowRejected | None:
        """An existing item is changed only by its assigning bureau, and not while cancelled
        (its life cycle has its own steps)."""
        if not self.actor.may_write_for(bureau_id):
            return not_assigning(
                "catalogue_number", rules.parse_catalogue_number(r.niin).formatted()
            )
        if status in CANCELLED_STATUSES:
            return RowRejected(
                "catalogue_number",
                E.ITEM_CANCELLED,
                _("the item is cancelled; reinstate it before changing it"),
            )
        return None

    @staticmethod
    def _item(r: ItemRecord) -> tuple:
        return (
            r.niin, r.supply_class, r.bureau_code, r.serial, r.bureau_id, r.item_name_id, r.name_text,
            r.identification_type, r.status, r.search_text,
        )  # fmt: skip

    UPDATED_FIELDS = ("supply_class", "item_name_id", "name_text", "identification_type", "status")

    def _write_updates(self, changed: list[ItemRecord]) -> None:
        if not changed:
            return
        current = {i.niin: i for i in Item.objects.filter(niin__in=[r.niin for r in changed])}
        reidentified = []
        for r in changed:
            item = current[r.niin]
            before = {f: getattr(item, f) for f in self.UPDATED_FIELDS}
            after = {f: getattr(r, f) for f in self.UPDATED_FIELDS}
            for name, value in after.items():
                setattr(item, name, value)
            item.search_text = r.search_text
            item.row_version += 1
            difference = {
                f: [before[f], after[f]] for f in self.UPDATED_FIELDS if before[f] != after[f]
            }
            self.changed("item", r.niin, {"action": "updated", "fields": difference})
            if "item_name_id" in difference or "supply_class" in difference:
                reidentified.append(item)
        fields = [
            "supply_class",
            "item_name",
            "name_text",
            "identification_type",
            "status",
            "search_text",
            "row_version",
        ]
        Item.objects.bulk_update(list(current.values()), fields, batch_size=BATCH_SIZE)
        values_follow_item(reidentified)

    @staticmethod
    def _write_management(records: list[ItemRecord], existing: dict[str, int]) -> None:
        records = [r for r in records if r.unit_of_issue or r.price is not None]
        if not records:
            return
        created = [r.niin for r in records if r.niin not in existing]
        ids = dict(items_by_niin(created, "id")) | existing
        rows = [
            ManagementData(
                item_id=ids[r.niin],
                bureau_id=r.bureau_id,
                unit_of_issue=r.unit_of_issue,
                price=r.price,
                currency_id=r.currency,
            )
            for r in records
        ]
        bulk_insert(
            ManagementData,
            rows,
            unique_fields=["item", "bureau"],
            update_fields=["unit_of_issue", "price", "currency"],
        )

    def finish(self) -> None:
        """New numbers must never collide with loaded ones: raise each code's serial counter
        to the highest serial of the file. (Asking the catalogue for each code's highest serial
        walked the serial index of 15 million items for 2 to 8 s a code.)"""
        with transaction.atomic():
            for code, top in sorted(self.top_serials.items()):
                raise_serial_floor(code, top)

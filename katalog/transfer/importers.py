"""Bulk import of catalogue data: streamed, validated row by row, written in batches.

Each batch is validated in full, then written in one transaction with batched inserts (never one
ORM save per row). A rejected row is reported with its line number, column and reason and the
good rows load. Existing records are skipped, updated or reported, by policy; re-running a file
creates no duplicates, and a run stopped half-way ends, when re-run, with the same data.

An import acts for the person who started it (`ImportActor`) and applies, row by row, the same
rules as the single writes: a row the person may not write (an item of another bureau, a number
under another bureau's code, another nation's management data) is rejected with its line and
the rule's code, and the rest goes on. The values are checked by the rules of
`katalog.catalog.services.checks`, shared with the single writes. Each committed batch writes
one audit entry that names every object it changed, and moves on the versions of the items it
touched.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import Bureau, BureauCode
from katalog.audit.services import Subject, audit_record
from katalog.catalog import rules
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemStatus,
    ManagementData,
    Manufacturer,
    Reference,
    Registration,
)
from katalog.catalog.services import (
    ItemSearchTexts,
    checks,
    manufacturer_search_text,
    raise_serial_floor,
)
from katalog.catalog.services.numbers import check_loaded_serial, serial_counters
from katalog.catalog.signals import references_written
from katalog.core.actors import Actor, is_system
from katalog.core.errors import KatalogError, RowError, ValidationFailed
from katalog.core.fields import column
from katalog.core.tables import CsvWriter
from katalog.core.text import ascii_code_key, code_key
from katalog.names.models import NO_APPROVED_NAME_CODE, Characteristic, ItemName
from katalog.names.values import parse_reply
from katalog.refdata.models import Country
from katalog.transfer.bulk import bulk_insert, bulk_insert_values
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.models import ImportCheckpoint
from katalog.transfer.readers import read_rows
from katalog.transfer.seen import SeenLines

T = TypeVar("T")

BATCH_SIZE = 10000
SQLITE_PARAMETERS = 10000
KEPT_ERRORS = 1000
IMPORTABLE_STATUSES = frozenset(ItemStatus.values) - CANCELLED_STATUSES


class Policy(StrEnum):
    SKIP = "skip"
    UPDATE = "update"
    FAIL = "fail"


class RowRejected(Exception):
    def __init__(self, column: str, code: str, message: str) -> None:
        super().__init__(message)
        self.column, self.code, self.message = column, code, message


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


# --- value helpers --------------------------------------------------------------------------


def pick(row: dict[str, str], *names: str) -> tuple[str, str]:
    """The first non-empty column among `names`, as (column, value)."""
    for name in names:
        value = row.get(name, "")
        if value:
            return name, value
    return names[0], ""


def checked(column: str, rule: Callable[..., T], *args: Any) -> T:
    """A shared value rule applied to a cell: its refusal becomes the row's rejection."""
    try:
        return rule(*args)
    except ValidationFailed as exc:
        raise RowRejected(column, exc.code, exc.message) from None


# --- the run loop ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportActor:
    """Who an import acts for, as far as its row rules need to know.

    `unbounded` is a load that may write any bureau's data: a system load (`katalog init`) or
    an interstate centre administrator migrating a catalogue. Everyone else writes as a
    cataloguer of their bureau."""

    actor: Actor
    bureau_id: int | None
    bureau_key: str
    unbounded: bool

    @classmethod
    def of(cls, actor: Actor) -> ImportActor:
        unbounded = is_system(actor) or rights.has_permission(actor, rights.Permission.MIGRATE)
        if not unbounded:
            rights.acting_bureau(actor, rights.Permission.CATALOGUE)
        bureau = getattr(actor, "bureau", None)
        return cls(
            actor=actor,
            bureau_id=bureau.pk if bureau is not None else None,
            bureau_key=bureau.key if bureau is not None else "",
            unbounded=unbounded,
        )

    def may_write_for(self, bureau_id: int) -> bool:
        return self.unbounded or bureau_id == self.bureau_id


def not_assigning(column: str, text: str) -> RowRejected:
    return RowRejected(
        column,
        E.NOT_ASSIGNING_BUREAU,
        _("only the assigning bureau may change %(item)s") % {"item": text},
    )


def batched(
    rows: Iterable[tuple[int, dict[str, str]]], size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class BaseImporter:
    """Validate-then-apply for one kind of record; subclasses define both halves."""

    kind = ""
    # True when `prepare` and `validate` never touch the database: the file is then read and
    # validated in a second thread while the previous batch is written (see `read_ahead`).
    validates_offline = False

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        self.policy, self.dry_run, self.actor = policy, dry_run, actor
        # What the batch being written changed, for its audit entry; and the items it touched,
        # whose versions move on.
        self.changes: list[Subject] = []
        self.touched_items: set[int] = set()

    def changed(self, object_type: str, key: str, change: dict[str, Any]) -> None:
        self.changes.append(Subject(object_type, key, change))

    def prepare(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        """Fetch in one query per batch whatever validation looks up."""

    def validate(self, line: int, row: dict[str, str]) -> Any:
        raise NotImplementedError

    def write(self, records: list[tuple[int, Any]], sink: ErrorSink, report: ImportReport) -> None:
        raise NotImplementedError

    def replay(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        """Validate rows an earlier run already committed, only to remember what they held
        (e.g. for duplicate-in-file checks); nothing is written or reported."""
        self.prepare(batch)
        for line, row in batch:
            try:
                if "__error__" not in row:
                    self.validate(line, row)
            except (RowRejected, KatalogError):
                pass

    def finish(self) -> None:
        """Work after the last batch (inside no transaction)."""


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _checkpoint(importer: BaseImporter, path: Path) -> ImportCheckpoint | None:
    """The file's checkpoint: a finished one starts over (a re-run only skips what exists)."""
    if importer.dry_run:
        return None
    checkpoint, _created = ImportCheckpoint.objects.get_or_create(
        kind=importer.kind, policy=importer.policy.value, content_hash=file_hash(path)
    )
    if checkpoint.finished:
        checkpoint.last_line, checkpoint.counts, checkpoint.finished = 0, {}, False
        checkpoint.save()
    return checkpoint


def run_import(
    importer: BaseImporter,
    path: Path,
    *,
    error_file: Path | None = None,
    progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RowError], None] | None = None,
    batch_size: int = BATCH_SIZE,
    source: str = "",
    encoding: str | None = None,
) -> ImportReport:
    """Import a file in batches; a run of a file stopped half-way resumes after its last
    committed batch and ends with the same data and counts as an uninterrupted run."""
    source = source or path.name
    report = ImportReport(kind=importer.kind, dry_run=importer.dry_run)
    rows = read_rows(path, encoding)  # first: it reports a missing file
    checkpoint = _checkpoint(importer, path)
    done_line = checkpoint.last_line if checkpoint else 0
    if checkpoint and done_line:
        report.resumed_after_line = done_line
        for name in COUNTED:
            setattr(report, name, checkpoint.counts.get(name, 0))
    sink = ErrorSink(report, error_file, keep_up_to=done_line, on_reject=on_reject)
    validated = _validated_batches(importer, batched(rows, batch_size), done_line)
    if importer.validates_offline:
        validated = read_ahead(validated)
    try:
        for size, fresh, records, rejected in validated:
            if fresh:
                report.total += len(fresh)
                _write_batch(importer, fresh, records, rejected, sink, report, checkpoint, source)
            if progress:
                progress(size)
        if not importer.dry_run:
            importer.finish()
        if checkpoint:
            checkpoint.finished = True
            checkpoint.save(update_fields=["finished", "updated_at"])
    finally:
        validated.close()  # stops the read-ahead thread at once when writing failed
        sink.close()
    return report


Batch = list[tuple[int, dict[str, str]]]
ValidatedBatch = tuple[int, Batch, list[tuple[int, Any]], list[RowError]]


def _validated_batches(
    importer: BaseImporter, batches: Iterable[Batch], done_line: int
) -> Generator[ValidatedBatch, None, None]:
    """Per batch: its size, its rows not committed by an earlier run, their records and their
    rejections."""
    for batch in batches:
        committed = [row for row in batch if row[0] <= done_line]
        fresh = batch[len(committed) :]
        if committed:
            # Validation state (rows seen so far in the file) is rebuilt, nothing written.
            importer.replay(committed)
        records, rejected = _validate_batch(importer, fresh) if fresh else ([], [])
        yield len(batch), fresh, records, rejected


def _validate_batch(
    importer: BaseImporter, batch: Batch
) -> tuple[list[tuple[int, Any]], list[RowError]]:
    importer.prepare(batch)
    records, rejected = [], []
    for line, row in batch:
        try:
            if "__error__" in row:
                raise RowRejected("", E.INVALID_ROW, row["__error__"])
            records.append((line, importer.validate(line, row)))
        except RowRejected as exc:
            rejected.append(
                RowError(line=line, column=exc.column, code=exc.code, message=exc.message)
            )
        except KatalogError as exc:
            rejected.append(RowError(line=line, column="", code=exc.code, message=exc.message))
    return records, rejected


def read_ahead(items: Iterator[T]) -> Generator[T, None, None]:
    """`items`, produced one ahead in a second thread. Reading and validating a batch is
    Python work and writing the one before it is mostly waiting for the database, so the two
    overlap. The producer must not use the database (its connection would be another one)."""
    slot: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()

    def offer(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                slot.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        with translation.override(language):
            try:
                for item in items:
                    if not offer(("item", item)):
                        return
                offer(("end", None))
            except BaseException as exc:
                offer(("error", exc))

    producer = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        producer.join()


def record_batch(importer: BaseImporter, batch: Batch, source: str) -> None:
    """The batch's audit entry, naming every object it changed, and the new versions of the
    items it touched. In the batch's own transaction: both commit with its rows or not at all."""
    if importer.touched_items:
        ids = sorted(importer.touched_items)
        for start in range(0, len(ids), SQLITE_PARAMETERS):
            Item.objects.filter(pk__in=ids[start : start + SQLITE_PARAMETERS]).update(
                row_version=F("row_version") + 1
            )
    if not importer.changes:
        return
    first, last = batch[0][0], batch[-1][0]
    audit_record(
        actor=importer.actor.actor,
        action=f"{importer.kind}_imported",
        object_type="import",
        object_key=f"{source}:{first}-{last}"[:80],
        changes={
            "kind": importer.kind,
            "file": source,
            "lines": [first, last],
            "policy": importer.policy.value,
            "rows": len(importer.changes),
        },
        subjects=importer.changes,
    )


def _write_batch(
    importer: BaseImporter,
    batch: Batch,
    records: list[tuple[int, Any]],
    rejected: list[RowError],
    sink: ErrorSink,
    report: ImportReport,
    checkpoint: Any,
    source: str,
) -> None:
    for error in rejected:
        sink.add(error)
    with transaction.atomic():
        commit_without_waiting_for_disk()
        importer.changes, importer.touched_items = [], set()
        importer.write(records, sink, report)
        record_batch(importer, batch, source)
        if importer.dry_run:
            transaction.set_rollback(True)
        if checkpoint:
            # Same transaction as the batch: a stop either keeps both or neither.
            counts = {name: getattr(report, name) for name in COUNTED}
            counts["rejected"] += len(sink.pending)
            checkpoint.last_line, checkpoint.counts = batch[-1][0], counts
            checkpoint.save(update_fields=["last_line", "counts", "updated_at"])
        # Reported before the commit, so a committed batch always has its rejections on file.
        sink.flush()


def items_by_niin(niins: Iterable[str], *columns: str) -> list[tuple]:
    """`(niin, *columns)` of the items with these identification numbers."""
    if any("__" in c for c in columns):  # a value across a relation: the ORM writes the join
        return list(Item.objects.filter(niin__in=list(niins)).values_list("niin", *columns))
    return rows_matching(Item, "niin", niins, ["niin", *columns])


def rows_matching(
    model: type[Model], field: str, values: Iterable[Any], columns: list[str]
) -> list[tuple]:
    """`columns` of the rows whose `field` is one of `values`, in plain SQL: building a Django
    `IN` of 10,000 values cost more than the index reads. PostgreSQL takes the values as one
    array; SQLite as parameters, in chunks below its limit."""
    values = list(values)
    if not values:
        return []
    meta = model._meta
    names = ", ".join(column(model, c) for c in columns)
    head = f"SELECT {names} FROM {meta.db_table} WHERE {column(model, field)}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [values])
            return cursor.fetchall()
        found = []
        for start in range(0, len(values), SQLITE_PARAMETERS):
            chunk = values[start : start + SQLITE_PARAMETERS]
            cursor.execute(f"{head} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found += cursor.fetchall()
        return found


def commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, let this transaction's commit return before its WAL reaches the disk
    (55 ms for 10,000 items). A crash can then lose the last batches, but only together with
    their checkpoint, which shares their transaction: the resumed run loads them again. The
    import's final, ordinary commit waits for everything written before it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# --- items ----------------------------------------------------------------------------------


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
        try:
            number = rules.parse_catalogue_number(text)
        except ValidationFailed as exc:
            raise RowRejected(column, exc.code, exc.message) from None
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
        name_text = pick(row, "name", "item_name")[1].removeprefix("DESC=")[:200]
        price_column, price_text = pick(row, "price", "unit_acquisition_value_usd")
        price = checked(price_column, checks.price, price_text)
        currency_text = row.get("currency") or (
            "USD" if row.get("unit_acquisition_value_usd") else ""
        )
        currency = checked("currency", checks.currency, currency_text, self.tables.currencies)
        if price is not None and currency is None:
            raise RowRejected("currency", E.MISSING_VALUE, _("a price needs a currency"))
        unit = checked(
            "unit_of_issue",
            checks.unit_of_issue,
            row.get("unit_of_issue", ""),
            self.tables.units_of_issue,
            self.tables.unit_of_issue_terms,
        )
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


# --- manufacturers --------------------------------------------------------------------------


@dataclass
class ManufacturerRecord:
    code: str
    names: dict[str, str]
    country: str
    address: str
    status: str
    bureau_id: int
    parent_code: str


class ManufacturerImporter(BaseImporter):
    """Manufacturers in katalog's layout (`code, name_en, name_ru, country, …`) or the SAM
    sample layout (`cage_code, duns, company_name`, all in the United States)."""

    kind = "manufacturers"

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.countries = set(Country.objects.values_list("alpha2", flat=True))
        self.statuses = checks.CodeTables.load().manufacturer_statuses
        self.bureaus = {
            b.country_id: b for b in Bureau.objects.exclude(country=None).order_by("-kind")
        }
        self.seen = SeenLines()

    def validate(self, line: int, row: dict[str, str]) -> ManufacturerRecord:
        column, code = pick(row, "code", "cage_code", "manufacturer_code")
        code = code.upper()
        country = (row.get("country") or ("US" if "cage_code" in row else "")).upper()
        if country not in self.countries:
            raise RowRejected(
                "country", E.UNKNOWN_COUNTRY, _("unknown country %(c)r") % {"c": country}
            )
        bureau = self.bureaus.get(country)
        if bureau is None:
            raise RowRejected(
                "country",
                E.NO_BUREAU_FOR_COUNTRY,
                _("no bureau for country %(c)s") % {"c": country},
            )
        if not self.actor.may_write_for(bureau.pk):
            raise RowRejected(
                "country",
                E.NOT_MANUFACTURER_BUREAU,
                _("manufacturers of %(country)s are registered by bureau %(bureau)s only")
                % {"country": country, "bureau": bureau.key},
            )
        code = checked(
            column, checks.manufacturer_code, code, bureau.manufacturer_code_patterns, bureau.key
        )
        if code in self.seen:
            raise RowRejected(
                column,
                E.DUPLICATE_IN_FILE,
                _("code already given on line %(line)d") % {"line": self.seen[code]},
            )
        names = {k.removeprefix("name_"): v for k, v in row.items() if k.startswith("name_") and v}
        if row.get("company_name"):
            names.setdefault("en", row["company_name"])
        if row.get("name"):
            names.setdefault("en", row["name"])
        if not names:
            raise RowRejected("name", E.MISSING_VALUE, _("the manufacturer has no name"))
        self.seen[code] = line
        return ManufacturerRecord(
            code=code, names=names, country=country, address=row.get("address", ""),
            status=checked("status", checks.manufacturer_status, row.get("status"), self.statuses),
            bureau_id=bureau.pk,
            parent_code=row.get("parent_code", "").upper(),
        )  # fmt: skip

    def write(self, records, sink: ErrorSink, report: ImportReport) -> None:
        countries = dict(
            Manufacturer.objects.filter(code__in=[r.code for _l, r in records]).values_list(
                "code", "country_id"
            )
        )
        existing = set(countries)
        new = [r for _l, r in records if r.code not in existing]
        changed = []
        for line, r in records:
            if r.code not in existing or self.policy != Policy.UPDATE:
                continue
            if countries[r.code] != r.country:
                sink.add(RowError(line, "country", E.MANUFACTURER_COUNTRY_FIXED,
                                  _("the country of a registered manufacturer does not change")))  # fmt: skip
            else:
                changed.append(r)
        for line, r in records:
            if r.code in existing and self.policy == Policy.FAIL:
                sink.add(
                    RowError(line, "code", E.ALREADY_EXISTS, _("the manufacturer already exists"))
                )
        report.skipped += sum(
            1 for _l, r in records if r.code in existing and self.policy == Policy.SKIP
        )
        bulk_insert(Manufacturer, [self._manufacturer(r) for r in new], unique_fields=["code"])
        for r in new:
            self.changed("manufacturer", r.code, {"action": "created", "names": r.names})
        for r in changed:
            self.changed("manufacturer", r.code, {"action": "updated", "names": r.names,
                                                  "address": r.address, "status": r.status})  # fmt: skip
        bulk_insert(
            Manufacturer, [self._manufacturer(r) for r in changed], unique_fields=["code"],
            update_fields=["names", "address", "status", "search_text"],
        )  # fmt: skip
        self._link_parents(new + changed)
        report.created += len(new)
        report.updated += len(changed)

    @staticmethod
    def _manufacturer(r: ManufacturerRecord) -> Manufacturer:
        return Manufacturer(
            code=r.code, names=r.names, country_id=r.country, address=r.address, status=r.status,
            bureau_id=r.bureau_id, search_text=manufacturer_search_text(r.code, r.names),
        )  # fmt: skip

    @staticmethod
    def _link_parents(records: list[ManufacturerRecord]) -> None:
        with_parent = [r for r in records if r.parent_code]
        parents = dict(
            Manufacturer.objects.filter(code__in=[r.parent_code for r in with_parent]).values_list(
                "code", "id"
            )
        )
        for r in with_parent:
            if r.parent_code in parents:
                Manufacturer.objects.filter(code=r.code).update(parent_id=parents[r.parent_code])


# --- references -----------------------------------------------------------------------------


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
REFERENCE_DEFAULTS = {"category": "3", "variation": "2", "document_availability": "9"}


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
            try:
                niin = rules.parse_catalogue_number(text).niin
            except ValidationFailed as exc:
                raise RowRejected(column, exc.code, exc.message) from None
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
        number = number.strip()
        key = code_key(number)
        if not key:
            raise RowRejected(rcol, E.REFERENCE_EMPTY, _("the reference number is missing"))
        if len(number) > 32:
            raise RowRejected(rcol, E.REFERENCE_TOO_LONG, _("longer than 32 characters"))
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
            f: pick(row, *cols)[1].upper()[:1] or REFERENCE_DEFAULTS.get(f, "")
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


# --- rows about existing items: characteristic values, registrations, management data ----


def registered_items(actor: ImportActor, item_ids: list[int]) -> set[int]:
    """Of these items, those on which the importing bureau is a registered user now."""
    if actor.bureau_id is None or not item_ids:
        return set()
    return set(
        Registration.objects.filter(
            item_id__in=item_ids, bureau_id=actor.bureau_id, effective_to__isnull=True
        ).values_list("item_id", flat=True)
    )


def _batch_niins(batch) -> set[str]:
    niins = set()
    for _line, row in batch:
        with contextlib.suppress(ValidationFailed):
            niins.add(rules.parse_catalogue_number(pick(row, "catalogue_number", "nsn")[1]).niin)
    return niins


class ItemRowsImporter(BaseImporter):
    """Base for rows that name an existing item by its catalogue number."""

    item_fields: tuple[str, ...] = ("id",)

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.items: dict[str, tuple] = {}
        self.seen = SeenLines()

    def prepare(self, batch) -> None:
        query = items_by_niin(_batch_niins(batch), "bureau_id", *self.item_fields)
        self.items = {niin: tuple(rest) for niin, _bureau, *rest in query}
        self.assigning = {rest[0]: bureau for _niin, bureau, *rest in query}
        self.niin_by_id = {rest[0]: niin for niin, _bureau, *rest in query}
        self.registered = registered_items(self.actor, list(self.assigning))

    def require_assigning(self, item_id: int, column: str) -> None:
        """Identification data (characteristics) is written by the assigning bureau only."""
        if not self.actor.may_write_for(self.assigning[item_id]):
            raise not_assigning(column, self.niin_by_id[item_id])

    def require_own_data(self, item_id: int, bureau_id: int, column: str) -> None:
        """A nation writes its own registration and management data; the assigning bureau may
        write them for the others."""
        if self.actor.unbounded or self.actor.bureau_id in (bureau_id, self.assigning[item_id]):
            return
        raise RowRejected(
            column,
            E.NOT_OWN_DATA,
            _(
                "only the bureau itself or the assigning bureau may change this bureau's data on %(item)s"
            )
            % {"item": self.niin_by_id[item_id]},
        )

    def touch(self, item_id: int, change: dict[str, Any]) -> None:
        self.touched_items.add(item_id)
        self.changed("item", self.niin_by_id[item_id], change)

    def item_of(self, row: dict[str, str]) -> tuple:
        column, text = pick(row, "catalogue_number", "nsn")
        if not text:
            raise RowRejected(column, E.MISSING_VALUE, _("the catalogue number is missing"))
        try:
            niin = rules.parse_catalogue_number(text).niin
        except ValidationFailed as exc:
            raise RowRejected(column, exc.code, exc.message) from None
        if niin not in self.items:
            raise RowRejected(
                column, E.ITEM_NOT_FOUND, _("no item with catalogue number %(n)s") % {"n": text}
            )
        return self.items[niin]

    def once(self, key: tuple, line: int, column: str) -> None:
        """Reject a second row for the same record in one file."""
        if key in self.seen:
            raise RowRejected(
                column,
                E.DUPLICATE_IN_FILE,
                _("already given on line %(line)d") % {"line": self.seen[key]},
            )
        self.seen[key] = line

    def sort_existing(
        self, records, existing: set, key, sink: ErrorSink, report: ImportReport, column: str
    ):
        """Split records into new and to-update by policy; skipped and failed ones are counted."""
        new, changed = [], []
        for line, r in records:
            if key(r) not in existing:
                new.append(r)
            elif self.policy == Policy.UPDATE:
                changed.append(r)
            elif self.policy == Policy.FAIL:
                sink.add(RowError(line, column, E.ALREADY_EXISTS, _("the record already exists")))
            else:
                report.skipped += 1
        return new, changed


class BureauLookup:
    """A bureau named by its key (RU) or its user code; cached for the run."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}
        for pk, key, user_code in Bureau.objects.values_list("id", "key", "user_code"):
            self.by_name[user_code.upper()] = pk
            self.by_name[key.upper()] = pk

    def get(self, row: dict[str, str]) -> int:
        column, text = pick(row, "bureau", "user_code", "nation")
        if not text:
            raise RowRejected(column, E.MISSING_VALUE, _("the bureau is missing"))
        if text.upper() not in self.by_name:
            raise RowRejected(column, E.UNKNOWN_BUREAU, _("unknown bureau %(b)r") % {"b": text})
        return self.by_name[text.upper()]


def parse_date(column: str, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise RowRejected(
            column, E.INVALID_DATE, _("%(value)r is not a date (YYYY-MM-DD)") % {"value": text}
        ) from None


@dataclass
class CharacteristicRecord:
    item_id: int
    characteristic_id: int
    fields: dict[str, Any]


class CharacteristicValueImporter(ItemRowsImporter):
    """Replies to guide characteristics: `catalogue_number, characteristic, value[, locale]`."""

    kind = "characteristics"
    item_fields = ("id", "item_name__guide_id")
    value_fields = ["raw", "qualifier", "unit_code", "value", "value_max", "code", "text", "flag"]

    def __init__(self, *, policy: Policy, dry_run: bool, actor: ImportActor) -> None:
        super().__init__(policy=policy, dry_run=dry_run, actor=actor)
        self.characteristics: dict[tuple[int, str], Characteristic] = {}
        self.loaded_guides: set[int] = set()

    def prepare(self, batch) -> None:
        super().prepare(batch)
        guides = {guide for _id, guide in self.items.values() if guide} - self.loaded_guides
        for characteristic in Characteristic.objects.filter(guide_id__in=guides).select_related(
            "reply_table"
        ):
            self.characteristics[(characteristic.guide_id, characteristic.code.upper())] = (
                characteristic
            )
        self.loaded_guides |= guides

    def validate(self, line: int, row: dict[str, str]) -> CharacteristicRecord:
        item_id, guide_id = self.item_of(row)
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
        return CharacteristicRecord(item_id, characteristic.pk, fields)

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
                item_id=r.item_id, characteristic_id=r.characteristic_id, **r.fields
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
        price = checked("price", checks.price, row.get("price", ""))
        currency = checked("currency", checks.currency, row.get("currency"), self.tables.currencies)
        if price is not None and not currency:
            raise RowRejected("currency", E.MISSING_VALUE, _("a price needs a currency"))
        unit = checked(
            "unit_of_issue",
            checks.unit_of_issue,
            row.get("unit_of_issue", ""),
            self.tables.units_of_issue,
            self.tables.unit_of_issue_terms,
        )
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


IMPORTERS: dict[str, type[BaseImporter]] = {
    "items": ItemImporter,
    "manufacturers": ManufacturerImporter,
    "references": ReferenceImporter,
    "characteristics": CharacteristicValueImporter,
    "registrations": RegistrationImporter,
    "management": ManagementDataImporter,
}


def import_file(
    kind: str,
    path: Path,
    *,
    actor: Actor,
    policy: Policy = Policy.SKIP,
    dry_run: bool = False,
    error_file: Path | None = None,
    progress: Callable[[int], None] | None = None,
    on_reject: Callable[[RowError], None] | None = None,
    batch_size: int = BATCH_SIZE,
    source: str = "",
    encoding: str | None = None,
) -> ImportReport:
    """Import one file of `kind` (one of IMPORTERS), acting for `actor`; `encoding` overrides
    the detected encoding of a text file."""
    if kind not in IMPORTERS:
        raise ValidationFailed(
            _("Unknown import kind %(kind)r") % {"kind": kind}, code=E.UNKNOWN_IMPORT_KIND
        )
    importer = IMPORTERS[kind](policy=Policy(policy), dry_run=dry_run, actor=ImportActor.of(actor))
    return run_import(
        importer,
        Path(path),
        error_file=error_file,
        progress=progress,
        on_reject=on_reject,
        batch_size=batch_size,
        source=source,
        encoding=encoding,
    )

"""The base of the rows about an existing item named by its catalogue number (characteristic
values, registrations, management data), and the cell readers they share."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.catalog import rules
from katalog.core.errors import RowError, ValidationFailed
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.base import (
    BaseImporter,
    ImportActor,
    Policy,
    RowRejected,
    catalogue_number,
    not_assigning,
    pick,
)
from katalog.transfer.importers.lookups import items_by_niin, registered_items
from katalog.transfer.importers.report import ErrorSink, ImportReport
from katalog.transfer.seen import SeenLines


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
        niin = catalogue_number(column, text).niin
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

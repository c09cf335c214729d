"""The row machinery every import kind shares: the update policy, a row's rejection, the cell
helpers that apply a catalogue rule to a cell, who the import acts for, and `BaseImporter`,
the validate-then-write contract of one kind of record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.audit.services import Subject
from katalog.catalog import rules
from katalog.catalog.services import checks
from katalog.core.actors import Actor, is_system
from katalog.core.errors import KatalogError, ValidationFailed
from katalog.transfer.errors import TransferErrorCode as E
from katalog.transfer.importers.report import ErrorSink, ImportReport

T = TypeVar("T")

BATCH_SIZE = 10000


class Policy(StrEnum):
    SKIP = "skip"
    UPDATE = "update"
    FAIL = "fail"


class RowRejected(Exception):
    def __init__(self, column: str, code: str, message: str) -> None:
        super().__init__(message)
        self.column, self.code, self.message = column, code, message


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


def catalogue_number(column: str, text: str) -> rules.CatalogueNumber:
    """The catalogue number of a cell, by the catalogue's own parser."""
    return checked(column, rules.parse_catalogue_number, text)


def checked_price(
    price_column: str, price_text: str, currency_text: str | None, tables: checks.CodeTables
) -> tuple[Decimal | None, str | None]:
    """A price and its currency by the catalogue's rules. That a price needs a currency is a
    rule of the files only: a single write takes the two as one field of a form."""
    price = checked(price_column, checks.price, price_text)
    currency = checked("currency", checks.currency, currency_text, tables.currencies)
    if price is not None and currency is None:
        raise RowRejected("currency", E.MISSING_VALUE, _("a price needs a currency"))
    return price, currency


def checked_unit_of_issue(row: dict[str, str], tables: checks.CodeTables) -> str:
    return checked(
        "unit_of_issue",
        checks.unit_of_issue,
        row.get("unit_of_issue", ""),
        tables.units_of_issue,
        tables.unit_of_issue_terms,
    )


# --- who an import acts for -----------------------------------------------------------------


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

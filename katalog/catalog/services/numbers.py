"""Catalogue numbers: serials are taken from a counter per bureau code and never reused.

Only the bureau that holds a bureau code issues numbers under it. Numbers made elsewhere and
loaded by an import (a bureau's own register, a migrated catalogue) raise the counter so that
new numbers come after them; a loaded number far beyond the counter is refused rather than
moving the counter there, because one mistyped serial would otherwise use up the code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import SerialCounter
from katalog.core.errors import RuleViolation

MAX_SERIAL = 9_999_999


def allocate_serial(bureau_code: str) -> int:
    """Take the next serial under a bureau code. Must run inside the caller's transaction."""
    return allocate_serial_block(bureau_code, 1)[0]


def allocate_serial_block(bureau_code: str, count: int) -> range:
    """Reserve `count` consecutive serials under a bureau code, inside the caller's transaction.

    The counter row is updated in place (`UPDATE … RETURNING`), so concurrent allocators queue
    on its row lock (PostgreSQL) or on the write lock (SQLite, IMMEDIATE transactions); a
    rolled-back transaction returns nothing that was ever issued, and serials never go back.
    """
    SerialCounter.objects.get_or_create(bureau_code=bureau_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_serialcounter SET last_serial = last_serial + %s "
            "WHERE bureau_code = %s RETURNING last_serial",
            [count, bureau_code],
        )
        last = int(cursor.fetchone()[0])
    if last > MAX_SERIAL:
        raise RuleViolation(
            _("Bureau code %(code)s has no serials left") % {"code": bureau_code},
            code=E.SERIALS_EXHAUSTED,
        )
    return range(last - count + 1, last + 1)


def serial_counters() -> dict[str, int]:
    return dict(SerialCounter.objects.values_list("bureau_code", "last_serial"))


def serial_gap_limit() -> int:
    """How far beyond a code's counter a loaded number may lie (KATALOG_SERIAL_GAP_MAX)."""
    return int(getattr(settings, "SERIAL_GAP_MAX", 100_000))


def check_loaded_serial(bureau_code: str, serial: int, counter: int, *, unbounded: bool) -> None:
    """A loaded number may lie at most `serial_gap_limit()` beyond the counter, unless the
    load migrates a whole catalogue (`unbounded`)."""
    if unbounded or serial <= counter + serial_gap_limit():
        return
    raise RuleViolation(
        _(
            "Serial %(serial)d lies far beyond the last serial %(last)d issued under bureau code "
            "%(code)s; numbers are issued in order"
        )
        % {"serial": serial, "last": counter, "code": bureau_code},
        code=E.SERIAL_BEYOND_COUNTER,
    )


def raise_serial_floor(bureau_code: str, serial: int) -> None:
    """Make sure new serials under a code come after one that was loaded from outside."""
    SerialCounter.objects.get_or_create(bureau_code=bureau_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_serialcounter SET last_serial = %s "
            "WHERE bureau_code = %s AND last_serial < %s",
            [serial, bureau_code, serial],
        )

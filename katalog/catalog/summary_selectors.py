"""The catalogue at a glance: counts of items by status, by assigning bureau and by month of
codification, and the newest items, over what the reader sees in full.

Each figure is one `GROUP BY` query however large the catalogue, and counts the items the
search would list for the same filter (the release rules of `visibility.item_visible_q`), so a
figure and the search it links to agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from katalog.catalog.models import Item
from katalog.catalog.selectors import code_meaning
from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.core.i18n import pick_text

MONTHS_SHOWN = 12
NEWEST_SHOWN = 10


@dataclass(frozen=True)
class Tally:
    """One figure: the value counted (a status code, a bureau key, a month), its label, how many."""

    value: str
    label: str
    count: int


def visible_items(reader: Any) -> QuerySet[Item]:
    """The items the reader sees in full (what the search lists and counts for them)."""
    scope = read_scope(reader)
    items = Item.objects.all()
    return items if scope.sees_all else items.filter(item_visible_q(scope))


def item_counts_by_status(*, reader: Any, language: str | None = None) -> list[Tally]:
    rows = visible_items(reader).order_by().values_list("status").annotate(n=Count("id")).order_by()
    return sorted(
        (Tally(code, code_meaning("ITEM_STATUS", code, language) or code, n) for code, n in rows),
        key=lambda c: c.value,
    )


def item_counts_by_bureau(*, reader: Any, language: str | None = None) -> list[Tally]:
    rows = (
        visible_items(reader)
        .order_by()
        .values_list("bureau__key", "bureau__names")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [Tally(key, pick_text(names, language) or key, n) for key, names, n in rows]
    return sorted(counts, key=lambda c: (-c.count, c.value))


def month_start(on: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before the month of `on`."""
    months = on.year * 12 + on.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def item_counts_by_month(
    *, reader: Any, months: int = MONTHS_SHOWN, today: dt.date | None = None
) -> list[Tally]:
    """Items codified (given their number) in each of the last `months` months, oldest first;
    a month with none is listed with 0. The value is the month as `YYYY-MM`."""
    today = today or timezone.localdate()
    first = month_start(today, months - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    rows = (
        visible_items(reader)
        .filter(created_at__gte=since)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {month_key(month): n for month, n in rows}
    keys = [month_start(today, back).strftime("%Y-%m") for back in range(months - 1, -1, -1)]
    return [Tally(key, key, found.get(key, 0)) for key in keys]


def month_key(month: dt.date | dt.datetime) -> str:
    """`YYYY-MM` of a truncated month as the database returns it (a date, or a datetime)."""
    if isinstance(month, dt.datetime) and timezone.is_aware(month):
        month = timezone.localtime(month)
    return month.strftime("%Y-%m")


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime] | None:
    """The start of a `YYYY-MM` month and of the next, in the installation's time zone (None
    if the text is not a month)."""
    try:
        first = dt.datetime.strptime(month.strip(), "%Y-%m").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return None
    after = month_start(first.replace(day=28) + dt.timedelta(days=4))
    start = dt.datetime.combine(first, dt.time.min)
    end = dt.datetime.combine(after, dt.time.min)
    return timezone.make_aware(start), timezone.make_aware(end)


def newest_items(
    *, reader: Any, language: str | None = None, limit: int = NEWEST_SHOWN
) -> list[dict[str, Any]]:
    """The last items codified, newest first (by id, which follows the order of creation)."""
    rows = visible_items(reader).select_related("item_name").order_by("-id")[:limit]
    return [
        {
            "catalogue_number": item.catalogue_number,
            "item_name": pick_text(item.item_name.names, language) or item.name_text,
            "status": code_meaning("ITEM_STATUS", item.status, language) or item.status,
            "created_at": item.created_at,
        }
        for item in rows
    ]

"""The catalogue at a glance: counts of items by status, by assigning bureau and by month of
codification, and the newest items, over what the reader sees in full.

Each figure is one `GROUP BY` query however large the catalogue, and counts the items the
search would list for the same filter (the release rules of `visibility.item_visible_q`), so a
figure and the search it links to agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from katalog.accounts.models import Bureau
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


@dataclass(frozen=True)
class CatalogueCounts:
    statuses: list[Tally]
    bureaus: list[Tally]


def item_counts(*, reader: Any, language: str | None = None) -> CatalogueCounts:
    """Items by status and by assigning bureau from one pass over the items (`GROUP BY` status
    and bureau, a few dozen rows), since a scan of a national catalogue is the cost here."""
    rows = (
        visible_items(reader)
        .order_by()
        .values_list("status", "bureau_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status: dict[str, int] = defaultdict(int)
    by_bureau: dict[int, int] = defaultdict(int)
    for status, bureau_id, n in rows:
        by_status[status] += n
        by_bureau[bureau_id] += n
    statuses = [
        Tally(code, code_meaning("ITEM_STATUS", code, language) or code, n)
        for code, n in sorted(by_status.items())
    ]
    bureaus = {
        pk: (key, names)
        for pk, key, names in Bureau.objects.filter(pk__in=by_bureau).values_list(
            "pk", "key", "names"
        )
    }
    counted = [
        Tally(bureaus[pk][0], pick_text(bureaus[pk][1], language) or bureaus[pk][0], n)
        for pk, n in by_bureau.items()
    ]
    return CatalogueCounts(statuses, sorted(counted, key=lambda c: (-c.count, c.value)))


def month_start(on: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before the month of `on`."""
    months = on.year * 12 + on.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def last_months(today: dt.date, months: int = MONTHS_SHOWN) -> list[str]:
    """The last `months` months up to `today`'s, oldest first, as `YYYY-MM`."""
    return [month_start(today, back).strftime("%Y-%m") for back in range(months - 1, -1, -1)]


def in_month(key: str, field: str = "created_at") -> Q:
    """A condition on a date-time field: within the `YYYY-MM` month (installation's zone)."""
    start, end = month_bounds(key) or (None, None)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def item_counts_by_month(
    *, reader: Any, months: int = MONTHS_SHOWN, today: dt.date | None = None
) -> list[Tally]:
    """Items codified (given their number) in each of the last `months` months, oldest first;
    a month with none is listed with 0. The value is the month as `YYYY-MM`.

    One pass with a conditional count per month: comparisons of the stored date-time, where
    truncating every row to its month costs a function call per row (seconds on SQLite)."""
    keys = last_months(today or timezone.localdate(), months)
    since = month_bounds(keys[0])[0]  # type: ignore[index]
    found = (
        visible_items(reader)
        .filter(created_at__gte=since)
        .aggregate(**{f"m{i}": Count("id", filter=in_month(key)) for i, key in enumerate(keys)})
    )
    return [Tally(key, key, found[f"m{i}"]) for i, key in enumerate(keys)]


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

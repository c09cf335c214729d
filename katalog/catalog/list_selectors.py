"""Reads of preferred items and restrictive lists: the lists themselves, the entries of one list
(keyset-paged), the lists an item is on, and the sets of items on lists in force that other apps
(codification, screening, search, quality) ask for.

A list's heading (its kind, code, scope, validity and act) is read by every reader of the
catalogue. Its entries follow the release rules: a reader learns that an item is on a list only
where the reader sees that item in full, so an outsider never learns of an item it may not see.
A list is in force on a day from its `valid_from` to its `valid_to` (both included; no end
date: until further notice); an expired list, or one not yet in force, marks nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    ACTIVE_STATUSES,
    Item,
    ItemList,
    ItemListEntry,
    ItemListKind,
)
from katalog.catalog.visibility import item_visible_q, read_scope, visible_item_ids
from katalog.core.errors import NotFound
from katalog.core.paging import Page, keyset_page


def today() -> dt.date:
    return timezone.localdate()


def in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Lists in force on the day `on` (with `prefix`, on a queryset related to lists)."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def is_in_force(item_list: ItemList, on: dt.date | None = None) -> bool:
    on = on or today()
    return item_list.valid_from <= on and (item_list.valid_to is None or item_list.valid_to >= on)


def item_list_list(
    *,
    reader: Any,
    kind: str | None = None,
    bureau_id: int | None = None,
    in_force_on: dt.date | None = None,
    after: int | None = None,
    limit: int | None = None,
) -> Page[ItemList]:
    """The lists in the order they were made; `in_force_on` keeps those in force that day."""
    read_scope(reader)
    rows = ItemList.objects.select_related("bureau")
    if kind:
        rows = rows.filter(kind=kind)
    if bureau_id is not None:
        rows = rows.filter(bureau_id=bureau_id)
    if in_force_on is not None:
        rows = rows.filter(in_force_q(in_force_on))
    return keyset_page(rows, "id", after=after, limit=limit)


def item_list_get(list_id: int, *, reader: Any) -> ItemList:
    read_scope(reader)
    found = ItemList.objects.select_related("bureau").filter(pk=list_id).first()
    if found is None:
        raise NotFound(_("No list %(id)s") % {"id": list_id}, code=E.LIST_NOT_FOUND)
    return found


def item_list_entries(
    item_list: ItemList, *, reader: Any, after: str | None = None, limit: int | None = None
) -> Page[ItemListEntry]:
    """The entries of a list in catalogue-number order, of the items the reader sees in full."""
    scope = read_scope(reader)
    rows = (
        ItemListEntry.objects.filter(item_list=item_list)
        .filter(item_visible_q(scope, "item__"))
        .select_related("item__item_name", "item__bureau")
    )
    return keyset_page(rows, "item__niin", after=after, limit=limit)


def item_list_entry_count(item_list: ItemList, *, reader: Any) -> int:
    """How many entries of the list the reader sees."""
    scope = read_scope(reader)
    rows = ItemListEntry.objects.filter(item_list=item_list)
    return rows.filter(item_visible_q(scope, "item__", as_set=True)).count()


def list_mark(entry: ItemListEntry) -> dict[str, Any]:
    """An item's place on a list as the item page, the API, search and screening show it."""
    item_list = entry.item_list
    return {
        "id": item_list.pk,
        "kind": item_list.kind,
        "code": item_list.code,
        "name": item_list.name,
        "bureau": item_list.bureau.key,
        "act": {
            "number": item_list.act_number,
            "date": item_list.act_date.isoformat(),
            "text": item_list.act_text,
        },
        "valid_from": item_list.valid_from.isoformat(),
        "valid_to": item_list.valid_to.isoformat() if item_list.valid_to else None,
        "note": entry.note,
    }


def _marks_query(condition: Q, on: dt.date | None) -> QuerySet[ItemListEntry]:
    return (
        ItemListEntry.objects.filter(condition)
        .filter(in_force_q(on or today(), "item_list__"))
        .select_related("item_list__bureau")
        .order_by("item_id", "-item_list__kind", "item_list__code", "item_list_id")
    )


def shown_item_marks(niin: str, on: dt.date | None = None) -> list[dict[str, Any]]:
    """The lists in force an item is on, for the detail of an item its reader sees in full
    (the detail selector has applied the release rules already)."""
    return [list_mark(entry) for entry in _marks_query(Q(item__niin=niin), on)]


def _any_listed(item_ids: list[int]) -> bool:
    """Whether any of these items is on a list at all, by one probe of the entries' item index:
    a page of items on no list (the usual page) then skips the query of the lists in force,
    which cost a search a sixth of its time."""
    marks = ", ".join(["%s"] * len(item_ids))
    table = ItemListEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE item_id IN ({marks}) LIMIT 1",  # noqa: S608 (only %s placeholders are joined in)
            item_ids,
        )
        return cursor.fetchone() is not None


def on_some_list() -> Exists:
    """Whether an item is on any list at all (in force or not), to annotate a page of items
    with: their marks are then read for the listed ones only, mostly none."""
    return Exists(ItemListEntry.objects.filter(item_id=OuterRef("pk")))


def list_marks_of(
    item_ids: Iterable[int], *, on: dt.date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """The lists in force each item is on, restrictive lists first (one query). No release rule
    is applied: the caller passes only items its reader sees in full (`item_list_marks`)."""
    wanted = list(item_ids)
    if not wanted or not _any_listed(wanted):
        return {}
    marks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in _marks_query(Q(item_id__in=wanted), on):
        marks[entry.item_id].append(list_mark(entry))
    return dict(marks)


def item_list_marks(
    item_ids: Iterable[int], *, reader: Any, on: dt.date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """The lists in force each item is on, for the items the reader sees in full only."""
    seen = visible_item_ids(read_scope(reader), item_ids)
    return list_marks_of(seen, on=on)


def item_lists_by_niin(niin: str, *, reader: Any, on: dt.date | None = None) -> list[dict]:
    """The lists in force an item is on (none for a reader who may not see it in full)."""
    found = Item.objects.filter(niin=niin).values_list("pk", flat=True).first()
    if found is None:
        return []
    return item_list_marks([found], reader=reader, on=on).get(found, [])


def _listed_ids(
    kind: ItemListKind, *, reader: Any, item_ids: Iterable[int] | None, on: dt.date | None
) -> set[int]:
    scope = read_scope(reader)
    rows = ItemListEntry.objects.filter(item_list__kind=kind).filter(
        in_force_q(on or today(), "item_list__")
    )
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    rows = rows.filter(item_visible_q(scope, "item__", as_set=True))
    return set(rows.values_list("item_id", flat=True).distinct())


def restricted_item_ids(
    *, reader: Any, item_ids: Iterable[int] | None = None, on: dt.date | None = None
) -> set[int]:
    """The items on a restrictive list in force on `on` (today by default), of those given (all
    without `item_ids`), that the reader sees in full."""
    return _listed_ids(ItemListKind.RESTRICTIVE, reader=reader, item_ids=item_ids, on=on)


def preferred_item_ids(
    *, reader: Any, item_ids: Iterable[int] | None = None, on: dt.date | None = None
) -> set[int]:
    """The items on a list of preferred items in force on `on`, as `restricted_item_ids`."""
    return _listed_ids(ItemListKind.PREFERRED, reader=reader, item_ids=item_ids, on=on)


def listed_items_q(kind: str, on: dt.date | None = None, prefix: str = "") -> Q:
    """Items on a list of this kind in force, as a filter on an Item queryset (`prefix` for a
    queryset related to items): what a search filter applies beside the release rules."""
    listed = ItemListEntry.objects.filter(item_list__kind=kind).filter(
        in_force_q(on or today(), "item_list__")
    )
    return Q(**{f"{prefix}pk__in": listed.values("item_id")})


def preferred_items_for(
    item_name_codes: Iterable[str], *, reader: Any, on: dt.date | None = None
) -> dict[str, list[tuple[int, str]]]:
    """Active items of these item names on a list of preferred items in force that the reader
    sees in full, as (id, supply class) by item name code, in number order (one query)."""
    codes = sorted(set(item_name_codes))
    if not codes:
        return {}
    scope = read_scope(reader)
    rows = (
        Item.objects.filter(item_name__code__in=codes, status__in=ACTIVE_STATUSES)
        .filter(listed_items_q(ItemListKind.PREFERRED, on))
        .filter(item_visible_q(scope))
        .order_by("niin")
        .values_list("pk", "supply_class", "item_name__code")
    )
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, supply_class, code in rows:
        found[code].append((pk, supply_class))
    return dict(found)

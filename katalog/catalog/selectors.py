"""Reads of the catalogue, shared by the API, the pages and the CLI. Every read of catalogue
data takes the reader and applies the release rules (`katalog.catalog.visibility`)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from katalog.audit.selectors import object_history
from katalog.catalog import detail, rules
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.interchange_selectors import item_interchange
from katalog.catalog.list_selectors import shown_item_marks
from katalog.catalog.models import (
    CharacteristicValue,
    Item,
    ManagementData,
    Reference,
    Registration,
)
from katalog.catalog.visibility import (
    ReadScope,
    history_entry,
    read_scope,
    sees_item,
    visible_detail,
    visible_item_ids,
)
from katalog.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.paging import HISTORY_PAGE, Page, keyset_page
from katalog.core.text import ascii_code_key, code_key
from katalog.refdata.models import CodeValue

MAX_LOOKUP_RESULTS = 50


def item_queryset() -> QuerySet[Item]:
    """Items with what the item page shows beside `item_detail`: the names of their
    characteristics and manufacturers in every language."""
    return Item.objects.select_related("item_name", "bureau", "replaced_by").prefetch_related(
        Prefetch(
            "references", queryset=Reference.objects.select_related("manufacturer").order_by("id")
        ),
        Prefetch(
            "characteristics",
            queryset=CharacteristicValue.objects.select_related("characteristic").order_by(
                "characteristic__position"
            ),
        ),
    )


def _item_not_found(formatted_number: str) -> NotFound:
    return NotFound(
        _("No item with catalogue number %(number)s") % {"number": formatted_number},
        code=E.ITEM_NOT_FOUND,
    )


def item_get(number: str, *, reader: Any) -> Item:
    """The item for a catalogue number in any accepted form; 404 ITEM_NOT_FOUND if unknown.

    For the pages and services that act on the item: its number, name and status are never
    secret, and what is shown of it goes through `item_detail`."""
    read_scope(reader)
    parsed = rules.parse_catalogue_number(number)
    item = item_queryset().filter(niin=parsed.niin).first()
    if item is None:
        raise _item_not_found(parsed.formatted())
    return item


def item_version(item: Item) -> int:
    """The item's version as stored now (its ETag), after a change of its related data."""
    return int(Item.objects.filter(pk=item.pk).values_list("row_version", flat=True)[0])


def item_for_field(number: str, field: str, *, reader: Any) -> Item:
    """Another item named in a request body (a replacement, the item kept): an unknown number
    is an invalid value of that field (422), not a missing resource."""
    try:
        return item_get(number, reader=reader)
    except NotFound as missing:
        raise ValidationFailed(
            missing.message,
            code=E.UNKNOWN_ITEM,
            errors=[FieldError(field, E.UNKNOWN_ITEM, missing.message)],
        ) from None


def item_detail(item: Item, language: str | None = None, *, reader: Any) -> dict[str, Any]:
    """The item as a plain structure, as the reader may see it: what the API returns, the page
    shows and the CLI prints."""
    scope = read_scope(reader)
    found = detail.item_detail_by_pk(item.pk, language)
    if found is None:
        raise _item_not_found(item.catalogue_number)
    return with_interchange(visible_detail(found[0], scope), reader)


def item_detail_by_number(
    number: str, language: str | None = None, *, reader: Any
) -> tuple[dict[str, Any], int]:
    """The detail and version of the item for a catalogue number in any accepted form, without
    loading the item through the ORM (the busiest read); 404 ITEM_NOT_FOUND if unknown."""
    scope = read_scope(reader)
    parsed = rules.parse_catalogue_number(number)
    found = detail.item_detail_by_niin(parsed.niin, language)
    if found is None:
        raise _item_not_found(parsed.formatted())
    shown, version = found
    return with_interchange(visible_detail(shown, scope), reader), version


def with_interchange(shown: dict[str, Any], reader: Any) -> dict[str, Any]:
    """The item's interchangeability family beside its detail (none for a reader who sees only
    the number, the name and the status)."""
    shown["interchange"] = None if shown["restricted"] else item_interchange(shown["niin"], reader)
    return with_lists(shown)


def with_lists(shown: dict[str, Any]) -> dict[str, Any]:
    """The lists in force the item is on (preferred items, restrictive lists) beside its detail;
    none for a reader who sees only the number, the name and the status."""
    shown["lists"] = [] if shown["restricted"] else shown_item_marks(shown["niin"])
    return shown


def require_full_view(item: Item, *, reader: Any) -> ReadScope:
    """Refuse a reader who sees only the number, name and status of a restricted item."""
    scope = read_scope(reader)
    found = detail.item_detail_by_pk(item.pk, None)
    if found is not None and not sees_item(scope, found[0]):
        raise PermissionDenied(
            _("%(item)s is released only to its assigning bureau and its registered users")
            % {"item": item.catalogue_number},
            code=E.ITEM_RESTRICTED,
        )
    return scope


# --- lookups by reference ---------------------------------------------------------------------

REFERENCE_ITEMS_SQL = """
SELECT DISTINCT i.id, i.niin FROM catalog_reference r JOIN catalog_item i ON i.id = r.item_id
WHERE r.{column} = %s ORDER BY i.niin LIMIT {limit}
"""


def item_ids_by_reference(text: str, scope: ReadScope) -> list[int]:
    """Items holding a reference whose normalised key equals the query's (else whose
    transliterated key does), in catalogue-number order; restricted items the reader may not
    see are not found by their references."""
    key = code_key(text)
    if not key:
        return []
    with connection.cursor() as cursor:
        for column, value in (("key", key), ("ascii_key", ascii_code_key(text))):
            cursor.execute(
                REFERENCE_ITEMS_SQL.format(column=column, limit=MAX_LOOKUP_RESULTS),
                [value],
            )
            rows = cursor.fetchall()
            if rows:
                visible = visible_item_ids(scope, [pk for pk, _niin in rows])
                return [pk for pk, _niin in rows if pk in visible]
    return []


def items_by_reference(
    text: str, language: str | None = None, *, reader: Any
) -> list[dict[str, Any]]:
    """The details of the items holding the reference (see `item_ids_by_reference`)."""
    scope = read_scope(reader)
    found = (detail.item_detail_by_pk(pk, language) for pk in item_ids_by_reference(text, scope))
    return [visible_detail(pair[0], scope) for pair in found if pair is not None]


def item_lookup(text: str, language: str | None = None, *, reader: Any) -> list[dict[str, Any]]:
    """The details of the items found by catalogue number (any form) or else by reference number.

    Text shaped like a catalogue number that is not valid and matches no reference gets the
    number's own error, which says which part is wrong.
    """
    try:
        return [item_detail_by_number(text, language, reader=reader)[0]]
    except ValidationFailed as invalid:
        number_error: ValidationFailed | None = invalid
    except NotFound:
        details = items_by_reference(text, language, reader=reader)
        if details:
            return details
        raise
    details = items_by_reference(text, language, reader=reader)
    if not details and number_error and rules.has_number_shape(text):
        raise number_error
    if not details:
        raise NotFound(
            _("No item with catalogue number or reference %(text)r") % {"text": text},
            code=E.ITEM_NOT_FOUND,
        )
    return details


def reference_hits(
    number: str, manufacturer_code: str | None = None, *, reader: Any
) -> list[Reference]:
    """References whose normalised key equals the number's (else whose transliterated key does),
    on items the reader sees in full."""
    scope = read_scope(reader)
    key = code_key(number)
    if not key:
        return []
    rows = Reference.objects.select_related("manufacturer", "item__replaced_by").order_by("id")
    if manufacturer_code:
        rows = rows.filter(manufacturer__code=manufacturer_code.strip().upper())
    hits = list(rows.filter(key=key)[:MAX_LOOKUP_RESULTS])
    if not hits:
        hits = list(rows.filter(ascii_key=ascii_code_key(number))[:MAX_LOOKUP_RESULTS])
    visible = visible_item_ids(scope, {r.item_id for r in hits})
    return [r for r in hits if r.item_id in visible]


# --- the parts of one item ----------------------------------------------------------------------


def item_references(item: Item, *, reader: Any) -> QuerySet[Reference]:
    require_full_view(item, reader=reader)
    return (
        Reference.objects.filter(item=item).select_related("manufacturer", "bureau").order_by("id")
    )


def item_registrations(item: Item, *, reader: Any) -> QuerySet[Registration]:
    require_full_view(item, reader=reader)
    return (
        Registration.objects.filter(item=item)
        .select_related("bureau")
        .order_by("effective_from", "id")
    )


def item_management(item: Item, bureau_id: int, *, reader: Any) -> ManagementData:
    """One nation's management data of an item, if the reader may read it."""
    scope = require_full_view(item, reader=reader)
    row = (
        ManagementData.objects.filter(item=item, bureau_id=bureau_id)
        .select_related("bureau")
        .first()
    )
    readable = row is not None and (
        scope.sees_all or row.released or scope.bureau_id in (row.bureau_id, item.bureau_id)
    )
    if row is None or not readable:
        raise NotFound(
            _("No management data of this bureau for %(item)s that you may read")
            % {"item": item.catalogue_number},
            code=E.MANAGEMENT_NOT_FOUND,
        )
    return row


def item_history(
    item: Item, *, reader: Any, after: int | None = None, limit: int = HISTORY_PAGE
) -> Page[dict[str, Any]]:
    """The item's history, oldest first, for readers who may see the item; usernames only for
    signed-in readers. Keyset-paged by the entries' position in the log (`after`)."""
    scope = require_full_view(item, reader=reader)
    rows = object_history("item", item.niin)
    return keyset_page(rows, "seq", after=after, limit=limit).map(lambda e: history_entry(e, scope))


def code_meanings(table: str) -> dict[str, dict[str, str]]:
    """Every code of a code table with its meanings, read once per process: code tables are
    shipped reference data, changed only by `katalog init` (which clears this cache); a page
    showing twenty coded values then reads the table once, not twenty times."""
    cached = _CODE_TABLES.get(table)
    if cached is None:
        cached = dict(CodeValue.objects.filter(table_id=table).values_list("code", "meanings"))
        if cached:  # an empty table is not remembered: its codes may be loaded in a moment
            _CODE_TABLES[table] = cached
    return cached


_CODE_TABLES: dict[str, dict[str, dict[str, str]]] = {}


def forget_code_tables() -> None:
    _CODE_TABLES.clear()


def code_meaning(table: str, code: str, language: str | None = None) -> str:
    meanings = code_meanings(table).get(code)
    return pick_text(meanings, language) if meanings else ""


# --- lists ------------------------------------------------------------------------------------


def item_list(
    *,
    reader: Any,
    supply_class: str | None = None,
    status: str | None = None,
    bureau: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> Page[Item]:
    """Items in catalogue-number order (numbers, names and statuses, which every reader may
    see), filtered by class, status or assigning bureau."""
    read_scope(reader)
    rows = Item.objects.select_related("item_name", "bureau")
    if supply_class:
        rows = rows.filter(supply_class=supply_class)
    if status:
        rows = rows.filter(status=status)
    if bureau:
        rows = rows.filter(bureau__key=bureau.upper())
    return keyset_page(rows, "niin", after=after, limit=limit)

"""Reads of the catalogue, shared by the API, the pages and the CLI."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from katalog.catalog import detail, rules
from katalog.catalog.models import (
    CharacteristicValue,
    Item,
    ItemEvent,
    Reference,
)
from katalog.core.errors import NotFound, ValidationFailed
from katalog.core.i18n import pick_text
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
        code="ITEM_NOT_FOUND",
    )


def item_get(number: str) -> Item:
    """The item for a catalogue number in any accepted form; 404 NOT_FOUND if unknown."""
    parsed = rules.parse_catalogue_number(number)
    item = item_queryset().filter(niin=parsed.niin).first()
    if item is None:
        raise _item_not_found(parsed.formatted())
    return item


def item_history(item: Item) -> QuerySet[ItemEvent]:
    """The item's history, oldest first."""
    return (
        ItemEvent.objects.filter(item=item).select_related("actor", "bureau").order_by("at", "id")
    )


REFERENCE_ITEMS_SQL = """
SELECT DISTINCT i.id, i.niin FROM catalog_reference r JOIN catalog_item i ON i.id = r.item_id
WHERE r.{column} = %s ORDER BY i.niin LIMIT {limit}
"""


def item_ids_by_reference(text: str) -> list[int]:
    """Items holding a reference whose normalised key equals the query's (else whose
    transliterated key does), in catalogue-number order."""
    key = code_key(text)
    if not key:
        return []
    with connection.cursor() as cursor:
        for column, value in (("key", key), ("ascii_key", ascii_code_key(text))):
            cursor.execute(
                REFERENCE_ITEMS_SQL.format(column=column, limit=MAX_LOOKUP_RESULTS), [value]
            )
            rows = cursor.fetchall()
            if rows:
                return [pk for pk, _niin in rows]
    return []


def items_by_reference(text: str, language: str | None = None) -> list[dict[str, Any]]:
    """The details of the items holding the reference (see `item_ids_by_reference`)."""
    found = (detail.item_detail_by_pk(pk, language) for pk in item_ids_by_reference(text))
    return [pair[0] for pair in found if pair is not None]


def item_lookup(text: str, language: str | None = None) -> list[dict[str, Any]]:
    """The details of the items found by catalogue number (any form) or else by reference number.

    Text shaped like a catalogue number that is not valid and matches no reference gets the
    number's own error, which says which part is wrong.
    """
    try:
        return [item_detail_by_number(text, language)[0]]
    except ValidationFailed as invalid:
        number_error: ValidationFailed | None = invalid
    except NotFound:
        details = items_by_reference(text, language)
        if details:
            return details
        raise
    details = items_by_reference(text, language)
    if not details and number_error and rules.has_number_shape(text):
        raise number_error
    if not details:
        raise NotFound(
            _("No item with catalogue number or reference %(text)r") % {"text": text},
            code="ITEM_NOT_FOUND",
        )
    return details


def code_meaning(table: str, code: str, language: str | None = None) -> str:
    row = (
        CodeValue.objects.filter(table_id=table, code=code)
        .values_list("meanings", flat=True)
        .first()
    )
    return pick_text(row, language) if row else ""


def item_detail(item: Item, language: str | None = None) -> dict[str, Any]:
    """The item as a plain structure: what the API returns and the CLI prints."""
    found = detail.item_detail_by_pk(item.pk, language)
    if found is None:
        raise _item_not_found(item.catalogue_number)
    return found[0]


def item_detail_by_number(number: str, language: str | None = None) -> tuple[dict[str, Any], int]:
    """The detail and version of the item for a catalogue number in any accepted form, without
    loading the item through the ORM (the busiest read); 404 NOT_FOUND if unknown."""
    parsed = rules.parse_catalogue_number(number)
    found = detail.item_detail_by_niin(parsed.niin, language)
    if found is None:
        raise _item_not_found(parsed.formatted())
    return found

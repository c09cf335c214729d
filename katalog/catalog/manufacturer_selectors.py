"""Reads of manufacturers: keyset list by code, one by code, and the items holding their
references. Shaped for 3M manufacturers and 40M references: every list is a keyset page.

`manufacturer_by_code` is the one lookup of a manufacturer by its code, and
`manufacturer_code_key` the one normalisation of a code typed or sent by a person (services that
lock the row for writing read it themselves, with the code normalised by the same function)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from katalog.audit.selectors import object_history
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import Item, Manufacturer, Reference
from katalog.catalog.visibility import history_entry, item_visible_q, read_scope
from katalog.core.errors import FieldError, NotFound, ValidationFailed
from katalog.core.paging import HISTORY_PAGE, Page, keyset_page
from katalog.core.text import search_terms


def manufacturer_code_key(code: str | None) -> str:
    """A manufacturer code as stored: surrounding spaces dropped, in capitals."""
    return (code or "").strip().upper()


def manufacturer_by_code(code: str) -> Manufacturer | None:
    """The one lookup of a manufacturer by its code (any case, surrounding spaces ignored)."""
    return (
        Manufacturer.objects.select_related("country", "bureau", "parent", "replaced_by")
        .filter(code=manufacturer_code_key(code))
        .first()
    )


def manufacturer_for_field(code: str, field: str = "manufacturer") -> Manufacturer:
    """A manufacturer named in input: an unknown code is an invalid value of that field."""
    found = manufacturer_by_code(code)
    if found is None:
        raise ValidationFailed(
            _("Unknown manufacturer code %(code)s") % {"code": code},
            code=E.UNKNOWN_MANUFACTURER,
            errors=[FieldError(field, E.UNKNOWN_MANUFACTURER, _("unknown manufacturer code"))],
        )
    return found


def manufacturer_list(
    *,
    reader: Any,
    q: str = "",
    country: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> Page[Manufacturer]:
    """Manufacturers by code; `q` is a prefix of the code or of a word of the name. The register
    of organisations is public like their codes."""
    read_scope(reader)
    rows = Manufacturer.objects.select_related("country")
    text = (q or "").strip()
    if text:
        condition = Q(code__startswith=manufacturer_code_key(text))
        for term in search_terms(text):
            # search_text holds the code and the name's words, space separated.
            condition |= Q(search_text__startswith=term) | Q(search_text__contains=" " + term)
        rows = rows.filter(condition)
    if country:
        rows = rows.filter(country_id=country.upper())
    return keyset_page(rows, "code", after=after, limit=limit)


def manufacturer_get(code: str, *, reader: Any) -> Manufacturer:
    read_scope(reader)
    found = manufacturer_by_code(code)
    if found is None:
        raise NotFound(
            _("No manufacturer with code %(code)s") % {"code": code}, code=E.MANUFACTURER_NOT_FOUND
        )
    return found


def manufacturer_items(
    manufacturer: Manufacturer, *, reader: Any, after: str | None = None, limit: int | None = None
) -> Page[Item]:
    """Items holding a reference of this manufacturer, by identification number; restricted
    items only for readers who see them in full (the reference is their data)."""
    scope = read_scope(reader)
    holding = Reference.objects.filter(manufacturer=manufacturer).values("item_id")
    rows = (
        Item.objects.select_related("item_name")
        .filter(pk__in=holding)
        .filter(item_visible_q(scope))
    )
    return keyset_page(rows, "niin", after=after, limit=limit)


def manufacturer_items_count(manufacturer: Manufacturer, *, reader: Any) -> int:
    """How many items the reader sees hold a reference of this manufacturer."""
    scope = read_scope(reader)
    rows = Reference.objects.filter(manufacturer=manufacturer)
    if not scope.sees_all:
        rows = rows.filter(item_visible_q(scope, prefix="item__"))
    return rows.values("item_id").distinct().count()


def manufacturer_history(
    manufacturer: Manufacturer,
    *,
    reader: Any,
    after: int | None = None,
    limit: int = HISTORY_PAGE,
) -> Page[dict[str, Any]]:
    """What happened to a manufacturer record, oldest first (usernames for signed-in readers),
    keyset-paged by the entries' position in the log."""
    scope = read_scope(reader)
    rows = object_history("manufacturer", manufacturer.code)
    return keyset_page(rows, "seq", after=after, limit=limit).map(lambda e: history_entry(e, scope))

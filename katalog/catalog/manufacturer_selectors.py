"""Reads of manufacturers: keyset list by code, one by code, and the items holding their
references. Shaped for 3M manufacturers and 40M references: every list is a keyset page."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from katalog.catalog.models import Item, Manufacturer, Reference
from katalog.core.errors import NotFound
from katalog.core.paging import Page, keyset_page
from katalog.core.text import search_terms


def manufacturer_list(
    *, q: str = "", country: str | None = None, after: str | None = None, limit: int | None = None
) -> Page[Manufacturer]:
    """Manufacturers by code; `q` is a prefix of the code or of a word of the name."""
    rows = Manufacturer.objects.select_related("country")
    text = (q or "").strip()
    if text:
        condition = Q(code__startswith=text.upper())
        for term in search_terms(text):
            # search_text holds the code and the name's words, space separated.
            condition |= Q(search_text__startswith=term) | Q(search_text__contains=" " + term)
        rows = rows.filter(condition)
    if country:
        rows = rows.filter(country_id=country.upper())
    return keyset_page(rows, "code", after=after, limit=limit)


def manufacturer_get(code: str) -> Manufacturer:
    found = (
        Manufacturer.objects.select_related("country", "bureau", "parent", "replaced_by")
        .filter(code=code.strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(
            _("No manufacturer with code %(code)s") % {"code": code}, code="MANUFACTURER_NOT_FOUND"
        )
    return found


def manufacturer_items(
    manufacturer: Manufacturer, *, after: str | None = None, limit: int | None = None
) -> Page[Item]:
    """Items holding a reference of this manufacturer, by identification number."""
    holding = Reference.objects.filter(manufacturer=manufacturer).values("item_id")
    rows = Item.objects.select_related("item_name").filter(pk__in=holding)
    return keyset_page(rows, "niin", after=after, limit=limit)


def manufacturer_items_count(manufacturer: Manufacturer) -> int:
    """How many items hold a reference of this manufacturer."""
    return Reference.objects.filter(manufacturer=manufacturer).values("item_id").distinct().count()

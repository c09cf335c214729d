"""Reads of the catalogue, shared by the API, the pages and the CLI."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from katalog.catalog import rules
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemEvent,
    ManagementData,
    Reference,
    Registration,
)
from katalog.core.errors import NotFound, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.text import ascii_code_key, code_key
from katalog.refdata.models import CodeValue, SupplyClass

MAX_LOOKUP_RESULTS = 50


def item_queryset() -> QuerySet[Item]:
    # The supply class title and status meaning ride along as subqueries and registrations and
    # management data come with their bureau: one query per related table for a whole item.
    class_titles = SupplyClass.objects.filter(code=OuterRef("supply_class")).order_by("-valid_from")
    status_meanings = CodeValue.objects.filter(table_id="ITEM_STATUS", code=OuterRef("status"))
    annotated = Item.objects.annotate(
        detail_class_titles=Subquery(
            class_titles.values("titles")[:1], output_field=SupplyClass._meta.get_field("titles")
        ),
        detail_status_meanings=Subquery(
            status_meanings.values("meanings")[:1], output_field=CodeValue._meta.get_field("meanings")
        ),
    )
    return annotated.select_related("item_name", "bureau", "replaced_by").prefetch_related(
        Prefetch(
            "references",
            queryset=Reference.objects.select_related("manufacturer__country").order_by("id"),
        ),
        # The models' own orderings start with the item (by catalogue number, a join): rows
        # are grouped per item anyway, so ordering by what follows keeps each item's order.
        Prefetch(
            "registrations",
            queryset=Registration.objects.select_related("bureau").order_by("bureau__key", "effective_from"),
        ),
        Prefetch("management", queryset=ManagementData.objects.select_related("bureau").order_by("bureau__key")),
        Prefetch(
            "characteristics",
            queryset=CharacteristicValue.objects.select_related(
                "characteristic__reply_table"
            ).order_by("characteristic__position"),
        ),
    )


def item_get(number: str) -> Item:
    """The item for a catalogue number in any accepted form; 404 NOT_FOUND if unknown."""
    parsed = rules.parse_catalogue_number(number)
    item = item_queryset().filter(niin=parsed.niin).first()
    if item is None:
        raise NotFound(
            _("No item with catalogue number %(number)s") % {"number": parsed.formatted()},
            code="ITEM_NOT_FOUND",
        )
    return item


MAX_REPLACEMENT_HOPS = 20


def item_current(item: Item) -> Item:
    """Follow `replaced_by` from a cancelled item to the one to use now (the item itself when
    it is not replaced). Bounded, so a loop in bad data cannot hang a lookup."""
    current = item
    for _hop in range(MAX_REPLACEMENT_HOPS):
        if current.status not in CANCELLED_STATUSES or not current.replaced_by_id:
            break
        current = item_queryset().get(pk=current.replaced_by_id)
    return current


def item_history(item: Item) -> QuerySet[ItemEvent]:
    """The item's history, oldest first."""
    return ItemEvent.objects.filter(item=item).select_related("actor", "bureau").order_by("at", "id")


def items_by_reference(text: str) -> list[Item]:
    """Items holding a reference whose normalised key equals the query's (then transliterated)."""
    key = code_key(text)
    if not key:
        return []
    ids = list(Reference.objects.filter(key=key).values_list("item_id", flat=True)[:MAX_LOOKUP_RESULTS])
    if not ids:
        ids = list(
            Reference.objects.filter(ascii_key=ascii_code_key(text)).values_list("item_id", flat=True)[
                :MAX_LOOKUP_RESULTS
            ]
        )
    return list(item_queryset().filter(pk__in=ids).order_by("niin"))


def item_lookup(text: str) -> list[Item]:
    """Find items by catalogue number (any form) or else by reference number.

    Text shaped like a catalogue number that is not valid and matches no reference gets the
    number's own error, which says which part is wrong.
    """
    try:
        return [item_get(text)]
    except ValidationFailed as invalid:
        number_error: ValidationFailed | None = invalid
    except NotFound:
        items = items_by_reference(text)
        if items:
            return items
        raise
    items = items_by_reference(text)
    if not items and number_error and rules.has_number_shape(text):
        raise number_error
    if not items:
        raise NotFound(
            _("No item with catalogue number or reference %(text)r") % {"text": text},
            code="ITEM_NOT_FOUND",
        )
    return items


def code_meaning(table: str, code: str, language: str | None = None) -> str:
    row = CodeValue.objects.filter(table_id=table, code=code).values_list("meanings", flat=True).first()
    return pick_text(row, language) if row else ""


def supply_class_title(code: str, language: str | None = None) -> str:
    row = SupplyClass.objects.filter(code=code).order_by("-valid_from").values_list("titles", flat=True).first()
    return pick_text(row, language) if row else ""


def _annotated_text(item: Item, annotation: str, language: str | None, fallback: Any) -> str:
    """A title carried by `item_queryset`'s annotation, else looked up (items from elsewhere)."""
    if not hasattr(item, annotation):
        return fallback()
    values = getattr(item, annotation)
    return pick_text(values, language) if values else ""


def _reply_display(value: CharacteristicValue) -> str:
    if value.code and value.characteristic.reply_table_id:
        return value.code
    return value.raw


def item_detail(item: Item, language: str | None = None) -> dict[str, Any]:
    """The item as a plain structure: what the API returns and the CLI prints."""
    replacement = item.replaced_by.catalogue_number if item.replaced_by_id else None
    current = item_current(item) if replacement else item
    return {
        "catalogue_number": item.catalogue_number,
        "niin": item.niin,
        "supply_class": {
            "code": item.supply_class,
            "title": _annotated_text(
                item, "detail_class_titles", language, lambda: supply_class_title(item.supply_class, language)
            ),
        },
        "item_name": {
            "code": item.item_name.code,
            "name": pick_text(item.item_name.names, language),
            "as_received": item.name_text,
        },
        "identification_type": item.identification_type,
        "status": {
            "code": item.status,
            "meaning": _annotated_text(
                item, "detail_status_meanings", language, lambda: code_meaning("ITEM_STATUS", item.status, language)
            ),
        },
        "cancelled": item.status in CANCELLED_STATUSES,
        "cancellation_reason": item.cancellation_reason or None,
        "replaced_by": replacement,
        # Where a lookup of a cancelled number leads: the end of the replacement chain.
        "use_instead": current.catalogue_number if current.pk != item.pk else None,
        "bureau": {"key": item.bureau.key, "user_code": item.bureau.user_code, "bureau_code": item.bureau_code},
        "references": [
            {
                "number": r.number,
                "manufacturer": {
                    "code": r.manufacturer.code,
                    "name": pick_text(r.manufacturer.names, language),
                    "country": r.manufacturer.country_id,
                },
                "category": r.category,
                "variation": r.variation,
                "document_availability": r.document_availability,
            }
            for r in item.references.all()
        ],
        "characteristics": [
            {
                "code": v.characteristic.code,
                "name": pick_text(v.characteristic.names, language),
                "reply": _reply_display(v),
                "raw": v.raw,
                "unit": v.unit_code or None,
                "value": v.value,
                "value_max": v.value_max,
                "canonical_unit": v.characteristic.canonical_unit or None,
                "qualifier": v.qualifier or None,
            }
            for v in item.characteristics.all()
        ],
        "registrations": [
            {
                "user_code": r.bureau.user_code,
                "bureau": r.bureau.key,
                "effective_from": r.effective_from.isoformat(),
                "effective_to": r.effective_to.isoformat() if r.effective_to else None,
            }
            for r in item.registrations.all()
        ],
        "management": [
            {
                "user_code": m.bureau.user_code,
                "unit_of_issue": m.unit_of_issue or None,
                "price": str(m.price) if m.price is not None else None,
                "currency": m.currency_id,
                "notes": m.notes or None,
            }
            for m in item.management.all()
        ],
    }

"""Edits of an item's identification that the REST API offers beyond the core catalogue
services: identification data, a characteristic under a known version, removal of a reference,
and the composed creation of an item with its references and characteristics.

Every change of identification data checks the version the client read (`expected_version`),
bumps `row_version` and writes the item's history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.catalog import authority, services
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    Manufacturer,
    Reference,
)
from katalog.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from katalog.names.models import ItemName

IDENTIFICATION_CHANGED = "identification_changed"
REFERENCE_REMOVED = "reference_removed"


@dataclass(frozen=True)
class NewReference:
    number: str
    manufacturer_code: str
    category: str = "3"
    variation: str = "2"
    document_availability: str = "9"
    justification: str = ""


def require_not_cancelled(item: Item) -> None:
    if item.status in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is cancelled; reinstate it before changing its identification")
            % {"item": item.catalogue_number},
            code="ITEM_CANCELLED",
        )


def record_event(actor: Any, item: Item, action: str, data: dict[str, Any] | None = None) -> None:
    services.item_event_record(actor=actor, item=item, action=action, data=data)


def manufacturer_by_code(code: str, field: str = "manufacturer") -> Manufacturer:
    manufacturer = Manufacturer.objects.filter(code=code.strip().upper()).first()
    if manufacturer is None:
        raise ValidationFailed(
            _("Unknown manufacturer code %(code)s") % {"code": code},
            code="UNKNOWN_MANUFACTURER",
            errors=[FieldError(field, "UNKNOWN_MANUFACTURER", _("unknown manufacturer code"))],
        )
    return manufacturer


@transaction.atomic
def item_create_complete(
    *,
    actor: Any,
    bureau: Bureau,
    supply_class: str,
    item_name_code: str,
    name_text: str = "",
    identification_type: str = "2",
    partial_reason: str = "",
    references: Sequence[NewReference] = (),
    characteristics: Mapping[str, str] | None = None,
    locale: str = "en",
) -> Item:
    """Create an item with its references and characteristic replies, all or nothing."""
    item = services.item_create(
        actor=actor,
        bureau=bureau,
        supply_class=supply_class,
        item_name_code=item_name_code,
        name_text=name_text,
        identification_type=identification_type,
        partial_reason=partial_reason,
    )
    for index, ref in enumerate(references):
        services.reference_add(
            actor=actor,
            item=item,
            manufacturer=manufacturer_by_code(
                ref.manufacturer_code, f"references.{index}.manufacturer"
            ),
            number=ref.number,
            category=ref.category,
            variation=ref.variation,
            document_availability=ref.document_availability,
            justification=ref.justification,
        )
    for code, raw in (characteristics or {}).items():
        services.characteristic_set(actor=actor, item=item, code=code, raw=raw, locale=locale)
    return item


@transaction.atomic
def item_identification_update(
    *,
    actor: Any,
    item: Item,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Item:
    """Change item name, supply class, name as received, type of identification or reason for
    partial identification. Only the assigning bureau may; the item must not be cancelled."""
    item = services.item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    require_not_cancelled(item)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if "supply_class" in changes and changes["supply_class"] != item.supply_class:
        services.check_supply_class(changes["supply_class"])
        before["supply_class"], after["supply_class"] = item.supply_class, changes["supply_class"]
    if "item_name" in changes and changes["item_name"] != item.item_name.code:
        name: ItemName = services.item_name_get(changes["item_name"])
        before["item_name"], after["item_name"] = item.item_name.code, name
    for field in ("name_text", "identification_type", "partial_reason"):
        if field in changes and changes[field] != getattr(item, field):
            before[field], after[field] = getattr(item, field), changes[field]
    if not before:
        return item
    name_text = after.get("name_text", item.name_text)
    search_text = services.item_search_text(name_text, after.get("item_name", item.item_name))
    services.item_save_state(item, **after, search_text=search_text)
    record_event(actor, item, IDENTIFICATION_CHANGED, {"before": before})
    return item


@transaction.atomic
def item_characteristic_set(
    *, actor: Any, item: Item, code: str, raw: str, expected_version: int | None, locale: str = "en"
) -> CharacteristicValue:
    """Record a reply to one characteristic under the version the client read."""
    item = services.item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    require_not_cancelled(item)
    value = services.characteristic_set(actor=actor, item=item, code=code, raw=raw, locale=locale)
    services.item_save_state(item)
    return value


@transaction.atomic
def reference_remove(*, actor: Any, item: Item, reference_id: int) -> None:
    """Remove a reference of the item; a bureau removes its own, the assigning bureau any."""
    reference = (
        Reference.objects.filter(pk=reference_id, item=item).select_related("bureau").first()
    )
    if reference is None:
        raise NotFound(
            _("Item %(item)s has no reference %(id)s")
            % {"item": item.catalogue_number, "id": reference_id},
            code="REFERENCE_NOT_FOUND",
        )
    authority.require_own_data(actor, item, reference.bureau)
    record_event(
        actor,
        item,
        REFERENCE_REMOVED,
        {"number": reference.number, "manufacturer": reference.manufacturer.code},
    )
    reference.delete()

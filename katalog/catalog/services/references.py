"""References (part numbers) of items. The assigning bureau and the registered nations add
references; each is held for the bureau that added it, which alone (with the assigning bureau)
may remove it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import Item, ItemAction, Manufacturer, Reference
from katalog.catalog.services import checks
from katalog.catalog.services.history import item_audit, item_lock, item_save_state
from katalog.catalog.signals import references_written
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, NotFound
from katalog.core.text import ascii_code_key, code_key


def find_reference_conflict(
    item_id: int | None, manufacturer_id: int, key: str
) -> Reference | None:
    """Another item holding the same manufacturer + normalised key, if any."""
    rows = Reference.objects.filter(manufacturer_id=manufacturer_id, key=key).select_related("item")
    if item_id is not None:
        rows = rows.exclude(item_id=item_id)
    return rows.first()


def reference_fields(reference: Reference) -> dict[str, Any]:
    return {
        "number": reference.number,
        "manufacturer": reference.manufacturer.code,
        "category": reference.category,
        "variation": reference.variation,
        "bureau": reference.bureau.key,
    }


@transaction.atomic
def reference_add(
    *,
    actor: Actor,
    item: Item,
    manufacturer: Manufacturer,
    number: str,
    bureau: Bureau | None = None,
    category: str = "3",
    variation: str = "2",
    document_availability: str = "9",
    format_code: str = "",
    source_code: str = "",
    justification: str = "",
    expected_version: int | None = None,
) -> Reference:
    """Add a reference. The same manufacturer + normalised key on another item is refused as a
    conflict unless a justification code says why it is kept (and it is then recorded).

    A reference is held for `bureau` (by default the actor's, or the assigning bureau's for
    system loads). The item's version moves on."""
    item = item_lock(item, expected_version)
    authority.require_user_authority(actor, item)
    bureau = bureau or getattr(actor, "bureau", None) or item.bureau
    authority.require_own_data(actor, item, bureau)
    number = checks.reference_number(number)
    key = code_key(number)
    other = find_reference_conflict(item.pk, manufacturer.pk, key)
    if other is not None and not justification:
        raise Conflict(
            _("Reference %(number)s of %(mfr)s is already on %(other)s")
            % {"number": number, "mfr": manufacturer.code, "other": other.item.catalogue_number},
            code=E.REFERENCE_CONFLICT,
            data={"conflicting_item": other.item.catalogue_number},
        )
    if Reference.objects.filter(item=item, manufacturer=manufacturer, number=number).exists():
        raise Conflict(
            _("Reference %(number)s of %(mfr)s is already on this item")
            % {"number": number, "mfr": manufacturer.code},
            code=E.REFERENCE_EXISTS,
        )
    reference = Reference.objects.create(
        item=item,
        manufacturer=manufacturer,
        number=number,
        key=key,
        ascii_key=ascii_code_key(number),
        category=category,
        variation=variation,
        document_availability=document_availability,
        format_code=format_code,
        source_code=source_code,
        justification=justification,
        bureau=bureau,
    )
    references_written.send(Reference, rows=[(reference.pk, reference.number)])
    item_save_state(item)
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.REFERENCE_ADDED,
        reason=justification,
        changes={"after": reference_fields(reference)},
    )
    return reference


@transaction.atomic
def reference_remove(
    *, actor: Actor, item: Item, reference_id: int, expected_version: int | None = None
) -> Item:
    """Remove a reference of the item; a bureau removes its own, the assigning bureau any."""
    item = item_lock(item, expected_version)
    reference = (
        Reference.objects.filter(pk=reference_id, item=item)
        .select_related("bureau", "manufacturer")
        .first()
    )
    if reference is None:
        raise NotFound(
            _("Item %(item)s has no reference %(id)s")
            % {"item": item.catalogue_number, "id": reference_id},
            code=E.REFERENCE_NOT_FOUND,
        )
    authority.require_own_data(actor, item, reference.bureau)
    before = reference_fields(reference)
    reference.delete()
    item_save_state(item)
    item_audit(
        actor=actor, item=item, action=ItemAction.REFERENCE_REMOVED, changes={"before": before}
    )
    return item

"""Items of supply: creation under a new number, identification data, characteristic replies
and the release level. Only the assigning bureau changes an item's identification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import current_code_of
from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemAction,
    ItemStatus,
    ReleaseLevel,
)
from katalog.catalog.services import checks
from katalog.catalog.services.history import item_audit, item_lock, item_save_state
from katalog.catalog.services.numbers import allocate_serial
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from katalog.core.text import search_words
from katalog.names.models import ItemName

IDENTIFICATION_FIELDS = (
    "supply_class",
    "item_name",
    "name_text",
    "identification_type",
    "partial_reason",
)


def check_supply_class(code: str) -> str:
    from katalog.refdata.models import SupplyClass

    known = {code} if SupplyClass.objects.filter(code=code).exists() else set()
    return checks.supply_class(code, known)


def item_name_get(code: str) -> ItemName:
    found = ItemName.objects.filter(code=code).select_related("guide").first()
    if found is None:
        raise checks.invalid(
            "item_name", E.UNKNOWN_ITEM_NAME, _("Unknown item name code %(code)s") % {"code": code}
        )
    return found


def check_release(release: str) -> str:
    if release not in ReleaseLevel.values:
        raise checks.invalid(
            "release",
            E.UNKNOWN_RELEASE_LEVEL,
            _("Unknown release level %(value)r") % {"value": release},
        )
    return release


def require_not_cancelled(item: Item) -> None:
    if item.status in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is cancelled; reinstate it before changing its identification")
            % {"item": item.catalogue_number},
            code=E.ITEM_CANCELLED,
        )


# --- search text -----------------------------------------------------------------------------


def item_search_text(name_text: str, item_name: ItemName) -> str:
    return search_text_of_item(name_text, item_name.search_text)


def search_text_of_item(name_text: str, name_search_text: str) -> str:
    """What search reads of an item: its own name text, then its item name's words."""
    return search_words(name_text) + " " + name_search_text


class ItemSearchTexts:
    """`search_text_of_item` remembered per (item name, name text), for bulk loads: catalogues
    repeat a few thousand names over millions of items. Forgets all past `kept` entries, so
    memory stays bounded whatever the input."""

    def __init__(self, kept: int = 100_000) -> None:
        self.kept = kept
        self.cache: dict[tuple[int, str], str] = {}

    def __call__(self, item_name_id: int, name_search_text: str, name_text: str) -> str:
        key = (item_name_id, name_text)
        text = self.cache.get(key)
        if text is None:
            if len(self.cache) >= self.kept:
                self.cache.clear()
            text = self.cache[key] = search_text_of_item(name_text, name_search_text)
        return text


# --- creation --------------------------------------------------------------------------------


@transaction.atomic
def item_create(
    *,
    actor: Actor,
    bureau: Bureau,
    supply_class: str,
    item_name_code: str,
    name_text: str = "",
    identification_type: str = "2",
    partial_reason: str = "",
    status: str = ItemStatus.ACTIVE,
    release: str = ReleaseLevel.PUBLIC,
    today: dt.date | None = None,
) -> Item:
    """Create an item of supply under a new catalogue number of the bureau's current code.

    Numbers of a bureau are issued only by its own cataloguers."""
    if not authority.bypasses_authority(actor) and authority.actor_bureau(actor).pk != bureau.pk:
        raise PermissionDenied(
            _("Numbers of bureau %(bureau)s are issued only by its own members")
            % {"bureau": bureau.key},
            code=E.NOT_ASSIGNING_BUREAU,
        )
    check_supply_class(supply_class)
    item_name = item_name_get(item_name_code)
    name_text = checks.text_limit("name_text", name_text, checks.NAME_TEXT_MAX)
    check_release(release)
    bureau_code = current_code_of(bureau, today)
    serial = allocate_serial(bureau_code)
    try:
        with transaction.atomic():
            item = Item.objects.create(
                niin=f"{bureau_code}{serial:07d}",
                supply_class=supply_class,
                bureau_code=bureau_code,
                serial=serial,
                item_name=item_name,
                name_text=name_text,
                identification_type=identification_type,
                partial_reason=partial_reason,
                status=status,
                release=release,
                bureau=bureau,
                search_text=item_search_text(name_text, item_name),
            )
    except IntegrityError:
        # Only possible if a number was loaded from outside without raising the counter.
        raise Conflict(
            _("Catalogue number %(code)s-%(serial)07d is already taken")
            % {"code": bureau_code, "serial": serial},
            code=E.NUMBER_TAKEN,
        ) from None
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.CREATED,
        changes={
            "after": {
                "catalogue_number": item.catalogue_number,
                "item_name": item_name.code,
                "status": status,
                "release": release,
                "bureau": bureau.key,
            }
        },
    )
    return item


@dataclass(frozen=True)
class NewReference:
    number: str
    manufacturer_code: str
    category: str = "3"
    variation: str = "2"
    document_availability: str = "9"
    justification: str = ""


@transaction.atomic
def item_create_complete(
    *,
    actor: Actor,
    bureau: Bureau,
    supply_class: str,
    item_name_code: str,
    name_text: str = "",
    identification_type: str = "2",
    partial_reason: str = "",
    release: str = ReleaseLevel.PUBLIC,
    references: Sequence[NewReference] = (),
    characteristics: Mapping[str, str] | None = None,
    locale: str = "en",
) -> Item:
    """Create an item with its references and characteristic replies, all or nothing."""
    from katalog.catalog.manufacturer_selectors import manufacturer_for_field
    from katalog.catalog.services.references import reference_add

    item = item_create(
        actor=actor,
        bureau=bureau,
        supply_class=supply_class,
        item_name_code=item_name_code,
        name_text=name_text,
        identification_type=identification_type,
        partial_reason=partial_reason,
        release=release,
    )
    for index, ref in enumerate(references):
        reference_add(
            actor=actor,
            item=item,
            manufacturer=manufacturer_for_field(
                ref.manufacturer_code, f"references.{index}.manufacturer"
            ),
            number=ref.number,
            category=ref.category,
            variation=ref.variation,
            document_availability=ref.document_availability,
            justification=ref.justification,
        )
    for code, raw in (characteristics or {}).items():
        characteristic_set(actor=actor, item=item, code=code, raw=raw, locale=locale)
    return item


# --- identification --------------------------------------------------------------------------


@transaction.atomic
def item_identification_update(
    *,
    actor: Actor,
    item: Item,
    expected_version: int | None,
    changes: Mapping[str, Any],
) -> Item:
    """Change item name, supply class, name as received, type of identification, reason for
    partial identification or release level. Only the assigning bureau may; the item must not
    be cancelled."""
    item = item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    require_not_cancelled(item)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if "supply_class" in changes and changes["supply_class"] != item.supply_class:
        check_supply_class(changes["supply_class"])
        before["supply_class"], after["supply_class"] = item.supply_class, changes["supply_class"]
    if "item_name" in changes and changes["item_name"] != item.item_name.code:
        before["item_name"], after["item_name"] = (
            item.item_name.code,
            item_name_get(changes["item_name"]),
        )
    if "name_text" in changes:
        checks.text_limit("name_text", changes["name_text"] or "", checks.NAME_TEXT_MAX)
    if "release" in changes:
        check_release(changes["release"])
    for field in ("name_text", "identification_type", "partial_reason", "release"):
        if (
            field in changes
            and changes[field] is not None
            and changes[field] != getattr(item, field)
        ):
            before[field], after[field] = getattr(item, field), changes[field]
    if not before:
        return item
    name_text = after.get("name_text", item.name_text)
    search_text = item_search_text(name_text, after.get("item_name", item.item_name))
    item_save_state(item, **after, search_text=search_text)
    shown_after = {k: (v.code if isinstance(v, ItemName) else v) for k, v in after.items()}
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.IDENTIFICATION_CHANGED,
        changes={"before": before, "after": shown_after},
    )
    return item


@transaction.atomic
def characteristic_set(
    *,
    actor: Actor,
    item: Item,
    code: str,
    raw: str,
    locale: str = "en",
    expected_version: int | None = None,
) -> CharacteristicValue:
    """Record a reply to one characteristic of the item name's guide, parsed to its type.

    Identification data: only the assigning bureau writes it; the item's version moves on."""
    from katalog.names.values import parse_reply

    item = item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    require_not_cancelled(item)
    raw = checks.text_limit("reply", raw, checks.NAME_TEXT_MAX)
    guide = item.item_name.guide
    characteristic = guide.characteristics.filter(code=code).first() if guide else None
    if characteristic is None:
        raise ValidationFailed(
            _("Characteristic %(code)s is not in the guide of item name %(name)s")
            % {"code": code, "name": item.item_name.code},
            code=E.UNKNOWN_CHARACTERISTIC,
            errors=[FieldError(code, E.UNKNOWN_CHARACTERISTIC, _("not in the guide"))],
        )
    fields = parse_reply(characteristic, raw, locale=locale)
    previous = CharacteristicValue.objects.filter(item=item, characteristic=characteristic).first()
    value, _created = CharacteristicValue.objects.update_or_create(
        item=item,
        characteristic=characteristic,
        defaults={**fields, "item_name": item.item_name, "supply_class": item.supply_class},
    )
    item_save_state(item)
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.CHARACTERISTIC_SET,
        changes={"code": code, "before": previous.raw if previous else None, "after": raw},
    )
    return value

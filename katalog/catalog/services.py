"""All writes to the catalogue: items, numbers, references, manufacturers, registrations.

Every function runs in one transaction and takes the acting user (None for system loads), so
that per-bureau access rules and the audit log can hook in here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import bureau_code_holder, current_code_of
from katalog.catalog import authority, rules
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    ItemAction,
    ItemEvent,
    ItemStatus,
    ManagementData,
    Manufacturer,
    Reference,
    Registration,
    SerialCounter,
)
from katalog.core.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from katalog.core.text import ascii_code_key, code_key, search_terms, search_words
from katalog.names.models import ItemName
from katalog.refdata.models import SupplyClass

MAX_SERIAL = 9_999_999
REFERENCE_MAX_LENGTH = 32


# --- history and versions -------------------------------------------------------------------


def item_event_record(
    *,
    actor: Any,
    item: Item,
    action: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
    bureau: Bureau | None = None,
) -> ItemEvent:
    """Append one entry to the item's history. The bureau defaults to the actor's."""
    return ItemEvent.objects.create(
        item=item,
        actor=actor,
        bureau=bureau or getattr(actor, "bureau", None),
        action=action,
        reason=reason,
        data=data or {},
    )


def item_lock(item: Item, expected_version: int | None) -> Item:
    """Re-read the item under a row lock and check the version the caller read."""
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if expected_version is not None and locked.row_version != expected_version:
        raise PreconditionFailed(
            _("Item %(item)s has changed since it was read (version %(now)d, not %(read)d)")
            % {
                "item": locked.catalogue_number,
                "now": locked.row_version,
                "read": expected_version,
            },
            code="VERSION_STALE",
        )
    return locked


def item_save_state(item: Item, **changes: Any) -> Item:
    """Write changed columns of an item and bump its version."""
    for name, value in changes.items():
        setattr(item, name, value)
    item.row_version += 1
    item.save(update_fields=[*changes, "row_version", "updated_at"])
    return item


# --- numbers -------------------------------------------------------------------------------


def allocate_serial(bureau_code: str) -> int:
    """Take the next serial under a bureau code. Must run inside the caller's transaction."""
    return allocate_serial_block(bureau_code, 1)[0]


def allocate_serial_block(bureau_code: str, count: int) -> range:
    """Reserve `count` consecutive serials under a bureau code, inside the caller's transaction.

    The counter row is updated in place (`UPDATE … RETURNING`), so concurrent allocators queue
    on its row lock (PostgreSQL) or on the write lock (SQLite, IMMEDIATE transactions); a
    rolled-back transaction returns nothing that was ever issued, and serials never go back.
    """
    SerialCounter.objects.get_or_create(bureau_code=bureau_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_serialcounter SET last_serial = last_serial + %s "
            "WHERE bureau_code = %s RETURNING last_serial",
            [count, bureau_code],
        )
        last = int(cursor.fetchone()[0])
    if last > MAX_SERIAL:
        raise RuleViolation(
            _("Bureau code %(code)s has no serials left") % {"code": bureau_code},
            code="SERIALS_EXHAUSTED",
        )
    return range(last - count + 1, last + 1)


def raise_serial_floor(bureau_code: str, serial: int) -> None:
    """Make sure new serials under a code come after one that was loaded from outside."""
    SerialCounter.objects.get_or_create(bureau_code=bureau_code)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalog_serialcounter SET last_serial = %s "
            "WHERE bureau_code = %s AND last_serial < %s",
            [serial, bureau_code, serial],
        )


# --- checks ---------------------------------------------------------------------------------


def check_supply_class(code: str) -> None:
    if not rules.SUPPLY_CLASS_RE.match(code or ""):
        raise ValidationFailed(
            _("Supply class %(code)r must be 4 digits") % {"code": code},
            code="INVALID_SUPPLY_CLASS",
            errors=[FieldError("supply_class", "INVALID_SUPPLY_CLASS", _("must be 4 digits"))],
        )
    if not SupplyClass.objects.filter(code=code).exists():
        raise ValidationFailed(
            _("Unknown supply class %(code)s") % {"code": code},
            code="UNKNOWN_SUPPLY_CLASS",
            errors=[FieldError("supply_class", "UNKNOWN_SUPPLY_CLASS", _("unknown supply class"))],
        )


def item_name_get(code: str) -> ItemName:
    try:
        return ItemName.objects.get(code=code)
    except ItemName.DoesNotExist:
        raise ValidationFailed(
            _("Unknown item name code %(code)s") % {"code": code},
            code="UNKNOWN_ITEM_NAME",
            errors=[FieldError("item_name", "UNKNOWN_ITEM_NAME", _("unknown item name code"))],
        ) from None


def check_manufacturer_code(code: str, bureau: Bureau) -> None:
    """A manufacturer code has 5 characters and follows its country's bureau pattern."""
    if len(code) != 5 or not code.isascii() or not code.isalnum() or code != code.upper():
        raise ValidationFailed(
            _("Manufacturer code %(code)r must be 5 capital Latin letters or digits")
            % {"code": code},
            code="INVALID_MANUFACTURER_CODE",
            errors=[
                FieldError("code", "INVALID_MANUFACTURER_CODE", _("must be 5 letters or digits"))
            ],
        )
    patterns = bureau.manufacturer_code_patterns
    if patterns and not rules.manufacturer_code_matches(code, patterns):
        raise ValidationFailed(
            _(
                "Manufacturer code %(code)s does not follow the pattern %(patterns)s of bureau %(bureau)s"
            )
            % {"code": code, "patterns": " / ".join(patterns), "bureau": bureau.key},
            code="MANUFACTURER_CODE_PATTERN",
            errors=[FieldError("code", "MANUFACTURER_CODE_PATTERN", " / ".join(patterns))],
        )


def bureau_for_country(country: str | None) -> Bureau:
    bureau = Bureau.objects.filter(country_id=country).order_by("kind").first() if country else None
    if bureau is None:
        raise ValidationFailed(
            _("No cataloguing bureau for country %(country)s") % {"country": country or "—"},
            code="NO_BUREAU_FOR_COUNTRY",
            errors=[
                FieldError("country", "NO_BUREAU_FOR_COUNTRY", _("no bureau for this country"))
            ],
        )
    return bureau


# --- manufacturers --------------------------------------------------------------------------


def manufacturer_search_text(code: str, names: dict[str, str]) -> str:
    return " ".join(sorted({code.lower()} | search_terms(*names.values())))


@transaction.atomic
def manufacturer_create(
    *,
    actor: Any,
    code: str,
    names: dict[str, str],
    country: str,
    address: str = "",
    status: str = "A",
    parent: Manufacturer | None = None,
    replaced_by: Manufacturer | None = None,
) -> Manufacturer:
    """Register a manufacturer under its country's bureau, checking the code pattern."""
    code = code.strip().upper()
    bureau = bureau_for_country(country)
    check_manufacturer_code(code, bureau)
    if Manufacturer.objects.filter(code=code).exists():
        raise Conflict(
            _("Manufacturer code %(code)s already exists") % {"code": code},
            code="MANUFACTURER_EXISTS",
        )
    return Manufacturer.objects.create(
        code=code,
        names=names,
        country_id=country,
        address=address,
        status=status,
        parent=parent,
        replaced_by=replaced_by,
        bureau=bureau,
        search_text=manufacturer_search_text(code, names),
    )


# --- items ----------------------------------------------------------------------------------


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


@transaction.atomic
def item_create(
    *,
    actor: Any,
    bureau: Bureau,
    supply_class: str,
    item_name_code: str,
    name_text: str = "",
    identification_type: str = "2",
    partial_reason: str = "",
    status: str = ItemStatus.ACTIVE,
    today: dt.date | None = None,
) -> Item:
    """Create an item of supply under a new catalogue number of the bureau's current code."""
    if not authority.bypasses_authority(actor) and authority.actor_bureau(actor).pk != bureau.pk:
        raise PermissionDenied(
            _("Numbers of bureau %(bureau)s are issued only by its own members")
            % {"bureau": bureau.key},
            code="NOT_ASSIGNING_BUREAU",
        )
    check_supply_class(supply_class)
    item_name = item_name_get(item_name_code)
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
                bureau=bureau,
                search_text=item_search_text(name_text, item_name),
            )
    except IntegrityError:
        # Only possible if a number was loaded from outside without raising the counter.
        raise Conflict(
            _("Catalogue number %(code)s-%(serial)07d is already taken")
            % {"code": bureau_code, "serial": serial},
            code="NUMBER_TAKEN",
        ) from None
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.CREATED,
        bureau=bureau,
        data={"catalogue_number": item.catalogue_number, "item_name": item_name.code},
    )
    return item


def item_bureau_for_number(number: rules.CatalogueNumber) -> Bureau:
    return bureau_code_holder(number.bureau_code)


# --- references -----------------------------------------------------------------------------


def check_reference_number(number: str) -> str:
    number = number.strip()
    if not number:
        raise ValidationFailed(_("Reference number is empty"), code="REFERENCE_EMPTY")
    if len(number) > REFERENCE_MAX_LENGTH:
        raise ValidationFailed(
            _("Reference number %(number)r is longer than %(max)d characters")
            % {"number": number, "max": REFERENCE_MAX_LENGTH},
            code="REFERENCE_TOO_LONG",
        )
    if not code_key(number):
        raise ValidationFailed(
            _("Reference number %(number)r has no letters or digits") % {"number": number},
            code="REFERENCE_EMPTY",
        )
    return number


def find_reference_conflict(
    item_id: int | None, manufacturer_id: int, key: str
) -> Reference | None:
    """Another item holding the same manufacturer + normalised key, if any."""
    rows = Reference.objects.filter(manufacturer_id=manufacturer_id, key=key).select_related("item")
    if item_id is not None:
        rows = rows.exclude(item_id=item_id)
    return rows.first()


@transaction.atomic
def reference_add(
    *,
    actor: Any,
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
) -> Reference:
    """Add a reference. The same manufacturer + normalised key on another item is refused as a
    conflict unless a justification code says why it is kept (and it is then recorded).

    The assigning bureau and registered nations may add references; a reference is held for
    `bureau` (by default the actor's, or the assigning bureau's for system loads)."""
    authority.require_user_authority(actor, item)
    bureau = bureau or getattr(actor, "bureau", None) or item.bureau
    authority.require_own_data(actor, item, bureau)
    number = check_reference_number(number)
    key = code_key(number)
    other = find_reference_conflict(item.pk, manufacturer.pk, key)
    if other is not None and not justification:
        raise Conflict(
            _("Reference %(number)s of %(mfr)s is already on %(other)s")
            % {"number": number, "mfr": manufacturer.code, "other": other.item.catalogue_number},
            code="REFERENCE_CONFLICT",
            data={"conflicting_item": other.item.catalogue_number},
        )
    if Reference.objects.filter(item=item, manufacturer=manufacturer, number=number).exists():
        raise Conflict(
            _("Reference %(number)s of %(mfr)s is already on this item")
            % {"number": number, "mfr": manufacturer.code},
            code="REFERENCE_EXISTS",
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
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.REFERENCE_ADDED,
        bureau=bureau,
        reason=justification,
        data={
            "number": number,
            "manufacturer": manufacturer.code,
            "category": category,
            "variation": variation,
        },
    )
    return reference


# --- registrations and management data ------------------------------------------------------


@transaction.atomic
def registration_add(
    *, actor: Any, item: Item, bureau: Bureau, effective_from: dt.date | None = None
) -> Registration:
    """Register a nation (its bureau) as user of an item; an inactive item becomes active.

    A nation registers itself; the assigning bureau may register others. A cancelled item
    takes no new users (they register on its replacement)."""
    authority.require_registration_authority(actor, item, bureau)
    if item.status in CANCELLED_STATUSES:
        raise RuleViolation(
            _("%(item)s is cancelled; register on its replacement")
            % {"item": item.catalogue_number},
            code="ITEM_CANCELLED",
            data={
                "replaced_by": item.replaced_by.catalogue_number if item.replaced_by_id else None
            },
        )
    effective_from = effective_from or timezone.localdate()
    active = Registration.objects.filter(item=item, bureau=bureau, effective_to__isnull=True)
    if active.exists():
        raise Conflict(
            _("%(bureau)s is already registered as user of %(item)s")
            % {"bureau": bureau.user_code, "item": item.catalogue_number},
            code="ALREADY_REGISTERED",
        )
    registration = registration_open(item, bureau, effective_from)
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.REGISTRATION_ADDED,
        bureau=bureau,
        data={"user_code": bureau.user_code, "effective_from": effective_from.isoformat()},
    )
    if item.status == ItemStatus.INACTIVE:
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.ACTIVE, row_version=F("row_version") + 1
        )
        item.refresh_from_db()
        item_event_record(actor=actor, item=item, action=ItemAction.ACTIVATED, bureau=bureau)
    return registration


def registration_open(item: Item, bureau: Bureau, effective_from: dt.date) -> Registration:
    """A new open registration; one withdrawn the same day it would start is reopened instead."""
    registration, created = Registration.objects.get_or_create(
        item=item, bureau=bureau, effective_from=effective_from
    )
    if not created:
        registration.effective_to = None
        registration.save(update_fields=["effective_to"])
    return registration


@transaction.atomic
def registration_withdraw(
    *, actor: Any, item: Item, bureau: Bureau, effective_to: dt.date | None = None
) -> Registration:
    """End a nation's user registration. When no user is left, the item becomes inactive
    (status 6); a later registration makes it active again."""
    authority.require_registration_authority(actor, item, bureau)
    registration = (
        Registration.objects.select_for_update()
        .filter(item=item, bureau=bureau, effective_to__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound(
            _("%(bureau)s is not registered as user of %(item)s")
            % {"bureau": bureau.user_code, "item": item.catalogue_number},
            code="NOT_REGISTERED",
        )
    registration.effective_to = effective_to or timezone.localdate()
    registration.save(update_fields=["effective_to"])
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.REGISTRATION_WITHDRAWN,
        bureau=bureau,
        data={"user_code": bureau.user_code, "effective_to": registration.effective_to.isoformat()},
    )
    item_inactivate_if_unused(actor=actor, item=item)
    return registration


def item_inactivate_if_unused(*, actor: Any, item: Item) -> None:
    """An active item with no open user registration becomes inactive (status 6)."""
    active = item.status in (ItemStatus.ACTIVE, ItemStatus.ACTIVE_NOT_PROCURABLE)
    if active and not Registration.objects.filter(item=item, effective_to__isnull=True).exists():
        Item.objects.filter(pk=item.pk).update(
            status=ItemStatus.INACTIVE, row_version=F("row_version") + 1
        )
        item.refresh_from_db()
        item_event_record(actor=actor, item=item, action=ItemAction.INACTIVATED)


@transaction.atomic
def management_set(
    *,
    actor: Any,
    item: Item,
    bureau: Bureau,
    unit_of_issue: str = "",
    price: Decimal | None = None,
    currency: str | None = None,
    notes: str = "",
) -> ManagementData:
    """Set one nation's management data for an item (replacing what it had).

    Written by that nation, which must be the assigning bureau or a registered user."""
    authority.require_management_authority(actor, item, bureau)
    row, _created = ManagementData.objects.update_or_create(
        item=item,
        bureau=bureau,
        defaults={
            "unit_of_issue": unit_of_issue,
            "price": price,
            "currency_id": currency,
            "notes": notes,
        },
    )
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.MANAGEMENT_SET,
        bureau=bureau,
        data={
            "unit_of_issue": unit_of_issue,
            "price": str(price) if price is not None else None,
            "currency": currency,
        },
    )
    return row


# --- characteristics ------------------------------------------------------------------------


@transaction.atomic
def characteristic_set(
    *, actor: Any, item: Item, code: str, raw: str, locale: str = "en"
) -> CharacteristicValue:
    """Record a reply to one characteristic of the item name's guide, parsed to its type.

    Identification data: only the assigning bureau writes it."""
    from katalog.names.values import parse_reply

    authority.require_identification_authority(actor, item)
    guide = item.item_name.guide
    characteristic = guide.characteristics.filter(code=code).first() if guide else None
    if characteristic is None:
        raise ValidationFailed(
            _("Characteristic %(code)s is not in the guide of item name %(name)s")
            % {"code": code, "name": item.item_name.code},
            code="UNKNOWN_CHARACTERISTIC",
            errors=[FieldError(code, "UNKNOWN_CHARACTERISTIC", _("not in the guide"))],
        )
    fields = parse_reply(characteristic, raw, locale=locale)
    value, _created = CharacteristicValue.objects.update_or_create(
        item=item, characteristic=characteristic, defaults=fields
    )
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.CHARACTERISTIC_SET,
        data={"code": code, "raw": raw},
    )
    return value


# --- life cycle: cancellation, replacement, reinstatement -----------------------------------

CANCELLATION_REASON_TABLE = "CANCELLATION_REASON"
DUPLICATE_REASON = "G"
CANCEL_USE_REASON = "C"
# What references become when they move from a cancelled number to the one that replaces it:
# RNCC E "replaced reference" with RNVC 8 "non-identifying, added by a cancel action", so they
# still lead searches to the kept item but never count as its identification.
MOVED_REFERENCE_CATEGORY = "E"
MOVED_REFERENCE_VARIATION = "8"


def check_cancellation_reason(reason: str) -> str:
    from katalog.refdata.models import CodeValue

    reason = (reason or "").strip().upper()
    if not CodeValue.objects.filter(table_id=CANCELLATION_REASON_TABLE, code=reason).exists():
        raise ValidationFailed(
            _("Unknown reason for cancellation %(reason)r") % {"reason": reason},
            code="UNKNOWN_CANCELLATION_REASON",
            errors=[
                FieldError(
                    "reason", "UNKNOWN_CANCELLATION_REASON", _("not a cancellation reason code")
                )
            ],
        )
    return reason


def check_cancellable(item: Item) -> None:
    if item.status in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is already cancelled") % {"item": item.catalogue_number},
            code="ALREADY_CANCELLED",
        )


def check_replacement(item: Item, replacement: Item) -> None:
    if replacement.pk == item.pk:
        raise RuleViolation(_("An item cannot replace itself"), code="REPLACEMENT_IS_SAME_ITEM")
    if replacement.status in CANCELLED_STATUSES:
        raise RuleViolation(
            _("Replacement %(item)s is itself cancelled") % {"item": replacement.catalogue_number},
            code="REPLACEMENT_CANCELLED",
        )


def _cancel(
    *,
    actor: Any,
    item: Item,
    status: str,
    reason: str,
    replacement: Item | None,
    expected_version: int | None,
) -> Item:
    authority.require_identification_authority(actor, item)
    item = item_lock(item, expected_version)
    check_cancellable(item)
    if replacement is not None:
        check_replacement(item, replacement)
    item_save_state(
        item,
        status=status,
        cancellation_reason=reason,
        replaced_by=replacement,
        cancelled_at=timezone.now(),
    )
    item_event_record(
        actor=actor,
        item=item,
        action=ItemAction.CANCELLED,
        reason=reason,
        data={
            "status": status,
            "replaced_by": replacement.catalogue_number if replacement else None,
        },
    )
    return item


@transaction.atomic
def item_cancel(
    *,
    actor: Any,
    item: Item,
    reason: str,
    replacement: Item | None = None,
    expected_version: int | None = None,
) -> Item:
    """Cancel an item for a reason (CANCELLATION_REASON A–F): status 3 with a replacement,
    4 without. Duplicates go through `item_cancel_duplicate` (reason G)."""
    reason = check_cancellation_reason(reason)
    if reason == DUPLICATE_REASON:
        raise RuleViolation(
            _("Cancel a duplicate by naming the item that is kept"), code="USE_CANCEL_DUPLICATE"
        )
    status = ItemStatus.CANCELLED_REPLACED if replacement is not None else ItemStatus.CANCELLED
    return _cancel(
        actor=actor,
        item=item,
        status=status,
        reason=reason,
        replacement=replacement,
        expected_version=expected_version,
    )


@transaction.atomic
def item_cancel_duplicate(
    *, actor: Any, item: Item, kept: Item, expected_version: int | None = None
) -> Item:
    """Cancel an item as a duplicate of `kept` (status 7, reason G). The kept item receives the
    cancelled item's references (as replaced references, RNCC E / RNVC 8) and its users.

    Authority is checked on the cancelled item only: moving its data to the kept item is part
    of the same decision, whoever assigned the kept number."""
    item = _cancel(
        actor=actor,
        item=item,
        status=ItemStatus.CANCELLED_DUPLICATE,
        reason=DUPLICATE_REASON,
        replacement=kept,
        expected_version=expected_version,
    )
    item_transfer_to_replacement(actor=actor, item=item, replacement=kept)
    return item


@transaction.atomic
def item_cancel_use(
    *,
    actor: Any,
    item: Item,
    replacement: Item,
    expected_version: int | None = None,
    reason: str = CANCEL_USE_REASON,
) -> Item:
    """Cancel-use (status 5): users are told to use `replacement`, which receives the
    references (RNCC E / RNVC 8) and the user registrations."""
    reason = check_cancellation_reason(reason)
    item = _cancel(
        actor=actor,
        item=item,
        status=ItemStatus.CANCELLED_USE,
        reason=reason,
        replacement=replacement,
        expected_version=expected_version,
    )
    item_transfer_to_replacement(actor=actor, item=item, replacement=replacement)
    return item


def item_transfer_to_replacement(*, actor: Any, item: Item, replacement: Item) -> None:
    """Move references and open user registrations of a cancelled item to its replacement.

    A reference the replacement already holds (same manufacturer and number) stays on the
    cancelled item; a nation already registered on the replacement keeps that registration."""
    held = set(Reference.objects.filter(item=replacement).values_list("manufacturer_id", "number"))
    moving = [
        r for r in Reference.objects.filter(item=item) if (r.manufacturer_id, r.number) not in held
    ]
    Reference.objects.filter(pk__in=[r.pk for r in moving]).update(
        item=replacement, category=MOVED_REFERENCE_CATEGORY, variation=MOVED_REFERENCE_VARIATION
    )
    today = timezone.localdate()
    users = list(
        Registration.objects.filter(item=item, effective_to__isnull=True).select_related("bureau")
    )
    Registration.objects.filter(pk__in=[r.pk for r in users]).update(effective_to=today)
    already = set(
        Registration.objects.filter(item=replacement, effective_to__isnull=True).values_list(
            "bureau_id", flat=True
        )
    )
    new_users = [r.bureau for r in users if r.bureau_id not in already]
    for bureau in new_users:  # a handful per item
        registration_open(replacement, bureau, today)
    item_event_record(
        actor=actor,
        item=replacement,
        action=ItemAction.REPLACEMENT_RECEIVED,
        data={
            "from": item.catalogue_number,
            "references": [
                {"number": r.number, "manufacturer_id": r.manufacturer_id} for r in moving
            ],
            "users": [b.user_code for b in new_users],
        },
    )
    if new_users and replacement.status == ItemStatus.INACTIVE:
        item_save_state(replacement, status=ItemStatus.ACTIVE)
        item_event_record(actor=actor, item=replacement, action=ItemAction.ACTIVATED)


@transaction.atomic
def item_reinstate(
    *, actor: Any, item: Item, reason: str, expected_version: int | None = None
) -> Item:
    """Bring a cancelled item back: only its assigning bureau may, and the reason is recorded.

    The item becomes active if a nation is still registered, otherwise inactive; references
    and users already moved to a replacement stay there."""
    authority.require_identification_authority(actor, item)
    item = item_lock(item, expected_version)
    if item.status not in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is not cancelled") % {"item": item.catalogue_number}, code="NOT_CANCELLED"
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why the item is reinstated"),
            code="REASON_REQUIRED",
            errors=[FieldError("reason", "REASON_REQUIRED", _("required"))],
        )
    used = Registration.objects.filter(item=item, effective_to__isnull=True).exists()
    previous = {
        "status": item.status,
        "cancellation_reason": item.cancellation_reason,
        "replaced_by": item.replaced_by.catalogue_number if item.replaced_by_id else None,
    }
    item_save_state(
        item,
        status=ItemStatus.ACTIVE if used else ItemStatus.INACTIVE,
        cancellation_reason="",
        replaced_by=None,
        cancelled_at=None,
    )
    item_event_record(
        actor=actor, item=item, action=ItemAction.REINSTATED, reason=reason.strip(), data=previous
    )
    return item

"""All writes to the catalogue: items, numbers, references, manufacturers, registrations.

Every function runs in one transaction and takes the acting user (None for system loads), so
that per-bureau access rules and the audit log can hook in here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.accounts.selectors import bureau_code_holder, current_code_of
from katalog.catalog import rules
from katalog.catalog.models import (
    CharacteristicValue,
    Item,
    ItemStatus,
    ManagementData,
    Manufacturer,
    Reference,
    Registration,
    SerialCounter,
)
from katalog.core.errors import Conflict, FieldError, RuleViolation, ValidationFailed
from katalog.core.text import ascii_code_key, code_key, search_terms, search_words
from katalog.names.models import ItemName
from katalog.refdata.models import SupplyClass

MAX_SERIAL = 9_999_999
REFERENCE_MAX_LENGTH = 32


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
            _("Manufacturer code %(code)r must be 5 capital Latin letters or digits") % {"code": code},
            code="INVALID_MANUFACTURER_CODE",
            errors=[FieldError("code", "INVALID_MANUFACTURER_CODE", _("must be 5 letters or digits"))],
        )
    patterns = bureau.manufacturer_code_patterns
    if patterns and not rules.manufacturer_code_matches(code, patterns):
        raise ValidationFailed(
            _("Manufacturer code %(code)s does not follow the pattern %(patterns)s of bureau %(bureau)s")
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
            errors=[FieldError("country", "NO_BUREAU_FOR_COUNTRY", _("no bureau for this country"))],
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
    return search_words(name_text) + " " + item_name.search_text


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
    check_supply_class(supply_class)
    item_name = item_name_get(item_name_code)
    bureau_code = current_code_of(bureau, today)
    serial = allocate_serial(bureau_code)
    try:
        with transaction.atomic():
            return Item.objects.create(
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


def find_reference_conflict(item_id: int | None, manufacturer_id: int, key: str) -> Reference | None:
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
    conflict unless a justification code says why it is kept (and it is then recorded)."""
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
    return Reference.objects.create(
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
        bureau=bureau or item.bureau,
    )


# --- registrations and management data ------------------------------------------------------


@transaction.atomic
def registration_add(
    *, actor: Any, item: Item, bureau: Bureau, effective_from: dt.date | None = None
) -> Registration:
    """Register a nation (its bureau) as user of an item; an inactive item becomes active."""
    effective_from = effective_from or timezone.localdate()
    active = Registration.objects.filter(item=item, bureau=bureau, effective_to__isnull=True)
    if active.exists():
        raise Conflict(
            _("%(bureau)s is already registered as user of %(item)s")
            % {"bureau": bureau.user_code, "item": item.catalogue_number},
            code="ALREADY_REGISTERED",
        )
    registration = Registration.objects.create(item=item, bureau=bureau, effective_from=effective_from)
    if item.status == ItemStatus.INACTIVE:
        Item.objects.filter(pk=item.pk).update(status=ItemStatus.ACTIVE, row_version=item.row_version + 1)
        item.refresh_from_db()
    return registration


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
    """Set one nation's management data for an item (replacing what it had)."""
    row, _created = ManagementData.objects.update_or_create(
        item=item,
        bureau=bureau,
        defaults={"unit_of_issue": unit_of_issue, "price": price, "currency_id": currency, "notes": notes},
    )
    return row


# --- characteristics ------------------------------------------------------------------------


@transaction.atomic
def characteristic_set(*, actor: Any, item: Item, code: str, raw: str, locale: str = "en") -> CharacteristicValue:
    """Record a reply to one characteristic of the item name's guide, parsed to its type."""
    from katalog.names.values import parse_reply

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
    return value

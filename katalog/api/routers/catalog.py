"""Catalogue endpoints: items of supply with references, characteristics, registrations,
management data, life cycle and history.

Reads are public. Writes need `auth=api_auth`; changes of an item's identification send the
item's ETag in `If-Match` (missing: 428 IF_MATCH_REQUIRED, stale: 412 VERSION_STALE).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from katalog.accounts.models import Bureau
from katalog.api.auth import api_auth
from katalog.api.concurrency import expected_version, with_etag
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, page
from katalog.api.renderers import rendered
from katalog.api.schemas import (
    PAGINATED,
    SENDS_ETAG,
    VERSIONED_WRITE_PROBLEMS,
    WRITE_PROBLEMS,
    language,
    responses,
)
from katalog.catalog import item_edits, selectors, services
from katalog.catalog.authority import (
    actor_bureau,
    require_management_authority,
    require_registration_authority,
    require_user_authority,
)
from katalog.catalog.models import Item, ItemEvent, ManagementData, Reference, Registration
from katalog.core.errors import FieldError, NotFound, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.text import ascii_code_key, code_key

router = Router(tags=["catalogue"])

IfMatch = Header(None, alias="If-Match", description='The ETag read from the item, e.g. W/"3".')


# --- schemas --------------------------------------------------------------------------------


class CodeMeaningOut(Schema):
    code: str
    meaning: str


class SupplyClassOut(Schema):
    code: str
    title: str


class ItemNameOut(Schema):
    code: str
    name: str
    as_received: str


class BureauRefOut(Schema):
    key: str
    user_code: str
    bureau_code: str


class ManufacturerRefOut(Schema):
    code: str
    name: str
    country: str | None


class ReferenceOut(Schema):
    number: str
    manufacturer: ManufacturerRefOut
    category: str
    variation: str
    document_availability: str


class CharacteristicOut(Schema):
    code: str
    name: str
    reply: str
    raw: str
    unit: str | None
    value: float | None
    value_max: float | None
    canonical_unit: str | None
    qualifier: str | None


class RegistrationOut(Schema):
    user_code: str
    bureau: str
    effective_from: str
    effective_to: str | None


class ManagementOut(Schema):
    user_code: str
    unit_of_issue: str | None
    price: str | None
    currency: str | None
    notes: str | None


class ItemOut(Schema):
    catalogue_number: str
    niin: str
    version: int = Field(description='The item\'s version; also its ETag, W/"<version>".')
    supply_class: SupplyClassOut
    item_name: ItemNameOut
    identification_type: str
    status: CodeMeaningOut
    cancelled: bool
    cancellation_reason: str | None
    replaced_by: str | None
    use_instead: str | None = Field(
        None,
        description="For a cancelled item, the end of its replacement chain: the number to use now.",
    )
    bureau: BureauRefOut
    references: list[ReferenceOut]
    characteristics: list[CharacteristicOut]
    registrations: list[RegistrationOut]
    management: list[ManagementOut]


class ItemSummaryOut(Schema):
    catalogue_number: str
    niin: str
    version: int
    supply_class: str
    item_name: CodeMeaningOut
    status: str
    bureau: str


class ItemPage(Schema):
    items: list[ItemSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class NewReferenceIn(Schema):
    number: str = Field(min_length=1, max_length=32)
    manufacturer: str = Field(min_length=1, max_length=5, description="Manufacturer code")
    category: str = Field("3", min_length=1, max_length=1, description="RNCC")
    variation: str = Field("2", min_length=1, max_length=1, description="RNVC")
    document_availability: str = Field("9", min_length=1, max_length=1, description="DAC")
    justification: str = Field(
        "", max_length=1, description="RNJC: why a reference also on another item is kept"
    )


class ItemCreateIn(Schema):
    supply_class: str = Field(min_length=4, max_length=4)
    item_name: str = Field(min_length=5, max_length=5, description="Item name code")
    name_text: str = Field("", max_length=200)
    identification_type: str = Field("2", min_length=1, max_length=2)
    partial_reason: str = Field("", max_length=1)
    references: list[NewReferenceIn] = Field(default_factory=list, max_length=200)
    characteristics: dict[str, str] = Field(
        default_factory=dict,
        description='Characteristic code → reply as typed, e.g. {"THDD": "12 mm"}',
    )
    locale: str = Field("en", max_length=10, description="How numbers in replies are written")


class ItemUpdateIn(Schema):
    supply_class: str | None = Field(None, min_length=4, max_length=4)
    item_name: str | None = Field(None, min_length=5, max_length=5)
    name_text: str | None = Field(None, max_length=200)
    identification_type: str | None = Field(None, min_length=1, max_length=2)
    partial_reason: str | None = Field(None, max_length=1)


class CancelIn(Schema):
    reason: str = Field(
        min_length=1, max_length=1, description="Reason for cancellation (DRN 6998)"
    )
    replacement: str | None = Field(
        None, max_length=20, description="Catalogue number of the replacement"
    )


class CancelDuplicateIn(Schema):
    kept: str = Field(min_length=1, max_length=20, description="Catalogue number of the item kept")


class CancelUseIn(Schema):
    replacement: str = Field(
        min_length=1, max_length=20, description="Catalogue number to use instead"
    )


class ReinstateIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    action_label: str
    actor: str | None
    bureau: str | None
    reason: str
    data: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


class ItemReferenceOut(ReferenceOut):
    id: int
    bureau: str
    justification: str


class ReferenceHitOut(Schema):
    id: int
    number: str
    manufacturer: ManufacturerRefOut
    catalogue_number: str
    item_status: str
    replaced_by: str | None


class CharacteristicIn(Schema):
    reply: str = Field(
        min_length=1, max_length=200, description='The reply as typed, e.g. "12,5 mm"'
    )
    locale: str = Field("en", max_length=10)


class RegistrationIn(Schema):
    bureau: str | None = Field(
        None, max_length=8, description="Bureau key; the caller's own by default"
    )
    effective_from: dt.date | None = None


class WithdrawIn(Schema):
    effective_to: dt.date | None = None


class ManagementIn(Schema):
    unit_of_issue: str = Field("", max_length=3)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    notes: str = Field("", max_length=2000)


# --- helpers --------------------------------------------------------------------------------


def item_response(
    request: HttpRequest, response: HttpResponse, item: Item, lang: str | None
) -> dict[str, Any]:
    """The item as stored now, with its version as the ETag."""
    detail, version = selectors.item_detail_by_number(item.niin, language(request, lang))
    with_etag(response, version)
    return {**detail, "version": version}


def other_item(number: str, field: str) -> Item:
    try:
        return selectors.item_get(number)
    except NotFound as missing:
        raise ValidationFailed(
            missing.message,
            code="UNKNOWN_ITEM",
            errors=[FieldError(field, "UNKNOWN_ITEM", missing.message)],
        ) from None


def bureau_by_key(key: str) -> Bureau:
    bureau = Bureau.objects.filter(Q(key=key.upper()) | Q(user_code=key.upper())).first()
    if bureau is None:
        raise NotFound(_("Unknown bureau %(key)s") % {"key": key}, code="BUREAU_NOT_FOUND")
    return bureau


def summary(item: Item, lang: str) -> dict[str, Any]:
    return {
        "catalogue_number": item.catalogue_number,
        "niin": item.niin,
        "version": item.row_version,
        "supply_class": item.supply_class,
        "item_name": {
            "code": item.item_name.code,
            "meaning": pick_text(item.item_name.names, lang),
        },
        "status": item.status,
        "bureau": item.bureau.key,
    }


def reference_out(ref: Reference, lang: str) -> dict[str, Any]:
    return {
        "id": ref.pk,
        "number": ref.number,
        "manufacturer": {
            "code": ref.manufacturer.code,
            "name": pick_text(ref.manufacturer.names, lang),
            "country": ref.manufacturer.country_id,
        },
        "category": ref.category,
        "variation": ref.variation,
        "document_availability": ref.document_availability,
        "bureau": ref.bureau.key,
        "justification": ref.justification,
    }


def registration_out(reg: Registration) -> dict[str, Any]:
    return {
        "user_code": reg.bureau.user_code,
        "bureau": reg.bureau.key,
        "effective_from": reg.effective_from.isoformat(),
        "effective_to": reg.effective_to.isoformat() if reg.effective_to else None,
    }


def management_out(row: ManagementData) -> dict[str, Any]:
    return {
        "user_code": row.bureau.user_code,
        "unit_of_issue": row.unit_of_issue or None,
        "price": str(row.price) if row.price is not None else None,
        "currency": row.currency_id,
        "notes": row.notes or None,
    }


# --- items ----------------------------------------------------------------------------------


@router.get(
    "/items",
    response=responses({200: ItemPage}, (422,)),
    operation_id="item_list",
    openapi_extra=PAGINATED,
    summary="Items in catalogue-number order, filtered by class, status or bureau",
)
def item_list(
    request: HttpRequest,
    response: HttpResponse,
    supply_class: str | None = Query(None, alias="class", min_length=4, max_length=4),
    status: str | None = Query(None, min_length=1, max_length=1),
    bureau: str | None = Query(None, max_length=8, description="Assigning bureau key"),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    rows = Item.objects.select_related("item_name", "bureau").order_by("niin")
    if supply_class:
        rows = rows.filter(supply_class=supply_class)
    if status:
        rows = rows.filter(status=status)
    if bureau:
        rows = rows.filter(bureau__key=bureau.upper())
    key = decode_cursor(after, 1)
    if key:
        rows = rows.filter(niin__gt=str(key[0]))
    items, cursor = page(request, response, list(rows[: limit + 1]), limit, lambda i: [i.niin])
    lang_code = language(request, lang)
    return {"items": [summary(i, lang_code) for i in items], "next": cursor}


@router.post(
    "/items",
    auth=api_auth,
    response=responses({201: ItemOut}, WRITE_PROBLEMS),
    operation_id="item_create",
    openapi_extra=SENDS_ETAG,
    summary="Create an item under a new number of the caller's bureau, with references and replies",
)
def item_create(
    request: HttpRequest, response: HttpResponse, payload: ItemCreateIn, lang: str | None = None
) -> Any:
    item = item_edits.item_create_complete(
        actor=request.auth,
        bureau=actor_bureau(request.auth),
        supply_class=payload.supply_class,
        item_name_code=payload.item_name,
        name_text=payload.name_text,
        identification_type=payload.identification_type,
        partial_reason=payload.partial_reason,
        references=[
            item_edits.NewReference(
                number=r.number,
                manufacturer_code=r.manufacturer,
                category=r.category,
                variation=r.variation,
                document_availability=r.document_availability,
                justification=r.justification,
            )
            for r in payload.references
        ],
        characteristics=payload.characteristics,
        locale=payload.locale,
    )
    body = item_response(request, response, item, lang)
    response["Location"] = f"{request.path.rstrip('/')}/{item.catalogue_number}"
    return Status(201, body)


@router.get(
    "/items/{number}",
    response=responses({200: ItemOut}),
    operation_id="item_get",
    openapi_extra=SENDS_ETAG,
    summary="One item of supply by catalogue number (any accepted form)",
)
def item_get(
    request: HttpRequest, response: HttpResponse, number: str, lang: str | None = None
) -> Any:
    """Accepts `5310-01-234-5678`, `5310012345678`, `01-234-5678` or `012345678`.

    A cancelled item names its replacement in `replaced_by`. The `ETag` header carries the
    item's version for `If-Match` on later changes.
    """
    detail, version = selectors.item_detail_by_number(number, language(request, lang))
    with_etag(response, version)
    # The busiest call of the API: the body is rendered without a second validation against
    # `ItemOut` (a quarter of the request's time); `item_detail` builds exactly that shape,
    # which the API tests check against the schema.
    return rendered(request, response, {**detail, "version": version})


@router.patch(
    "/items/{number}",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_update",
    openapi_extra=SENDS_ETAG,
    summary="Change the identification data of an item (assigning bureau only)",
)
def item_update(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    payload: ItemUpdateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    item = selectors.item_get(number)
    item = item_edits.item_identification_update(
        actor=request.auth,
        item=item,
        expected_version=version,
        changes=payload.dict(exclude_unset=True),
    )
    return item_response(request, response, item, lang)


def _life_cycle(
    request: HttpRequest, response: HttpResponse, number: str, lang: str | None, action: Any
) -> Any:
    version = expected_version(request)
    item = selectors.item_get(number)
    item = action(item, version)
    return item_response(request, response, item, lang)


@router.post(
    "/items/{number}/cancel",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item, with or without a replacement",
)
def item_cancel(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    payload: CancelIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Item:
        replacement = (
            other_item(payload.replacement, "replacement") if payload.replacement else None
        )
        return services.item_cancel(
            actor=request.auth,
            item=item,
            reason=payload.reason,
            replacement=replacement,
            expected_version=version,
        )

    return _life_cycle(request, response, number, lang, act)


@router.post(
    "/items/{number}/cancel-duplicate",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel_duplicate",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item as a duplicate of the item kept",
)
def item_cancel_duplicate(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    payload: CancelDuplicateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Item:
        kept = other_item(payload.kept, "kept")
        return services.item_cancel_duplicate(
            actor=request.auth, item=item, kept=kept, expected_version=version
        )

    return _life_cycle(request, response, number, lang, act)


@router.post(
    "/items/{number}/cancel-use",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel_use",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item in favour of another to use instead",
)
def item_cancel_use(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    payload: CancelUseIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Item:
        replacement = other_item(payload.replacement, "replacement")
        return services.item_cancel_use(
            actor=request.auth, item=item, replacement=replacement, expected_version=version
        )

    return _life_cycle(request, response, number, lang, act)


@router.post(
    "/items/{number}/reinstate",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_reinstate",
    openapi_extra=SENDS_ETAG,
    summary="Reinstate a cancelled item",
)
def item_reinstate(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    payload: ReinstateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Item:
        return services.item_reinstate(
            actor=request.auth, item=item, reason=payload.reason, expected_version=version
        )

    return _life_cycle(request, response, number, lang, act)


@router.get(
    "/items/{number}/history",
    response=responses({200: EventPage}),
    operation_id="item_history",
    openapi_extra=PAGINATED,
    summary="What happened to an item, oldest first",
)
def item_history(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Any:
    item = selectors.item_get(number)
    rows = ItemEvent.objects.filter(item=item).select_related("actor", "bureau").order_by("id")
    key = decode_cursor(after, 1, kinds=(int,))
    if key:
        rows = rows.filter(id__gt=key[0])
    events, cursor = page(request, response, list(rows[: limit + 1]), limit, lambda e: [e.pk])
    return {
        "items": [
            {
                "id": e.pk,
                "at": e.at,
                "action": e.action,
                "action_label": str(e.get_action_display()),
                "actor": e.actor.username if e.actor else None,
                "bureau": e.bureau.key if e.bureau else None,
                "reason": e.reason,
                "data": e.data,
            }
            for e in events
        ],
        "next": cursor,
    }


# --- references -----------------------------------------------------------------------------


@router.get(
    "/items/{number}/references",
    response=responses({200: list[ItemReferenceOut]}),
    operation_id="item_reference_list",
    summary="References of an item, with their ids",
)
def item_reference_list(request: HttpRequest, number: str, lang: str | None = None) -> Any:
    item = selectors.item_get(number)
    rows = (
        Reference.objects.filter(item=item).select_related("manufacturer", "bureau").order_by("id")
    )
    lang_code = language(request, lang)
    return [reference_out(r, lang_code) for r in rows]


@router.post(
    "/items/{number}/references",
    auth=api_auth,
    response=responses({201: ItemReferenceOut}, WRITE_PROBLEMS),
    operation_id="item_reference_add",
    summary="Add a reference (part number) to an item",
)
def item_reference_add(
    request: HttpRequest, number: str, payload: NewReferenceIn, lang: str | None = None
) -> Any:
    item = selectors.item_get(number)
    require_user_authority(request.auth, item)
    reference = services.reference_add(
        actor=request.auth,
        item=item,
        manufacturer=item_edits.manufacturer_by_code(payload.manufacturer),
        number=payload.number,
        bureau=request.auth.bureau,
        category=payload.category,
        variation=payload.variation,
        document_availability=payload.document_availability,
        justification=payload.justification,
    )
    reference = Reference.objects.select_related("manufacturer", "bureau").get(pk=reference.pk)
    return Status(201, reference_out(reference, language(request, lang)))


@router.delete(
    "/items/{number}/references/{reference_id}",
    auth=api_auth,
    response=responses({204: None}, WRITE_PROBLEMS),
    operation_id="item_reference_remove",
    summary="Remove a reference from an item",
)
def item_reference_remove(request: HttpRequest, number: str, reference_id: int) -> Any:
    item = selectors.item_get(number)
    item_edits.reference_remove(actor=request.auth, item=item, reference_id=reference_id)
    return Status(204, None)


@router.get(
    "/references",
    response=responses({200: list[ReferenceHitOut]}, (422,)),
    operation_id="reference_lookup",
    summary="References whose normalised key equals the number's (then transliterated)",
)
def reference_lookup(
    request: HttpRequest,
    number: str = Query(..., min_length=1, max_length=64),
    manufacturer: str | None = Query(None, max_length=5),
    lang: str | None = None,
) -> Any:
    """`АБВГ.123456-001`, `abvg 123456 001` and `ABVG123456001` find the same references.
    A cancelled item's reference names the replacement in `replaced_by`."""
    key = code_key(number)
    if not key:
        return []
    rows = Reference.objects.select_related("manufacturer", "item__replaced_by").order_by("id")
    if manufacturer:
        rows = rows.filter(manufacturer__code=manufacturer.upper())
    hits = list(rows.filter(key=key)[: selectors.MAX_LOOKUP_RESULTS])
    if not hits:
        hits = list(rows.filter(ascii_key=ascii_code_key(number))[: selectors.MAX_LOOKUP_RESULTS])
    lang_code = language(request, lang)
    return [
        {
            "id": r.pk,
            "number": r.number,
            "manufacturer": {
                "code": r.manufacturer.code,
                "name": pick_text(r.manufacturer.names, lang_code),
                "country": r.manufacturer.country_id,
            },
            "catalogue_number": r.item.catalogue_number,
            "item_status": r.item.status,
            "replaced_by": r.item.replaced_by.catalogue_number if r.item.replaced_by_id else None,
        }
        for r in hits
    ]


# --- characteristics ------------------------------------------------------------------------


@router.put(
    "/items/{number}/characteristics/{code}",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_characteristic_set",
    openapi_extra=SENDS_ETAG,
    summary="Set the reply to one characteristic of the item name's guide",
)
def item_characteristic_set(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    code: str,
    payload: CharacteristicIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    item = selectors.item_get(number)
    item_edits.item_characteristic_set(
        actor=request.auth,
        item=item,
        code=code,
        raw=payload.reply,
        locale=payload.locale,
        expected_version=version,
    )
    return item_response(request, response, item, lang)


# --- registrations and management data ------------------------------------------------------


@router.get(
    "/items/{number}/registrations",
    response=responses({200: list[RegistrationOut]}),
    operation_id="item_registration_list",
    summary="Nations registered as users of an item, past and present",
)
def item_registration_list(request: HttpRequest, number: str) -> Any:
    item = selectors.item_get(number)
    rows = (
        Registration.objects.filter(item=item)
        .select_related("bureau")
        .order_by("effective_from", "id")
    )
    return [registration_out(r) for r in rows]


@router.post(
    "/items/{number}/registrations",
    auth=api_auth,
    response=responses({201: RegistrationOut}, WRITE_PROBLEMS),
    operation_id="item_registration_add",
    summary="Register a nation (the caller's bureau by default) as user of an item",
)
def item_registration_add(request: HttpRequest, number: str, payload: RegistrationIn) -> Any:
    item = selectors.item_get(number)
    bureau = bureau_by_key(payload.bureau) if payload.bureau else actor_bureau(request.auth)
    require_registration_authority(request.auth, item, bureau)
    registration = services.registration_add(
        actor=request.auth, item=item, bureau=bureau, effective_from=payload.effective_from
    )
    return Status(201, registration_out(registration))


@router.post(
    "/items/{number}/registrations/{bureau}/withdraw",
    auth=api_auth,
    response=responses({200: RegistrationOut}, WRITE_PROBLEMS),
    operation_id="item_registration_withdraw",
    summary="Withdraw a nation's registration as user of an item",
)
def item_registration_withdraw(
    request: HttpRequest, number: str, bureau: str, payload: WithdrawIn
) -> Any:
    item = selectors.item_get(number)
    registration = services.registration_withdraw(
        actor=request.auth,
        item=item,
        bureau=bureau_by_key(bureau),
        effective_to=payload.effective_to,
    )
    return registration_out(registration)


@router.get(
    "/items/{number}/management/{bureau}",
    response=responses({200: ManagementOut}),
    operation_id="item_management_get",
    summary="One nation's management data for an item",
)
def item_management_get(request: HttpRequest, number: str, bureau: str) -> Any:
    item = selectors.item_get(number)
    row = (
        ManagementData.objects.filter(item=item, bureau=bureau_by_key(bureau))
        .select_related("bureau")
        .first()
    )
    if row is None:
        raise NotFound(
            _("Bureau %(bureau)s has no management data for %(item)s")
            % {"bureau": bureau, "item": item.catalogue_number},
            code="MANAGEMENT_NOT_FOUND",
        )
    return management_out(row)


@router.put(
    "/items/{number}/management/{bureau}",
    auth=api_auth,
    response=responses({200: ManagementOut}, WRITE_PROBLEMS),
    operation_id="item_management_set",
    summary="Set one nation's management data for an item (replacing what it had)",
)
def item_management_set(
    request: HttpRequest, number: str, bureau: str, payload: ManagementIn
) -> Any:
    item = selectors.item_get(number)
    owner = bureau_by_key(bureau)
    require_management_authority(request.auth, item, owner)
    if payload.currency and not _currency_exists(payload.currency):
        raise ValidationFailed(
            _("Unknown currency %(code)s") % {"code": payload.currency},
            code="UNKNOWN_CURRENCY",
            errors=[FieldError("currency", "UNKNOWN_CURRENCY", _("unknown currency code"))],
        )
    row = services.management_set(
        actor=request.auth,
        item=item,
        bureau=owner,
        unit_of_issue=payload.unit_of_issue,
        price=payload.price,
        currency=payload.currency.upper() if payload.currency else None,
        notes=payload.notes,
    )
    row = ManagementData.objects.select_related("bureau").get(pk=row.pk)
    return management_out(row)


def _currency_exists(code: str) -> bool:
    from katalog.refdata.models import Currency

    return Currency.objects.filter(alpha3=code.upper()).exists()

"""Catalogue endpoints: items of supply with references, characteristics, registrations,
management data, life cycle and history.

Reads take the reader (a token, the session, or an anonymous visitor where public reading is
on) and show what the release rules open to them. Writes need `auth=api_auth`; every change of
an item names the version it changes (`If-Match` with the item's ETag; missing: 428
IF_MATCH_REQUIRED, stale: 412 VERSION_STALE), and answers with the new ETag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from ninja import Query, Router
from ninja.responses import Status

from katalog.accounts.selectors import bureau_by_key
from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.concurrency import with_etag
from katalog.api.documents import cited_documents_out
from katalog.api.items import IfMatch, item_change
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, next_cursor, page_body
from katalog.api.renderers import rendered
from katalog.api.schemas import (
    PAGINATED,
    READ_PROBLEMS,
    SENDS_ETAG,
    VERSIONED_WRITE_PROBLEMS,
    language,
    responses,
)
from katalog.api.schemas.catalog import (
    AlternativeOut,
    CancelDuplicateIn,
    CancelIn,
    CancelUseIn,
    CharacteristicIn,
    EventPage,
    ItemCreateIn,
    ItemOut,
    ItemPage,
    ItemReferenceOut,
    ItemUpdateIn,
    ManagementIn,
    ManagementOut,
    NewReferenceIn,
    ReferenceHitOut,
    RegistrationIn,
    RegistrationOut,
    ReinstateIn,
    WithdrawIn,
)
from katalog.catalog import interchange_selectors, selectors, services
from katalog.catalog.authority import actor_bureau
from katalog.catalog.manufacturer_selectors import manufacturer_for_field
from katalog.catalog.models import Item, ManagementData, Reference, Registration
from katalog.classifiers import selectors as control_selectors
from katalog.core.i18n import pick_text
from katalog.quality.selectors import item_quality_by_niin, quality_fields

router = Router(tags=["catalogue"])

READS = (401, *READ_PROBLEMS)


# --- bodies ---------------------------------------------------------------------------------


def item_response(
    request: AuthenticatedRequest, response: HttpResponse, item: Item, lang: str | None
) -> dict[str, Any]:
    """The item as stored now and as the caller may see it, with its version as the ETag."""
    lang = language(request, lang)
    detail, version = selectors.item_detail_by_number(item.niin, lang, reader=request.auth)
    with_etag(response, version)
    return {**detail, "version": version, **extras_of(detail, lang, request.auth)}


def extras_of(detail: dict[str, Any], lang: str, reader: Any) -> dict[str, Any]:
    """What other apps add to the item's body: its quality, the documents it cites and the
    export-control list entries that cover it (as the reader may see them)."""
    return {
        "quality": quality_of(detail, lang),
        "documents": cited_documents_out(detail.get("references", []), lang),
        "control_entries": control_entries_of(detail, lang, reader),
    }


def control_entries_of(detail: dict[str, Any], lang: str, reader: Any) -> list[dict[str, str]]:
    if detail.get("restricted"):
        return []
    entries = control_selectors.control_entries(niin=detail["niin"], reader=reader, language=lang)
    return [e.as_dict() for e in entries]


def quality_of(detail: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """The rules' messages in the item's language. A restricted reader sees only number, name
    and status: no quality either."""
    if detail.get("restricted"):
        return None
    with translation.override(lang):
        return quality_fields(item_quality_by_niin(detail["niin"]))


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


def manufacturer_ref(maker: Any, lang: str) -> dict[str, Any]:
    return {"code": maker.code, "name": pick_text(maker.names, lang), "country": maker.country_id}


def reference_out(ref: Reference, lang: str) -> dict[str, Any]:
    return {
        "id": ref.pk,
        "number": ref.number,
        "manufacturer": manufacturer_ref(ref.manufacturer, lang),
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
        "bureau": row.bureau.key,
        "released": row.released,
        "unit_of_issue": row.unit_of_issue or None,
        "price": str(row.price) if row.price is not None else None,
        "currency": row.currency_id,
        "notes": row.notes or None,
    }


def changed(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    lang: str | None,
    act: Callable[[Item, int], Any],
) -> Any:
    """Run one change of an item under the version the caller read; answer with the item."""
    item_change(request, response, number, act)
    return item_response(request, response, selectors.item_get(number, reader=request.auth), lang)


# --- items ----------------------------------------------------------------------------------


@router.get(
    "/items",
    auth=read_auth,
    response=responses({200: ItemPage}, (401, 422)),
    operation_id="item_list",
    openapi_extra=PAGINATED,
    summary="Items in catalogue-number order, filtered by class, status or bureau",
)
def item_list(
    request: ReaderRequest,
    response: HttpResponse,
    supply_class: str | None = Query(None, alias="class", min_length=4, max_length=4),
    status: str | None = Query(None, min_length=1, max_length=1),
    bureau: str | None = Query(None, max_length=8, description="Assigning bureau key"),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    key = after_key(after)
    found = selectors.item_list(
        reader=request.auth,
        supply_class=supply_class,
        status=status,
        bureau=bureau,
        after=str(key) if key is not None else None,
        limit=limit,
    )
    lang_code = language(request, lang)
    return {
        "items": [summary(i, lang_code) for i in found.rows],
        "next": next_cursor(request, response, found),
    }


@router.post(
    "/items",
    auth=api_auth,
    response=responses({201: ItemOut}, (401, 403, 409, 422)),
    operation_id="item_create",
    openapi_extra=SENDS_ETAG,
    summary="Create an item under a new number of the caller's bureau, with references and replies",
)
def item_create(
    request: AuthenticatedRequest,
    response: HttpResponse,
    payload: ItemCreateIn,
    lang: str | None = None,
) -> Any:
    item = services.item_create_complete(
        actor=request.auth,
        bureau=actor_bureau(request.auth),
        supply_class=payload.supply_class,
        item_name_code=payload.item_name,
        name_text=payload.name_text,
        identification_type=payload.identification_type,
        partial_reason=payload.partial_reason,
        release=payload.release,
        references=[
            services.NewReference(
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
    auth=read_auth,
    response=responses({200: ItemOut}, READS),
    operation_id="item_get",
    openapi_extra=SENDS_ETAG,
    summary="One item of supply by catalogue number (any accepted form)",
)
def item_get(
    request: ReaderRequest, response: HttpResponse, number: str, lang: str | None = None
) -> Any:
    """Accepts `5310-01-234-5678`, `5310012345678`, `01-234-5678` or `012345678`.

    A cancelled item names its replacement in `replaced_by`. The `ETag` header carries the
    item's version for `If-Match` on later changes. A restricted item shows a reader outside
    its assigning bureau and registered users only its number, name and status.
    """
    lang = language(request, lang)
    detail, version = selectors.item_detail_by_number(number, lang, reader=request.auth)
    with_etag(response, version)
    # The busiest call of the API: the body is rendered without a second validation against
    # `ItemOut` (a quarter of the request's time); `item_detail` builds exactly that shape,
    # which the API tests check against the schema.
    body = {**detail, "version": version, **extras_of(detail, lang, request.auth)}
    return rendered(request, response, body)


@router.patch(
    "/items/{number}",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_update",
    openapi_extra=SENDS_ETAG,
    summary="Change the identification data or release level of an item (assigning bureau only)",
)
def item_update(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: ItemUpdateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.item_identification_update(
            actor=request.auth,
            item=item,
            expected_version=version,
            changes=payload.dict(exclude_unset=True),
        )

    return changed(request, response, number, lang, act)


@router.post(
    "/items/{number}/cancel",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item, with or without a replacement",
)
def item_cancel(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: CancelIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        replacement = (
            selectors.item_for_field(payload.replacement, "replacement", reader=request.auth)
            if payload.replacement
            else None
        )
        return services.item_cancel(
            actor=request.auth,
            item=item,
            reason=payload.reason,
            replacement=replacement,
            expected_version=version,
        )

    return changed(request, response, number, lang, act)


@router.post(
    "/items/{number}/cancel-duplicate",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel_duplicate",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item as a duplicate of the item kept",
)
def item_cancel_duplicate(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: CancelDuplicateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        kept = selectors.item_for_field(payload.kept, "kept", reader=request.auth)
        return services.item_cancel_duplicate(
            actor=request.auth, item=item, kept=kept, expected_version=version
        )

    return changed(request, response, number, lang, act)


@router.post(
    "/items/{number}/cancel-use",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_cancel_use",
    openapi_extra=SENDS_ETAG,
    summary="Cancel an item in favour of another to use instead",
)
def item_cancel_use(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: CancelUseIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        replacement = selectors.item_for_field(
            payload.replacement, "replacement", reader=request.auth
        )
        return services.item_cancel_use(
            actor=request.auth, item=item, replacement=replacement, expected_version=version
        )

    return changed(request, response, number, lang, act)


@router.post(
    "/items/{number}/reinstate",
    auth=api_auth,
    response=responses({200: ItemOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_reinstate",
    openapi_extra=SENDS_ETAG,
    summary="Reinstate a cancelled item",
)
def item_reinstate(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: ReinstateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.item_reinstate(
            actor=request.auth, item=item, reason=payload.reason, expected_version=version
        )

    return changed(request, response, number, lang, act)


@router.get(
    "/items/{number}/history",
    auth=read_auth,
    response=responses({200: EventPage}, (401, 403, 404, 422)),
    operation_id="item_history",
    openapi_extra=PAGINATED,
    summary="What happened to an item, oldest first (from the audit log)",
)
def item_history(
    request: ReaderRequest,
    response: HttpResponse,
    number: str,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Any:
    item = selectors.item_get(number, reader=request.auth)
    seq = after_key(after, kinds=(int,))
    found = selectors.item_history(item, reader=request.auth, after=seq, limit=limit)
    return page_body(request, response, found)


@router.get(
    "/items/{number}/alternatives",
    auth=read_auth,
    response=responses({200: list[AlternativeOut]}, READS),
    operation_id="item_alternatives",
    summary="The usable items that may be used in place of an item",
)
def item_alternatives(request: ReaderRequest, number: str) -> Any:
    """The active members of the item's interchangeability family that may replace it (in the
    direction of each relation), then its replacement if it is cancelled; items the reader may
    not see in full are left out."""
    item = selectors.item_get(number, reader=request.auth)
    return interchange_selectors.usable_alternatives(item, request.auth)


# --- references -----------------------------------------------------------------------------


@router.get(
    "/items/{number}/references",
    auth=read_auth,
    response=responses({200: list[ItemReferenceOut]}, (401, 403, 404, 422)),
    operation_id="item_reference_list",
    summary="References of an item, with their ids",
)
def item_reference_list(request: ReaderRequest, number: str, lang: str | None = None) -> Any:
    item = selectors.item_get(number, reader=request.auth)
    lang_code = language(request, lang)
    return [
        reference_out(r, lang_code) for r in selectors.item_references(item, reader=request.auth)
    ]


@router.post(
    "/items/{number}/references",
    auth=api_auth,
    response=responses({201: ItemReferenceOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_reference_add",
    openapi_extra=SENDS_ETAG,
    summary="Add a reference (part number) to an item (If-Match: the item's ETag)",
)
def item_reference_add(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: NewReferenceIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.reference_add(
            actor=request.auth,
            item=item,
            manufacturer=manufacturer_for_field(payload.manufacturer),
            number=payload.number,
            category=payload.category,
            variation=payload.variation,
            document_availability=payload.document_availability,
            justification=payload.justification,
            expected_version=version,
        )

    reference = item_change(request, response, number, act)
    return Status(201, reference_out(reference, language(request, lang)))


@router.delete(
    "/items/{number}/references/{reference_id}",
    auth=api_auth,
    response=responses({204: None}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_reference_remove",
    openapi_extra=SENDS_ETAG,
    summary="Remove a reference from an item (If-Match: the item's ETag)",
)
def item_reference_remove(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    reference_id: int,
    if_match: str | None = IfMatch,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.reference_remove(
            actor=request.auth, item=item, reference_id=reference_id, expected_version=version
        )

    item_change(request, response, number, act)
    return Status(204, None)


@router.get(
    "/references",
    auth=read_auth,
    response=responses({200: list[ReferenceHitOut]}, (401, 422)),
    operation_id="reference_lookup",
    summary="References whose normalised key equals the number's (then transliterated)",
)
def reference_lookup(
    request: ReaderRequest,
    number: str = Query(..., min_length=1, max_length=64),
    manufacturer: str | None = Query(None, max_length=5),
    lang: str | None = None,
) -> Any:
    """`АБВГ.123456-001`, `abvg 123456 001` and `ABVG123456001` find the same references.
    A cancelled item's reference names the replacement in `replaced_by`."""
    lang_code = language(request, lang)
    return [
        {
            "id": r.pk,
            "number": r.number,
            "manufacturer": manufacturer_ref(r.manufacturer, lang_code),
            "catalogue_number": r.item.catalogue_number,
            "item_status": r.item.status,
            "replaced_by": r.item.replaced_by.catalogue_number if r.item.replaced_by else None,
        }
        for r in selectors.reference_hits(number, manufacturer, reader=request.auth)
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
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    code: str,
    payload: CharacteristicIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.characteristic_set(
            actor=request.auth,
            item=item,
            code=code,
            raw=payload.reply,
            locale=payload.locale,
            expected_version=version,
        )

    return changed(request, response, number, lang, act)


# --- registrations and management data ------------------------------------------------------


@router.get(
    "/items/{number}/registrations",
    auth=read_auth,
    response=responses({200: list[RegistrationOut]}, (401, 403, 404, 422)),
    operation_id="item_registration_list",
    summary="Nations registered as users of an item, past and present",
)
def item_registration_list(request: ReaderRequest, number: str) -> Any:
    item = selectors.item_get(number, reader=request.auth)
    return [registration_out(r) for r in selectors.item_registrations(item, reader=request.auth)]


@router.post(
    "/items/{number}/registrations",
    auth=api_auth,
    response=responses({201: RegistrationOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_registration_add",
    openapi_extra=SENDS_ETAG,
    summary="Register a nation (the caller's bureau by default) as user of an item (If-Match)",
)
def item_registration_add(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: RegistrationIn,
    if_match: str | None = IfMatch,
) -> Any:
    def act(item: Item, version: int) -> Any:
        bureau = bureau_by_key(payload.bureau) if payload.bureau else actor_bureau(request.auth)
        return services.registration_add(
            actor=request.auth, item=item, bureau=bureau, effective_from=payload.effective_from,
            expected_version=version,
        )  # fmt: skip

    return Status(201, registration_out(item_change(request, response, number, act)))


@router.post(
    "/items/{number}/registrations/{bureau}/withdraw",
    auth=api_auth,
    response=responses({200: RegistrationOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_registration_withdraw",
    openapi_extra=SENDS_ETAG,
    summary="Withdraw a nation's registration as user of an item (If-Match)",
)
def item_registration_withdraw(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    bureau: str,
    payload: WithdrawIn,
    if_match: str | None = IfMatch,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.registration_withdraw(
            actor=request.auth,
            item=item,
            bureau=bureau_by_key(bureau),
            effective_to=payload.effective_to,
            expected_version=version,
        )

    return registration_out(item_change(request, response, number, act))


@router.get(
    "/items/{number}/management/{bureau}",
    auth=read_auth,
    response=responses({200: ManagementOut}, (401, 403, 404, 422)),
    operation_id="item_management_get",
    summary="One nation's management data for an item (if released to the reader)",
)
def item_management_get(request: ReaderRequest, number: str, bureau: str) -> Any:
    item = selectors.item_get(number, reader=request.auth)
    return management_out(
        selectors.item_management(item, bureau_by_key(bureau).pk, reader=request.auth)
    )


@router.put(
    "/items/{number}/management/{bureau}",
    auth=api_auth,
    response=responses({200: ManagementOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_management_set",
    openapi_extra=SENDS_ETAG,
    summary="Set one nation's management data for an item, replacing what it had (If-Match)",
)
def item_management_set(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    bureau: str,
    payload: ManagementIn,
    if_match: str | None = IfMatch,
) -> Any:
    def act(item: Item, version: int) -> Any:
        return services.management_set(
            actor=request.auth,
            item=item,
            bureau=bureau_by_key(bureau),
            unit_of_issue=payload.unit_of_issue,
            price=payload.price,
            currency=payload.currency,
            notes=payload.notes,
            released=payload.released,
            expected_version=version,
        )

    row = item_change(request, response, number, act)
    item = selectors.item_get(number, reader=request.auth)
    return management_out(selectors.item_management(item, row.bureau_id, reader=request.auth))

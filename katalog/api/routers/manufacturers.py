"""Manufacturer endpoints: list by code or name prefix, one with its activities, create, change."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Header, Query, Router
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.concurrency import expected_version, with_etag
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, next_cursor, page_body
from katalog.api.schemas import (
    PAGINATED,
    SENDS_ETAG,
    VERSIONED_WRITE_PROBLEMS,
    WRITE_PROBLEMS,
    language,
    responses,
)
from katalog.api.schemas.catalog import EventPage
from katalog.api.schemas.manufacturers import (
    ManufacturerCreateIn,
    ManufacturerOut,
    ManufacturerPage,
    ManufacturerUpdateIn,
)
from katalog.catalog import services
from katalog.catalog.manufacturer_selectors import (
    manufacturer_for_field,
    manufacturer_get,
    manufacturer_history,
    manufacturer_items_count,
    manufacturer_list,
)
from katalog.catalog.models import Manufacturer
from katalog.core.i18n import pick_text

router = Router(tags=["manufacturers"])


def manufacturer_body(m: Manufacturer, lang: str, reader: Any) -> dict[str, Any]:
    activities = m.activities.select_related("item__version").order_by("-is_primary", "item__code")
    return {
        "code": m.code,
        "name": pick_text(m.names, lang),
        "names": m.names,
        "address": m.address,
        "country": m.country_id,
        "status": m.status,
        "bureau": m.bureau.key,
        "parent": m.parent.code if m.parent else None,
        "replaced_by": m.replaced_by.code if m.replaced_by else None,
        "version": m.row_version,
        "items_count": manufacturer_items_count(m, reader=reader),
        "activities": [
            {
                "classification": a.item.version.slug,
                "code": a.item.code,
                "title": pick_text(a.item.names, lang),
                "is_primary": a.is_primary,
            }
            for a in activities
        ],
    }


@router.get(
    "/manufacturers",
    auth=read_auth,
    response=responses({200: ManufacturerPage}, (401, 422)),
    operation_id="manufacturer_list",
    openapi_extra=PAGINATED,
    summary="Manufacturers in code order; `q` is a prefix of the code or of a word of the name",
)
def manufacturer_list_get(
    request: ReaderRequest,
    response: HttpResponse,
    q: str | None = Query(None, max_length=100),
    country: str | None = Query(None, min_length=2, max_length=2),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    key = after_key(after)
    found = manufacturer_list(
        reader=request.auth,
        q=q or "",
        country=country,
        after=str(key) if key is not None else None,
        limit=limit,
    )
    lang_code = language(request, lang)
    return {
        "items": [
            {
                "code": m.code,
                "name": pick_text(m.names, lang_code),
                "country": m.country_id,
                "status": m.status,
                "version": m.row_version,
            }
            for m in found.rows
        ],
        "next": next_cursor(request, response, found),
    }


@router.get(
    "/manufacturers/{code}",
    auth=read_auth,
    response=responses({200: ManufacturerOut}, (401, 404, 422)),
    operation_id="manufacturer_get",
    openapi_extra=SENDS_ETAG,
    summary="One manufacturer with its count of items and its activity codes",
)
def manufacturer_detail(
    request: ReaderRequest, response: HttpResponse, code: str, lang: str | None = None
) -> Any:
    m = manufacturer_get(code, reader=request.auth)
    with_etag(response, m.row_version)
    return manufacturer_body(m, language(request, lang), request.auth)


@router.post(
    "/manufacturers",
    auth=api_auth,
    response=responses({201: ManufacturerOut}, WRITE_PROBLEMS),
    operation_id="manufacturer_create",
    openapi_extra=SENDS_ETAG,
    summary="Register a manufacturer under its country's bureau",
)
def manufacturer_create(
    request: AuthenticatedRequest,
    response: HttpResponse,
    payload: ManufacturerCreateIn,
    lang: str | None = None,
) -> Any:
    parent = manufacturer_for_field(payload.parent, "parent") if payload.parent else None
    m = services.manufacturer_create(
        actor=request.auth,
        code=payload.code,
        names={k: v for k, v in payload.names.items() if v},
        country=payload.country.upper(),
        address=payload.address,
        status=payload.status,
        parent=parent,
    )
    m = manufacturer_get(m.code, reader=request.auth)
    with_etag(response, m.row_version)
    response["Location"] = f"{request.path.rstrip('/')}/{m.code}"
    return Status(201, manufacturer_body(m, language(request, lang), request.auth))


@router.patch(
    "/manufacturers/{code}",
    auth=api_auth,
    response=responses({200: ManufacturerOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="manufacturer_update",
    openapi_extra=SENDS_ETAG,
    summary="Change names, address, status, parent or replacement of a manufacturer",
)
def manufacturer_patch(
    request: AuthenticatedRequest,
    response: HttpResponse,
    code: str,
    payload: ManufacturerUpdateIn,
    if_match: str | None = Header(None, alias="If-Match"),
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    m = services.manufacturer_update(
        actor=request.auth,
        manufacturer=manufacturer_get(code, reader=request.auth),
        expected_version=version,
        changes=payload.dict(exclude_unset=True),
    )
    m = manufacturer_get(m.code, reader=request.auth)
    with_etag(response, m.row_version)
    return manufacturer_body(m, language(request, lang), request.auth)


@router.get(
    "/manufacturers/{code}/history",
    auth=read_auth,
    response=responses({200: EventPage}, (401, 404, 422)),
    operation_id="manufacturer_history",
    openapi_extra=PAGINATED,
    summary="What happened to a manufacturer record, oldest first (from the audit log)",
)
def manufacturer_history_get(
    request: ReaderRequest,
    response: HttpResponse,
    code: str,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Any:
    m = manufacturer_get(code, reader=request.auth)
    seq = after_key(after, kinds=(int,))
    found = manufacturer_history(m, reader=request.auth, after=seq, limit=limit)
    return page_body(request, response, found)

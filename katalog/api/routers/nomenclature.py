"""Normative-document endpoints: the register searched by number in any spelling, one
document with the items citing it, and its registration, change, replacement, cancellation."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import translation
from ninja import Header, Query, Router
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.concurrency import expected_version, with_etag
from katalog.api.documents import document_summary
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, next_cursor
from katalog.api.schemas import (
    PAGINATED,
    SENDS_ETAG,
    VERSIONED_WRITE_PROBLEMS,
    WRITE_PROBLEMS,
    language,
    responses,
)
from katalog.api.schemas.nomenclature import (
    NormativeDocumentCancelIn,
    NormativeDocumentCreateIn,
    NormativeDocumentOut,
    NormativeDocumentPage,
    NormativeDocumentReplaceIn,
    NormativeDocumentUpdateIn,
)
from katalog.core.i18n import pick_text
from katalog.nomenclature import selectors, services
from katalog.nomenclature.models import DocumentKind, DocumentStatus, NormativeDocument

router = Router(tags=["normative documents"])

IfMatch = Header(None, alias="If-Match", description='The ETag read from the document, W/"3".')


def document_body(
    request: Any,
    response: HttpResponse,
    document: NormativeDocument,
    lang: str,
    after: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    citing = selectors.citing_items(
        document, reader=request.auth, after=after_key(after, (str,)), limit=limit
    )
    with_etag(response, document.row_version)
    with translation.override(lang):
        kind_name = str(DocumentKind(document.kind).label)
        status_name = str(DocumentStatus(document.status).label)
    return {
        **document_summary(document, lang),
        "titles": document.titles,
        "kind_name": kind_name,
        "status_name": status_name,
        "adopted_on": document.adopted_on,
        "in_force_from": document.in_force_from,
        "ended_on": document.ended_on,
        "citing_items": {
            "items": [
                {
                    "catalogue_number": item.catalogue_number,
                    "niin": item.niin,
                    "item_name": pick_text(item.item_name.names, lang),
                    "status": item.status,
                    "bureau": item.bureau.key,
                }
                for item in citing.rows
            ],
            "next": next_cursor(request, response, citing),
        },
    }


@router.get(
    "",
    auth=read_auth,
    response=responses({200: NormativeDocumentPage}, (401, 422)),
    operation_id="document_list",
    openapi_extra=PAGINATED,
    summary="Normative documents in key order; `q` is a number in any spelling or a title word",
)
def document_list_get(
    request: ReaderRequest,
    response: HttpResponse,
    q: str | None = Query(None, max_length=100),
    kind: DocumentKind | None = None,
    country: str | None = Query(None, min_length=2, max_length=2),
    status: DocumentStatus | None = None,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    """`ГОСТ 5915-70`, `GOST 5915-70` and `гост5915–70` find the same document: numbers are
    compared by their key, the start of a key finds every document it begins."""
    found = selectors.document_list(
        reader=request.auth,
        q=q or "",
        kind=kind,
        country=country,
        status=status,
        after=after_key(after, (str,)),
        limit=limit,
    )
    lang_code = language(request, lang)
    return {
        "items": [document_summary(d, lang_code) for d in found.rows],
        "next": next_cursor(request, response, found),
    }


@router.get(
    "/{int:document_id}",
    auth=read_auth,
    response=responses({200: NormativeDocumentOut}, (401, 404, 422)),
    operation_id="document_get",
    openapi_extra={**SENDS_ETAG, **PAGINATED},
    summary="One normative document with the items citing it (keyset-paged)",
)
def document_get(
    request: ReaderRequest,
    response: HttpResponse,
    document_id: int,
    after: str | None = Query(None, max_length=200, description="`citing_items.next` of a page"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    document = selectors.document_get(document_id, reader=request.auth)
    return document_body(request, response, document, language(request, lang), after, limit)


@router.post(
    "",
    auth=api_auth,
    response=responses({201: NormativeDocumentOut}, WRITE_PROBLEMS),
    operation_id="document_create",
    openapi_extra=SENDS_ETAG,
    summary="Register a normative document in force",
)
def document_create(
    request: AuthenticatedRequest,
    response: HttpResponse,
    payload: NormativeDocumentCreateIn,
    lang: str | None = None,
) -> Any:
    document = services.document_create(
        actor=request.auth,
        number=payload.number,
        kind=payload.kind,
        titles=payload.titles,
        country=payload.country,
        adopted_on=payload.adopted_on,
        in_force_from=payload.in_force_from,
    )
    document = selectors.document_get(document.pk, reader=request.auth)
    response["Location"] = f"{request.path.rstrip('/')}/{document.pk}"
    return Status(201, document_body(request, response, document, language(request, lang)))


@router.patch(
    "/{int:document_id}",
    auth=api_auth,
    response=responses({200: NormativeDocumentOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="document_update",
    openapi_extra=SENDS_ETAG,
    summary="Change the number, kind, state, titles or dates of a normative document",
)
def document_update(
    request: AuthenticatedRequest,
    response: HttpResponse,
    document_id: int,
    payload: NormativeDocumentUpdateIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    document = services.document_update(
        actor=request.auth,
        document=selectors.document_get(document_id, reader=request.auth),
        expected_version=version,
        changes=payload.dict(exclude_unset=True),
    )
    document = selectors.document_get(document.pk, reader=request.auth)
    return document_body(request, response, document, language(request, lang))


@router.post(
    "/{int:document_id}/replace",
    auth=api_auth,
    response=responses({200: NormativeDocumentOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="document_replace",
    openapi_extra=SENDS_ETAG,
    summary="Mark a document as replaced by another one in force; its citing items are flagged",
)
def document_replace(
    request: AuthenticatedRequest,
    response: HttpResponse,
    document_id: int,
    payload: NormativeDocumentReplaceIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    document = services.document_replace(
        actor=request.auth,
        document=selectors.document_get(document_id, reader=request.auth),
        expected_version=version,
        replaced_by=selectors.document_get(payload.replaced_by, reader=request.auth),
        on=payload.on,
    )
    document = selectors.document_get(document.pk, reader=request.auth)
    return document_body(request, response, document, language(request, lang))


@router.post(
    "/{int:document_id}/cancel",
    auth=api_auth,
    response=responses({200: NormativeDocumentOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="document_cancel",
    openapi_extra=SENDS_ETAG,
    summary="Mark a document as cancelled without replacement; its citing items are flagged",
)
def document_cancel(
    request: AuthenticatedRequest,
    response: HttpResponse,
    document_id: int,
    payload: NormativeDocumentCancelIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    version = expected_version(request)
    document = services.document_cancel(
        actor=request.auth,
        document=selectors.document_get(document_id, reader=request.auth),
        expected_version=version,
        on=payload.on,
        reason=payload.reason,
    )
    document = selectors.document_get(document.pk, reader=request.auth)
    return document_body(request, response, document, language(request, lang))

"""Codification request endpoints (/api/v1/requests): list, create, read, lines, decisions and
one POST per workflow transition. Changes send the ETag they read in If-Match."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.utils import translation
from ninja import File, Form, Header, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, api_auth
from katalog.api.concurrency import expected_version, with_etag
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, page_body
from katalog.api.schemas import (
    PAGINATED,
    READ_PROBLEMS,
    SENDS_ETAG,
    VERSIONED_WRITE_PROBLEMS,
    WRITE_PROBLEMS,
    language,
    responses,
)
from katalog.api.schemas.catalog import EventPage
from katalog.api.schemas.codification import (
    DocumentOut,
    LineDecisionIn,
    LineIn,
    LineOut,
    LinePatch,
    RequestIn,
    RequestOut,
    RequestPageOut,
    TransitionIn,
)
from katalog.catalog.selectors import item_for_field
from katalog.codification import selectors, services
from katalog.codification.models import CodificationRequest
from katalog.codification.workflow import TransitionName
from katalog.core.downloads import file_download

router = Router(tags=["codification"])


def request_body(
    request: AuthenticatedRequest, response: HttpResponse, request_id: int
) -> dict[str, Any]:
    found = selectors.request_get(request_id, reader=request.auth)
    with_etag(response, found.row_version)
    return selectors.request_detail(found)


def visible_request(request: AuthenticatedRequest, request_id: int) -> CodificationRequest:
    return selectors.request_get(request_id, reader=request.auth)


@router.get(
    "",
    auth=api_auth,
    response=responses({200: RequestPageOut}, READ_PROBLEMS),
    operation_id="request_list",
    summary="Codification requests, newest first (filters: state, priority, bureau)",
)
def request_list(
    request: AuthenticatedRequest,
    response: HttpResponse,
    state: str = "",
    priority: str = "",
    bureau: str = "",
    after: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=selectors.MAX_PAGE),
) -> Any:
    page = selectors.request_list(
        reader=request.auth,
        state=state,
        priority=priority,
        bureau=bureau,
        after=after_key(after, kinds=(int,)),
        limit=limit,
    )
    return page_body(request, response, page.map(selectors.request_summary))


@router.post(
    "",
    auth=api_auth,
    response=responses({201: RequestOut}, WRITE_PROBLEMS),
    operation_id="request_create",
    openapi_extra=SENDS_ETAG,
    summary="Open a draft codification request for your bureau",
)
def request_create(
    request: AuthenticatedRequest, response: HttpResponse, payload: RequestIn
) -> Any:
    created = services.request_create(actor=request.auth, **payload.dict())
    response["Location"] = f"{request.path.rstrip('/')}/{created.pk}"
    return Status(201, request_body(request, response, created.pk))


@router.get(
    "/{int:request_id}",
    auth=api_auth,
    response=responses({200: RequestOut}, READ_PROBLEMS),
    operation_id="request_get",
    openapi_extra=SENDS_ETAG,
    summary="One request with its lines, decisions and history",
)
def request_detail(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    lang: str | None = Query(None, description="Language of the screening evidence"),
) -> Any:
    # The screening evidence is stored as codes: told here in the reader's language.
    with translation.override(language(request, lang)):
        return request_body(request, response, visible_request(request, request_id).pk)


@router.get(
    "/{int:request_id}/history",
    auth=api_auth,
    response=responses({200: EventPage}, READ_PROBLEMS),
    operation_id="request_history",
    openapi_extra=PAGINATED,
    summary="What happened to a request, oldest first (from the audit log)",
)
def request_history(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
) -> Any:
    found = visible_request(request, request_id)
    seq = after_key(after, kinds=(int,))
    history = selectors.request_history(found, reader=request.auth, after=seq, limit=limit)
    return page_body(request, response, history)


@router.post(
    "/{int:request_id}/lines",
    auth=api_auth,
    response=responses({201: RequestOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="request_line_add",
    openapi_extra=SENDS_ETAG,
    summary="Add a proposed item to a draft (If-Match: the request's ETag)",
)
def request_line_add(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    payload: LineIn,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Any:
    version = expected_version(request)
    data = payload.dict()
    services.request_line_add(
        actor=request.auth,
        request=visible_request(request, request_id),
        item_name_code=data.pop("item_name"),
        expected_version=version,
        **data,
    )
    return Status(201, request_body(request, response, request_id))


@router.put(
    "/{int:request_id}/lines/{int:position}",
    auth=api_auth,
    response=responses({200: LineOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="request_line_update",
    openapi_extra=SENDS_ETAG,
    summary="Change a line of a draft (If-Match: the line's ETag, its row_version)",
)
def request_line_update(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    position: int,
    payload: LinePatch,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Any:
    version = expected_version(request)
    line = selectors.request_line_get(visible_request(request, request_id), position)
    changes = payload.dict(exclude_unset=True)
    if "item_name" in changes:
        changes["item_name_code"] = changes.pop("item_name")
    line = services.request_line_update(
        actor=request.auth, line=line, expected_version=version, **changes
    )
    with_etag(response, line.row_version)
    return selectors.line_detail(line)


@router.post(
    "/{int:request_id}/lines/{int:position}/decision",
    auth=api_auth,
    response=responses({200: LineOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="request_line_decide",
    openapi_extra=SENDS_ETAG,
    summary="Decide a screened line: register, assign a new number, or reject (If-Match: line ETag)",
)
def request_line_decide(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    position: int,
    payload: LineDecisionIn,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Any:
    version = expected_version(request)
    line = selectors.request_line_get(visible_request(request, request_id), position)
    line = services.request_line_decide(
        actor=request.auth,
        line=line,
        decision=payload.decision,
        item=item_for_field(payload.item, "item", reader=request.auth) if payload.item else None,
        reject_reason=payload.reject_reason,
        justification=payload.justification,
        note=payload.note,
        expected_version=version,
    )
    with_etag(response, line.row_version)
    return selectors.line_detail(line)


@router.post(
    "/{int:request_id}/documents",
    auth=api_auth,
    response=responses({201: DocumentOut}, WRITE_PROBLEMS),
    operation_id="request_document_add",
    summary="Attach a drawing or specification to a request (or to one line with `line`)",
)
def request_document_add(
    request: AuthenticatedRequest,
    request_id: int,
    file: File[UploadedFile],
    title: Form[str] = "",
    line: Form[int | None] = None,
) -> Any:
    found = visible_request(request, request_id)
    target = selectors.request_line_get(found, line) if line else None
    document = services.request_document_add(
        actor=request.auth, request=found, upload=file, title=title, line=target
    )
    return Status(201, selectors.document_summary(document))


@router.get(
    "/{int:request_id}/documents/{int:document_id}",
    auth=api_auth,
    response=responses({200: None}, READ_PROBLEMS),
    operation_id="request_document_get",
    summary="Read a document attached to a request (the file as uploaded)",
)
def request_document_get(
    request: AuthenticatedRequest, request_id: int, document_id: int
) -> FileResponse:
    document = selectors.request_document_get(visible_request(request, request_id), document_id)
    return file_download(document.file)


@router.post(
    "/{int:request_id}/{transition}",
    auth=api_auth,
    response=responses({200: RequestOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="request_transition",
    openapi_extra=SENDS_ETAG,
    summary=(
        "Move the request on: submit, screen, decide, return, approve, publish, reopen (an "
        "approved request back to decision, with a reason: the way out when publishing fails) "
        "or reject"
    ),
)
def request_transition(
    request: AuthenticatedRequest,
    response: HttpResponse,
    request_id: int,
    transition: TransitionName,
    payload: TransitionIn | None = None,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Any:
    version = expected_version(request)
    found = visible_request(request, request_id)
    reason = payload.reason if payload else ""
    services.request_transition(
        actor=request.auth, request=found, name=transition, expected_version=version, reason=reason
    )
    return request_body(request, response, request_id)

"""The one mapping of domain errors to RFC 9457 `application/problem+json` responses."""

from __future__ import annotations

import json
import logging
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from katalog.core.errors import KatalogError
from katalog.core.limits import malformed, too_large

logger = logging.getLogger("katalog.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://katalog.invalid/problems/"


class ProblemField(BaseModel):
    field: str
    code: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with katalog's stable `code` and field `errors`.

    Some problems add members of their own (e.g. `conflicting_item` of REFERENCE_CONFLICT).
    """

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[ProblemField] = []


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body = {
        "type": PROBLEM_TYPE_BASE + code.lower().replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
        "errors": errors or [],
        **(extra or {}),
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(KatalogError)
    def _katalog_error(request: HttpRequest, exc: KatalogError) -> HttpResponse:
        return problem_response(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.message,
            errors=[e.as_dict() for e in exc.errors],
            extra=exc.data,
        )

    @api.exception_handler(NinjaValidationError)
    def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", [])),
                "code": str(err.get("type", "invalid")).upper(),
                "message": str(err.get("msg", "")),
            }
            for err in exc.errors
        ]
        return problem_response(
            request,
            status=422,
            code=ApiErrorCode.VALIDATION_FAILED,
            title="Invalid input",
            detail="The request has invalid fields.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(
            request,
            status=401,
            code=ApiErrorCode.NOT_AUTHENTICATED,
            title=_("Authentication required"),
            detail=_("Send a valid, unexpired API token as `Authorization: Bearer …`, or log in."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="katalog"'
        return response

    @api.exception_handler(AuthorizationError)
    def _authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return problem_response(
            request,
            status=403,
            code=ApiErrorCode.PERMISSION_DENIED,
            title=_("Permission denied"),
            detail=str(exc.message),
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja raises 400 for a body it cannot parse (broken JSON, wrong encoding).
        code = "MALFORMED_BODY" if exc.status_code == 400 else "HTTP_" + str(exc.status_code)
        return problem_response(
            request,
            status=exc.status_code,
            code=code,
            title=str(exc.message),
            detail=str(exc.message),
        )

    @api.exception_handler(Http404)
    def _http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            request,
            status=404,
            code=ApiErrorCode.NOT_FOUND,
            title=_("Not found"),
            detail=str(exc) or _("Not found"),
        )

    @api.exception_handler(IntegrityError)
    def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return problem_response(
            request,
            status=409,
            code=ApiErrorCode.CONFLICT,
            title=_("Conflict"),
            detail=_("The change conflicts with data already stored."),
        )

    @api.exception_handler(DataError)
    def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value the database cannot hold (too long, out of range) that no schema caught.
        return problem_response(
            request,
            status=422,
            code=ApiErrorCode.VALIDATION_FAILED,
            title=_("Invalid input"),
            detail=_("A value is too long or out of range."),
        )

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))

    @api.exception_handler(MultiPartParserError)
    def _malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return malformed(request)

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        return problem_response(
            request,
            status=500,
            code=ApiErrorCode.INTERNAL_ERROR,
            title=_("Internal error"),
            detail=_("Something went wrong on the server; the error has been logged."),
        )


class ApiErrorCode(StrEnum):
    """Stable error codes of the API itself (sessions, tokens, cursors, preconditions): clients
    act on them, so a code is never renamed nor reused for a new meaning."""

    CONFLICT = "CONFLICT"
    CSRF_FAILED = "CSRF_FAILED"
    IF_MATCH_REQUIRED = "IF_MATCH_REQUIRED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_IF_MATCH = "INVALID_IF_MATCH"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_AUTHENTICATED = "NOT_AUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    ROUTE_NOT_FOUND = "ROUTE_NOT_FOUND"
    TOKEN_READ_ONLY = "TOKEN_READ_ONLY"
    VALIDATION_FAILED = "VALIDATION_FAILED"

"""The one mapping of domain errors to RFC 9457 `application/problem+json` responses."""

from __future__ import annotations

import json
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from katalog.core.errors import KatalogError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://katalog.invalid/problems/"


class ProblemField(BaseModel):
    field: str
    code: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with katalog's stable `code` and field `errors`."""

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
            code="VALIDATION_FAILED",
            title="Invalid input",
            detail="The request has invalid fields.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            status=401,
            code="NOT_AUTHENTICATED",
            title="Authentication required",
            detail="Send a valid token or log in.",
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(
            request,
            status=exc.status_code,
            code="HTTP_" + str(exc.status_code),
            title=str(exc),
            detail=str(exc),
        )

    @api.exception_handler(IntegrityError)
    def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return problem_response(
            request,
            status=409,
            code="CONFLICT",
            title="Conflict",
            detail="The change conflicts with data already stored.",
        )

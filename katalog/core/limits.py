"""Size limits of what reaches the installation.

A request body over `KATALOG_UPLOAD_MAX_BYTES` (200 MB) is refused with 413 before it is read;
bodies that are not files (JSON, forms) are held in memory only up to
`KATALOG_REQUEST_MAX_BYTES` (10 MB). Refusals are problem+json on the API and a page elsewhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

MIB = 1024 * 1024


def upload_limit() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 200 * MIB))


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def too_large_message(limit: int) -> str:
    return _("The request is larger than the %(size)d MB this installation accepts") % {
        "size": limit // MIB
    }


def refusal(request: HttpRequest, status: int, code: str, title: str, detail: str) -> HttpResponse:
    """The same refusal as the API's problem+json, or as a page for the web interface."""
    if request.path.startswith("/api/"):
        body = {
            "type": "https://katalog.invalid/problems/" + code.lower().replace("_", "-"),
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path,
            "code": code,
            "errors": [],
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/problem+json",
        )
    return render(
        request, "web/refused_request.html", {"title": title, "detail": detail}, status=status
    )


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    return refusal(
        request, 413, "REQUEST_TOO_LARGE", _("Request too large"), too_large_message(limit)
    )


def malformed(request: HttpRequest) -> HttpResponse:
    return refusal(
        request,
        400,
        "MALFORMED_BODY",
        _("Malformed request"),
        _("The request body could not be read: check its format and its Content-Type"),
    )


class RequestLimitsMiddleware:
    """Refuses bodies over the upload limit at once, and turns Django's refusals of bodies too
    large or malformed (raised while a view reads them) into clear answers instead of errors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = upload_limit()
        if declared_length(request) > limit:
            return too_large(request, limit)
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            # No text of the catalogue holds a NUL, and PostgreSQL refuses one in any text.
            return refusal(
                request,
                400,
                "INVALID_CHARACTER",
                _("Malformed request"),
                _("The request's parameters contain a NUL character"),
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        if isinstance(exception, MultiPartParserError):
            return malformed(request)
        return None

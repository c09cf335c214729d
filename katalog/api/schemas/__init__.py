"""Schemas and helpers shared by the API routers: problem responses per operation, languages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from katalog.api.errors import Problem

# Reads may fail with these; writes add 401/403 (auth), 409 (state), 412/428 (versions).
READ_PROBLEMS = (404, 422)
WRITE_PROBLEMS = (401, 403, 404, 409, 422)
VERSIONED_WRITE_PROBLEMS = (*WRITE_PROBLEMS, 412, 428)


# Markers for `openapi_extra` of an operation: its success answers carry an `ETag` header
# (`with_etag`) or, on lists, a `Link: rel="next"` header (`pagination.next_cursor`). The document
# then declares these headers.
ETAG_MARKER = "x-katalog-etag"
PAGINATED_MARKER = "x-katalog-paginated"
SENDS_ETAG = {ETAG_MARKER: True}
PAGINATED = {PAGINATED_MARKER: True}


def responses(
    ok: dict[int, Any], problem_statuses: tuple[int, ...] = READ_PROBLEMS
) -> dict[int, Any]:
    """The response map of one operation: its success bodies plus the problems it can answer."""
    return {**ok, **dict.fromkeys(problem_statuses, Problem)}


def language(request: HttpRequest, lang: str | None) -> str:
    """`?lang=` first, else the language negotiated from Accept-Language (LocaleMiddleware)."""
    return (
        lang or getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "en"
    ).split("-")[0]

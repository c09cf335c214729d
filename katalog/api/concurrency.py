"""Optimistic concurrency over HTTP: a record's `row_version` is its ETag, and updates send it
back in `If-Match`. A missing `If-Match` is 428 IF_MATCH_REQUIRED; a stale one is 412
VERSION_STALE (raised by the service that compares it)."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from katalog.api.errors import ApiErrorCode as E
from katalog.core.errors import FieldError, PreconditionRequired, ValidationFailed

_VERSION_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def etag_of(version: int) -> str:
    return f'W/"{version}"'


def expected_version(request: HttpRequest) -> int:
    """The version the client read, from `If-Match` (`W/"3"`, `"3"` or `3`)."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired(
            _("Send the ETag you read in an If-Match header to change this record."),
            code=E.IF_MATCH_REQUIRED,
        )
    match = _VERSION_RE.match(header.split(",")[0])
    if match is None:
        raise ValidationFailed(
            _("If-Match %(value)r is not an ETag of this API") % {"value": header},
            code=E.INVALID_IF_MATCH,
            errors=[FieldError("If-Match", E.INVALID_IF_MATCH, _('expected W/"<version>"'))],
        )
    return int(match.group(1))


def with_etag(response: HttpResponse, version: int) -> HttpResponse:
    response["ETag"] = etag_of(version)
    return response

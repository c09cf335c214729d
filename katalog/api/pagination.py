"""Keyset pagination for list endpoints: an opaque `after` cursor, `limit` ≤ 500, and the next
page's cursor in the body (`next`) and in a `Link: <…>; rel="next"` header. The selectors cut
the page (`katalog.core.paging`); this module reads the cursor a client sends and turns a
`Page` into the body's `next` and the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from katalog.api.errors import ApiErrorCode as E
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.paging import InvalidCursor, Page
from katalog.core.paging import decode_cursor as cursor_key

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def decode_cursor(
    cursor: str | None, size: int, kinds: tuple[type, ...] = (str, int)
) -> list[Any] | None:
    """The key a cursor carries (a list of `size` values of `kinds`); 422 INVALID_CURSOR if it
    is not one of ours."""
    if not cursor:
        return None
    try:
        return cursor_key(cursor, size, kinds)
    except InvalidCursor:
        raise ValidationFailed(
            _("The cursor %(cursor)r is not one this API gave out") % {"cursor": cursor[:40]},
            code=E.INVALID_CURSOR,
            errors=[FieldError("after", E.INVALID_CURSOR, _("use the `next` value of a page"))],
        ) from None


def after_key(cursor: str | None, kinds: tuple[type, ...] = (str, int)) -> Any:
    """The one-column key a cursor carries, None for the first page."""
    key = decode_cursor(cursor, 1, kinds)
    return key[0] if key else None


def next_link(request: HttpRequest, cursor: str) -> str:
    params: QueryDict = request.GET.copy()
    params["after"] = cursor
    return f'<{request.path}?{params.urlencode()}>; rel="next"'


def next_cursor(request: HttpRequest, response: HttpResponse, found: Page) -> str | None:
    """The body's `next` of a page (also sent as the Link header), None on the last."""
    cursor = found.cursor
    if cursor is not None:
        response["Link"] = next_link(request, cursor)
    return cursor


def page_body(request: HttpRequest, response: HttpResponse, found: Page) -> dict[str, Any]:
    """The body of a list whose rows are already shaped: `items` and `next`."""
    return {"items": found.rows, "next": next_cursor(request, response, found)}

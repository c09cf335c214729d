"""Keyset pagination for list endpoints: an opaque `after` cursor, `limit` ≤ 500, and the next
page's cursor in the body (`next`) and in a `Link: <…>; rel="next"` header. Never OFFSET: a page
costs the same at the start and at the end of 20 million rows."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

from katalog.api.errors import ApiErrorCode as E
from katalog.core.errors import FieldError, ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

T = TypeVar("T")


def encode_cursor(key: Sequence[Any]) -> str:
    raw = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(
    cursor: str | None, size: int, kinds: tuple[type, ...] = (str, int)
) -> list[Any] | None:
    """The key a cursor carries (a list of `size` values of `kinds`); 422 INVALID_CURSOR if it
    is not one of ours."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != size
        or not all(isinstance(part, kinds) and not isinstance(part, bool) for part in key)
    ):
        raise ValidationFailed(
            _("The cursor %(cursor)r is not one this API gave out") % {"cursor": cursor[:40]},
            code=E.INVALID_CURSOR,
            errors=[FieldError("after", E.INVALID_CURSOR, _("use the `next` value of a page"))],
        )
    return key


def next_link(request: HttpRequest, cursor: str) -> str:
    params: QueryDict = request.GET.copy()
    params["after"] = cursor
    return f'<{request.path}?{params.urlencode()}>; rel="next"'


def page(
    request: HttpRequest,
    response: HttpResponse,
    rows: list[T],
    limit: int,
    key_of: Callable[[T], Sequence[Any]],
) -> tuple[list[T], str | None]:
    """Cut the `limit + 1` rows fetched to a page; set the Link header when there is more."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    cursor = encode_cursor(key_of(rows[-1]))
    response["Link"] = next_link(request, cursor)
    return rows, cursor


def history_page(
    request: HttpRequest,
    response: HttpResponse,
    fetch: Callable[[int | None, int], list[dict[str, Any]]],
    after: str | None,
    limit: int,
) -> dict[str, Any]:
    """One page of an object's history: `fetch(after_seq, count)` reads the entries, keyset-paged
    by their position in the audit log."""
    key = decode_cursor(after, 1, kinds=(int,))
    events = fetch(key[0] if key else None, limit + 1)
    shown, cursor = page(request, response, events, limit, lambda e: [e["id"]])
    return {"items": shown, "next": cursor}

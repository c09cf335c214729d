"""The one keyset pager every list uses (API and pages): rows in key order after the last key
seen, never OFFSET, so a page costs the same at the start and at the end of 20 million rows.

A key is one or more columns in Django's `order_by` notation (`"code"`, `"-id"`,
`("-status", "id")`); a composite key makes a non-unique column (status, class) a total order.
`Page.cursor` is the one opaque cursor format: the last row's key as a JSON list in URL-safe
base64 without padding (what the API has always given out, so clients' cursors keep working).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Q, QuerySet

T = TypeVar("T")
U = TypeVar("U")
PAGE_SIZE = 50
# An object's history is short: the pages show its first 200 entries at once.
HISTORY_PAGE = 200

Key = str | Sequence[str]


class InvalidCursor(ValueError):
    """The text is not a cursor this installation gave out; the front end says so its way."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a keyset list: at most `limit` rows in key order, and the last row's key
    when more rows follow (None on the last page)."""

    rows: list[T]
    next_key: tuple[Any, ...] | None = None

    @property
    def more(self) -> bool:
        return self.next_key is not None

    @property
    def next_after(self) -> Any:
        """The key to ask for the next page with: the value of a one-column key, the tuple of a
        composite one; None on the last page."""
        if self.next_key is None:
            return None
        return self.next_key[0] if len(self.next_key) == 1 else self.next_key

    @property
    def cursor(self) -> str | None:
        """The opaque cursor of the next page, None on the last."""
        return encode_cursor(self.next_key) if self.next_key is not None else None

    def map(self, shape: Callable[[T], U]) -> Page[U]:
        """The same page with every row shaped (e.g. into a dict), the key kept."""
        return Page([shape(row) for row in self.rows], self.next_key)


def _columns(key: Key) -> tuple[str, ...]:
    return (key,) if isinstance(key, str) else tuple(key)


def _value(row: Any, column: str) -> Any:
    """The value of one key column of a row: a model instance (`a__b` follows relations), a
    dict (`values()`) or any object with the attribute."""
    name = column.lstrip("-")
    if isinstance(row, dict):
        return row[name]
    for part in name.split("__"):
        row = getattr(row, part)
    return row


def cut_page(rows: Sequence[T], limit: int, key: Key) -> Page[T]:
    """The page of `rows` read `limit + 1` at a time: the first `limit`, and the key of the last
    one shown when the extra row says more follow."""
    shown = list(rows[:limit])
    if len(rows) <= limit or not shown:
        return Page(shown)
    return Page(shown, tuple(_value(shown[-1], column) for column in _columns(key)))


def _beyond(columns: tuple[str, ...], after: Sequence[Any]) -> Q:
    """Rows after the key `after` in the order of `columns` (lexicographic: the first column
    beyond, or equal and the next beyond, and so on)."""
    condition = Q()
    equal = Q()
    for column, value in zip(columns, after, strict=True):
        name = column.lstrip("-")
        step = Q(**{f"{name}__{'lt' if column.startswith('-') else 'gt'}": value})
        condition |= equal & step
        equal &= Q(**{name: value})
    return condition


def keyset_page(
    queryset: QuerySet, key: Key, *, after: Any = None, limit: int | None = None
) -> Page:
    """The rows of `queryset` after the key `after` (a value, or a sequence of values for a
    composite key; None or "" for the first page), in the order of `key` (unique as a whole)."""
    limit = limit or PAGE_SIZE
    columns = _columns(key)
    if after is not None and after != "":
        values = (after,) if len(columns) == 1 else tuple(after)
        queryset = queryset.filter(_beyond(columns, values))
    return cut_page(list(queryset.order_by(*columns)[: limit + 1]), limit, columns)


def pack(data: Any, *, ascii_only: bool = False) -> str:
    """JSON in URL-safe base64 without padding, the body of every cursor."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=ascii_only).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def unpack(text: str) -> Any:
    """The JSON a packed cursor carries; InvalidCursor if it is not base64 JSON."""
    try:
        padded = text + "=" * (-len(text) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError) as exc:
        raise InvalidCursor(text) from exc


def encode_cursor(key: Sequence[Any]) -> str:
    """The opaque cursor of a key: its values as a JSON list."""
    return pack(list(key))


def decode_cursor(cursor: str, size: int, kinds: tuple[type, ...] = (str, int)) -> list[Any]:
    """The key a cursor carries: a list of `size` values of `kinds`; InvalidCursor otherwise."""
    key = unpack(cursor)
    if (
        not isinstance(key, list)
        or len(key) != size
        or not all(isinstance(part, kinds) and not isinstance(part, bool) for part in key)
    ):
        raise InvalidCursor(cursor)
    return key

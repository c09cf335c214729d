"""The one keyset page shape every domain list uses: rows in key order, never OFFSET."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass
class Page(Generic[T]):
    """One page of a keyset list: at most `limit` rows in `key` order, and whether more follow."""

    rows: list[T]
    more: bool
    key: str

    @property
    def next_after(self) -> Any:
        """The key to ask for the next page with, None on the last page."""
        return getattr(self.rows[-1], self.key) if self.more else None


def keyset_page(
    queryset: QuerySet, key: str, *, after: Any = None, limit: int | None = None
) -> Page:
    """The rows of `queryset` after the key `after`, ordered by the unique column `key`."""
    limit = limit or PAGE_SIZE
    if after is not None and after != "":
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: limit + 1])
    return Page(rows=rows[:limit], more=len(rows) > limit, key=key)

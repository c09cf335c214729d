"""One change of an item under the version its caller read, shared by the routers that change
items (the catalogue's and the control lists'): the `If-Match` header and the answer's ETag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from ninja import Header

from katalog.api.auth import AuthenticatedRequest
from katalog.api.concurrency import expected_version, with_etag
from katalog.catalog import selectors
from katalog.catalog.models import Item

IfMatch = Header(None, alias="If-Match", description='The ETag read from the item, e.g. W/"3".')


def item_change(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    act: Callable[[Item, int], Any],
) -> Any:
    """Run one change of an item under the version the caller read (`If-Match`); the answer
    carries the item's new version as its ETag. Returns what the change returned."""
    version = expected_version(request)
    item = selectors.item_get(number, reader=request.auth)
    result = act(item, version)
    with_etag(response, selectors.item_version(item))
    return result

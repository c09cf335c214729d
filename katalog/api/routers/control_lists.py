"""Dual-use marking: the entries of export-control lists (the EU dual-use list, national lists,
loaded as classifications) that cover an item of supply.

Reads show the entries only to readers who see the item in full (release rules); the assigning
bureau sets them, under the item's version (`If-Match`), through the classifier service.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Router

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.items import IfMatch, item_change
from katalog.api.schemas import SENDS_ETAG, VERSIONED_WRITE_PROBLEMS, language, responses
from katalog.api.schemas.control_lists import ControlEntriesIn, ControlEntriesOut, ControlEntryOut
from katalog.catalog import selectors as catalog_selectors
from katalog.catalog.models import Item
from katalog.classifiers import selectors, services

router = Router(tags=["catalogue"])


def control_entries_out(niin: str, reader: Any, lang: str) -> list[dict[str, str]]:
    """The item's entries as the reader may see them (none for a restricted item's outsider)."""
    return [e.as_dict() for e in selectors.control_entries(niin=niin, reader=reader, language=lang)]


@router.get(
    "/items/{number}/control-entries",
    auth=read_auth,
    response=responses({200: list[ControlEntryOut]}, (401, 404, 422)),
    operation_id="item_control_entries",
    summary="The export-control list entries (dual-use) that cover an item",
)
def item_control_entries(request: ReaderRequest, number: str, lang: str | None = None) -> Any:
    item = catalog_selectors.item_get(number, reader=request.auth)
    return control_entries_out(item.niin, request.auth, language(request, lang))


@router.put(
    "/items/{number}/control-entries",
    auth=api_auth,
    response=responses({200: ControlEntriesOut}, VERSIONED_WRITE_PROBLEMS),
    operation_id="item_control_entries_set",
    openapi_extra=SENDS_ETAG,
    summary="Set the export-control list entries that cover an item (its assigning bureau)",
)
def item_control_entries_set(
    request: AuthenticatedRequest,
    response: HttpResponse,
    number: str,
    payload: ControlEntriesIn,
    if_match: str | None = IfMatch,
    lang: str | None = None,
) -> Any:
    refs = [services.EntryRef(e.list, e.code, e.version) for e in payload.entries]

    def act(item: Item, version: int) -> Any:
        return services.control_entries_set(
            actor=request.auth, item=item, entries=refs, expected_version=version
        )

    item_change(request, response, number, act)
    item = catalog_selectors.item_get(number, reader=request.auth)
    return {
        "catalogue_number": item.catalogue_number,
        "version": catalog_selectors.item_version(item),
        "entries": control_entries_out(item.niin, request.auth, language(request, lang)),
    }

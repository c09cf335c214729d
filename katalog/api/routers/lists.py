"""Endpoints of preferred items and restrictive lists: the lists, one list with its entries
(keyset-paged, within the release rules), a new list, and putting an item on a list or taking
it off (the keeping bureau's cataloguers)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import translation
from ninja import Query, Router
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, ReaderRequest, api_auth, read_auth
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, next_cursor
from katalog.api.schemas import PAGINATED, WRITE_PROBLEMS, language, responses
from katalog.api.schemas.lists import (
    ItemListCreateIn,
    ItemListEntryIn,
    ItemListEntryOut,
    ItemListOut,
    ItemListPage,
)
from katalog.catalog import list_selectors, selectors, services
from katalog.catalog.models import ItemList, ItemListKind
from katalog.core.i18n import pick_text

router = Router(tags=["lists of items"])


def list_summary(item_list: ItemList, lang: str) -> dict[str, Any]:
    with translation.override(lang):
        kind_name = str(ItemListKind(item_list.kind).label)
    return {
        "id": item_list.pk,
        "kind": item_list.kind,
        "kind_name": kind_name,
        "code": item_list.code,
        "name": item_list.name,
        "bureau": item_list.bureau.key,
        "supply_classes": list(item_list.supply_classes),
        "item_names": list(item_list.item_names),
        "valid_from": item_list.valid_from,
        "valid_to": item_list.valid_to,
        "in_force": list_selectors.is_in_force(item_list),
        "act": {
            "number": item_list.act_number,
            "date": item_list.act_date,
            "text": item_list.act_text,
        },
        "version": item_list.row_version,
    }


def list_body(
    request: Any,
    response: HttpResponse,
    item_list: ItemList,
    lang: str,
    after: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> dict[str, Any]:
    key = decode_cursor(after, 1)
    entries = list_selectors.item_list_entries(
        item_list, reader=request.auth, after=str(key[0]) if key else None, limit=limit
    )
    return {
        **list_summary(item_list, lang),
        "entry_count": list_selectors.item_list_entry_count(item_list, reader=request.auth),
        "entries": {
            "items": [
                {
                    "catalogue_number": entry.item.catalogue_number,
                    "niin": entry.item.niin,
                    "item_name": pick_text(entry.item.item_name.names, lang),
                    "status": entry.item.status,
                    "bureau": entry.item.bureau.key,
                    "note": entry.note,
                }
                for entry in entries.rows
            ],
            "next": next_cursor(request, response, entries),
        },
    }


@router.get(
    "",
    auth=read_auth,
    response=responses({200: ItemListPage}, (401, 422)),
    operation_id="item_list_list",
    openapi_extra=PAGINATED,
    summary="Lists of preferred items and restrictive lists, in the order they were made",
)
def item_list_list(
    request: ReaderRequest,
    response: HttpResponse,
    kind: ItemListKind | None = None,
    in_force: bool = Query(False, description="Only the lists in force today"),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    key = decode_cursor(after, 1, (int,))
    found = list_selectors.item_list_list(
        reader=request.auth,
        kind=kind,
        in_force_on=list_selectors.today() if in_force else None,
        after=int(key[0]) if key else None,
        limit=limit,
    )
    lang_code = language(request, lang)
    return {
        "items": [list_summary(item_list, lang_code) for item_list in found.rows],
        "next": next_cursor(request, response, found),
    }


@router.get(
    "/{int:list_id}",
    auth=read_auth,
    response=responses({200: ItemListOut}, (401, 404, 422)),
    operation_id="item_list_get",
    openapi_extra=PAGINATED,
    summary="One list with its entries (keyset-paged; the items the reader sees in full)",
)
def item_list_get(
    request: ReaderRequest,
    response: HttpResponse,
    list_id: int,
    after: str | None = Query(None, max_length=200, description="`entries.next` of a page"),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    item_list = list_selectors.item_list_get(list_id, reader=request.auth)
    return list_body(request, response, item_list, language(request, lang), after, limit)


@router.post(
    "",
    auth=api_auth,
    response=responses({201: ItemListOut}, WRITE_PROBLEMS),
    operation_id="item_list_create",
    summary="A new list kept by the caller's bureau, with its scope, validity and act",
)
def item_list_create(
    request: AuthenticatedRequest,
    response: HttpResponse,
    payload: ItemListCreateIn,
    lang: str | None = None,
) -> Any:
    item_list = services.item_list_create(
        actor=request.auth,
        kind=payload.kind,
        code=payload.code,
        name=payload.name,
        supply_classes=payload.supply_classes,
        item_names=payload.item_names,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        act_number=payload.act_number,
        act_date=payload.act_date,
        act_text=payload.act_text,
    )
    item_list = list_selectors.item_list_get(item_list.pk, reader=request.auth)
    response["Location"] = f"{request.path.rstrip('/')}/{item_list.pk}"
    return Status(201, list_body(request, response, item_list, language(request, lang)))


@router.post(
    "/{int:list_id}/entries",
    auth=api_auth,
    response=responses({201: ItemListEntryOut}, WRITE_PROBLEMS),
    operation_id="item_list_entry_add",
    summary="Put an item on the list (the keeping bureau; the item must fit the list's scope)",
)
def item_list_entry_add(
    request: AuthenticatedRequest,
    response: HttpResponse,
    list_id: int,
    payload: ItemListEntryIn,
    lang: str | None = None,
) -> Any:
    item_list = list_selectors.item_list_get(list_id, reader=request.auth)
    item = selectors.item_get(payload.item, reader=request.auth)
    entry = services.item_list_entry_add(
        actor=request.auth, item_list=item_list, item=item, note=payload.note
    )
    response["Location"] = f"{request.path.rstrip('/')}/{item.niin}"
    return Status(
        201,
        {
            "catalogue_number": item.catalogue_number,
            "niin": item.niin,
            "item_name": pick_text(item.item_name.names, language(request, lang)),
            "status": item.status,
            "bureau": item.bureau.key,
            "note": entry.note,
        },
    )


@router.delete(
    "/{int:list_id}/entries/{number}",
    auth=api_auth,
    response=responses({204: None}, WRITE_PROBLEMS),
    operation_id="item_list_entry_remove",
    summary="Take an item off the list (the keeping bureau)",
)
def item_list_entry_remove(request: AuthenticatedRequest, list_id: int, number: str) -> Any:
    item_list = list_selectors.item_list_get(list_id, reader=request.auth)
    item = selectors.item_get(number, reader=request.auth)
    services.item_list_entry_remove(actor=request.auth, item_list=item_list, item=item)
    return Status(204, None)

"""Reference data endpoints: item names, identification guides, supply groups and classes, code
tables. Public reads, in the language asked for (`?lang=` or Accept-Language)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router

from katalog.api.auth import AuthenticatedRequest
from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, after_key, next_cursor
from katalog.api.schemas import PAGINATED, language, responses
from katalog.api.schemas.reference_data import (
    CodeTableOut,
    GuideOut,
    ItemNameDetailOut,
    ItemNamePage,
    SupplyClassDetailOut,
    SupplyGroupOut,
)
from katalog.core.i18n import pick_text
from katalog.names import selectors as names
from katalog.names.models import Characteristic, IdentificationGuide, ItemName
from katalog.refdata import selectors as refdata

router = Router(tags=["reference data"])


def name_summary(name: ItemName, lang: str) -> dict[str, Any]:
    return {
        "code": name.code,
        "kind": name.kind,
        "name": pick_text(name.names, lang),
        "guide": name.guide.code if name.guide else None,
    }


def unit_out(code: str, lang: str) -> dict[str, str] | None:
    if not code:
        return None
    unit = refdata.unit_find(code)
    return {"code": code, "title": pick_text(unit.names, lang) if unit else ""}


def characteristic_out(c: Characteristic, lang: str) -> dict[str, Any]:
    table = None
    if c.reply_table is not None:  # no query when the characteristic has no table
        table = {
            "code": c.reply_table.code,
            "name": pick_text(c.reply_table.names, lang),
            "codes": [
                {"code": r.code, "meaning": pick_text(r.meanings, lang)}
                for r in c.reply_table.codes.all()
            ],
        }
    return {
        "position": c.position,
        "code": c.code,
        "name": pick_text(c.names, lang),
        "reply_type": c.reply_type,
        "required": c.required,
        "is_key": c.is_key,
        "tolerance": c.tolerance,
        "canonical_unit": c.canonical_unit or None,
        "default_unit": unit_out(c.default_unit, lang),
        "min_value": c.min_value,
        "max_value": c.max_value,
        "reply_table": table,
    }


def guide_out(guide: IdentificationGuide, lang: str) -> dict[str, Any]:
    rows = names.guide_characteristics(guide)
    return {
        "code": guide.code,
        "name": pick_text(guide.names, lang),
        "characteristics": [characteristic_out(c, lang) for c in rows],
    }


def class_titles(codes: list[str], lang: str) -> list[dict[str, str]]:
    titles = refdata.supply_class_titles(codes)
    return [
        {"code": code, "title": pick_text(titles[code], lang) if code in titles else ""}
        for code in codes
    ]


@router.get(
    "/item-names",
    response=responses({200: ItemNamePage}, (422,)),
    operation_id="item_name_list",
    openapi_extra=PAGINATED,
    summary="Item names in code order; `q` is a prefix of the code or of a word of the name",
)
def item_name_list(
    request: AuthenticatedRequest,
    response: HttpResponse,
    q: str | None = Query(None, max_length=100),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    key = after_key(after)
    found = names.item_name_list(
        q=q or "", after=str(key) if key is not None else None, limit=limit
    )
    lang_code = language(request, lang)
    return {
        "items": [name_summary(n, lang_code) for n in found.rows],
        "next": next_cursor(request, response, found),
    }


@router.get(
    "/item-names/{code}",
    response=responses({200: ItemNameDetailOut}),
    operation_id="item_name_get",
    summary="An item name with definition, synonyms, related names, classes and its guide",
)
def item_name_get(request: AuthenticatedRequest, code: str, lang: str | None = None) -> Any:
    name = names.item_name_get(code)
    lang_code = language(request, lang)
    return {
        "code": name.code,
        "kind": name.kind,
        "name": pick_text(name.names, lang_code),
        "names": name.names,
        "definition": pick_text(name.definitions, lang_code),
        "approved_name": name_summary(name.approved_name, lang_code)
        if name.approved_name is not None
        else None,
        "synonyms": [name_summary(s, lang_code) for s in names.item_name_synonyms(name)],
        "related": [name_summary(r, lang_code) for r in names.item_name_related(name)],
        "supply_classes": class_titles(names.item_name_class_codes(name), lang_code),
        "guide": guide_out(name.guide, lang_code) if name.guide is not None else None,
    }


@router.get(
    "/guides/{code}",
    response=responses({200: GuideOut}),
    operation_id="guide_get",
    summary="An identification guide with its characteristics, reply tables and units",
)
def guide_get(request: AuthenticatedRequest, code: str, lang: str | None = None) -> Any:
    return guide_out(names.guide_get(code), language(request, lang))


@router.get(
    "/supply-groups",
    response=responses({200: list[SupplyGroupOut]}, (422,)),
    operation_id="supply_group_list",
    summary="Current supply groups",
)
def supply_group_list(request: AuthenticatedRequest, lang: str | None = None) -> Any:
    lang_code = language(request, lang)
    return [
        {"code": g.code, "title": pick_text(g.titles, lang_code)}
        for g in refdata.supply_group_list()
    ]


@router.get(
    "/supply-classes",
    response=responses({200: list[SupplyClassDetailOut]}, (422,)),
    operation_id="supply_class_list",
    summary="Current supply classes, of one group if asked, with the item names allowed in each",
)
def supply_class_list(
    request: AuthenticatedRequest,
    group: str | None = Query(None, min_length=2, max_length=2),
    lang: str | None = None,
) -> Any:
    lang_code = language(request, lang)
    classes = refdata.supply_class_list(group=group)
    allowed = names.class_item_names_by_class([c.code for c in classes])
    return [
        {
            "code": c.code,
            "group": c.group_code,
            "title": pick_text(c.titles, lang_code),
            "item_names": [name_summary(n, lang_code) for n in allowed[c.code]],
        }
        for c in classes
    ]


@router.get(
    "/code-tables/{name}",
    response=responses({200: CodeTableOut}),
    operation_id="code_table_get",
    summary="A code table (e.g. ITEM_STATUS) with the meaning of each code",
)
def code_table_get(request: AuthenticatedRequest, name: str, lang: str | None = None) -> Any:
    table = refdata.code_table_get(name)
    lang_code = language(request, lang)
    return {
        "name": table.key,
        "drn": table.drn,
        "title": pick_text(table.names, lang_code),
        "values": [
            {"code": v.code, "meaning": pick_text(v.meanings, lang_code)}
            for v in refdata.code_table_values(table)
        ],
    }

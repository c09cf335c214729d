"""Reference data endpoints: item names, identification guides, supply groups and classes, code
tables. Public reads, in the language asked for (`?lang=` or Accept-Language)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from katalog.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_cursor, page
from katalog.api.schemas import PAGINATED, language, responses
from katalog.core.errors import NotFound
from katalog.core.i18n import pick_text
from katalog.core.text import search_terms
from katalog.names.models import Characteristic, IdentificationGuide, ItemName, ItemNameClass
from katalog.refdata.models import CodeTable, SupplyClass, SupplyGroup, UnitOfMeasure

router = Router(tags=["reference data"])


class CodeTitleOut(Schema):
    code: str
    title: str


class ItemNameSummaryOut(Schema):
    code: str
    kind: str
    name: str
    guide: str | None


class ItemNamePage(Schema):
    items: list[ItemNameSummaryOut]
    next: str | None


class ReplyCodeOut(Schema):
    code: str
    meaning: str


class ReplyTableOut(Schema):
    code: str
    name: str
    codes: list[ReplyCodeOut]


class CharacteristicDefOut(Schema):
    position: int
    code: str
    name: str
    reply_type: str
    required: bool
    is_key: bool
    tolerance: float
    canonical_unit: str | None
    default_unit: CodeTitleOut | None
    min_value: float | None
    max_value: float | None
    reply_table: ReplyTableOut | None


class GuideOut(Schema):
    code: str
    name: str
    characteristics: list[CharacteristicDefOut]


class ItemNameDetailOut(Schema):
    code: str
    kind: str
    name: str
    names: dict[str, str]
    definition: str
    approved_name: ItemNameSummaryOut | None
    synonyms: list[ItemNameSummaryOut]
    related: list[ItemNameSummaryOut]
    supply_classes: list[CodeTitleOut] = Field(description="Classes in which items of this name may be")
    guide: GuideOut | None


class SupplyGroupOut(Schema):
    code: str
    title: str


class SupplyClassDetailOut(Schema):
    code: str
    group: str
    title: str
    item_names: list[ItemNameSummaryOut] = Field(description="Item names allowed in the class")


class CodeTableOut(Schema):
    name: str
    drn: str
    title: str
    values: list[ReplyCodeOut]


def _current(rows: Any, on: dt.date) -> Any:
    return rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on)
    )


def name_summary(name: ItemName, lang: str) -> dict[str, Any]:
    return {"code": name.code, "kind": name.kind, "name": pick_text(name.names, lang), "guide": name.guide.code if name.guide_id else None}


def unit_out(code: str, lang: str) -> dict[str, str] | None:
    if not code:
        return None
    unit = UnitOfMeasure.objects.filter(code=code).first()
    return {"code": code, "title": pick_text(unit.names, lang) if unit else ""}


def characteristic_out(c: Characteristic, lang: str) -> dict[str, Any]:
    table = None
    if c.reply_table_id:
        table = {
            "code": c.reply_table.code,
            "name": pick_text(c.reply_table.names, lang),
            "codes": [{"code": r.code, "meaning": pick_text(r.meanings, lang)} for r in c.reply_table.codes.all()],
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
    rows = guide.characteristics.select_related("reply_table").prefetch_related("reply_table__codes").order_by("position")
    return {"code": guide.code, "name": pick_text(guide.names, lang), "characteristics": [characteristic_out(c, lang) for c in rows]}


def class_titles(codes: list[str], lang: str) -> list[dict[str, str]]:
    today = timezone.localdate()
    titles = {c.code: pick_text(c.titles, lang) for c in _current(SupplyClass.objects.filter(code__in=codes), today)}
    return [{"code": code, "title": titles.get(code, "")} for code in codes]


@router.get(
    "/item-names",
    response=responses({200: ItemNamePage}, (422,)),
    operation_id="item_name_list",
    openapi_extra=PAGINATED,
    summary="Item names in code order; `q` is a prefix of the code or of a word of the name",
)
def item_name_list(
    request: HttpRequest,
    response: HttpResponse,
    q: str | None = Query(None, max_length=100),
    after: str | None = Query(None, max_length=200),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    lang: str | None = None,
) -> Any:
    rows = ItemName.objects.select_related("guide").order_by("code")
    if q and q.strip():
        condition = Q(code__startswith=q.strip())
        for term in search_terms(q):
            condition |= Q(search_text__startswith=term) | Q(search_text__contains=" " + term)
        rows = rows.filter(condition)
    key = decode_cursor(after, 1)
    if key:
        rows = rows.filter(code__gt=str(key[0]))
    names, cursor = page(request, response, list(rows[: limit + 1]), limit, lambda n: [n.code])
    lang_code = language(request, lang)
    return {"items": [name_summary(n, lang_code) for n in names], "next": cursor}


@router.get(
    "/item-names/{code}",
    response=responses({200: ItemNameDetailOut}),
    operation_id="item_name_get",
    summary="An item name with definition, synonyms, related names, classes and its guide",
)
def item_name_get(request: HttpRequest, code: str, lang: str | None = None) -> Any:
    name = ItemName.objects.select_related("guide", "approved_name__guide").filter(code=code).first()
    if name is None:
        raise NotFound(_("No item name with code %(code)s") % {"code": code}, code="ITEM_NAME_NOT_FOUND")
    lang_code = language(request, lang)
    classes = list(ItemNameClass.objects.filter(item_name=name).values_list("class_code", flat=True))
    return {
        "code": name.code,
        "kind": name.kind,
        "name": pick_text(name.names, lang_code),
        "names": name.names,
        "definition": pick_text(name.definitions, lang_code),
        "approved_name": name_summary(name.approved_name, lang_code) if name.approved_name_id else None,
        "synonyms": [name_summary(s, lang_code) for s in name.synonyms.select_related("guide").order_by("code")],
        "related": [name_summary(r, lang_code) for r in name.related.select_related("guide").order_by("code")],
        "supply_classes": class_titles(classes, lang_code),
        "guide": guide_out(name.guide, lang_code) if name.guide_id else None,
    }


@router.get(
    "/guides/{code}",
    response=responses({200: GuideOut}),
    operation_id="guide_get",
    summary="An identification guide with its characteristics, reply tables and units",
)
def guide_get(request: HttpRequest, code: str, lang: str | None = None) -> Any:
    guide = IdentificationGuide.objects.filter(code=code).first()
    if guide is None:
        raise NotFound(_("No identification guide %(code)s") % {"code": code}, code="GUIDE_NOT_FOUND")
    return guide_out(guide, language(request, lang))


@router.get(
    "/supply-groups",
    response=responses({200: list[SupplyGroupOut]}, (422,)),
    operation_id="supply_group_list",
    summary="Current supply groups",
)
def supply_group_list(request: HttpRequest, lang: str | None = None) -> Any:
    lang_code = language(request, lang)
    rows = _current(SupplyGroup.objects.order_by("code"), timezone.localdate())
    return [{"code": g.code, "title": pick_text(g.titles, lang_code)} for g in rows]


@router.get(
    "/supply-classes",
    response=responses({200: list[SupplyClassDetailOut]}, (422,)),
    operation_id="supply_class_list",
    summary="Current supply classes, of one group if asked, with the item names allowed in each",
)
def supply_class_list(
    request: HttpRequest,
    group: str | None = Query(None, min_length=2, max_length=2),
    lang: str | None = None,
) -> Any:
    lang_code = language(request, lang)
    rows = _current(SupplyClass.objects.order_by("code"), timezone.localdate())
    if group:
        rows = rows.filter(group_code=group)
    classes = list(rows)
    allowed: dict[str, list[dict[str, Any]]] = {c.code: [] for c in classes}
    links = ItemNameClass.objects.filter(class_code__in=allowed).select_related("item_name__guide")
    for link in links.order_by("class_code", "item_name__code"):
        allowed[link.class_code].append(name_summary(link.item_name, lang_code))
    return [
        {"code": c.code, "group": c.group_code, "title": pick_text(c.titles, lang_code), "item_names": allowed[c.code]}
        for c in classes
    ]


@router.get(
    "/code-tables/{name}",
    response=responses({200: CodeTableOut}),
    operation_id="code_table_get",
    summary="A code table (e.g. ITEM_STATUS) with the meaning of each code",
)
def code_table_get(request: HttpRequest, name: str, lang: str | None = None) -> Any:
    table = CodeTable.objects.filter(key=name.upper()).first()
    if table is None:
        raise NotFound(_("No code table %(name)s") % {"name": name}, code="CODE_TABLE_NOT_FOUND")
    lang_code = language(request, lang)
    return {
        "name": table.key,
        "drn": table.drn,
        "title": pick_text(table.names, lang_code),
        "values": [{"code": v.code, "meaning": pick_text(v.meanings, lang_code)} for v in table.values.order_by("position", "code")],
    }

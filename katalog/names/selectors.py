"""Reads of the item name dictionary: item names, identification guides, their characteristics
and reply tables, and the item names allowed in supply classes. Lists are keyset pages by code."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from katalog.core.errors import NotFound
from katalog.core.paging import Page, keyset_page
from katalog.core.text import search_terms
from katalog.names.errors import NamesErrorCode as E
from katalog.names.models import (
    Characteristic,
    IdentificationGuide,
    ItemName,
    ItemNameClass,
    ReplyCode,
)


def item_name_list(
    *, q: str = "", after: str | None = None, limit: int | None = None
) -> Page[ItemName]:
    """Item names by code; `q` is a prefix of the code or of a word of the name in any language."""
    rows = ItemName.objects.select_related("guide", "approved_name")
    text = (q or "").strip()
    if text:
        condition = Q(code__startswith=text)
        for term in search_terms(text):
            # search_text holds the name's words in every language, space separated.
            condition |= Q(search_text__startswith=term) | Q(search_text__contains=" " + term)
        rows = rows.filter(condition)
    return keyset_page(rows, "code", after=after, limit=limit)


def item_name_get(code: str) -> ItemName:
    """An item name with its guide (characteristics and reply tables), synonyms, related names
    and allowed classes."""
    found = (
        ItemName.objects.select_related("guide", "approved_name__guide")
        .prefetch_related("synonyms", "related", "classes", "guide__characteristics__reply_table")
        .filter(code=code.strip())
        .first()
    )
    if found is None:
        raise NotFound(
            _("No item name with code %(code)s") % {"code": code}, code=E.ITEM_NAME_NOT_FOUND
        )
    return found


def item_name_synonyms(item_name: ItemName) -> QuerySet[ItemName]:
    return item_name.synonyms.select_related("guide").order_by("code")


def item_name_related(item_name: ItemName) -> QuerySet[ItemName]:
    return item_name.related.select_related("guide").order_by("code")


def item_name_class_codes(item_name: ItemName) -> list[str]:
    """Codes of the supply classes in which items of this name may be, in code order."""
    return sorted(link.class_code for link in item_name.classes.all())


def class_item_names(
    class_code: str, *, after: str | None = None, limit: int | None = None
) -> Page[ItemName]:
    """Item names allowed in a supply class, by code."""
    allowed = ItemNameClass.objects.filter(class_code=class_code).values("item_name_id")
    rows = ItemName.objects.select_related("guide").filter(pk__in=allowed)
    return keyset_page(rows, "code", after=after, limit=limit)


def class_item_names_by_class(class_codes: list[str]) -> dict[str, list[ItemName]]:
    """Class code → the item names allowed in it by code, for a few classes at once."""
    allowed: dict[str, list[ItemName]] = {code: [] for code in class_codes}
    links = ItemNameClass.objects.filter(class_code__in=class_codes).select_related(
        "item_name__guide"
    )
    for link in links.order_by("class_code", "item_name__code"):
        allowed[link.class_code].append(link.item_name)
    return allowed


def guide_get(code: str) -> IdentificationGuide:
    found = IdentificationGuide.objects.filter(code=code.strip()).first()
    if found is None:
        raise NotFound(
            _("No identification guide %(code)s") % {"code": code}, code=E.GUIDE_NOT_FOUND
        )
    return found


def guide_characteristics(guide: IdentificationGuide) -> QuerySet[Characteristic]:
    """The guide's characteristics in position order, with their reply tables and codes."""
    return (
        guide.characteristics.select_related("reply_table")
        .prefetch_related("reply_table__codes")
        .order_by("position")
    )


def guide_characteristic(item_name_code: str, code: str) -> Characteristic:
    """One characteristic of the guide of an item name."""
    found = (
        Characteristic.objects.select_related("reply_table")
        .filter(guide__item_names__code=item_name_code, code=code)
        .first()
    )
    if found is None:
        raise NotFound(
            _("Characteristic %(code)s is not in the guide of item name %(name)s")
            % {"code": code, "name": item_name_code},
            code=E.UNKNOWN_CHARACTERISTIC,
        )
    return found


def reply_choices(characteristic: Characteristic) -> list[tuple[str, Any]]:
    """(code, meanings) of a coded characteristic's reply table, in code order."""
    if not characteristic.reply_table_id:
        return []
    codes = ReplyCode.objects.filter(table_id=characteristic.reply_table_id).order_by("code")
    return list(codes.values_list("code", "meanings"))


def reply_meanings(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], dict[str, str]]:
    """(reply table id, code) → the code's meanings per language, for the coded replies of one
    page, read in one query."""
    if not pairs:
        return {}
    tables = {table for table, _code in pairs}
    codes = {code for _table, code in pairs}
    rows = ReplyCode.objects.filter(table_id__in=tables, code__in=codes)
    found = rows.values_list("table_id", "code", "meanings")
    return {(table, code): meanings for table, code, meanings in found if (table, code) in pairs}


def characteristics_of_names(item_name_codes: set[str]) -> dict[tuple[str, str], Characteristic]:
    """(item name code, characteristic code) → the characteristic of the name's guide, for the
    item names of one page, read in one query."""
    if not item_name_codes:
        return {}
    rows = Characteristic.objects.filter(guide__item_names__code__in=item_name_codes)
    rows = rows.annotate(item_name_code=F("guide__item_names__code"))
    return {(c.item_name_code, c.code): c for c in rows}

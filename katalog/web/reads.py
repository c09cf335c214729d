"""Reads the pages need that no domain selector offers yet: keyset lists of manufacturers and
item names, and the supply classification tree.

Read-only and shaped for 20M items / 3M manufacturers: every list is keyset-paginated on an
indexed unique column (never OFFSET). Candidates to move into the domain apps' selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from katalog.catalog.models import Item, Manufacturer, Reference
from katalog.core.errors import NotFound
from katalog.core.text import word_key
from katalog.names.models import Characteristic, ItemName, ItemNameClass, ReplyCode
from katalog.refdata.models import SupplyClass, SupplyGroup

T = TypeVar("T")
PAGE_SIZE = 50


@dataclass
class Page(Generic[T]):
    rows: list[T]
    next_after: str | None  # the key to ask for the next page with, None on the last page


def _keyset(queryset: QuerySet, key: str, after: str | None, limit: int | None) -> Page:
    limit = limit or PAGE_SIZE
    if after:
        queryset = queryset.filter(**{f"{key}__gt": after})
    rows = list(queryset.order_by(key)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows=rows, next_after=getattr(rows[-1], key) if more else None)


def manufacturer_page(*, prefix: str = "", after: str | None = None, limit: int | None = None) -> Page[Manufacturer]:
    """Manufacturers by code; `prefix` keeps codes starting with it (case-insensitive)."""
    queryset = Manufacturer.objects.select_related("country")
    if prefix:
        queryset = queryset.filter(code__startswith=prefix.strip().upper())
    return _keyset(queryset, "code", after, limit)


def manufacturer_get(code: str) -> Manufacturer:
    found = Manufacturer.objects.select_related("country", "replaced_by", "parent", "bureau").filter(
        code=code.strip().upper()
    ).first()
    if found is None:
        raise NotFound(_("No manufacturer with code %(code)s") % {"code": code}, code="MANUFACTURER_NOT_FOUND")
    return found


def manufacturer_items(manufacturer: Manufacturer, *, after: str | None = None, limit: int | None = None) -> Page[Item]:
    """Items holding a reference of this manufacturer, by identification number."""
    holding = Reference.objects.filter(manufacturer=manufacturer).values("item_id")
    queryset = Item.objects.select_related("item_name").filter(pk__in=holding)
    return _keyset(queryset, "niin", after, limit)


def item_name_page(*, q: str = "", after: str | None = None, limit: int | None = None) -> Page[ItemName]:
    """Item names by code; `q` matches a code prefix or words of the name in any language."""
    queryset = ItemName.objects.select_related("approved_name")
    text = q.strip()
    if text.isdigit():
        queryset = queryset.filter(code__startswith=text)
    elif text:
        condition = Q()
        for word in word_key(text).split():
            condition &= Q(search_text__contains=word)
        queryset = queryset.filter(condition)
    return _keyset(queryset, "code", after, limit)


def item_name_get(code: str) -> ItemName:
    found = (
        ItemName.objects.select_related("guide", "approved_name")
        .prefetch_related("synonyms", "related", "classes", "guide__characteristics__reply_table")
        .filter(code=code.strip())
        .first()
    )
    if found is None:
        raise NotFound(_("No item name with code %(code)s") % {"code": code}, code="ITEM_NAME_NOT_FOUND")
    return found


def supply_groups() -> list[SupplyGroup]:
    """The current supply groups (one row per code: the latest validity period)."""
    return list(SupplyGroup.objects.filter(valid_to__isnull=True).order_by("code"))


def supply_group_get(code: str) -> SupplyGroup:
    found = SupplyGroup.objects.filter(code=code, valid_to__isnull=True).first()
    if found is None:
        raise NotFound(_("No supply group %(code)s") % {"code": code}, code="SUPPLY_GROUP_NOT_FOUND")
    return found


def supply_classes(group_code: str) -> list[SupplyClass]:
    return list(SupplyClass.objects.filter(group_code=group_code, valid_to__isnull=True).order_by("code"))


def supply_class_get(code: str) -> SupplyClass:
    found = SupplyClass.objects.filter(code=code, valid_to__isnull=True).first()
    if found is None:
        raise NotFound(_("No supply class %(code)s") % {"code": code}, code="SUPPLY_CLASS_NOT_FOUND")
    return found


def class_item_names(class_code: str, *, after: str | None = None, limit: int | None = None) -> Page[ItemName]:
    """Item names allowed in a supply class."""
    allowed = ItemNameClass.objects.filter(class_code=class_code).values("item_name_id")
    return _keyset(ItemName.objects.filter(pk__in=allowed), "code", after, limit)


def item_name_with_guide(code: str) -> ItemName:
    """The item name whose guide drives a request line form, with its characteristics."""
    return item_name_get(code)


def guide_characteristic(item_name_code: str, code: str) -> Characteristic:
    found = (
        Characteristic.objects.select_related("reply_table")
        .filter(guide__item_names__code=item_name_code, code=code)
        .first()
    )
    if found is None:
        raise NotFound(
            _("Characteristic %(code)s is not in the guide of item name %(name)s")
            % {"code": code, "name": item_name_code},
            code="UNKNOWN_CHARACTERISTIC",
        )
    return found


def reply_choices(characteristic: Characteristic) -> list[tuple[str, dict[str, str]]]:
    """(code, meanings) of a coded characteristic's reply table, in code order."""
    if not characteristic.reply_table_id:
        return []
    codes = ReplyCode.objects.filter(table_id=characteristic.reply_table_id).order_by("code")
    return list(codes.values_list("code", "meanings"))

"""Preparing a described item for screening: its reference cells read and their keys made,
manufacturer codes and the item name resolved, characteristic replies parsed by the guide.
Bad input is refused here, with the field it concerns, before anything is looked up.

`Lookups` caches the small tables one screening run reads again and again (item names,
manufacturers, guides), so the lines of a parts list share them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from katalog.catalog.manufacturer_selectors import manufacturer_code_key
from katalog.catalog.models import Manufacturer
from katalog.catalog.rules import SUPPLY_CLASS_RE
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.text import ascii_code_key, code_key, word_key
from katalog.names.models import Characteristic, ItemName
from katalog.names.values import parse_reply
from katalog.screening.cells import parse_reference_cell
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.keys import folded_key, translit_key
from katalog.screening.services.interface import ReferenceInput, ScreeningInput


@dataclass
class PreparedReference:
    """A reference of a described item as screening compares it: the number with its keys
    and the manufacturer it names, by code (resolved) or by name."""

    number: str
    key: str
    ascii_key: str
    folded: str
    translit: str
    manufacturer: Manufacturer | None
    manufacturer_code: str
    manufacturer_name: str
    raw: str = ""  # the cell as given, before its prefix and manufacturer were taken off
    # the registry manufacturer a given name matched (by normalised name, across scripts)
    manufacturer_by_name: Manufacturer | None = None


@dataclass
class Prepared:
    """A described item ready to be screened: its references, item name (and related
    names), the guide's characteristics and the given replies parsed."""

    query: ScreeningInput
    refs: list[PreparedReference]
    item_name: ItemName | None
    related_name_ids: frozenset[int]
    key_characteristics: list[Characteristic]
    values: dict[str, dict[str, Any]]  # characteristic code -> parsed reply fields
    characteristics: dict[str, Characteristic]
    # characteristic code -> ids of that code in the guides of the name and its related names
    same_code_ids: dict[str, list[int]]


class Lookups:
    """Caches of small tables for one screening run (item names, manufacturers, guides)."""

    def __init__(self) -> None:
        self.item_names: dict[str, ItemName | None] = {}
        self.manufacturers: dict[str, Manufacturer | None] = {}
        self.related: dict[int, frozenset[int]] = {}
        self.guides: dict[int, dict[str, Characteristic]] = {}
        self.same_code: dict[tuple[frozenset[int], str], list[int]] = {}

    def load_manufacturers(self, codes: Iterable[str]) -> None:
        wanted = {manufacturer_code_key(c) for c in codes if c.strip()} - set(self.manufacturers)
        if not wanted:
            return
        found = {m.code: m for m in Manufacturer.objects.filter(code__in=wanted)}
        for code in wanted:
            self.manufacturers[code] = found.get(code)

    def item_name(self, text: str) -> ItemName | None:
        text = text.strip()
        if text not in self.item_names:
            self.item_names[text] = _find_item_name(text)
        return self.item_names[text]

    def related_ids(self, name: ItemName) -> frozenset[int]:
        if name.pk not in self.related:
            ids = set(name.related.values_list("pk", flat=True))
            if name.approved_name_id:
                ids.add(name.approved_name_id)
            self.related[name.pk] = frozenset(ids - {name.pk})
        return self.related[name.pk]

    def same_code_ids(self, names: frozenset[int], code: str) -> list[int]:
        """Ids of the characteristic with this code in the guides of these item names."""
        if (names, code) not in self.same_code:
            rows = Characteristic.objects.filter(guide__item_names__pk__in=names, code=code)
            self.same_code[names, code] = sorted(set(rows.values_list("pk", flat=True)))
        return self.same_code[names, code]

    def guide(self, guide_id: int | None) -> dict[str, Characteristic]:
        if guide_id is None:
            return {}
        if guide_id not in self.guides:
            rows = Characteristic.objects.filter(guide_id=guide_id).select_related("reply_table")
            self.guides[guide_id] = {c.code: c for c in rows.order_by("position")}
        return self.guides[guide_id]


def _find_item_name(text: str) -> ItemName | None:
    """An item name by its 5-digit code, or by one of its names in any language."""
    if not text:
        return None
    if text.isdigit():
        return ItemName.objects.filter(code=text).select_related("guide").first()
    wanted = word_key(text)
    rows = ItemName.objects.filter(search_text__contains=wanted).select_related("guide")[:20]
    for name in rows:
        if any(word_key(n) == wanted for n in name.names.values()):
            return name
    return None


def _invalid(field_name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[FieldError(field_name, code, message)])


def prepare(query: ScreeningInput, lookups: Lookups) -> Prepared:
    """Resolve codes and parse characteristic replies; ValidationFailed names the field."""
    refs = [_prepare_reference(r, lookups) for r in query.references if r.number.strip()]
    if not refs and not query.item_name_code.strip():
        raise _invalid(
            "reference_number",
            E.SCREENING_NOTHING_TO_COMPARE,
            _("Give a reference number or an item name"),
        )
    if query.supply_class.strip() and not SUPPLY_CLASS_RE.match(query.supply_class.strip()):
        raise _invalid(
            "supply_class",
            E.INVALID_SUPPLY_CLASS,
            _("Supply class %(code)r must be 4 digits") % {"code": query.supply_class},
        )
    item_name = lookups.item_name(query.item_name_code) if query.item_name_code.strip() else None
    if query.item_name_code.strip() and item_name is None:
        raise _invalid(
            "item_name",
            E.UNKNOWN_ITEM_NAME,
            _("Unknown item name %(name)r") % {"name": query.item_name_code},
        )
    guide = lookups.guide(item_name.guide_id) if item_name else {}
    values = _parse_values(query, guide)
    related = lookups.related_ids(item_name) if item_name else frozenset()
    names = frozenset({item_name.pk, *related}) if item_name else frozenset()
    return Prepared(
        query=query,
        refs=refs,
        item_name=item_name,
        related_name_ids=related,
        key_characteristics=[c for c in guide.values() if c.is_key],
        values=values,
        characteristics=guide,
        same_code_ids={code: lookups.same_code_ids(names, code) for code in values},
    )


def _prepare_reference(ref: ReferenceInput, lookups: Lookups) -> PreparedReference:
    cell = parse_reference_cell(ref.number)
    number = cell.number
    code = manufacturer_code_key(ref.manufacturer_code)
    name = ref.manufacturer_name.strip()
    if not code and not name and cell.manufacturer:
        code = cell.manufacturer.upper()
    manufacturer = lookups.manufacturers.get(code) if code else None
    if code and code not in lookups.manufacturers:
        lookups.load_manufacturers([code])
        manufacturer = lookups.manufacturers.get(code)
    if code and manufacturer is None and not name and (len(code) > 5 or not code.isalnum()):
        # a code column holding a name (`Самарский завод крепежа`): read it as the name
        code, name = "", ref.manufacturer_code.strip() or cell.manufacturer
    return PreparedReference(
        number=number,
        key=code_key(number),
        ascii_key=ascii_code_key(number),
        folded=folded_key(number),
        translit=translit_key(number),
        manufacturer=manufacturer,
        manufacturer_code=code,
        manufacturer_name=name,
        raw=ref.number,
    )


def _parse_values(
    query: ScreeningInput, guide: dict[str, Characteristic]
) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for code, raw in query.characteristics.items():
        code = code.strip().upper()
        if not str(raw).strip():
            continue
        characteristic = guide.get(code)
        if characteristic is None:
            raise _invalid(
                code,
                E.UNKNOWN_CHARACTERISTIC,
                _("Characteristic %(code)s is not in the guide of the item name") % {"code": code},
            )
        values[code] = parse_reply(characteristic, str(raw), locale=query.locale)
    for code, parsed in query.parsed_characteristics.items():
        if code in guide:
            values[code] = dict(parsed)
    return values

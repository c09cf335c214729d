"""A small deterministic catalogue for search tests, built through the catalogue services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from katalog.catalog import services
from katalog.catalog.models import Item, Manufacturer
from katalog.core.actors import SYSTEM_INIT
from tests.factories import bureau, make_item


@dataclass
class Catalogue:
    items: dict[str, Item]
    makers: dict[str, Manufacturer]

    def __getitem__(self, label: str) -> Item:
        return self.items[label]

    def label_of(self, catalogue_number: str) -> str:
        return next(
            label for label, item in self.items.items() if item.catalogue_number == catalogue_number
        )


def _maker(code: str, country: str, names: dict[str, str], bureau_key: str) -> Manufacturer:
    return Manufacturer.objects.create(
        code=code,
        names=names,
        country_id=country,
        bureau=bureau(bureau_key),
        search_text=services.manufacturer_search_text(code, names),
    )


# label: (bureau, class, item name code, name as received, [(maker, reference)],
#         {characteristic: reply}, status)
ITEMS = {
    "nut_m10": (
        "RU",
        "5310",
        "10101",
        "",
        [("A001F", "MS21042-L3")],
        {"THDD": "10 mm", "MATL": "STL"},
        "0",
    ),
    "nut_locking": (
        "RU",
        "5310",
        "10102",
        "",
        [("A001F", "MS21042-L8")],
        {"THDD": "0.5 in", "MATL": "SST"},
        "0",
    ),
    "nut_kz": (
        "KZ",
        "5310",
        "10101",
        "",
        [("K0001", "АБВГ.123-01")],
        {"THDD": "12 mm", "MATL": "BRS"},
        "0",
    ),
    "nut_kz_02": (
        "KZ",
        "5310",
        "10101",
        "",
        [("K0001", "АБВГ.123-02")],
        {"THDD": "16 mm", "MATL": "STL"},
        "0",
    ),
    "bolt_01": ("RU", "5306", "10201", "", [("A001F", "ABC-01")], {}, "0"),
    "bolt_02": ("RU", "5306", "10201", "", [("A002F", "ABC-02")], {}, "4"),
    "bearing": (
        "RU",
        "3110",
        "20101",
        "",
        [("1ABC2", "6205-2RS"), ("A002F", "6205.2RS.C3")],
        {},
        "0",
    ),
    "resistor": ("RU", "5905", "30101", "", [("A002F", "С2-33Н-0,25")], {}, "0"),
    "valve": (
        "KZ",
        "5310",
        "77777",
        "КЛАПАН ГИДРАВЛИЧЕСКИЙ ОБРАТНЫЙ",
        [("K0001", "КЛ-2024/7")],
        {},
        "0",
    ),
    "washer": ("RU", "5310", "10301", "", [("A002F", "ГОСТ 11371-78")], {}, "0"),
    "pump_latin": ("KZ", "4320", "77777", "NASOS GIDRAVLIK", [], {}, "0"),
}
REGISTRATIONS = {"nut_m10": ["KZ"], "nut_kz": ["KZ", "RU"], "bearing": ["BY"]}


def build_catalogue() -> Catalogue:
    makers = {
        "A001F": _maker("A001F", "RU", {"ru": "Завод Прогресс", "en": "Progress Plant"}, "RU"),
        "A002F": _maker("A002F", "RU", {"ru": "Уралмаш"}, "RU"),
        "K0001": _maker("K0001", "KZ", {"kk": "Қазақ зауыты"}, "KZ"),
        "1ABC2": _maker("1ABC2", "US", {"en": "Bearing Corp"}, "US"),
    }
    items: dict[str, Item] = {}
    for label, (
        bureau_key,
        supply_class,
        name_code,
        name_text,
        refs,
        chars,
        status,
    ) in ITEMS.items():
        item = make_item(bureau_key, supply_class, name_code, name_text=name_text, status=status)
        for maker, number in refs:
            services.reference_add(
                actor=SYSTEM_INIT, item=item, manufacturer=makers[maker], number=number
            )
        for code, raw in chars.items():
            services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
        for user in REGISTRATIONS.get(label, []):
            services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(user))
        item.refresh_from_db()
        items[label] = item
    return Catalogue(items, makers)


@pytest.fixture
def catalogue(db) -> Catalogue:
    return build_catalogue()

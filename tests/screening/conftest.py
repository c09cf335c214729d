"""Screening fixtures: a small catalogue built through the catalogue services."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from katalog.catalog import services
from katalog.catalog.models import Item, Manufacturer
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.services import screening_keys_backfill
from tests.factories import ManufacturerFactory, UserFactory, make_item


@dataclass
class Catalogue:
    maker: Manufacturer
    other_maker: Manufacturer
    nut: Item  # 10101 NUT, PLAIN, HEXAGON with references and key characteristics
    sibling: Item  # the -02 variant of the nut's drawing number
    bolt: Item  # another item name entirely
    zeros: Item  # reference with leading zeros
    cyrillic: Item  # Cyrillic drawing number


def add_item(
    maker: Manufacturer,
    number: str,
    *,
    name: str = "10101",
    supply_class: str = "5310",
    **values: str,
) -> Item:
    item = make_item(item_name_code=name, supply_class=supply_class)
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number=number)
    for code, raw in values.items():
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    return item


@pytest.fixture
def catalogue(db) -> Catalogue:
    maker = ManufacturerFactory(
        code="A100F", names={"en": "Samara Fastener Works", "ru": "Самарский завод крепежа"}
    )
    other = ManufacturerFactory(code="A200F", names={"en": "Tula Hardware", "ru": "Тульский метиз"})
    nut = add_item(
        maker, "АБВГ.123456.001-01", THDD="10 mm", THDP="1.5 mm", MATL="STL", WDAF="17 mm"
    )
    sibling = add_item(
        maker, "АБВГ.123456.001-02", THDD="12 mm", THDP="1.75 mm", MATL="STL", WDAF="19 mm"
    )
    bolt = add_item(
        maker, "BM-10-40", name="10201", supply_class="5306", THDD="10 mm", LNTH="40 mm", MATL="STL"
    )
    zeros = add_item(maker, "MS-0035", THDD="8 mm", THDP="1.25 mm", MATL="SST", WDAF="13 mm")
    cyrillic = add_item(maker, "ЖЗИК.305", THDD="6 mm", THDP="1 mm", MATL="BRS", WDAF="10 mm")
    screening_keys_backfill()
    return Catalogue(maker, other, nut, sibling, bolt, zeros, cyrillic)


@pytest.fixture
def person(db):
    return UserFactory(username="screener")

"""Fixtures for the page tests: people in bureaus, an item with references and values."""

from __future__ import annotations

import pytest

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item


@pytest.fixture
def cataloguer(db):
    return UserFactory(username="ru-cataloguer", bureau=bureau("RU"))


@pytest.fixture
def nut(db):
    """A hexagon nut with a Cyrillic reference and a thread diameter of 10 mm."""
    item = make_item()
    maker = ManufacturerFactory(code="A777F", names={"ru": "Завод крепежа"})
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АВС-77")
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    return item

"""Fixtures of the register of normative documents: a shipped standard cited by two items."""

from __future__ import annotations

import pytest

from katalog.catalog import services as catalog
from katalog.core.actors import SYSTEM_INIT
from katalog.nomenclature.models import NormativeDocument
from tests.api.conftest import (  # noqa: F401  (the API fixtures, shared)
    TokenClient,
    anonymous_api,
    kz_api,
    ru_api,
    user_with_token,
)
from tests.factories import ManufacturerFactory, make_item


@pytest.fixture
def nuts_standard(db) -> NormativeDocument:
    """ГОСТ 5915-70, registered by `katalog init`."""
    return NormativeDocument.objects.get(key="GOST591570")


@pytest.fixture
def citing_nuts(db):
    """Two nuts citing ГОСТ 5915-70 as a standard (RNCC 2), typed two ways, and one whose
    reference of the same number is a manufacturer's part number (RNCC 3), which cites nothing."""
    items = []
    for number, category in (("ГОСТ 5915-70", "2"), ("GOST 5915–70", "4"), ("ГОСТ 5915-70", "3")):
        item = make_item("RU", name_text="ГАЙКА")
        catalog.reference_add(
            actor=SYSTEM_INIT,
            item=item,
            manufacturer=ManufacturerFactory(),
            number=number,
            category=category,
        )
        items.append(item)
    return items


@pytest.fixture
def centre_api(db) -> TokenClient:
    _user, token = user_with_token("mc-cataloguer", "MC")
    return TokenClient(token)

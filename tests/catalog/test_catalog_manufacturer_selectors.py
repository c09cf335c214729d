import pytest

from katalog.catalog import manufacturer_selectors as selectors
from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import NotFound
from tests.factories import ManufacturerFactory, make_item

pytestmark = pytest.mark.django_db


def test_manufacturers_page_by_code_within_a_prefix():
    for code in ("A100F", "A101F", "A102F", "B200F"):
        ManufacturerFactory(code=code)
    first = selectors.manufacturer_list(q="a10", limit=2, reader=SYSTEM_INIT)
    assert [m.code for m in first.rows] == ["A100F", "A101F"]
    assert first.next_after == "A101F"
    last = selectors.manufacturer_list(q="A10", after=first.next_after, limit=2, reader=SYSTEM_INIT)
    assert [m.code for m in last.rows] == ["A102F"]
    assert last.next_after is None


def test_manufacturer_items_are_counted_once_and_paged_by_number():
    maker = ManufacturerFactory(code="A777F")
    item = make_item()
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="AB-1")
    services.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="AB-2")
    found = selectors.manufacturer_get(" a777f ", reader=SYSTEM_INIT)
    assert selectors.manufacturer_items_count(found, reader=SYSTEM_INIT) == 1
    assert [i.pk for i in selectors.manufacturer_items(found, reader=SYSTEM_INIT).rows] == [item.pk]


def test_unknown_manufacturer_is_refused_with_its_code():
    with pytest.raises(NotFound) as refused:
        selectors.manufacturer_get("ZZZZZ", reader=SYSTEM_INIT)
    assert refused.value.code == "MANUFACTURER_NOT_FOUND"

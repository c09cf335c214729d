"""Finding an item by a Cyrillic reference number typed in Latin letters on the search page."""

from __future__ import annotations

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item


def test_find_an_item_by_a_cyrillic_reference_typed_in_latin(page):
    wanted = make_item()
    services.reference_add(
        actor=SYSTEM_INIT,
        item=wanted,
        manufacturer=ManufacturerFactory(code="A501F"),
        number="АБВГ.303.001",
    )
    other = make_item()
    services.reference_add(
        actor=SYSTEM_INIT,
        item=other,
        manufacturer=ManufacturerFactory(code="A502F"),
        number="XYZ-1",
    )
    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Search"
    ).click()
    box = page.get_by_role("searchbox")
    box.fill("ABVG 303 001")
    with page.expect_navigation():
        box.press("Enter")
    results = page.locator("#search-results")
    results.get_by_role("link", name=wanted.catalogue_number).first.wait_for()
    assert other.catalogue_number not in results.inner_text()

"""Scenarios of the interface itself: switching language, reading an item, keyboard use."""

from __future__ import annotations

import pytest
from django.utils import translation

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item


def test_switching_to_kazakh_translates_the_navigation(page):
    with translation.override("kk"):
        kazakh = translation.gettext("Manufacturers")
    assert kazakh != "Manufacturers", "the Kazakh catalogue has no translation of 'Manufacturers'"
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Manufacturers").is_visible()
    with page.expect_navigation():  # the switcher submits itself on change
        page.get_by_label("Language").select_option("kk")
    page.wait_for_selector('html[lang="kk"]', state="attached")
    assert page.locator("header nav").first.get_by_role("link", name=kazakh).is_visible()


def test_item_page_plain_and_expert_modes(page):
    item = make_item()
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=ManufacturerFactory(), number="X-1"
    )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    page.goto(f"/items/{item.catalogue_number}/?mode=plain")
    assert page.get_by_role("heading", level=1).inner_text().startswith(item.catalogue_number)
    assert page.get_by_role("cell", name="THDD").count() == 0
    page.get_by_role("link", name="Show codes (expert mode)").click()
    assert page.get_by_role("cell", name="THDD").is_visible()


def test_the_skip_link_is_the_first_keyboard_stop(page):
    page.goto("/item-names/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip"
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("width", [1366, 820])
def test_the_item_name_page_fits_laptop_and_tablet_widths(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/item-names/10101/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

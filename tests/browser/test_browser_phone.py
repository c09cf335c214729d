"""A phone's width (390 px): nothing on the pages of a working day scrolls sideways, the search
filters fold behind a button, and a catalogue number never breaks at its hyphens."""

from __future__ import annotations

import pytest

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.core.actors import SYSTEM_INIT
from katalog.search import tantivy_index
from tests.factories import ManufacturerFactory, make_item

PHONE = {"width": 390, "height": 844}
WIDER_THAN_THE_SCREEN = (
    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


@pytest.fixture
def day(ru_approver):
    """A cataloguer's pages with something on them: items, a request, the classifiers."""
    person = ru_approver("ru-phone")
    maker = ManufacturerFactory(
        code="A501F", names={"ru": "Механический завод «Восток-Запад» имени первых строителей"}
    )
    item = make_item(name_text="ГАЙКА ШЕСТИГРАННАЯ С ФЛАНЦЕМ И НАСЕЧКОЙ ДЛЯ ТОНКОСТЕННЫХ ДЕТАЛЕЙ")
    catalog.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number="УШГИ.758493.017-01ХЛ"
    )
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12 mm")
    for n in range(3):
        make_item(name_text=f"ГАЙКА {n}")
    tantivy_index.rebuild()  # as an installation has it: search answers from its index
    request = services.request_create(actor=person, title="Крепёж для изделия П-1 " * 6)
    services.request_line_add(
        actor=person,
        request=request,
        item_name_code="10101",
        supply_class="5310",
        references=[{"number": "УШГИ.758493.017-01ХЛ", "manufacturer_code": "A501F"}],
    )
    return {"item": item, "request": request}


def pages(day) -> list[str]:
    return [
        "/search/?q=гайка",
        f"/items/{day['item'].catalogue_number}/",
        "/requests/",
        f"/requests/{day['request'].pk}/",
        "/jobs/",
        "/classifiers/",
        "/classifiers/nace21/",
        "/classifiers/nace21/47.40/",
        "/classifiers/correspond/?code=47.40&from=nace21&to=isic5",
    ]


def test_nothing_scrolls_sideways_at_a_phones_width(page, log_in, day):
    page.set_viewport_size(PHONE)
    log_in(page, "ru-phone")
    wider = {}
    for path in pages(day):
        page.goto(path)
        overflow = page.evaluate(WIDER_THAN_THE_SCREEN)
        if overflow > 0:
            wider[path] = overflow
    assert wider == {}


def test_search_filters_fold_behind_a_button_on_a_phone(page, day):
    page.set_viewport_size(PHONE)
    page.goto("/search/?q=гайка")
    folded = page.locator("details[data-fold-narrow]")
    assert folded.evaluate("d => d.open") is False
    first_hit = page.locator("table.search-hits tbody tr").first
    assert first_hit.is_visible()
    assert first_hit.bounding_box()["y"] < PHONE["height"]  # results before the filters
    folded.locator("summary").click()
    assert folded.evaluate("d => d.open") is True


def test_a_catalogue_number_never_breaks_at_its_hyphens(page, day):
    page.set_viewport_size(PHONE)
    page.goto("/search/?q=гайка")
    number = page.locator("table.search-hits tbody tr").first.locator("a").first
    box = number.bounding_box()
    line = page.evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight) || el.getBoundingClientRect().height",
        number.element_handle(),
    )
    assert box["height"] <= line * 1.5

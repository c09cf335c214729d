"""A request that cannot be published, as a person meets it in a browser: the page says why in
words, offers the way back to decision with the reason filled in, and a long reason does not
widen the page."""

from __future__ import annotations

import pytest

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.codification.models import RequestState
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, bureau, make_item


@pytest.fixture
def unpublishable(ru_approver):
    author, decider = ru_approver("ru-author"), ru_approver("ru-decider")
    approver = ru_approver("ru-approver")
    maker = ManufacturerFactory(code="A501F")
    item = make_item("KZ")
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.303.001")
    request = services.request_create(actor=author, title="Nuts")
    services.request_line_add(
        actor=author,
        request=request,
        item_name_code="10101",
        supply_class="5310",
        references=[{"number": "АБВГ.303.001", "manufacturer_code": "A501F"}],
    )
    services.request_submit(actor=author, request=request)
    services.request_screen(actor=author, request=request)
    services.request_line_decide(
        actor=decider,
        line=request.lines.get(),
        decision="register",
        item=item,
        justification="same_item",
    )
    services.request_decide(actor=decider, request=request)
    services.request_approve(actor=approver, request=request)
    catalog.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("RU"))
    return request


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_a_failed_publish_offers_the_way_back_and_stays_within_the_screen(
    page, log_in, unpublishable, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "ru-approver")
    page.goto(f"/requests/{unpublishable.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish to the catalogue").click()
    failed = page.locator("#publish-failed")
    assert "Publishing failed" in failed.inner_text()
    assert "Line 1 cannot be published" in failed.inner_text()
    reason = page.locator("#reason-reopen")
    assert "already registered" in reason.input_value()
    reason.fill("x" * services.REASON_MAX)  # one unbroken word, as long as a reason may be
    with page.expect_navigation():
        page.get_by_role("button", name="Return to decision").click()
    assert page.locator("#request-state").inner_text().strip() == "screened"
    assert overflow(page) <= 0
    unpublishable.refresh_from_db()
    assert unpublishable.state == RequestState.SCREENED

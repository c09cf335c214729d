"""Codifying a new item through the guide-driven form, screening, and four-eyes approval."""

from __future__ import annotations

import re

import pytest

from katalog.catalog import services as catalog
from katalog.codification import services
from katalog.codification.models import CodificationRequest
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item


@pytest.fixture
def planted(transactional_db):
    """The existing item the new line duplicates: same reference, same manufacturer."""
    maker = ManufacturerFactory(code="A501F")
    item = make_item()
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.303.001")
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12 mm")
    return item


def test_codify_through_the_guide_form_and_see_the_planted_duplicate(
    page, log_in, planted, ru_approver
):
    ru_approver("ru-author")
    log_in(page, "ru-author")
    page.goto("/requests/")
    page.get_by_role("link", name="New request").click()
    page.get_by_label("Title").fill("Fasteners for project P-1")
    page.get_by_role("button", name="Open the request").click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    page.get_by_role("link", name="Add a line").click()
    page.get_by_label("Name or item name code").fill("nut")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=re.compile("10101")).click()

    page.get_by_label("Reference number 1").fill("АБВГ.303.001")
    page.get_by_label("Manufacturer code 1").fill("A501F")
    diameter = page.get_by_label(re.compile("^thread nominal diameter"))
    diameter.fill("twelve")
    check = page.locator("#check-THDD")
    check.locator(".field-error").wait_for()
    diameter.fill("12")
    check.locator(".field-ok").wait_for()
    page.get_by_label(re.compile("^material")).select_option("SST")

    page.get_by_role("button", name="Check for duplicates").click()
    warning = page.locator("#screening .verdict-duplicate, #screening .verdict-review").first
    warning.wait_for()
    assert planted.catalogue_number in page.locator("#screening").inner_text()
    assert page.url.endswith("/lines/new/?item_name=10101")  # still on the form: nothing saved

    page.get_by_role("button", name="Add the line").click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    line = page.locator("#line-1")
    assert planted.catalogue_number in line.inner_text()
    request = CodificationRequest.objects.get(title="Fasteners for project P-1")
    assert request.lines.get().characteristics == {"THDD": "12 MMT", "MATL": "SST"}


def test_a_second_person_approves_and_the_author_is_refused(page, log_in, planted, ru_approver):
    author, approver = ru_approver("ru-author"), ru_approver("ru-approver")
    request = services.request_create(actor=author, title="Nuts")
    services.request_line_add(
        actor=author,
        request=request,
        item_name_code="10101",
        supply_class="5310",
        references=[{"number": "АБВГ.303.001", "manufacturer_code": "A501F"}],
        characteristics={"THDD": "12 mm"},
    )
    services.request_submit(actor=author, request=request)
    services.request_screen(actor=author, request=request)
    services.request_line_decide(
        actor=author,
        line=request.lines.get(),
        decision="register",
        item=planted,
        justification="same_item",
    )
    services.request_decide(actor=author, request=request)

    log_in(page, "ru-author")
    page.goto(f"/requests/{request.pk}/")
    # The author is not offered the approval that only a second person may give.
    assert page.get_by_role("button", name="Approve").count() == 0
    assert page.locator("#request-state").inner_text().strip() == "decided"
    request.refresh_from_db()
    assert request.state == "decided"

    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    log_in(page, approver.username)
    page.goto(f"/requests/{request.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve").click()
    assert page.locator("#request-state").inner_text().strip() == "approved"
    request.refresh_from_db()
    assert request.state == "approved"
    assert request.approved_by == approver

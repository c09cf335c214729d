"""Screening a request for a new item tells the cataloguer of a preferred item of the same item
name (with matching key characteristics): it is the line's first candidate, with the hint, in
the stored result, the API and the request page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.translation import override

from katalog.catalog import services as catalog
from katalog.codification import selectors
from katalog.codification.models import RequestState
from katalog.core.actors import SYSTEM_INIT
from tests.codification.codification_helpers import drive, line_args, new_draft
from tests.factories import bureau, make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def preferred_list(valid_to=None):
    return catalog.item_list_create(
        actor=SYSTEM_INIT,
        bureau=bureau("MC"),
        kind="preferred",
        code="ПРЕД-12",
        name="Предпочтительные болты",
        valid_from=TODAY - dt.timedelta(days=3),
        valid_to=valid_to,
        act_number="Решение 4",
        act_date=TODAY - dt.timedelta(days=4),
        item_names=["10101"],
    )


def preferred_item(thdd: str = "12 mm"):
    item = make_item("KZ")
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw=thdd)
    return item


def screened_line(people):
    args = line_args(number="НОВ.000.001")
    request = drive(people, new_draft(people["author"], args), RequestState.SCREENED)
    return request.lines.get()


def test_a_preferred_item_is_the_first_candidate_with_the_hint(people, maker, client):
    item = preferred_item()
    catalog.item_list_entry_add(actor=SYSTEM_INIT, item_list=preferred_list(), item=item)
    line = screened_line(people)
    first = line.screening["candidates"][0]
    assert (first["item_id"], first["preferred"]) == (item.pk, True)
    with override("en"):
        shown = selectors.line_detail(line)["screening"]
    assert shown["preferred_hint"].startswith(f"A preferred item exists: {item.catalogue_number}")
    assert "ПРЕД-12" in shown["preferred_hint"]
    client.force_login(people["author"])
    page = client.get(f"/requests/{line.request_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "A preferred item exists" in page.content.decode()


def test_a_preferred_item_of_other_key_values_is_not_offered(people, maker):
    item = preferred_item(thdd="30 mm")
    catalog.item_list_entry_add(actor=SYSTEM_INIT, item_list=preferred_list(), item=item)
    line = screened_line(people)
    assert not any(c.get("preferred") for c in line.screening["candidates"])


def test_an_expired_preferred_list_offers_nothing(people, maker):
    item = preferred_item()
    expired = preferred_list(valid_to=TODAY - dt.timedelta(days=1))
    catalog.item_list_entry_add(actor=SYSTEM_INIT, item_list=expired, item=item)
    line = screened_line(people)
    assert not any(c.get("preferred") for c in line.screening["candidates"])

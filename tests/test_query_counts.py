"""The hot paths answer with a fixed number of database queries, whatever the number of
references, registrations or lines: an N+1 query would show here as a count that grows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from katalog.catalog import services
from katalog.codification import services as codification
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.services import ReferenceInput, ScreeningInput, screen
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db
USER_NATIONS = ("RU", "KZ", "AM", "BY", "KG", "TJ")


def queries(call) -> int:
    """Queries of the second call: the first fills the process's caches (code tables)."""
    call()
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def item_with(references: int, users: int, prefix: str):
    item = make_item("RU", name_text="ГАЙКА")
    makers = [ManufacturerFactory() for _ in range(min(references, 3))]
    for i in range(references):
        services.reference_add(
            actor=SYSTEM_INIT,
            item=item,
            manufacturer=makers[i % len(makers)],
            number=f"{prefix}-{i}",
        )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    for key in USER_NATIONS[:users]:
        services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau(key))
        services.management_set(
            actor=SYSTEM_INIT, item=item, bureau=bureau(key), price="1", currency="RUB"
        )
    return item


@pytest.fixture
def small_and_large():
    return item_with(1, 1, "S"), item_with(12, 6, "L")


@pytest.fixture
def reader_client():
    client = Client()
    client.force_login(UserFactory(username="ru-counter", bureau=bureau("RU"), roles=["viewer"]))
    return client


def test_the_item_page_does_not_grow_with_references_and_users(small_and_large, reader_client):
    small, large = small_and_large
    counts = [
        queries(lambda i=i: reader_client.get(f"/items/{i.catalogue_number}/?mode=expert"))
        for i in (small, large)
    ]
    assert counts[0] == counts[1], counts


def test_the_item_api_does_not_grow_with_references_and_users(small_and_large, reader_client):
    small, large = small_and_large
    counts = [
        queries(lambda i=i: reader_client.get(f"/api/v1/items/{i.niin}")) for i in (small, large)
    ]
    assert counts[0] == counts[1], counts


def item_in_family_of(size: int):
    """An item in an interchangeability family of `size` members besides the master."""
    master = make_item("RU")
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    for _ in range(size):
        services.family_member_add(
            actor=SYSTEM_INIT, family=family, item=make_item("RU"), relation="two_way"
        )
    services.item_cancel(actor=SYSTEM_INIT, item=master, reason="B")
    return master


def test_the_item_page_does_not_grow_with_the_family(reader_client):
    small, large = item_in_family_of(1), item_in_family_of(10)
    counts = [
        queries(lambda i=i: reader_client.get(f"/items/{i.catalogue_number}/"))
        for i in (small, large)
    ]
    assert counts[0] == counts[1], counts
    text = reader_client.get(f"/items/{large.catalogue_number}/").content.decode()
    assert text.count('class="nsn"') > 10


def test_the_item_api_and_its_alternatives_do_not_grow_with_the_family(reader_client):
    small, large = item_in_family_of(1), item_in_family_of(10)
    for path in ("/api/v1/items/{}", "/api/v1/items/{}/alternatives"):
        counts = [
            queries(lambda i=i, p=path: reader_client.get(p.format(i.niin))) for i in (small, large)
        ]
        assert counts[0] == counts[1], (path, counts)


def test_the_search_page_does_not_grow_with_its_hits(reader_client):
    for i in range(3):
        item_with(2, 2, f"FEW{i}")
    few = queries(lambda: reader_client.get("/search/?q=ГАЙКА"))
    for i in range(12):
        item_with(2, 2, f"MANY{i}")
    many = queries(lambda: reader_client.get("/search/?q=ГАЙКА"))
    assert few == many, (few, many)


def test_the_request_page_does_not_grow_with_its_lines():
    author = UserFactory(username="ru-lines", bureau=bureau("RU"))
    maker = ManufacturerFactory()
    client = Client()
    client.force_login(author)

    def request_with(lines: int):
        request = codification.request_create(actor=author, title=f"{lines} lines")
        for i in range(lines):
            codification.request_line_add(
                actor=author, request=request, item_name_code="10101", supply_class="5310",
                references=[{"number": f"LINE-{lines}-{i}", "manufacturer_code": maker.code}],
            )  # fmt: skip
        return request

    requests = [request_with(n) for n in (1, 8)]
    counts = [queries(lambda r=r: client.get(f"/requests/{r.pk}/")) for r in requests]
    assert counts[0] == counts[1], counts


def test_screening_one_line_does_not_grow_with_its_references():
    maker = ManufacturerFactory(code="A921F")

    def line(references: int) -> ScreeningInput:
        return ScreeningInput(
            references=tuple(
                ReferenceInput(f"SCR-{references}-{i}", maker.code) for i in range(references)
            ),
            item_name_code="10101",
            supply_class="5310",
        )

    screen(line(1), reader=SYSTEM_INIT)  # caches of the process filled once
    counts = [queries(lambda n=n: screen(line(n), reader=SYSTEM_INIT)) for n in (1, 8)]
    assert counts[0] == counts[1], counts

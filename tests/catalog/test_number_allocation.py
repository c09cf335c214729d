"""Catalogue numbers are allocated per bureau code, never twice, even under concurrency."""

import threading

import pytest
from django.db import connection, connections

from katalog.catalog.models import Item, SerialCounter
from tests.factories import bureau, make_item


@pytest.mark.django_db
def test_numbers_follow_the_bureau_current_code():
    first = make_item("BY")
    second = make_item("BY")
    # Belarus issued under 62 until 2021; today it issues under 91.
    assert first.bureau_code == "91"
    assert second.serial == first.serial + 1
    assert first.catalogue_number.startswith("5310-91-")


@pytest.mark.django_db
def test_serials_are_not_reused_after_an_item_is_deleted():
    item = make_item("KZ")
    Item.objects.filter(pk=item.pk).delete()
    again = make_item("KZ")
    assert again.serial == item.serial + 1


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_allocate_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; concurrency is exercised on PostgreSQL")
    workers, per_worker = 8, 125
    errors: list[BaseException] = []
    start = (
        SerialCounter.objects.filter(bureau_code="92").values_list("last_serial", flat=True).first()
        or 0
    )

    def work():
        try:
            for _ in range(per_worker):
                make_item("KZ")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    serials = sorted(Item.objects.filter(bureau_code="92").values_list("serial", flat=True))
    assert len(serials) == workers * per_worker == 1000
    assert len(set(serials)) == 1000
    # No gap and no reuse: exactly the next 1,000 serials after the counter's start.
    assert serials == list(range(start + 1, start + 1001))
    assert SerialCounter.objects.get(bureau_code="92").last_serial == start + 1000
    assert bureau("KZ").key == "KZ"

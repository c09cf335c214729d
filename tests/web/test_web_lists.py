"""The pages of preferred items and restrictive lists: the lists, one list with the entries its
reader may see, the form that puts an item on a list for the keeping bureau only, and the
marks on the item page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from katalog.catalog import services
from katalog.catalog.models import ItemListEntry
from katalog.core.actors import SYSTEM_INIT
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def signed_in(username: str, bureau_key: str, roles=None) -> Client:
    client = Client()
    client.force_login(UserFactory(username=username, bureau=bureau(bureau_key), roles=roles))
    return client


def ru_list(kind="restrictive", code="ОГР-9", **extra):
    fields = {
        "kind": kind,
        "code": code,
        "name": "Перечень крепежа",
        "valid_from": TODAY - dt.timedelta(days=2),
        "act_number": "Приказ 33",
        "act_date": TODAY - dt.timedelta(days=3),
        **extra,
    }
    return services.item_list_create(actor=SYSTEM_INIT, bureau=bureau("RU"), **fields)


def text(client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_item_page_marks_a_restricted_item_with_its_list_and_act():
    item = make_item("RU")
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=ru_list(), item=item)
    page = text(signed_in("ru-lists-viewer", "RU", ["viewer"]), f"/items/{item.catalogue_number}/")
    assert "This item is on restrictive list ОГР-9 (act Приказ 33 of" in page
    assert "not to be used in new designs" in page


def test_an_expired_list_marks_nothing_on_the_item_page():
    item = make_item("RU")
    expired = ru_list(valid_to=TODAY - dt.timedelta(days=1), valid_from=TODAY - dt.timedelta(9))
    services.item_list_entry_add(actor=SYSTEM_INIT, item_list=expired, item=item)
    page = text(signed_in("ru-lists-viewer", "RU", ["viewer"]), f"/items/{item.catalogue_number}/")
    assert "restrictive list ОГР-9" not in page


def test_the_list_page_shows_what_the_reader_may_see():
    item_list = ru_list(kind="preferred", code="ПРЕД-9")
    public, secret = make_item("RU"), make_item("RU", release="restricted")
    for item in (public, secret):
        services.item_list_entry_add(actor=SYSTEM_INIT, item_list=item_list, item=item)
    outsider = text(signed_in("kz-lists-viewer", "KZ", ["viewer"]), f"/lists/{item_list.pk}/")
    assert public.catalogue_number in outsider
    assert secret.catalogue_number not in outsider
    assert "Put an item on the list" not in outsider
    listing = text(signed_in("kz-lists-viewer", "KZ", ["viewer"]), "/lists/")
    assert "ПРЕД-9" in listing


def test_a_cataloguer_of_the_keeping_bureau_puts_an_item_on_the_list():
    item_list = ru_list()
    item = make_item("RU")
    client = signed_in("ru-lists-cataloguer", "RU")
    assert "Put an item on the list" in text(client, f"/lists/{item_list.pk}/")
    response = client.post(f"/lists/{item_list.pk}/entries/", {"item": item.catalogue_number})
    assert response.status_code == 302
    assert ItemListEntry.objects.filter(item_list=item_list, item=item).exists()


def test_another_bureau_cannot_put_an_item_on_the_list():
    item_list = ru_list()
    refused = signed_in("kz-lists-cataloguer", "KZ").post(
        f"/lists/{item_list.pk}/entries/", {"item": make_item("RU").catalogue_number}
    )
    assert refused.status_code == 403
    assert not ItemListEntry.objects.exists()

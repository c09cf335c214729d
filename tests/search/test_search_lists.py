"""Search marks a hit on a list in force and filters on it (`list=preferred|restrictive`),
within the release rules; an unknown kind of list is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.search.selectors import search, search_query_from_params
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def listed(kind: str, code: str, *items, valid_to=None):
    item_list = services.item_list_create(
        actor=SYSTEM_INIT,
        bureau=bureau("RU"),
        kind=kind,
        code=code,
        name="Перечень",
        valid_from=TODAY - dt.timedelta(days=20),
        valid_to=valid_to,
        act_number="Приказ 1",
        act_date=TODAY - dt.timedelta(days=21),
    )
    for item in items:
        services.item_list_entry_add(actor=SYSTEM_INIT, item_list=item_list, item=item)
    return item_list


def found(reader, **params):
    page = search(search_query_from_params(params), lang="en", reader=reader)
    return {hit["niin"]: hit for hit in page.hits}


def test_a_hit_on_a_restrictive_list_is_marked_and_filtered():
    restricted, preferred, plain = make_item("RU"), make_item("RU"), make_item("RU")
    listed("restrictive", "ОГР-5", restricted)
    listed("preferred", "ПРЕД-5", preferred)
    listed("restrictive", "OLD", plain, valid_to=TODAY - dt.timedelta(days=1))
    hits = found(SYSTEM_INIT)
    assert hits[restricted.niin]["lists"] == [
        {"kind": "restrictive", "code": "ОГР-5", "name": "Перечень"}
    ]
    assert hits[plain.niin]["lists"] == []
    assert set(found(SYSTEM_INIT, list="restrictive")) == {restricted.niin}
    assert set(found(SYSTEM_INIT, list="preferred")) == {preferred.niin}


def test_the_filter_follows_the_release_rules():
    secret = make_item("RU", release="restricted")
    listed("restrictive", "ОГР-6", secret)
    outsider = UserFactory(username="kz-search-lists", bureau=bureau("KZ"), roles=["viewer"])
    assert found(outsider, list="restrictive") == {}


def test_an_unknown_kind_of_list_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        search_query_from_params({"list": "favourite"})
    assert refused.value.code == "INVALID_LIST_KIND"


def test_the_api_and_the_page_show_the_mark():
    item = make_item("RU")
    listed("restrictive", "ОГР-4", item)
    client = Client()
    client.force_login(
        UserFactory(username="ru-search-lists", bureau=bureau("RU"), roles=["viewer"])
    )
    body = client.get("/api/v1/search?list=restrictive").json()
    assert [(h["niin"], h["lists"][0]["code"]) for h in body["hits"]] == [(item.niin, "ОГР-4")]
    page = client.get("/search/?list=restrictive", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "restrictive list ОГР-4" in page

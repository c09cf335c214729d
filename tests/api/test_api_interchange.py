"""The interchangeability family in the item representation and the usable alternatives of
an item (GET /api/v1/items/{number}/alternatives), within the release rules."""

from __future__ import annotations

import pytest
from django.test import Client

from katalog.api.schemas.catalog import AlternativeOut, ItemOut
from katalog.catalog import services
from katalog.core.actors import SYSTEM_INIT
from tests.factories import UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    client = Client()
    client.force_login(UserFactory(username="ru-api-ic", bureau=bureau("RU"), roles=["viewer"]))
    return client


@pytest.fixture
def family():
    master = make_item("RU")
    family = services.family_create(actor=SYSTEM_INIT, master=master)
    one_way = make_item("RU")
    services.family_member_add(
        actor=SYSTEM_INIT,
        family=family,
        item=one_way,
        relation="replaces_master",
        conditions="для изделий выпуска до 2020 г.",
    )
    secret = make_item("KZ", release="restricted")
    services.family_member_add(actor=SYSTEM_INIT, family=family, item=secret, relation="two_way")
    return master, one_way, secret


def test_the_item_representation_has_its_family(reader, family):
    master, one_way, _secret = family
    body = reader.get(f"/api/v1/items/{one_way.catalogue_number}").json()
    shown = body["interchange"]
    assert shown["relation"] == "replaces_master"
    assert shown["master"]["catalogue_number"] == master.catalogue_number
    assert shown["master"]["this_may_replace"] is True
    # The restricted member of another bureau is left out.
    assert [m["catalogue_number"] for m in shown["members"]] == [one_way.catalogue_number]
    assert shown["members"][0]["conditions"] == "для изделий выпуска до 2020 г."
    assert ItemOut.model_validate(body).model_dump(mode="json") == body


def test_an_item_without_a_family_says_so(reader):
    item = make_item("RU")
    assert reader.get(f"/api/v1/items/{item.niin}").json()["interchange"] is None


def test_the_alternatives_follow_the_relations_direction(reader, family):
    master, one_way, _secret = family
    of_master = reader.get(f"/api/v1/items/{master.catalogue_number}/alternatives")
    assert of_master.status_code == 200
    body = of_master.json()
    assert [a["catalogue_number"] for a in body] == [one_way.catalogue_number]
    assert [AlternativeOut.model_validate(a).model_dump(mode="json") for a in body] == body
    assert reader.get(f"/api/v1/items/{one_way.niin}/alternatives").json() == []


def test_a_cancelled_item_leads_to_its_replacement(reader):
    item, replacement = make_item("RU"), make_item("RU")
    services.item_cancel(actor=SYSTEM_INIT, item=item, reason="A", replacement=replacement)
    body = reader.get(f"/api/v1/items/{item.niin}/alternatives").json()
    assert [(a["catalogue_number"], a["source"]) for a in body] == [
        (replacement.catalogue_number, "replacement")
    ]


def test_an_unknown_item_has_no_alternatives(reader):
    assert reader.get("/api/v1/items/5310-01-999-9999/alternatives").status_code == 404

"""Histories of items, manufacturers, requests and people come from the audit log, to those who
may see the object; usernames are not shown to anonymous readers. Every change of an item moves
its version, duplicates moved to a kept item included."""

from __future__ import annotations

import pytest

from katalog.accounts.tokens import token_create
from katalog.catalog import services
from katalog.codification import services as codification
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from tests.api.conftest import TokenClient
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db


def api_of(user) -> TokenClient:
    return TokenClient(token_create(actor=SYSTEM_OPERATOR, user=user, name="h")[1])


def test_item_history_names_people_only_to_signed_in_readers(ru_api):
    item = make_item("RU")
    ru = UserFactory(username="ru-h", bureau=bureau("RU"))
    services.item_cancel(actor=ru, item=item, reason="B")
    anonymous = TokenClient(None).get(f"/api/v1/items/{item.niin}/history").json()["items"]
    assert [e["action"] for e in anonymous] == ["created", "cancelled"]
    assert {e["actor"] for e in anonymous} == {None}
    signed_in = api_of(ru).get(f"/api/v1/items/{item.niin}/history").json()["items"]
    assert signed_in[-1]["actor"] == "ru-h"
    assert signed_in[-1]["interface"] == "cli"  # the service was called here, not over HTTP


def test_an_api_change_is_recorded_as_coming_through_the_api(ru_api):
    made = ru_api.post("/api/v1/items", {"supply_class": "5310", "item_name": "10101"})
    number = made.json()["catalogue_number"]
    entry = ru_api.get(f"/api/v1/items/{number}/history").json()["items"][0]
    assert (entry["action"], entry["interface"]) == ("created", "api")


def test_manufacturer_request_and_user_histories():
    ru = UserFactory(username="ru-hist", bureau=bureau("RU"))
    client = api_of(ru)
    made = client.post(
        "/api/v1/manufacturers", {"code": "A910F", "names": {"en": "W"}, "country": "RU"}
    )
    assert made.status_code == 201
    changed = client.patch(
        "/api/v1/manufacturers/A910F", {"address": "Samara"}, headers={"If-Match": made["ETag"]}
    )
    assert changed.status_code == 200
    events = client.get("/api/v1/manufacturers/A910F/history").json()["items"]
    assert [e["action"] for e in events] == ["manufacturer_created", "manufacturer_changed"]
    assert events[1]["data"]["after"] == {"address": "Samara"}

    request = codification.request_create(actor=ru, title="H")
    steps = client.get(f"/api/v1/requests/{request.pk}/history").json()["items"]
    assert [e["action"] for e in steps] == ["request_create"]
    stranger = api_of(UserFactory(username="kz-hist", bureau=bureau("KZ")))
    assert stranger.get(f"/api/v1/requests/{request.pk}/history").status_code == 404

    own = client.get("/api/v1/users/ru-hist/history").json()["items"]
    assert [e["action"] for e in own] == ["role_granted", "token_created"]
    assert stranger.get("/api/v1/users/ru-hist/history").status_code == 404
    admin = api_of(UserFactory(username="ru-boss", bureau=bureau("RU"), roles=["bureau_admin"]))
    assert admin.get("/api/v1/users/ru-hist/history").status_code == 200


def test_every_change_of_an_item_moves_its_version_duplicates_included():
    ru = UserFactory(username="ru-v", bureau=bureau("RU"))
    kept, duplicate = make_item("RU"), make_item("RU")
    maker = ManufacturerFactory(code="A911F")
    services.reference_add(actor=SYSTEM_INIT, item=duplicate, manufacturer=maker, number="DUP-9")
    client = api_of(ru)
    versions = {n: client.get(f"/api/v1/items/{n}")["ETag"] for n in (kept.niin, duplicate.niin)}
    moved = client.post(
        f"/api/v1/items/{duplicate.niin}/cancel-duplicate",
        {"kept": kept.catalogue_number},
        headers={"If-Match": versions[duplicate.niin]},
    )
    assert moved.status_code == 200, moved.content
    assert moved["ETag"] != versions[duplicate.niin]
    assert client.get(f"/api/v1/items/{kept.niin}")["ETag"] != versions[kept.niin]
    stale = client.put(
        f"/api/v1/items/{kept.niin}/management/RU",
        {"unit_of_issue": "EA"},
        headers={"If-Match": versions[kept.niin]},
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "VERSION_STALE")

"""The endpoints of preferred items and restrictive lists: a bureau makes its list and puts
items on it, others are refused with problems, the entries are paged within the release rules,
and the item's body names the lists in force it is on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from katalog.api.schemas.catalog import ItemOut
from katalog.catalog.models import ItemListEntry
from tests.factories import make_item

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

NEW = {
    "kind": "restrictive",
    "code": "ОГР-3",
    "name": "Ограничительный перечень гаек",
    "supply_classes": ["5310"],
    "item_names": ["10101"],
    "valid_from": (TODAY - dt.timedelta(days=1)).isoformat(),
    "act_number": "Приказ 21",
    "act_date": (TODAY - dt.timedelta(days=2)).isoformat(),
    "act_text": "Не применять в новых разработках",
}


def created(api, **changes):
    response = api.post("/api/v1/lists", {**NEW, **changes})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_bureau_makes_a_list_and_the_item_says_so(ru_api):
    body = created(ru_api)
    assert (body["bureau"], body["kind"], body["in_force"], body["entry_count"]) == (
        "RU",
        "restrictive",
        True,
        0,
    )
    item = make_item("RU")
    added = ru_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": item.catalogue_number})
    assert added.status_code == 201, added.json()
    shown = ru_api.get(f"/api/v1/items/{item.niin}").json()
    assert ItemOut.model_validate(shown).model_dump(mode="json") == shown
    assert [(m["kind"], m["code"], m["act"]["number"]) for m in shown["lists"]] == [
        ("restrictive", "ОГР-3", "Приказ 21")
    ]
    listed = ru_api.get("/api/v1/lists?kind=restrictive&in_force=true").json()
    assert [x["code"] for x in listed["items"]] == ["ОГР-3"]


def test_another_bureau_is_refused_with_a_problem(ru_api, kz_api):
    body = created(ru_api)
    item = make_item("RU")
    refused = kz_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": item.niin})
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "NOT_LIST_BUREAU"
    assert not ItemListEntry.objects.exists()


def test_an_anonymous_caller_writes_nothing(anonymous_api):
    assert anonymous_api.post("/api/v1/lists", NEW).status_code == 401


def test_an_item_outside_the_scope_is_refused(ru_api):
    body = created(ru_api, supply_classes=["5305"])
    refused = ru_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": make_item("RU").niin})
    assert (refused.status_code, refused.json()["code"]) == (422, "ITEM_OUT_OF_LIST_SCOPE")


def test_an_entry_is_taken_off(ru_api):
    body = created(ru_api)
    item = make_item("RU")
    ru_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": item.niin, "note": "заменить"})
    removed = ru_api.delete(f"/api/v1/lists/{body['id']}/entries/{item.catalogue_number}")
    assert removed.status_code == 204
    again = ru_api.delete(f"/api/v1/lists/{body['id']}/entries/{item.niin}")
    assert (again.status_code, again.json()["code"]) == (404, "NOT_ON_LIST")
    assert ru_api.get(f"/api/v1/items/{item.niin}").json()["lists"] == []


def test_an_expired_list_marks_nothing(ru_api):
    body = created(
        ru_api,
        valid_from=(TODAY - dt.timedelta(days=90)).isoformat(),
        valid_to=(TODAY - dt.timedelta(days=1)).isoformat(),
    )
    assert body["in_force"] is False
    item = make_item("RU")
    ru_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": item.niin})
    assert ru_api.get(f"/api/v1/items/{item.niin}").json()["lists"] == []


def test_entries_are_paged_and_an_outsider_sees_only_what_it_may(ru_api, kz_api):
    body = created(ru_api, kind="preferred", code="ПРЕД-1")
    public = sorted((make_item("RU") for _ in range(2)), key=lambda i: i.niin)
    secret = make_item("RU", release="restricted")
    for item in [*public, secret]:
        ru_api.post(f"/api/v1/lists/{body['id']}/entries", {"item": item.niin})
    own = ru_api.get(f"/api/v1/lists/{body['id']}?limit=2").json()
    assert own["entry_count"] == 3
    assert own["entries"]["next"]
    rest = ru_api.get(f"/api/v1/lists/{body['id']}?limit=2&after={own['entries']['next']}")
    niins = [e["niin"] for e in own["entries"]["items"] + rest.json()["entries"]["items"]]
    assert niins == sorted(i.niin for i in [*public, secret])
    outside = kz_api.get(f"/api/v1/lists/{body['id']}").json()
    assert outside["entry_count"] == 2
    assert [e["niin"] for e in outside["entries"]["items"]] == [i.niin for i in public]
    assert kz_api.get(f"/api/v1/items/{secret.niin}").json()["lists"] == []


def test_an_unknown_list_is_a_problem(ru_api):
    missing = ru_api.get("/api/v1/lists/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "LIST_NOT_FOUND")

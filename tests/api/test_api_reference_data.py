"""Item names, guides, supply groups and classes, code tables, manufacturers: read in the
language asked for."""

import pytest

from katalog.classifiers.services import manufacturer_activities_set
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, make_item


@pytest.mark.django_db
def test_item_name_with_guide_reply_tables_and_units(client):
    body = client.get("/api/v1/item-names/10101?lang=ru").json()
    assert body["name"] == "ГАЙКА ШЕСТИГРАННАЯ"
    assert body["guide"]["characteristics"]
    thdd = next(c for c in body["guide"]["characteristics"] if c["code"] == "THDD")
    assert thdd["reply_type"] in ("numeric", "range")
    assert thdd["default_unit"]["code"] == "MMT"
    coded = [c for c in body["guide"]["characteristics"] if c["reply_table"]]
    assert coded
    assert coded[0]["reply_table"]["codes"]
    assert "5310" in [c["code"] for c in body["supply_classes"]]
    guide = client.get(f"/api/v1/guides/{body['guide']['code']}").json()
    assert [c["code"] for c in guide["characteristics"]] == [
        c["code"] for c in body["guide"]["characteristics"]
    ]


@pytest.mark.django_db
def test_language_from_accept_language(client):
    en = client.get("/api/v1/item-names/10101", HTTP_ACCEPT_LANGUAGE="en").json()
    ru = client.get("/api/v1/item-names/10101", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert en["name"] != ru["name"]
    assert ru["name"] == "ГАЙКА ШЕСТИГРАННАЯ"


@pytest.mark.django_db
def test_supply_groups_and_classes_with_allowed_names(client):
    groups = client.get("/api/v1/supply-groups?lang=en").json()
    assert "53" in [g["code"] for g in groups]
    classes = client.get("/api/v1/supply-classes?group=53&lang=en").json()
    assert {c["group"] for c in classes} == {"53"}
    nuts = next(c for c in classes if c["code"] == "5310")
    assert "10101" in [n["code"] for n in nuts["item_names"]]


@pytest.mark.django_db
def test_code_table_meanings_per_language(client):
    en = client.get("/api/v1/code-tables/ITEM_STATUS?lang=en").json()
    ru = client.get("/api/v1/code-tables/item_status?lang=ru").json()
    assert en["name"] == "ITEM_STATUS"
    assert {v["code"]: v["meaning"] for v in en["values"]}["0"] != {
        v["code"]: v["meaning"] for v in ru["values"]
    }["0"]


@pytest.mark.django_db
def test_manufacturer_with_item_count_and_activities(client):
    maker = ManufacturerFactory(code="A900F", names={"ru": "Завод", "en": "Works"})
    from katalog.catalog import services

    for ref in ("R-1", "R-2"):
        services.reference_add(
            actor=SYSTEM_INIT, item=make_item("RU"), manufacturer=maker, number=ref
        )
    manufacturer_activities_set(manufacturer=maker, primary="25.11", secondary=["25.62"])
    response = client.get("/api/v1/manufacturers/a900f?lang=en")
    body = response.json()
    assert (body["code"], body["name"], body["items_count"], body["bureau"]) == (
        "A900F",
        "Works",
        2,
        "RU",
    )
    assert [(a["code"], a["is_primary"]) for a in body["activities"]] == [
        ("25.11", True),
        ("25.62", False),
    ]
    assert body["activities"][0]["title"]
    assert response["ETag"] == f'W/"{body["version"]}"'


def test_manufacturer_patch_with_if_match(ru_api):
    created = ru_api.post(
        "/api/v1/manufacturers", {"code": "A901F", "names": {"en": "Old"}, "country": "RU"}
    )
    assert created.status_code == 201, created.content
    assert ru_api.patch("/api/v1/manufacturers/A901F", {"address": "Moscow"}).status_code == 428
    changed = ru_api.patch(
        "/api/v1/manufacturers/A901F",
        {"names": {"en": "New", "ru": "Новый"}, "status": "H"},
        headers={"If-Match": created["ETag"]},
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["names"]["ru"], changed.json()["status"]) == ("Новый", "H")
    stale = ru_api.patch(
        "/api/v1/manufacturers/A901F", {"address": "X"}, headers={"If-Match": created["ETag"]}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "VERSION_STALE"
    bad = ru_api.patch(
        "/api/v1/manufacturers/A901F", {"status": "Q"}, headers={"If-Match": changed["ETag"]}
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "INVALID_MANUFACTURER_STATUS"
    hits = [m["code"] for m in ru_api.get("/api/v1/manufacturers?q=нов").json()["items"]]
    assert hits == ["A901F"]

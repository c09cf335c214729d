"""Items over the API: create with references and replies, read with ETag, change with If-Match,
references, characteristics, registrations, management data and history."""

import pytest

from tests.factories import ManufacturerFactory


@pytest.fixture
def maker(db):
    return ManufacturerFactory(code="A123F", names={"ru": "Завод «Болт»", "en": "Bolt Works"})


def new_item(api, maker, **extra):
    body = {
        "supply_class": "5310",
        "item_name": "10101",
        "references": [{"number": "АБВГ.123456.001", "manufacturer": maker.code}],
        "characteristics": {"THDD": "12 mm"},
        **extra,
    }
    response = api.post("/api/v1/items", body)
    assert response.status_code == 201, response.content
    return response


def test_create_item_with_references_and_replies(ru_api, maker):
    response = new_item(ru_api, maker)
    body = response.json()
    assert body["catalogue_number"].startswith("5310-57-")
    assert body["references"][0]["number"] == "АБВГ.123456.001"
    assert body["characteristics"][0]["code"] == "THDD"
    assert response["ETag"] == f'W/"{body["version"]}"'
    assert response["Location"].endswith(body["catalogue_number"])


def test_create_is_all_or_nothing(ru_api, maker):
    from katalog.catalog.models import Item

    before = Item.objects.count()
    response = ru_api.post(
        "/api/v1/items",
        {
            "supply_class": "5310",
            "item_name": "10101",
            "references": [{"number": "X-1", "manufacturer": "ZZZZZ"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_MANUFACTURER"
    assert response.json()["errors"][0]["field"] == "references.0.manufacturer"
    assert Item.objects.count() == before


def test_get_sends_etag_and_patch_needs_if_match(ru_api, maker):
    number = new_item(ru_api, maker).json()["catalogue_number"]
    read = ru_api.get(f"/api/v1/items/{number}")
    etag = read["ETag"]

    missing = ru_api.patch(f"/api/v1/items/{number}", {"name_text": "BOLT"})
    assert missing.status_code == 428
    assert missing.json()["code"] == "IF_MATCH_REQUIRED"
    assert missing["Content-Type"] == "application/problem+json"

    changed = ru_api.patch(
        f"/api/v1/items/{number}", {"name_text": "BOLT"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["item_name"]["as_received"] == "BOLT"
    assert changed["ETag"] != etag

    stale = ru_api.patch(
        f"/api/v1/items/{number}", {"name_text": "NUT"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "VERSION_STALE"
    assert ru_api.get(f"/api/v1/items/{number}").json()["item_name"]["as_received"] == "BOLT"


def test_malformed_if_match_is_a_422(ru_api, maker):
    number = new_item(ru_api, maker).json()["catalogue_number"]
    response = ru_api.patch(
        f"/api/v1/items/{number}", {"name_text": "X"}, headers={"If-Match": "yesterday"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_IF_MATCH"


def test_only_the_assigning_bureau_changes_identification(ru_api, kz_api, maker):
    number = new_item(ru_api, maker).json()["catalogue_number"]
    etag = ru_api.get(f"/api/v1/items/{number}")["ETag"]
    response = kz_api.patch(
        f"/api/v1/items/{number}", {"name_text": "X"}, headers={"If-Match": etag}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "NOT_ASSIGNING_BUREAU"


def test_characteristic_put_under_version(ru_api, maker):
    number = new_item(ru_api, maker).json()["catalogue_number"]
    etag = ru_api.get(f"/api/v1/items/{number}")["ETag"]
    response = ru_api.put(
        f"/api/v1/items/{number}/characteristics/THDD",
        {"reply": "12,5 mm", "locale": "ru"},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.content
    thdd = response.json()["characteristics"][0]
    assert thdd["raw"] == "12,5 mm"
    assert thdd["value"] == pytest.approx(0.0125)
    unknown = ru_api.put(
        f"/api/v1/items/{number}/characteristics/ZZZZ",
        {"reply": "1"},
        headers={"If-Match": response["ETag"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "UNKNOWN_CHARACTERISTIC"


def test_references_add_list_remove_and_lookup(ru_api, maker):
    created = new_item(ru_api, maker)
    number = created.json()["catalogue_number"]
    path = f"/api/v1/items/{number}/references"
    body = {"number": "BX-77", "manufacturer": maker.code}
    missing = ru_api.post(path, body)
    assert (missing.status_code, missing.json()["code"]) == (428, "IF_MATCH_REQUIRED")
    added = ru_api.post(path, body, headers={"If-Match": created["ETag"]})
    assert added.status_code == 201, added.content
    # Adding a reference is a change of the item: its version moves on.
    assert added["ETag"] != created["ETag"]
    assert ru_api.get(f"/api/v1/items/{number}")["ETag"] == added["ETag"]
    stale = ru_api.post(path, {**body, "number": "BX-78"}, headers={"If-Match": created["ETag"]})
    assert (stale.status_code, stale.json()["code"]) == (412, "VERSION_STALE")
    ref_id = added.json()["id"]
    listed = ru_api.get(f"/api/v1/items/{number}/references").json()
    assert [r["number"] for r in listed] == ["АБВГ.123456.001", "BX-77"]

    hits = ru_api.get("/api/v1/references?number=abvg123456001").json()
    assert [h["catalogue_number"] for h in hits] == [number]

    conflict = ru_api.post(
        "/api/v1/items",
        {
            "supply_class": "5310",
            "item_name": "10101",
            "references": [{"number": "bx 77", "manufacturer": maker.code}],
        },
    )
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "REFERENCE_CONFLICT"
    assert conflict.json()["conflicting_item"] == number

    etag = ru_api.get(f"/api/v1/items/{number}")["ETag"]
    removed = ru_api.delete(
        f"/api/v1/items/{number}/references/{ref_id}", headers={"If-Match": etag}
    )
    assert removed.status_code == 204
    etag = removed["ETag"]
    gone = ru_api.delete(f"/api/v1/items/{number}/references/{ref_id}", headers={"If-Match": etag})
    assert gone.status_code == 404
    assert gone.json()["code"] == "REFERENCE_NOT_FOUND"


def test_registration_and_management(ru_api, kz_api, maker):
    created = new_item(ru_api, maker)
    number, etag = created.json()["catalogue_number"], {"If-Match": created["ETag"]}
    refused = kz_api.put(
        f"/api/v1/items/{number}/management/KZ", {"unit_of_issue": "EA"}, headers=etag
    )
    assert refused.status_code == 403
    registered = kz_api.post(f"/api/v1/items/{number}/registrations", {}, headers=etag)
    assert registered.status_code == 201, registered.content
    assert registered.json()["bureau"] == "KZ"
    etag = {"If-Match": registered["ETag"]}
    again = kz_api.post(f"/api/v1/items/{number}/registrations", {}, headers=etag)
    assert again.status_code == 409
    assert again.json()["code"] == "ALREADY_REGISTERED"

    put = kz_api.put(
        f"/api/v1/items/{number}/management/KZ",
        {"unit_of_issue": "EA", "price": "12.50", "currency": "KZT"},
        headers=etag,
    )
    assert put.status_code == 200, put.content
    stale = kz_api.put(
        f"/api/v1/items/{number}/management/KZ", {"unit_of_issue": "PR"}, headers=etag
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "VERSION_STALE")
    got = kz_api.get(f"/api/v1/items/{number}/management/KZ").json()
    assert (got["unit_of_issue"], got["price"], got["currency"]) == ("EA", "12.50", "KZT")
    assert kz_api.get(f"/api/v1/items/{number}/management/BY").status_code == 404
    users = [r["bureau"] for r in kz_api.get(f"/api/v1/items/{number}/registrations").json()]
    assert users == ["KZ"]


def test_history_lists_changes(ru_api, maker):
    number = new_item(ru_api, maker).json()["catalogue_number"]
    etag = ru_api.get(f"/api/v1/items/{number}")["ETag"]
    ru_api.patch(f"/api/v1/items/{number}", {"name_text": "BOLT"}, headers={"If-Match": etag})
    events = ru_api.get(f"/api/v1/items/{number}/history").json()["items"]
    assert "identification_changed" in [e["action"] for e in events]
    change = next(e for e in events if e["action"] == "identification_changed")
    assert change["actor"] == "ru-cataloguer"
    assert change["data"]["before"]["name_text"] == ""

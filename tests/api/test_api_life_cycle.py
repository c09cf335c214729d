"""Cancel, cancel-duplicate, cancel-use and reinstate over the API, each under If-Match."""

import pytest

from tests.factories import ManufacturerFactory


@pytest.fixture
def two_items(ru_api):
    maker = ManufacturerFactory(code="A321F")
    numbers = []
    for ref in ("ПР-1", "ПР-2"):
        response = ru_api.post(
            "/api/v1/items",
            {
                "supply_class": "5310",
                "item_name": "10101",
                "references": [{"number": ref, "manufacturer": maker.code}],
            },
        )
        assert response.status_code == 201, response.content
        numbers.append(response.json()["catalogue_number"])
    return numbers


def etag(api, number):
    return api.get(f"/api/v1/items/{number}")["ETag"]


def test_cancel_with_replacement_then_reinstate(ru_api, two_items):
    old, new = two_items
    missing = ru_api.post(f"/api/v1/items/{old}/cancel", {"reason": "B", "replacement": new})
    assert missing.status_code == 428
    cancelled = ru_api.post(
        f"/api/v1/items/{old}/cancel",
        {"reason": "B", "replacement": new},
        headers={"If-Match": etag(ru_api, old)},
    )
    assert cancelled.status_code == 200, cancelled.content
    assert (cancelled.json()["status"]["code"], cancelled.json()["replaced_by"]) == ("3", new)

    again = ru_api.post(
        f"/api/v1/items/{old}/cancel", {"reason": "B"}, headers={"If-Match": cancelled["ETag"]}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "ALREADY_CANCELLED"
    frozen = ru_api.patch(
        f"/api/v1/items/{old}", {"name_text": "X"}, headers={"If-Match": cancelled["ETag"]}
    )
    assert frozen.status_code == 409
    assert frozen.json()["code"] == "ITEM_CANCELLED"

    back = ru_api.post(
        f"/api/v1/items/{old}/reinstate",
        {"reason": "cancelled in error"},
        headers={"If-Match": cancelled["ETag"]},
    )
    assert back.status_code == 200, back.content
    assert back.json()["cancelled"] is False
    actions = [e["action"] for e in ru_api.get(f"/api/v1/items/{old}/history").json()["items"]]
    assert actions[-2:] == ["cancelled", "reinstated"]


def test_cancel_duplicate_moves_references_to_the_kept_item(ru_api, two_items):
    dup, kept = two_items
    response = ru_api.post(
        f"/api/v1/items/{dup}/cancel-duplicate",
        {"kept": kept},
        headers={"If-Match": etag(ru_api, dup)},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"]["code"] == "7"
    hits = ru_api.get("/api/v1/references?number=ПР-1").json()
    assert [h["catalogue_number"] for h in hits] == [kept]


def test_cancel_use_names_the_item_to_use(ru_api, two_items):
    old, new = two_items
    response = ru_api.post(
        f"/api/v1/items/{old}/cancel-use",
        {"replacement": new},
        headers={"If-Match": etag(ru_api, old)},
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"]["code"], response.json()["replaced_by"]) == ("5", new)


def test_unknown_replacement_is_a_field_error(ru_api, two_items):
    old, _new = two_items
    response = ru_api.post(
        f"/api/v1/items/{old}/cancel",
        {"reason": "B", "replacement": "5310-57-999-9999"},
        headers={"If-Match": etag(ru_api, old)},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "replacement"


def test_another_bureau_cannot_cancel(ru_api, kz_api, two_items):
    old, _new = two_items
    response = kz_api.post(
        f"/api/v1/items/{old}/cancel", {"reason": "E"}, headers={"If-Match": etag(ru_api, old)}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "NOT_ASSIGNING_BUREAU"


def test_withdrawing_the_last_user_makes_the_item_inactive(ru_api, kz_api, two_items):
    number, _other = two_items
    added = kz_api.post(
        f"/api/v1/items/{number}/registrations", {}, headers={"If-Match": etag(ru_api, number)}
    )
    assert added.status_code == 201
    response = kz_api.post(
        f"/api/v1/items/{number}/registrations/KZ/withdraw", {}, headers={"If-Match": added["ETag"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["effective_to"] is not None
    assert kz_api.get(f"/api/v1/items/{number}").json()["status"]["code"] == "6"
    gone = kz_api.post(
        f"/api/v1/items/{number}/registrations/KZ/withdraw",
        {},
        headers={"If-Match": response["ETag"]},
    )
    assert gone.status_code == 404
    assert gone.json()["code"] == "NOT_REGISTERED"

"""The normative-document endpoints: search by number, one document with its citing items,
and the writes with their problems."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

NEW = {
    "number": "ГОСТ 32484.1-2013",
    "kind": "interstate",
    "titles": {"ru": "Арматура трубопроводная"},
}


def test_search_by_number_in_any_spelling(anonymous_api, nuts_standard):
    for typed in ("GOST 5915-70", "гост5915–70"):
        body = anonymous_api.get(f"/api/v1/documents?q={typed}").json()
        assert [d["number"] for d in body["items"]] == ["ГОСТ 5915-70"]


def test_one_document_with_its_citing_items_paged(anonymous_api, nuts_standard, citing_nuts):
    response = anonymous_api.get(f"/api/v1/documents/{nuts_standard.pk}?limit=1&lang=en")
    body = response.json()
    assert response["ETag"] == 'W/"1"'
    assert body["status"] == "in_force"
    assert body["kind_name"] == "interstate standard"
    first = body["citing_items"]
    assert len(first["items"]) == 1
    assert first["next"]
    after = anonymous_api.get(
        f"/api/v1/documents/{nuts_standard.pk}?limit=1&after={first['next']}"
    ).json()["citing_items"]
    assert after["next"] is None
    numbers = {first["items"][0]["niin"], after["items"][0]["niin"]}
    assert numbers == {i.niin for i in citing_nuts[:2]}


def test_the_centre_registers_replaces_and_the_item_says_so(centre_api, nuts_standard, citing_nuts):
    created = centre_api.post("/api/v1/documents", NEW)
    assert created.status_code == 201, created.json()
    newer = created.json()
    replaced = centre_api.post(
        f"/api/v1/documents/{nuts_standard.pk}/replace",
        {"replaced_by": newer["id"], "on": "2024-07-01"},
        headers={"If-Match": 'W/"1"'},
    )
    assert replaced.status_code == 200, replaced.json()
    assert replaced.json()["replaced_by"] == {"id": newer["id"], "number": NEW["number"]}
    assert replaced["ETag"] == 'W/"2"'
    item = centre_api.get(f"/api/v1/items/{citing_nuts[0].niin}?lang=en").json()
    assert item["documents"][0]["warning"] == (
        "ГОСТ 5915-70 has been replaced by ГОСТ 32484.1-2013 since 2024-07-01"
    )


def test_a_bureau_changes_its_own_standard(kz_api):
    created = kz_api.post(
        "/api/v1/documents",
        {"number": "СТ РК 1000-2000", "kind": "national", "country": "KZ", "titles": {"ru": "Т"}},
    ).json()
    changed = kz_api.patch(
        f"/api/v1/documents/{created['id']}",
        {"titles": {"kk": "Атауы"}},
        headers={"If-Match": 'W/"1"'},
    )
    assert changed.status_code == 200
    assert changed.json()["titles"] == {"kk": "Атауы"}


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == code


def test_another_states_bureau_is_refused(ru_api):
    problem(
        ru_api.post(
            "/api/v1/documents",
            {"number": "СТ РК 1-2000", "kind": "national", "country": "KZ", "titles": {"ru": "Т"}},
        ),
        403,
        "NOT_DOCUMENT_BUREAU",
    )


def test_the_api_errors(centre_api, anonymous_api, nuts_standard):
    problem(anonymous_api.post("/api/v1/documents", NEW), 401, "NOT_AUTHENTICATED")
    problem(centre_api.get("/api/v1/documents/999999"), 404, "DOCUMENT_NOT_FOUND")
    problem(
        centre_api.post("/api/v1/documents", {**NEW, "number": "GOST 5915-70"}),
        409,
        "DOCUMENT_EXISTS",
    )
    problem(
        centre_api.post("/api/v1/documents", {**NEW, "kind": "law"}), 422, "UNKNOWN_DOCUMENT_KIND"
    )
    problem(
        centre_api.post(f"/api/v1/documents/{nuts_standard.pk}/cancel", {}),
        428,
        "IF_MATCH_REQUIRED",
    )
    problem(
        centre_api.post(
            f"/api/v1/documents/{nuts_standard.pk}/cancel", {}, headers={"If-Match": 'W/"5"'}
        ),
        412,
        "VERSION_STALE",
    )
    problem(
        centre_api.post(
            f"/api/v1/documents/{nuts_standard.pk}/replace",
            {"replaced_by": nuts_standard.pk},
            headers={"If-Match": 'W/"1"'},
        ),
        422,
        "REPLACEMENT_IS_SAME_DOCUMENT",
    )
    problem(centre_api.get("/api/v1/documents?after=nonsense"), 422, "INVALID_CURSOR")

"""Every error class answers as application/problem+json with a stable code, as the OpenAPI
document says."""

import json

import pytest

from tests.factories import ManufacturerFactory


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["title"]
    assert body["instance"] == response.wsgi_request.path
    return body


@pytest.mark.django_db
def test_unknown_route_under_api_is_404_problem(client):
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "ROUTE_NOT_FOUND")
    assert_problem(client.get("/api/v1/items/5310-57-000-0001/nonsense"), 404, "ROUTE_NOT_FOUND")


@pytest.mark.django_db
def test_unsupported_method_is_405_problem_with_allow(client):
    response = client.put("/api/v1/manufacturers")
    assert_problem(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_body_validation_is_422_with_fields(ru_api):
    response = ru_api.post("/api/v1/items", {"supply_class": "53", "item_name": 5})
    body = assert_problem(response, 422, "VALIDATION_FAILED")
    fields = {e["field"] for e in body["errors"]}
    assert {"body.payload.supply_class", "body.payload.item_name"} <= fields


@pytest.mark.parametrize("body", ["true", "[]", '"a request"', "12"])
def test_a_body_that_is_not_an_object_is_refused(ru_api, body):
    from katalog.codification.models import CodificationRequest

    response = ru_api.client.post(
        "/api/v1/requests",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ru_api.token}",
    )
    assert_problem(response, 400, "MALFORMED_BODY")
    assert not CodificationRequest.objects.exists()


def test_malformed_json_is_a_problem(ru_api):
    response = ru_api.client.post(
        "/api/v1/items",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ru_api.token}",
    )
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_domain_errors_keep_their_codes(ru_api):
    assert_problem(ru_api.get("/api/v1/manufacturers/ZZZZZ"), 404, "MANUFACTURER_NOT_FOUND")
    assert_problem(ru_api.get("/api/v1/item-names/00000"), 404, "ITEM_NAME_NOT_FOUND")
    assert_problem(ru_api.get("/api/v1/code-tables/NOPE"), 404, "CODE_TABLE_NOT_FOUND")
    assert_problem(
        ru_api.post("/api/v1/items", {"supply_class": "0000", "item_name": "10101"}),
        422,
        "UNKNOWN_SUPPLY_CLASS",
    )
    ManufacturerFactory(code="A555F")
    assert_problem(
        ru_api.post(
            "/api/v1/manufacturers", {"code": "A555F", "names": {"en": "X"}, "country": "RU"}
        ),
        409,
        "MANUFACTURER_EXISTS",
    )


def test_permission_errors_are_403(kz_api):
    body = assert_problem(
        kz_api.post(
            "/api/v1/manufacturers", {"code": "A556F", "names": {"en": "X"}, "country": "RU"}
        ),
        403,
        "NOT_MANUFACTURER_BUREAU",
    )
    assert "RU" in body["detail"]


def test_user_without_bureau_cannot_create_items(db):
    from tests.api.conftest import TokenClient, user_with_token

    _user, token = user_with_token("loner", None)
    assert_problem(
        TokenClient(token).post("/api/v1/items", {"supply_class": "5310", "item_name": "10101"}),
        403,
        "MISSING_ROLE",
    )


@pytest.mark.django_db
def test_openapi_declares_problem_json_for_errors(client):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"]["/api/v1/items/{number}"]["patch"]
    assert operation["operationId"] == "item_update"
    for status in ("401", "403", "404", "409", "412", "422", "428"):
        assert list(operation["responses"][status]["content"]) == ["application/problem+json"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"])
    assert operation["responses"]["200"]["headers"]["ETag"]["required"] is True
    assert "Link" in doc["paths"]["/api/v1/items"]["get"]["responses"]["200"]["headers"]
    assert "x-katalog-etag" not in json.dumps(doc)
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    assert {
        "item_list",
        "item_create",
        "item_cancel",
        "manufacturer_update",
        "item_name_get",
        "code_table_get",
    } <= set(ids)

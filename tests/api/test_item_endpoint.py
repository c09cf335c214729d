"""GET /api/v1/items/{number}: the item with its data; problem+json errors with stable codes."""

import json

import pytest

from katalog.catalog import services
from katalog.catalog.models import ItemStatus
from katalog.core.actors import SYSTEM_INIT
from tests.factories import ManufacturerFactory, bureau, make_item


@pytest.fixture
def nut(db):
    item = make_item("RU", name_text="")
    maker = ManufacturerFactory(
        code="A001F", names={"ru": "Завод «Крепёж»", "en": "Fastener Works"}
    )
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number="АБВГ.123456.001"
    )
    services.registration_add(actor=SYSTEM_INIT, item=item, bureau=bureau("KZ"))
    services.management_set(
        actor=SYSTEM_INIT,
        item=item,
        bureau=bureau("KZ"),
        unit_of_issue="EA",
        price=12,
        currency="KZT",
        released=True,  # read here by anonymous visitors
    )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="12,5 mm")
    return item


@pytest.mark.parametrize("form", ["full", "compact", "niin", "niin-digits"])
def test_item_in_any_number_form(client, nut, form):
    n = nut.niin
    number = {
        "full": nut.catalogue_number,
        "compact": nut.catalogue_number.replace("-", ""),
        "niin": f"{n[:2]}-{n[2:5]}-{n[5:]}",
        "niin-digits": n,
    }[form]
    response = client.get(f"/api/v1/items/{number}")
    assert response.status_code == 200
    body = response.json()
    assert body["catalogue_number"] == nut.catalogue_number
    assert body["item_name"]["code"] == "10101"
    assert body["status"] == {"code": "0", "meaning": "active"} or body["status"]["code"] == "0"
    assert body["references"][0]["number"] == "АБВГ.123456.001"
    assert body["references"][0]["manufacturer"]["code"] == "A001F"
    assert [r["user_code"] for r in body["registrations"]] == ["QK"]
    assert body["management"][0]["price"] == "12.00"
    thdd = body["characteristics"][0]
    assert (thdd["code"], thdd["raw"], thdd["unit"]) == ("THDD", "12,5 mm", "MMT")
    assert thdd["value"] == pytest.approx(0.0125)


def test_cyrillic_is_not_escaped(client, nut):
    response = client.get(f"/api/v1/items/{nut.niin}?lang=ru")
    text = response.content.decode("utf-8")
    assert "АБВГ.123456.001" in text
    assert "\\u0410" not in text
    assert json.loads(text)["item_name"]["name"] == "ГАЙКА ШЕСТИГРАННАЯ"


def test_cancelled_item_names_its_replacement(client, nut):
    newer = make_item("RU")
    type(nut).objects.filter(pk=nut.pk).update(
        status=ItemStatus.CANCELLED_REPLACED, replaced_by=newer
    )
    body = client.get(f"/api/v1/items/{nut.catalogue_number}").json()
    assert body["cancelled"] is True
    assert body["replaced_by"] == newer.catalogue_number


@pytest.mark.django_db
def test_unknown_number_is_a_404_problem(client):
    response = client.get("/api/v1/items/5310-57-999-9999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "ITEM_NOT_FOUND"
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/items/5310-57-999-9999"


@pytest.mark.django_db
def test_invalid_number_is_a_422_problem_naming_the_part(client):
    response = client.get("/api/v1/items/6730-LS-CRE-EN")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "INVALID_CATALOGUE_NUMBER"
    assert body["errors"][0]["field"] == "bureau_code"
    assert "'LS'" in body["detail"]


@pytest.mark.django_db
def test_openapi_document_is_3_1_and_describes_errors(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    operation = doc["paths"]["/api/v1/items/{number}"]["get"]
    assert operation["operationId"] == "item_get"
    assert set(operation["responses"]) >= {"200", "404", "422"}


def test_item_body_is_exactly_the_documented_schema(client, nut):
    """The item is rendered without a second validation: its body must be what `ItemOut`
    would make of it, with no field missing, extra or typed differently."""
    from katalog.api.schemas.catalog import ItemOut

    body = client.get(f"/api/v1/items/{nut.catalogue_number}").json()
    assert body["management"]
    assert body["characteristics"]
    assert body["references"]
    assert ItemOut.model_validate(body).model_dump(mode="json") == body

"""A request line's stored screening reads in each reader's language: the API (Accept-Language
or ?lang) and the request page tell the same stored evidence in English and in Russian, and a
result stored before evidence had codes shows the sentence it was stored with."""

from __future__ import annotations

import pytest
from django.test import Client

from katalog.accounts.tokens import token_create
from katalog.catalog import services as catalog
from katalog.codification.models import RequestLine, RequestState
from katalog.core.actors import SYSTEM_INIT, SYSTEM_OPERATOR
from tests.codification.codification_helpers import drive, line_args, new_draft
from tests.factories import make_item

pytestmark = pytest.mark.django_db

NUMBER = "АБВГ.303.001"
EN_REFERENCE = f"Same reference number {NUMBER} of the same manufacturer A501F"
RU_REFERENCE = f"То же обозначение {NUMBER} того же изготовителя A501F"
EN_THDD = "thread nominal diameter (THDD): 12.7 mm matches 12.7 mm (0.5 in)"
RU_THDD = "номинальный диаметр резьбы (THDD): 12,7 мм совпадает с 12,7 мм (0,5 дюйм)"


@pytest.fixture
def screened(people, maker):
    """A screened request whose line (in millimetres, by a Russian author) matches an item
    described in inches."""
    item = make_item("KZ")
    catalog.reference_add(actor=SYSTEM_INIT, item=item, manufacturer=maker, number=NUMBER)
    catalog.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="0.5 in")
    args = line_args(characteristics={"THDD": "12,7 мм"}, locale="ru")
    return drive(people, new_draft(people["author"], args), RequestState.SCREENED)


def _api(user):
    _record, token = token_create(actor=SYSTEM_OPERATOR, user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


def _evidence(body) -> list[dict]:
    (line,) = body["lines"]
    return line["screening"]["candidates"][0]["evidence"]


def _details(body) -> list[str]:
    return [e["detail"] for e in _evidence(body)]


def test_the_stored_evidence_is_codes_and_parameters(screened):
    stored = RequestLine.objects.get(request=screened).screening
    evidence = stored["candidates"][0]["evidence"]
    assert evidence[0]["code"] == "REFERENCE_EXACT"
    assert not any("detail" in e for e in evidence)


def test_the_api_tells_the_same_stored_screening_in_the_readers_language(screened, people):
    api = _api(people["author"])
    path = f"/api/v1/requests/{screened.pk}"
    english = api.get(path, HTTP_ACCEPT_LANGUAGE="en").json()
    russian = api.get(path, HTTP_ACCEPT_LANGUAGE="ru").json()
    by_parameter = api.get(path, {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert {EN_REFERENCE, EN_THDD} <= set(_details(english))
    assert {RU_REFERENCE, RU_THDD} <= set(_details(russian))
    assert _details(by_parameter) == _details(russian)
    first = _evidence(english)[0]
    assert (first["code"], first["params"]["manufacturer_relation"]) == ("REFERENCE_EXACT", "same")
    assert _evidence(russian)[0]["params"] == first["params"]


def test_the_request_page_tells_it_in_the_readers_language(client, screened, people):
    client.force_login(people["author"])
    path = f"/requests/{screened.pk}/"
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = client.get(path, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert EN_REFERENCE in english
    assert EN_THDD in english
    assert RU_REFERENCE in russian
    assert RU_THDD in russian
    assert EN_REFERENCE not in russian


def test_a_screening_stored_before_codes_shows_its_stored_sentences(client, screened, people):
    line = RequestLine.objects.get(request=screened)
    old = dict(line.screening)
    (candidate,) = old["candidates"][:1]
    candidate["evidence"] = [
        {
            "kind": "reference_same_manufacturer",
            "outcome": "match",
            "weight": 0.9,
            "detail": "Same reference number OLD-1 of the same manufacturer A501F",
            "data": {"candidate_number": "OLD-1", "manufacturer": "A501F"},
        }
    ]
    old["candidates"] = [candidate]
    RequestLine.objects.filter(pk=line.pk).update(screening=old)
    body = (
        _api(people["author"])
        .get(f"/api/v1/requests/{screened.pk}", HTTP_ACCEPT_LANGUAGE="ru")
        .json()
    )
    (shown,) = _evidence(body)
    assert shown["detail"] == "Same reference number OLD-1 of the same manufacturer A501F"
    assert (shown["code"], shown["params"]) == ("", {})
    client.force_login(people["author"])
    page = client.get(f"/requests/{screened.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Same reference number OLD-1 of the same manufacturer A501F" in page

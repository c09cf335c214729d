"""The centre's page of duplicate candidates across nations: read, then decide."""

from __future__ import annotations

import pytest

from katalog.catalog import services
from katalog.core.actors import SYSTEM_EXCHANGE, SYSTEM_INIT
from katalog.screening.candidates import cross_nation_screen
from katalog.screening.models import CandidateState, DuplicateCandidate
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

NUMBER = "ЖЗИК.305-11"
PAGE = "/screening/candidates/"


def with_reference(bureau_key, maker):
    item = make_item(bureau_key)
    services.reference_add(
        actor=SYSTEM_INIT, item=item, manufacturer=maker, number=NUMBER, justification="6"
    )
    services.characteristic_set(actor=SYSTEM_INIT, item=item, code="THDD", raw="10 mm")
    return item


@pytest.fixture
def pair():
    maker = ManufacturerFactory(code="A300F")
    ru = with_reference("RU", maker)
    kz = with_reference("KZ", maker)
    (candidate,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    return ru, kz, candidate


@pytest.fixture
def centre_person():
    return UserFactory(username="centre-reviewer", bureau=bureau("MC"), roles=["centre_cataloguer"])


def test_the_centre_reads_both_items_the_verdict_and_the_evidence(client, pair, centre_person):
    ru, kz, _candidate = pair
    client.force_login(centre_person)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/items/{kz.catalogue_number}/"' in page
    assert f'href="/items/{ru.catalogue_number}/"' in page
    assert "(bureau KZ)" in page
    assert "(bureau RU)" in page
    assert "probable duplicate of an existing item" in page
    assert f"Same reference number {NUMBER} of the same manufacturer A300F" in page
    assert 'name="justification"' in page
    # The link in the navigation, for the centre's people.
    assert f'href="{PAGE}"' in page


def test_the_evidence_reads_in_the_readers_language(client, pair, centre_person):
    client.force_login(centre_person)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f"То же обозначение {NUMBER} того же изготовителя A300F" in page
    assert "вероятный дубликат существующего предмета снабжения" in page
    assert "Same reference number" not in page
    assert "Возможные дубликаты разных государств" in page
    assert "(орган по каталогизации KZ)" in page


def test_a_decision_records_who_and_why_and_leaves_the_queue(client, pair, centre_person):
    client.force_login(centre_person)
    _ru, _kz, candidate = pair
    response = client.post(
        f"{PAGE}{candidate.pk}/decide/",
        {
            "decision": "dismiss",
            "justification": "Different thread class on the drawings",
            "n": "1",
        },
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Decided: dismissed, by centre-reviewer." in response.content.decode()
    stored = DuplicateCandidate.objects.get()
    assert (stored.state, stored.decided_by, stored.justification) == (
        CandidateState.DISMISSED,
        centre_person,
        "Different thread class on the drawings",
    )
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No duplicate candidates wait for a decision." in page


def test_a_decision_without_a_reason_is_refused_and_changes_nothing(client, pair, centre_person):
    client.force_login(centre_person)
    _ru, _kz, candidate = pair
    response = client.post(
        f"{PAGE}{candidate.pk}/decide/", {"decision": "confirm", "justification": ""}
    )
    assert response.status_code == 422
    assert DuplicateCandidate.objects.get().state == CandidateState.OPEN


def test_a_national_cataloguer_has_no_queue_and_no_link(client, pair):
    client.force_login(UserFactory(username="ru-cataloguer", bureau=bureau("RU")))
    response = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert f'href="{PAGE}"' not in client.get("/requests/").content.decode()
    _ru, _kz, candidate = pair
    refused = client.post(
        f"{PAGE}{candidate.pk}/decide/", {"decision": "confirm", "justification": "same"}
    )
    assert refused.status_code == 403
    assert DuplicateCandidate.objects.get().state == CandidateState.OPEN

"""Screening across nations at the centre: pairs of items of two bureaus in a review queue."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from katalog.accounts.tokens import token_create
from katalog.audit.models import AuditEntry
from katalog.catalog import services
from katalog.core.actors import SYSTEM_EXCHANGE, SYSTEM_INIT, SYSTEM_OPERATOR
from katalog.core.errors import Conflict, PermissionDenied, ValidationFailed
from katalog.screening.candidates import (
    candidate_decide,
    cross_nation_screen,
    item_screening_input,
)
from katalog.screening.explain import evidence_shown, explanation_texts
from katalog.screening.models import CandidateState, DuplicateCandidate
from katalog.screening.selectors import candidate_views, duplicate_candidate_list
from katalog.screening.services import screen
from tests.factories import ManufacturerFactory, UserFactory, bureau, make_item

pytestmark = pytest.mark.django_db

NUMBER = "АБВГ.123456.001-01"
VALUES = {"THDD": "10 mm", "THDP": "1.5 mm", "MATL": "STL", "WDAF": "17 mm"}


@pytest.fixture
def maker():
    return ManufacturerFactory(code="A100F", names={"en": "Samara Fastener Works"})


def nut(bureau_key, maker, number=NUMBER, **values):
    """A nut codified by one nation. Each nation codifies on its own installation, where the
    other's reference is unknown; kept here with a justification code, as the centre holds both."""
    item = make_item(bureau_key)
    if number:
        services.reference_add(
            actor=SYSTEM_INIT, item=item, manufacturer=maker, number=number, justification="6"
        )
    for code, raw in values.items():
        services.characteristic_set(actor=SYSTEM_INIT, item=item, code=code, raw=raw)
    return item


@pytest.fixture
def centre_person():
    return UserFactory(username="centre-reviewer", bureau=bureau("MC"), roles=["centre_cataloguer"])


def test_the_same_reference_of_the_same_maker_in_two_nations_is_a_candidate(maker):
    ru = nut("RU", maker, **VALUES)
    kz = nut("KZ", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    assert (found.item, found.candidate) == (kz, ru)
    assert (found.verdict, found.state) == ("duplicate", CandidateState.OPEN)
    assert found.score >= 0.85
    first = found.explanation[0]
    assert first["kind"] == "reference_same_manufacturer"
    assert first["data"]["candidate_number"] == NUMBER
    assert first["data"]["manufacturer"] == "A100F"
    texts = explanation_texts(DuplicateCandidate.objects.get().explanation)
    assert texts[0] == f"Same reference number {NUMBER} of the same manufacturer A100F"
    assert "thread nominal diameter (THDD): 10 mm matches 10 mm" in texts


def test_matching_key_characteristics_without_a_reference_are_a_candidate_for_review(maker):
    ru = nut("RU", maker, **VALUES)
    kz = nut("KZ", maker, number="", **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    assert (found.candidate, found.verdict) == (ru, "review")
    kinds = [(r["kind"], r["outcome"]) for r in found.explanation]
    assert kinds.count(("characteristic", "match")) == 4


def test_two_items_of_one_bureau_are_not_a_cross_nation_candidate(maker):
    first = nut("RU", maker, **VALUES)
    second = nut("RU", maker, **VALUES)
    assert cross_nation_screen(actor=SYSTEM_EXCHANGE, item=second) == []
    assert cross_nation_screen(actor=SYSTEM_EXCHANGE, item=first) == []
    assert not DuplicateCandidate.objects.exists()


def test_screening_again_from_either_side_keeps_one_row_and_updates_it(maker):
    ru = nut("RU", maker, **VALUES)
    kz = nut("KZ", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    (again,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=ru)
    assert again.pk == found.pk
    services.characteristic_set(actor=SYSTEM_INIT, item=kz, code="WDAF", raw="24 mm")
    (third,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    assert DuplicateCandidate.objects.count() == 1
    stored = DuplicateCandidate.objects.get()
    assert (stored.pk, stored.item, stored.candidate) == (found.pk, kz, ru)
    assert stored.verdict == "review"  # same number and maker, a key value that differs
    assert stored.explanation[0]["kind"] == "reference_conflict"
    assert stored.score == third.score < found.score
    found_entries = AuditEntry.objects.filter(action="duplicate_candidate_found")
    assert found_entries.count() == 1


def test_the_stored_explanation_tells_what_screening_told(maker):
    other = ManufacturerFactory(code="A200F", names={"en": "Tula Hardware"})
    ru = nut("RU", maker, **VALUES)
    services.reference_add(
        actor=SYSTEM_INIT, item=ru, manufacturer=other, number="MS-0035", justification="6"
    )
    kz = nut("KZ", maker, **{**VALUES, "WDAF": "19 mm"})
    services.reference_add(actor=SYSTEM_INIT, item=kz, manufacturer=other, number="MS-35")
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    for language in ("en", "ru", "uz"):
        with translation.override(language):
            told = screen(item_screening_input(kz), reader=SYSTEM_EXCHANGE, limit=50)
            (candidate,) = [c for c in told.candidates if c.item_id == ru.pk]
            assert [evidence_shown(r)["detail"] for r in found.explanation] == [
                e.detail for e in candidate.evidence
            ]
    kinds = {r["kind"] for r in found.explanation}
    assert {"reference_conflict", "reference_leading_zeros", "item_name", "supply_class"} <= kinds


def test_a_candidate_stored_before_evidence_had_codes_still_reads(maker):
    nut("RU", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    before_codes = [
        {
            "kind": r["kind"],
            "outcome": r["outcome"],
            "weight": r["weight"],
            "data": r["data"],
            "names": r["params"].get("names", {}),
        }
        for r in found.explanation
    ]
    DuplicateCandidate.objects.filter(pk=found.pk).update(explanation=before_codes)
    stored = DuplicateCandidate.objects.get(pk=found.pk).explanation
    assert explanation_texts(stored) == explanation_texts(found.explanation)
    with translation.override("ru"):
        first = evidence_shown(stored[0])
    assert (first["code"], first["params"]["manufacturer_relation"]) == ("REFERENCE_EXACT", "same")
    assert first["detail"] == f"То же обозначение {NUMBER} того же изготовителя A100F"


def test_the_evidence_is_stored_as_codes_and_read_in_each_language(maker, centre_person):
    nut("RU", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    assert found.explanation[0]["code"] == "REFERENCE_EXACT"
    assert not any("detail" in r for r in found.explanation)
    rows = duplicate_candidate_list(reader=centre_person).rows
    with translation.override("ru"):
        (russian,) = candidate_views(rows, reader=centre_person)
    with translation.override("en"):
        (english,) = candidate_views(rows, reader=centre_person)
    assert russian.explanation[0] == f"То же обозначение {NUMBER} того же изготовителя A100F"
    assert (
        english.explanation[0] == f"Same reference number {NUMBER} of the same manufacturer A100F"
    )
    assert english.evidence[0]["code"] == "REFERENCE_EXACT"


def test_a_person_of_the_centre_decides_and_the_decision_says_who_and_why(maker, centre_person):
    nut("RU", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    decided = candidate_decide(
        actor=centre_person,
        candidate=found,
        decision="confirm",
        justification="Same drawing, same maker: codified twice",
    )
    stored = DuplicateCandidate.objects.get()
    assert stored.state == CandidateState.CONFIRMED == decided.state
    assert stored.decided_by == centre_person
    assert stored.decided_at is not None
    assert stored.justification == "Same drawing, same maker: codified twice"
    entry = AuditEntry.objects.get(action="duplicate_candidate_decided")
    assert (entry.actor_name, entry.reason) == (
        "centre-reviewer",
        "Same drawing, same maker: codified twice",
    )
    assert duplicate_candidate_list(reader=centre_person).rows == []
    with pytest.raises(Conflict):
        candidate_decide(
            actor=centre_person, candidate=found, decision="dismiss", justification="x"
        )
    assert DuplicateCandidate.objects.get().state == CandidateState.CONFIRMED


def test_a_decision_needs_a_reason_and_a_person_of_the_centre(maker, centre_person):
    nut("RU", maker, **VALUES)
    (found,) = cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    national = UserFactory(username="ru-cataloguer", bureau=bureau("RU"))
    with pytest.raises(PermissionDenied):
        candidate_decide(actor=national, candidate=found, decision="dismiss", justification="no")
    with pytest.raises(PermissionDenied):
        duplicate_candidate_list(reader=national)
    with pytest.raises(ValidationFailed) as refused:
        candidate_decide(
            actor=centre_person, candidate=found, decision="dismiss", justification=" "
        )
    assert [e.field for e in refused.value.errors] == ["justification"]
    with pytest.raises(PermissionDenied):
        candidate_decide(
            actor=SYSTEM_EXCHANGE, candidate=found, decision="dismiss", justification="x"
        )
    stored = DuplicateCandidate.objects.get()
    assert (stored.state, stored.decided_by, stored.justification) == (
        CandidateState.OPEN,
        None,
        "",
    )
    assert not AuditEntry.objects.filter(action="duplicate_candidate_decided").exists()


def test_the_queue_reads_in_the_readers_language(maker, centre_person):
    ru = nut("RU", maker, **VALUES)
    kz = nut("KZ", maker, **VALUES)
    cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    page = duplicate_candidate_list(reader=centre_person)
    with translation.override("ru"):
        (view,) = candidate_views(page.rows, reader=centre_person)
    assert (view.item, view.item_bureau) == (kz.catalogue_number, "KZ")
    assert (view.candidate, view.candidate_bureau) == (ru.catalogue_number, "RU")
    assert view.verdict_label == "вероятный дубликат существующего предмета снабжения"
    assert view.explanation[0] == f"То же обозначение {NUMBER} того же изготовителя A100F"


def _api(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_api_lists_the_queue_and_records_a_decision(maker, centre_person):
    ru = nut("RU", maker, **VALUES)
    kz = nut("KZ", maker, **VALUES)
    cross_nation_screen(actor=SYSTEM_EXCHANGE, item=kz)
    token = token_create(actor=SYSTEM_OPERATOR, user=centre_person, name="queue")[1]
    body = Client().get("/api/v1/screening/candidates", **_api(token)).json()
    (listed,) = body["items"]
    assert body["next"] is None
    assert (listed["item"], listed["item_bureau"]) == (kz.catalogue_number, "KZ")
    assert (listed["candidate"], listed["candidate_bureau"]) == (ru.catalogue_number, "RU")
    assert (listed["verdict"], listed["state"]) == ("duplicate", "open")
    assert (
        listed["explanation"][0] == f"Same reference number {NUMBER} of the same manufacturer A100F"
    )
    assert listed["evidence"][0]["kind"] == "reference_same_manufacturer"
    answer = Client().post(
        f"/api/v1/screening/candidates/{listed['id']}/decide",
        data=json.dumps({"decision": "confirm", "justification": "One nut, two numbers"}),
        content_type="application/json",
        **_api(token),
    )
    assert answer.status_code == 200
    decided = answer.json()
    assert (decided["state"], decided["decided_by"], decided["justification"]) == (
        "confirmed",
        "centre-reviewer",
        "One nut, two numbers",
    )
    after = Client().get("/api/v1/screening/candidates", **_api(token)).json()
    assert after["items"] == []


def test_the_api_refuses_the_queue_to_a_nation(maker):
    nut("RU", maker, **VALUES)
    cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    national = UserFactory(username="kz-cataloguer", bureau=bureau("KZ"))
    token = token_create(actor=SYSTEM_OPERATOR, user=national, name="queue")[1]
    response = Client().get("/api/v1/screening/candidates", **_api(token))
    assert response.status_code == 403
    assert response.json()["code"] == "CENTRE_ONLY"
    candidate = DuplicateCandidate.objects.get()
    refused = Client().post(
        f"/api/v1/screening/candidates/{candidate.pk}/decide",
        data=json.dumps({"decision": "confirm", "justification": "same"}),
        content_type="application/json",
        **_api(token),
    )
    assert refused.status_code == 403
    assert DuplicateCandidate.objects.get().state == CandidateState.OPEN


def _queue_queries(reader) -> int:
    def read():
        candidate_views(duplicate_candidate_list(reader=reader).rows, reader=reader)

    read()
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured.captured_queries)


def test_reading_the_queue_does_not_grow_with_its_candidates(maker, centre_person):
    nut("RU", maker, **VALUES)
    cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut("KZ", maker, **VALUES))
    one = _queue_queries(centre_person)
    for bureau_key in ("AM", "BY", "KG"):
        cross_nation_screen(actor=SYSTEM_EXCHANGE, item=nut(bureau_key, maker, **VALUES))
    assert DuplicateCandidate.objects.count() >= 4
    assert _queue_queries(centre_person) == one

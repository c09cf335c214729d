"""Thresholds, the explanation of a result, and people's decisions."""

from __future__ import annotations

import json

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import PermissionDenied, ValidationFailed
from katalog.screening.models import ScreeningDecision, ScreeningJustification
from katalog.screening.services import (
    ReferenceInput,
    ScreeningInput,
    screen,
    screening_decision_record,
    verdict_for,
)

NUT = ScreeningInput(
    item_name_code="10101",
    supply_class="5310",
    characteristics={"THDD": "10 mm", "THDP": "1.5 mm", "MATL": "STL", "WDAF": "17 mm"},
)


def test_screening_verdict_bands() -> None:
    assert verdict_for(0.2, 0.55, 0.85) == "no_duplicate"
    assert verdict_for(0.55, 0.55, 0.85) == "review"
    assert verdict_for(0.84, 0.55, 0.85) == "review"
    assert verdict_for(0.85, 0.55, 0.85) == "duplicate"


def test_screening_thresholds_come_from_settings(catalogue, settings) -> None:
    assert screen(NUT, reader=SYSTEM_INIT).verdict == "review"
    settings.SCREENING_UPPER_THRESHOLD = 0.7
    result = screen(NUT, reader=SYSTEM_INIT)
    assert (result.upper, result.verdict) == (0.7, "duplicate")
    settings.SCREENING_LOWER_THRESHOLD, settings.SCREENING_UPPER_THRESHOLD = 0.95, 0.99
    assert screen(NUT, reader=SYSTEM_INIT).verdict == "no_duplicate"


def test_screening_result_explains_itself_as_json(catalogue) -> None:
    query = ScreeningInput(
        references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),), item_name_code="10101"
    )
    data = json.loads(json.dumps(screen(query, reader=SYSTEM_INIT).to_dict()))
    evidence = data["candidates"][0]["evidence"]
    assert {e["outcome"] for e in evidence} == {"match", "missing"}
    assert all(e["detail"] for e in evidence)
    assert evidence[0]["data"]["candidate_number"] == "АБВГ.123456.001-01"


def test_screening_needs_a_reference_or_an_item_name(db) -> None:
    with pytest.raises(ValidationFailed) as raised:
        screen(ScreeningInput(supply_class="5310"), reader=SYSTEM_INIT)
    assert raised.value.code == "SCREENING_NOTHING_TO_COMPARE"


def test_screening_decision_is_recorded(catalogue, person) -> None:
    decision = screening_decision_record(
        actor=person, item=catalogue.sibling, verdict="review", decision="not_duplicate",
        justification=ScreeningJustification.SUFFIX_CHANGES_ITEM, subject="АБВГ.123456.001-03",
    )  # fmt: skip
    stored = ScreeningDecision.objects.get(pk=decision.pk)
    assert (stored.item_id, stored.decision, stored.justification) == (
        catalogue.sibling.pk,
        "not_duplicate",
        "suffix_changes_item",
    )
    assert stored.actor == person
    assert stored.bureau == person.bureau


@pytest.mark.parametrize(
    ("decision", "justification", "note", "code"),
    [
        ("maybe", "same_item", "", "INVALID_DECISION"),
        ("duplicate", "because", "", "INVALID_JUSTIFICATION"),
        ("not_duplicate", "other", "", "NOTE_REQUIRED"),
        ("not_duplicate", "same_item", "", "JUSTIFICATION_MISMATCH"),
    ],
)
def test_screening_decision_is_checked(
    catalogue, person, decision, justification, note, code
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        screening_decision_record(
            actor=person, item=catalogue.nut, verdict="duplicate", decision=decision,
            justification=justification, note=note,
        )  # fmt: skip
    assert raised.value.errors[0].code == code
    assert not ScreeningDecision.objects.exists()


def test_screening_decision_needs_a_person(catalogue) -> None:
    with pytest.raises(PermissionDenied):
        screening_decision_record(
            actor=SYSTEM_INIT,
            item=catalogue.nut,
            verdict="review",
            decision="duplicate",
            justification="same_item",
        )


def test_screening_decision_justifications_that_fit_either_way(catalogue, person) -> None:
    for decision in ("duplicate", "not_duplicate"):
        screening_decision_record(
            actor=person, item=catalogue.nut, verdict="review", decision=decision,
            justification="candidate_data_wrong",
        )  # fmt: skip
    with pytest.raises(ValidationFailed):
        screening_decision_record(
            actor=person, item=catalogue.nut, verdict="review", decision="duplicate",
            justification="characteristics_differ",
        )  # fmt: skip
    assert ScreeningDecision.objects.count() == 2

"""Screening evidence is a code with parameters, told in the reader's language when read, and a
numeric comparison shows both sides in the unit the described item was given in."""

from __future__ import annotations

import json

from django.utils import translation

from katalog.core.actors import SYSTEM_INIT
from katalog.screening.explain import (
    EvidenceCode,
    evidence_text,
    result_shown,
)
from katalog.screening.services import ReferenceInput, ScreeningInput, screen
from tests.screening.conftest import add_item

INCHES = ScreeningInput(
    references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),),
    item_name_code="10101",
    characteristics={"THDD": "0.3937 in"},
    locale="en",
)


def _thdd(result):
    (top, *_rest) = result["candidates"]
    return next(e for e in top["evidence"] if e["params"].get("code") == "THDD")


def test_every_piece_of_evidence_has_a_code_and_json_parameters(catalogue) -> None:
    stored = screen(INCHES, reader=SYSTEM_INIT).to_record()
    evidence = [e for c in stored["candidates"] for e in c["evidence"]]
    assert evidence
    assert all(e["code"] in EvidenceCode.__members__ for e in evidence)
    assert not any("detail" in e for e in evidence)  # no sentence of any language is stored
    assert json.loads(json.dumps(stored)) == stored
    first = stored["candidates"][0]["evidence"][0]
    assert first["code"] == EvidenceCode.REFERENCE_EXACT
    assert first["params"] == {
        "number": "АБВГ.123456.001-01",
        "manufacturer": "A100F",
        "manufacturer_relation": "same",
    }


def test_the_same_stored_result_reads_in_each_readers_language(catalogue) -> None:
    stored = json.loads(json.dumps(screen(INCHES, reader=SYSTEM_INIT).to_record()))
    with translation.override("en"):
        english = result_shown(stored)
    with translation.override("ru"):
        russian = result_shown(stored)
    assert english["candidates"][0]["evidence"][0]["detail"] == (
        "Same reference number АБВГ.123456.001-01 of the same manufacturer A100F"
    )
    assert russian["candidates"][0]["evidence"][0]["detail"] == (
        "То же обозначение АБВГ.123456.001-01 того же изготовителя A100F"
    )
    assert english["candidates"][0]["item_name"] == "NUT, PLAIN, HEXAGON"
    assert "detail" not in stored["candidates"][0]["evidence"][0]  # read, never rewritten


def test_a_numeric_comparison_shows_both_sides_in_the_lines_unit(catalogue) -> None:
    stored = screen(INCHES, reader=SYSTEM_INIT).to_record()
    thdd = _thdd(stored)
    assert thdd["code"] == EvidenceCode.CHARACTERISTIC_MATCH
    assert (thdd["params"]["given_unit"], thdd["params"]["candidate_unit"]) == ("INH", "MMT")
    with translation.override("en"):
        assert evidence_text(thdd["code"], thdd["params"]) == (
            "thread nominal diameter (THDD): 0.3937 in matches 0.393701 in (10 mm)"
        )
    with translation.override("ru"):
        assert evidence_text(thdd["code"], thdd["params"]) == (
            "номинальный диаметр резьбы (THDD): 0,3937 дюйм совпадает с 0,393701 дюйм (10 мм)"
        )


def test_a_conflict_in_millimetres_against_inches_reads_in_one_unit(catalogue) -> None:
    add_item(catalogue.other_maker, "BX-12", THDD="0.5 in", THDP="1.75 mm", MATL="STL")
    query = ScreeningInput(
        references=(ReferenceInput("BX-12", "A200F"),),
        item_name_code="10101",
        characteristics={"THDD": "12,5 мм"},
        locale="ru",
    )
    thdd = _thdd(screen(query, reader=SYSTEM_INIT).to_record())
    assert thdd["code"] == EvidenceCode.CHARACTERISTIC_CONFLICT
    with translation.override("ru"):
        assert evidence_text(thdd["code"], thdd["params"]) == (
            "номинальный диаметр резьбы (THDD): 12,5 мм отличается от 12,7 мм (0,5 дюйм)"
        )
    with translation.override("en"):
        assert evidence_text(thdd["code"], thdd["params"]) == (
            "thread nominal diameter (THDD): 12.5 mm differs from 12.7 mm (0.5 in)"
        )


def test_a_result_stored_before_codes_shows_its_stored_sentence(db) -> None:
    old = {
        "verdict": "duplicate",
        "candidates": [
            {
                "item_id": 1,
                "catalogue_number": "5310-01-000-0001",
                "item_name": "NUT, PLAIN, HEXAGON",
                "status": "active",
                "score": 0.9,
                "verdict": "duplicate",
                "evidence": [
                    {
                        "kind": "reference_same_manufacturer",
                        "outcome": "match",
                        "weight": 0.9,
                        "detail": "Same reference number X-1 of the same manufacturer A100F",
                        "data": {"candidate_number": "X-1"},
                    }
                ],
            }
        ],
        "lower": 0.55,
        "upper": 0.85,
    }
    with translation.override("ru"):
        (shown,) = result_shown(old)["candidates"][0]["evidence"]
    assert shown["detail"] == "Same reference number X-1 of the same manufacturer A100F"
    assert (shown["code"], shown["params"], shown["data"]) == ("", {}, {"candidate_number": "X-1"})
    assert result_shown(None) is None

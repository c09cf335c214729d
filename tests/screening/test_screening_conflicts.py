"""What screening must never call "no duplicate": the same number of the same maker with other
key values, and a line that gives nothing to compare."""

from __future__ import annotations

from katalog.core.actors import SYSTEM_INIT
from katalog.screening.services import ReferenceInput, ScreeningInput, screen, screen_many


def _nut_number_with(**values: str):
    query = ScreeningInput(
        references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),),
        item_name_code="10101",
        characteristics=values,
    )
    return screen(query, reader=SYSTEM_INIT)


def test_screening_same_reference_and_maker_with_other_sizes_is_review(catalogue) -> None:
    result = _nut_number_with(THDD="24 mm", THDP="3 mm", WDAF="36 mm")
    top = result.candidates[0]
    assert top.item_id == catalogue.nut.pk
    assert result.verdict == top.verdict == "review"
    assert result.lower <= top.score < result.upper
    summary = top.evidence[0]
    assert (summary.kind, summary.outcome) == ("reference_conflict", "conflict")
    assert summary.data["number"] == "АБВГ.123456.001-01"
    assert set(summary.data["conflicts"]) == {"THDD", "THDP", "WDAF"}
    assert "АБВГ.123456.001-01" in summary.detail
    assert "THDD" in summary.detail
    outcomes = {(e.kind, e.outcome) for e in top.evidence}
    assert ("reference_same_manufacturer", "match") in outcomes
    assert ("characteristic", "conflict") in outcomes


def test_screening_same_reference_and_maker_with_the_same_sizes_stays_a_duplicate(
    catalogue,
) -> None:
    result = _nut_number_with(THDD="10 mm", THDP="1.5 mm", WDAF="17 mm")
    assert result.verdict == "duplicate"
    assert all(e.kind != "reference_conflict" for e in result.candidates[0].evidence)


def test_screening_other_maker_with_other_sizes_is_not_raised_to_review(catalogue) -> None:
    query = ScreeningInput(
        references=(ReferenceInput("АБВГ.123456.001-01", "A200F"),),
        item_name_code="10101",
        characteristics={"THDD": "24 mm", "THDP": "3 mm", "WDAF": "36 mm"},
    )
    result = screen(query, reader=SYSTEM_INIT)
    assert result.verdict == "no_duplicate"
    assert all(e.kind != "reference_conflict" for c in result.candidates for e in c.evidence)


def test_screening_a_name_alone_is_not_screened(catalogue) -> None:
    result = screen(ScreeningInput(item_name_code="10101"), reader=SYSTEM_INIT)
    assert result.verdict == "not_screened"
    assert result.candidates == []


def test_screening_blank_reference_and_no_values_is_not_screened(catalogue) -> None:
    query = ScreeningInput(references=(ReferenceInput("  ", "A100F"),), item_name_code="10101")
    [answer] = screen_many([query], reader=SYSTEM_INIT)
    assert answer.verdict == "not_screened"

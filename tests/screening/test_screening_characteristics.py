"""Characteristics screening: unit conversion, tolerance, coded and text replies, unknowns."""

from __future__ import annotations

import pytest

from katalog.core.actors import SYSTEM_INIT
from katalog.core.errors import ValidationFailed
from katalog.screening.services import ReferenceInput, ScreeningInput, queries, screen
from tests.screening.conftest import add_item

NUT_REPLIES = {"THDD": "0.3937 in", "THDP": "1.5 mm", "MATL": "steel", "WDAF": "17 mm"}


def by_values(
    values: dict[str, str], *, name: str = "10101", supply_class: str = "5310", locale: str = "en"
):
    return screen(
        ScreeningInput(
            item_name_code=name, supply_class=supply_class, characteristics=values, locale=locale
        ),
        reader=SYSTEM_INIT,
    )


def outcomes(candidate) -> dict[str, str]:
    return {e.data["code"]: e.outcome for e in candidate.evidence if e.kind == "characteristic"}


def test_screening_values_match_after_unit_conversion(catalogue) -> None:
    result = by_values(NUT_REPLIES)
    top = result.candidates[0]
    assert top.item_id == catalogue.nut.pk
    assert outcomes(top) == {"THDD": "match", "THDP": "match", "MATL": "match", "WDAF": "match"}
    # Characteristics alone ask a person to look; they do not decide.
    assert top.verdict == "review"


def test_screening_decimal_comma_follows_the_locale(catalogue) -> None:
    result = by_values({**NUT_REPLIES, "THDP": "1,5 мм"}, locale="ru")
    assert outcomes(result.candidates[0])["THDP"] == "match"


def with_reference(values: dict[str, str]):
    """The nut by its reference, so that its characteristics are compared whatever they are."""
    reference = (ReferenceInput("АБВГ.123456.001-01", "A100F"),)
    return screen(
        ScreeningInput(references=reference, item_name_code="10101", characteristics=values),
        reader=SYSTEM_INIT,
    ).candidates[0]


def test_screening_value_outside_tolerance_conflicts(catalogue) -> None:
    top = with_reference({**NUT_REPLIES, "WDAF": "18 mm"})  # tolerance of WDAF is 2 %
    assert top.item_id == catalogue.nut.pk
    assert outcomes(top)["WDAF"] == "conflict"
    assert top.score < with_reference(NUT_REPLIES).score
    assert outcomes(with_reference({**NUT_REPLIES, "WDAF": "17.3 mm"}))["WDAF"] == "match"


def test_screening_coded_values_compare_exactly(catalogue) -> None:
    assert outcomes(with_reference({**NUT_REPLIES, "MATL": "SST"}))["MATL"] == "conflict"


def test_screening_items_with_a_conflicting_key_value_are_not_fetched(catalogue) -> None:
    assert by_values({**NUT_REPLIES, "MATL": "SST"}).candidates == []
    assert by_values({**NUT_REPLIES, "WDAF": "18 mm"}).candidates == []


def test_screening_text_values_compare_by_similarity(catalogue) -> None:
    bolt = add_item(
        catalogue.maker,
        "BM-12-50",
        name="10201",
        supply_class="5306",
        THDD="12 mm",
        LNTH="50 mm",
        STRC="Class 8.8",
    )
    similar = by_values({"THDD": "12 mm", "STRC": "class  8.8"}, name="10201", supply_class="5306")
    assert similar.candidates[0].item_id == bolt.pk
    assert outcomes(similar.candidates[0])["STRC"] == "match"
    different = by_values({"THDD": "12 mm", "STRC": "10.9"}, name="10201", supply_class="5306")
    assert outcomes(different.candidates[0])["STRC"] == "conflict"


def test_screening_missing_values_are_unknown_not_a_match(catalogue) -> None:
    partial = by_values({"THDD": "10 mm"}).candidates[0]
    assert outcomes(partial) == {
        "THDD": "match",
        "THDP": "missing",
        "MATL": "missing",
        "WDAF": "missing",
    }
    assert partial.score < by_values(NUT_REPLIES).candidates[0].score
    assert partial.verdict == "no_duplicate"


def test_screening_values_out_of_range_find_nothing(catalogue) -> None:
    assert by_values({"THDD": "20 mm"}).candidates == []


def test_screening_related_item_name_is_weaker_than_the_same(catalogue) -> None:
    related = by_values(NUT_REPLIES, name="10102").candidates[0]
    assert related.item_id == catalogue.nut.pk
    name = next(e for e in related.evidence if e.kind == "item_name")
    assert name.outcome == "match"
    assert name.data.get("related") is True
    assert related.score < by_values(NUT_REPLIES).candidates[0].score


def test_screening_reply_that_does_not_parse_names_the_characteristic(catalogue) -> None:
    with pytest.raises(ValidationFailed) as raised:
        by_values({"THDD": "ten millimetres"})
    assert raised.value.errors[0].field == "THDD"


def test_screening_characteristic_not_in_the_guide_is_refused(catalogue) -> None:
    with pytest.raises(ValidationFailed) as raised:
        by_values({"CAPC": "10 uF"})
    assert raised.value.errors[0].code == "UNKNOWN_CHARACTERISTIC"


def test_screening_item_name_given_as_text(catalogue) -> None:
    by_text = by_values(NUT_REPLIES, name="Гайка шестигранная").candidates[0]
    assert by_text.item_id == catalogue.nut.pk
    assert next(e for e in by_text.evidence if e.kind == "item_name").outcome == "match"


def test_items_with_unknown_values_are_taken_only_while_few_agree_on_every_value(catalogue):
    partial = add_item(catalogue.maker, "PARTIAL-1", THDD="10 mm")  # its material is unknown
    given = ScreeningInput(
        item_name_code="10101",
        supply_class="5310",
        characteristics={"THDD": "10 mm", "MATL": "steel"},
    )

    def found() -> list[int]:
        return [c.item_id for c in screen(given, reader=SYSTEM_INIT, limit=20).candidates]

    assert found() == [catalogue.nut.pk, partial.pk]  # one agrees on both: too few
    agreeing = [
        add_item(catalogue.maker, f"AGREE-{n}", THDD="10 mm", MATL="steel").pk
        for n in range(queries.FEW_AGREEING)
    ]
    assert sorted(found()) == sorted([catalogue.nut.pk, *agreeing])


def test_the_rarest_given_value_drives_the_look_up(catalogue):
    # Three more nuts share the thread diameter and not the pitch: the pitch, rarer, drives, so
    # an item whose diameter is unknown but whose pitch agrees is found beside the nut.
    for n in range(3):
        add_item(catalogue.maker, f"COARSE-{n}", THDD="10 mm", THDP="1.25 mm")
    pitch_only = add_item(catalogue.maker, "PITCH-1", THDP="1.5 mm")
    given = ScreeningInput(
        item_name_code="10101",
        supply_class="5310",
        characteristics={"THDD": "10 mm", "THDP": "1.5 mm"},
    )
    found = [c.item_id for c in screen(given, reader=SYSTEM_INIT, limit=20).candidates]
    assert found == [catalogue.nut.pk, pitch_only.pk]

"""Reference screening: each kind of evidence, with what must match and what must not."""

from __future__ import annotations

import io

from django.core.management import call_command

from katalog.catalog.models import Item, ItemStatus
from katalog.core.actors import SYSTEM_INIT
from katalog.screening.models import ReferenceScreeningKey
from katalog.screening.services import ReferenceInput, ScreeningInput, screen
from tests.factories import make_item
from tests.screening.conftest import add_item


def by_reference(
    number: str,
    maker: str = "A100F",
    *,
    name: str = "",
    supply_class: str = "",
    maker_name: str = "",
):
    query = ScreeningInput(
        references=(ReferenceInput(number, maker, maker_name),),
        item_name_code=name,
        supply_class=supply_class,
    )
    return screen(query, reader=SYSTEM_INIT)


def kinds(candidate) -> list[str]:
    return [e.kind for e in candidate.evidence if e.outcome == "match"]


def test_screening_separators_and_case_are_the_same_number(catalogue) -> None:
    result = by_reference("абвг 123456 001 01", name="10101", supply_class="5310")
    top = result.candidates[0]
    assert top.item_id == catalogue.nut.pk
    assert "reference_same_manufacturer" in kinds(top)
    assert result.verdict == top.verdict == "duplicate"
    assert top.score >= result.upper


def test_screening_latin_lookalikes_of_cyrillic_letters_are_the_same_number(catalogue) -> None:
    result = by_reference("AБBГ-123456-001-01")  # Latin A and B, Cyrillic Б and Г
    assert result.candidates[0].item_id == catalogue.nut.pk
    assert kinds(result.candidates[0]) == ["reference_same_manufacturer"]
    assert result.verdict == "duplicate"


def test_screening_suffix_01_and_02_are_never_merged(catalogue) -> None:
    result = by_reference("АБВГ.123456.001-01", name="10101", supply_class="5310")
    assert catalogue.sibling.pk not in [c.item_id for c in result.candidates]
    unknown = by_reference("АБВГ.123456.001-03")
    assert unknown.candidates == []
    assert unknown.verdict == "no_duplicate"


def test_screening_leading_zeros_are_weaker_evidence(catalogue) -> None:
    result = by_reference("MS35", name="10101", supply_class="5310")
    top = result.candidates[0]
    assert top.item_id == catalogue.zeros.pk
    assert kinds(top)[0] == "reference_leading_zeros"
    assert top.verdict == "review"
    assert by_reference("MS36").candidates == []


def test_screening_o_and_i_confusions_are_weaker_evidence(catalogue) -> None:
    result = by_reference("MS-OO35")
    top = result.candidates[0]
    assert top.item_id == catalogue.zeros.pk
    assert kinds(top)[0] == "reference_confusable"
    assert top.verdict == "review"
    assert by_reference("MS-OO36").candidates == []


def test_screening_transliterated_cyrillic_number_is_strong_of_the_same_maker(catalogue) -> None:
    result = by_reference("ZHZIK-305", name="10101")
    top = result.candidates[0]
    assert top.item_id == catalogue.cyrillic.pk
    assert kinds(top)[0] == "reference_transliterated"
    assert top.verdict == "duplicate"
    other = by_reference("ZHZIK-305", "A200F", name="10101").candidates[0]
    assert other.item_id == catalogue.cyrillic.pk
    assert other.verdict == "review"
    assert by_reference("ZHZIK-306").candidates == []


def test_screening_other_manufacturer_weighs_less_than_the_same(catalogue) -> None:
    same = by_reference(
        "АБВГ.123456.001-01", "A100F", name="10101", supply_class="5310"
    ).candidates[0]
    other = by_reference(
        "АБВГ.123456.001-01", "A200F", name="10101", supply_class="5310"
    ).candidates[0]
    assert other.item_id == same.item_id == catalogue.nut.pk
    assert kinds(other)[0] == "reference_other_manufacturer"
    assert other.score < same.score
    assert other.verdict == "review"


def test_screening_manufacturer_name_instead_of_code(catalogue) -> None:
    result = by_reference("АБВГ.123456.001-01", "", maker_name="samara fastener works")
    assert kinds(result.candidates[0])[0] == "reference_same_manufacturer"
    wrong = by_reference("АБВГ.123456.001-01", "", maker_name="Omsk Cable Plant")
    assert kinds(wrong.candidates[0])[0] == "reference_other_manufacturer"


def test_screening_different_item_name_conflicts(catalogue) -> None:
    result = by_reference("BM-10-40", name="10101", supply_class="5310")
    top = result.candidates[0]
    assert top.item_id == catalogue.bolt.pk
    conflicts = {e.kind for e in top.evidence if e.outcome == "conflict"}
    assert conflicts == {"item_name", "supply_class"}
    assert top.verdict != "duplicate"


def test_screening_cancelled_item_leads_to_its_replacement(catalogue) -> None:
    replacement = make_item()
    Item.objects.filter(pk=catalogue.nut.pk).update(
        status=ItemStatus.CANCELLED_REPLACED, cancellation_reason="C", replaced_by=replacement
    )
    result = by_reference("АБВГ.123456.001-01", name="10101", supply_class="5310")
    first, second = result.candidates[0], result.candidates[1]
    assert first.item_id == replacement.pk
    assert first.evidence[0].kind == "replacement"
    assert second.item_id == catalogue.nut.pk
    cancelled = next(e for e in second.evidence if e.kind == "cancelled")
    assert cancelled.data["replaced_by"] == replacement.catalogue_number
    assert first.score >= second.score


def test_screening_excluded_items_are_not_candidates(catalogue) -> None:
    query = ScreeningInput(
        references=(ReferenceInput("АБВГ.123456.001-01", "A100F"),),
        exclude_item_ids=(catalogue.nut.pk,),
    )
    assert screen(query, reader=SYSTEM_INIT).candidates == []


def test_screening_finds_references_added_since_the_last_backfill(catalogue) -> None:
    newer = add_item(catalogue.other_maker, "PN-00470")
    ReferenceScreeningKey.objects.filter(reference__item=newer).delete()  # a write without keys
    result = by_reference("PN470", "A200F")
    assert result.candidates[0].item_id == newer.pk
    assert kinds(result.candidates[0])[0] == "reference_leading_zeros"


def test_screening_keys_command_backfills_missing_keys(catalogue) -> None:
    ReferenceScreeningKey.objects.filter(reference__item=catalogue.zeros).delete()
    out = io.StringIO()
    call_command("screening_keys", stdout=out)
    assert "screening keys added: 1" in out.getvalue()
    assert by_reference("MS35").candidates[0].item_id == catalogue.zeros.pk

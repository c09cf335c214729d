"""The screening quality evaluation on a generated catalogue: the labelled parts list, screened
as a file, and the exact-key baseline beside it."""

from __future__ import annotations

import csv

import pytest

from katalog.screening import quality
from katalog.screening.quality import DISTINCT, DUPLICATE, REVIEW, build_list, evaluate
from katalog.synthetic.demo import load_demo_catalogue


@pytest.fixture
def catalogue(db):
    load_demo_catalogue(items=150)


def test_screening_quality_labels_every_variant(catalogue) -> None:
    lines = build_list(600, 7)
    variants = {line.variant for line in lines}
    assert {
        "prefix", "maker_in_cell", "maker_name", "transliterated_gost", "transliterated_icao",
        "transliterated_bgn", "transliterated_informal", "typography", "footnote", "all_at_once",
        "sibling", "other_digit", "unrelated", "other_manufacturer_other_item", "confusable",
        "characteristics", "characteristic_changed", "reference_with_conflict",
    } <= variants  # fmt: skip
    assert {line.label for line in lines} == {DUPLICATE, DISTINCT, REVIEW}
    # A hard non-duplicate never holds the item's own number with its own manufacturer.
    for line in lines:
        if line.variant in ("sibling", "other_digit"):
            source = next(x for x in lines if x.item_id == line.item_id and x.variant == "exact")
            assert line.reference != source.reference


def test_screening_quality_of_the_labelled_list(catalogue) -> None:
    report = evaluate(lines=600, seed=7)
    ours, exact = report["screening"], report["exact_key"]
    assert ours["lines"] == exact["lines"] == len(build_list(600, 7)) > 300
    assert ours["precision"] == 1.0
    assert ours["recall"] >= 0.97
    assert ours["review_share"] <= 0.05
    # Siblings (-01/-02) and another digit must never be taken for the item.
    for variant in ("sibling", "other_digit", "reference_with_conflict", "transliterated_gost"):
        counts = ours["by_variant"][variant]
        assert counts["as_expected"] == counts["lines"], variant
    # The exact key finds the plainly written numbers and misses the prefixed ones.
    assert exact["by_variant"]["exact"]["as_expected"] == exact["by_variant"]["exact"]["lines"]
    assert exact["by_variant"]["prefix"]["as_expected"] < exact["by_variant"]["prefix"]["lines"]
    assert exact["recall"] < ours["recall"]


def test_screening_quality_list_is_a_parts_list_file(catalogue, tmp_path) -> None:
    lines = build_list(200, 3)
    path = tmp_path / "list.csv"
    quality.write_list(lines, path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(lines)
    assert [row["reference_number"] for row in rows] == [line.reference for line in lines]
    outcomes, _seconds = quality.screen_list(path, len(lines))
    exact = next(i for i, line in enumerate(lines) if line.variant == "exact")
    assert outcomes[exact].candidates[0] == (lines[exact].catalogue_number, "duplicate")

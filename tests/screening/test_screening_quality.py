"""The screening quality evaluation on a generated catalogue."""

from __future__ import annotations

from katalog.screening.quality import build_cases, evaluate
from katalog.synthetic.demo import load_demo_catalogue


def test_screening_quality_evaluation(db) -> None:
    load_demo_catalogue(items=150)
    report = evaluate(sample_size=30, seed=7)
    assert report["cases"] == len(build_cases(30, 7)) > 100
    assert set(report["per_verdict"]) == {"no_duplicate", "review", "duplicate"}
    expected_variants = {"sibling", "unrelated", "confusable", "leading_zeros", "separators"}
    assert expected_variants | {"characteristics", "characteristic_changed"} <= set(
        report["by_variant"]
    )
    # Siblings (-01/-02) must never be taken for the item: no false duplicate at all.
    assert (
        report["by_variant"]["sibling"]["as_expected"] == report["by_variant"]["sibling"]["cases"]
    )
    assert report["per_verdict"]["duplicate"]["precision"] == 1.0
    assert report["detection"]["recall"] >= 0.9

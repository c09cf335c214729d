"""The folded key: O/0, I/1 and leading zeros fold; digits never change into other digits."""

from __future__ import annotations

import pytest

from katalog.core.text import code_key
from katalog.screening.keys import confusable_key, folded_key, zero_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MS-0035", "MS35"),
        ("MS 0035", "ms-35"),
        ("KT-1O5", "KT-105"),
        ("KT-I05", "KT-105"),
        ("АБВГ.123.001", "AБBГ 123 1"),
    ],
)
def test_screening_folded_key_meets_variants(a: str, b: str) -> None:
    assert folded_key(a) == folded_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("АБВГ.123-01", "АБВГ.123-02"),
        ("KT1234-01", "KT1234-02"),
        ("12-03", "1-23"),  # dropping a zero must not glue digit groups together
        ("123-00", "123"),  # a group of zeros is not nothing
        ("KT-105", "KT-106"),
    ],
)
def test_screening_folded_key_keeps_different_numbers_apart(a: str, b: str) -> None:
    assert folded_key(a) != folded_key(b)


def test_screening_partial_folds_tell_which_fold_matched() -> None:
    assert confusable_key("KT-1O5") == confusable_key("KT-105")
    assert zero_key("KT-1O5") != zero_key("KT-105")
    assert zero_key("MS-0035") == zero_key("MS35")
    assert confusable_key("MS-0035") != confusable_key("MS35")


def test_screening_code_key_already_folds_case_separators_and_lookalikes() -> None:
    assert code_key("абвг-123") == code_key("AБBГ123")

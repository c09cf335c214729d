"""A document number has one key however it is typed: script, case, dashes and spaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from katalog.core.text import ascii_code_key
from katalog.nomenclature.keys import document_key

DASHES = ["-", "–", "—", "‑", "−", " ", "", "."]
SPELLINGS = {
    "GOST": ["ГОСТ", "GOST", "гост", "Gost", "ГOCT"],
    "GOSTR": ["ГОСТ Р", "GOST R", "ГОСТ-Р", "гост р"],
    "STRK": ["СТ РК", "ST RK", "СТ-РК"],
    "ISO": ["ISO", "ИСО", "iso"],
    "STB": ["СТБ", "STB"],
}


def test_the_examples_of_the_register_share_one_key():
    keys = {document_key(s) for s in ("ГОСТ 5915-70", "GOST 5915-70", "ГОСТ5915–70")}
    assert keys == {"GOST591570"}


def test_a_kazakh_standard_after_iso_reads_the_same_in_both_scripts():
    assert document_key("СТ РК ISO 9001-2016") == document_key("ST RK ISO 9001-2016")


def test_different_numbers_keep_different_keys():
    assert document_key("ГОСТ 5915-70") != document_key("ГОСТ 5916-70")
    assert document_key("ГОСТ 5915-70") != document_key("ГОСТ Р 5915-70")


def test_separators_alone_make_no_key():
    assert document_key(" – . ") == ""


@given(
    designation=st.sampled_from(sorted(SPELLINGS)),
    data=st.data(),
    number=st.integers(min_value=1, max_value=99999),
    year=st.integers(min_value=0, max_value=2030),
)
def test_every_spelling_and_dash_gives_the_same_key(designation, data, number, year):
    spelling = data.draw(st.sampled_from(SPELLINGS[designation]))
    before = data.draw(st.sampled_from([" ", "", "  "]))
    dash = data.draw(st.sampled_from(DASHES))
    typed = f"{spelling}{before}{number}{dash}{year}"
    assert document_key(typed) == f"{designation}{number}{year}"


@given(st.text(alphabet="ГОСТРКБИ0123456789 -–.", max_size=30))
def test_without_mixed_words_the_key_is_the_references_transliterated_key(raw):
    # Items' references are joined with documents on their stored ascii_key.
    assert document_key(raw) == ascii_code_key(raw)

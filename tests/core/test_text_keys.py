from hypothesis import given
from hypothesis import strategies as st

from katalog.core.text import ascii_code_key, code_key, word_key


def test_code_key_removes_separators_and_case():
    assert code_key("ms-21042 l3") == code_key("MS21042L3") == "MS21042L3"


def test_code_key_folds_cyrillic_lookalikes():
    # Cyrillic А, В, С, Е, Н, К, М, О, Р, Т, Х, У look like Latin letters in part numbers.
    assert code_key("АВС-123") == code_key("ABC123")
    assert code_key("КМ.01") == "KM01"


def test_code_key_keeps_cyrillic_letters_without_latin_twin():
    assert code_key("АБВГ.123456.001") == "AБBГ123456001"


def test_code_key_keeps_meaningful_suffixes_apart():
    assert code_key("2548-44118-01") != code_key("2548-44118-02")


def test_ascii_key_meets_transliteration():
    assert ascii_code_key("АБВГ.123456.001") == ascii_code_key("ABVG-123456-001")


def test_word_key_folds_apostrophes_and_yo():
    assert word_key("Oʻzbekiston") == word_key("O'ZBEKISTON")
    assert word_key("ЁЛКА") == "елка"


@given(st.text())
def test_code_key_is_idempotent(text):
    assert code_key(code_key(text)) == code_key(text)

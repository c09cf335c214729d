import pytest
from hypothesis import given
from hypothesis import strategies as st

from katalog.catalog.rules import manufacturer_code_matches, parse_catalogue_number
from katalog.core.errors import ValidationFailed


@pytest.mark.parametrize(
    "text",
    [
        "5310-01-234-5678",
        "5310012345678",
        "5310 01 234 5678",
        "5310.01.234.5678",
        "5310–01—234‑5678",
        " 5310-01-2345678 ",
    ],
)
def test_full_number_in_any_form(text):
    number = parse_catalogue_number(text)
    assert (number.supply_class, number.bureau_code, number.serial) == ("5310", "01", 2345678)
    assert number.formatted() == "5310-01-234-5678"


@pytest.mark.parametrize("text", ["01-234-5678", "012345678", "01 234 5678"])
def test_serial_part_alone(text):
    number = parse_catalogue_number(text)
    assert number.supply_class is None
    assert number.niin == "012345678"
    assert number.formatted("5310") == "5310-01-234-5678"


@pytest.mark.parametrize(
    ("text", "part", "fragment"),
    [
        ("6730-LS-CRE-EN", "bureau_code", "'LS'"),
        ("8415-01-C14-1796", "serial", "'C14'"),
        ("53A0-01-234-5678", "supply_class", "'53A0'"),
        ("5310-01-234-567", "serial", "'567'"),
        ("531001234567", "number", "not 12"),
        ("", "number", "empty"),
        ("531O012345678", "supply_class", "'O'"),
    ],
)
def test_invalid_number_names_the_wrong_part(text, part, fragment):
    with pytest.raises(ValidationFailed) as caught:
        parse_catalogue_number(text)
    assert caught.value.code == "INVALID_CATALOGUE_NUMBER"
    assert caught.value.data["part"] == part
    assert fragment in caught.value.message


separators = st.sampled_from(["", "-", " ", ".", "–", "—", "\u2011", "  "])


@given(
    nsc=st.integers(min_value=0, max_value=9999),
    code=st.integers(min_value=0, max_value=99),
    serial=st.integers(min_value=0, max_value=9_999_999),
    seps=st.tuples(separators, separators, separators),
)
def test_round_trip_with_any_separators(nsc, code, serial, seps):
    s = f"{serial:07d}"
    text = f"{nsc:04d}{seps[0]}{code:02d}{seps[1]}{s[:3]}{seps[2]}{s[3:]}"
    number = parse_catalogue_number(text)
    assert number.formatted() == f"{nsc:04d}-{code:02d}-{s[:3]}-{s[3:]}"
    assert parse_catalogue_number(number.formatted()) == number


@given(
    st.text(alphabet="0123456789", min_size=1, max_size=20).filter(lambda t: len(t) not in (9, 13))
)
def test_wrong_length_is_rejected(digits):
    with pytest.raises(ValidationFailed):
        parse_catalogue_number(digits)


@pytest.mark.parametrize(
    ("code", "patterns", "ok"),
    [
        ("A12BF", ["A***F"], True),
        ("A12BG", ["A***F"], False),
        ("12345", ["#***#"], True),
        ("1234A", ["#***#"], False),
    ],
)
def test_manufacturer_code_patterns(code, patterns, ok):
    assert manufacturer_code_matches(code, patterns) is ok


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("ru", "код органа по каталогизации"),
        ("kk", "каталогтау органының коды"),
        ("uz", "kataloglashtirish organi kodi"),
    ],
)
def test_a_bad_part_is_named_in_the_readers_language(language, label):
    from django.utils import translation

    with translation.override(language), pytest.raises(ValidationFailed) as caught:
        parse_catalogue_number("6730-LS-123-4567")
    assert caught.value.message.count(label) == 1
    assert "part" not in caught.value.message

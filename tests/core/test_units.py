"""katalog.core.units: parsing, validation, conversion and formatting of values with units."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katalog.core.errors import ValidationFailed
from katalog.core.units import (
    Quantity,
    convert,
    format_quantity,
    parse_quantity,
    parse_range,
    to_unit_code,
    unit_symbol,
    units_for,
)

M = "meter"


def value(text: str, canonical: str = M, **kw) -> float:
    return parse_quantity(text, canonical_unit=canonical, **kw).value


def error_code(text: str, canonical: str = M, **kw) -> str:
    with pytest.raises(ValidationFailed) as exc:
        parse_quantity(text, canonical_unit=canonical, **kw)
    return exc.value.code


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("text", ["12,5 mm", "12.5mm", "12.5 mm", "12,5мм", "1,25 cm", "0,0125 m"])
def test_decimal_comma_and_point(text: str) -> None:
    assert value(text) == pytest.approx(0.0125)


def test_quantity_fields() -> None:
    q = parse_quantity(" 12,5 mm ", canonical_unit=M)
    expected = Quantity(raw="12,5 mm", magnitude=Decimal("12.5"), unit_code="MMT", value=0.0125)
    assert q == expected
    assert isinstance(q.magnitude, Decimal)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.492 in", 0.0124968),
        ("1/2 in", 0.0127),
        ("1 1/2 in", 0.0381),
        ("1-1/2 in", 0.0381),
        ("1½ in", 0.0381),
        ('1/2"', 0.0127),
        ("3 ft", 0.9144),
        ("3'", 0.9144),
        ("2 дюйма", 0.0508),
        ("5 mil", 0.000127),
        ("25 µm", 25e-6),
        ("25 um", 25e-6),
        ("25 мкм", 25e-6),
    ],
)
def test_imperial_and_fractions(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected)


def test_magnitude_is_number_as_entered() -> None:
    assert parse_quantity("1 1/2 in", canonical_unit=M).magnitude == Decimal("1.5")
    assert parse_quantity("1,5·10^3 mm", canonical_unit=M).magnitude == Decimal("1.5E+3")
    assert parse_quantity("-5 mm", canonical_unit=M).magnitude == Decimal("-5")


@pytest.mark.parametrize(
    ("text", "canonical", "expected", "code"),
    [
        ("4,7 kΩ", "ohm", 4700, "B49"),
        ("4.7 kohm", "ohm", 4700, "B49"),
        ("4,7 кОм", "ohm", 4700, "B49"),
        ("10 µF", "farad", 1e-5, "4O"),
        ("10 uF", "farad", 1e-5, "4O"),
        ("10 мкФ", "farad", 1e-5, "4O"),
        ("100 pF", "farad", 1e-10, "4T"),
        ("20 °C", "kelvin", 293.15, "CEL"),
        ("20 ℃", "kelvin", 293.15, "CEL"),
        ("20 °С", "kelvin", 293.15, "CEL"),  # Cyrillic С
        ("68 °F", "kelvin", 293.15, "FAH"),
        ("293.15 K", "degree_Celsius", 20, "KEL"),
        ("-40 °F", "degree_Celsius", -40, "FAH"),
        ("10 Nm", "newton * meter", 10, "NU"),
        ("10 N·m", "newton * meter", 10, "NU"),
        ("10 N*m", "newton * meter", 10, "NU"),
        ("10 Н·м", "newton * meter", 10, "NU"),
        ("1 kN·m", "newton * meter", 1000, "B48"),
        ("1 lbf·ft", "newton * meter", 1.3558179, "M92"),
        ("3000 rpm", "revolution / minute", 3000, "RPM"),
        ("3000 об/мин", "revolution / minute", 3000, "RPM"),
        ("50 Hz", "hertz", 50, "HTZ"),
        ("2,4 ГГц", "hertz", 2.4e9, "A86"),
        ("10 bar", "pascal", 1e6, "BAR"),
        ("10 psi", "pascal", 68947.57, "PS"),
        ("6 кгс/см²", "pascal", 588399, "E42"),
        ("400 N/mm²", "pascal", 4e8, "C56"),
        ("2 kg", "kilogram", 2, "KGM"),
        ("1 lb", "kilogram", 0.45359237, "LBR"),
        ("1,5 mm²", "meter ** 2", 1.5e-6, "MMK"),
        ("1,5 мм2", "meter ** 2", 1.5e-6, "MMK"),
        ("2 L", "liter", 2, "LTR"),
        ("2 l", "meter ** 3", 0.002, "LTR"),
        ("1 gal", "liter", 3.785411784, "GLL"),
        ("45°", "degree", 45, "DD"),
        ("60 %", "percent", 60, "P1"),
        ("1,5 kW", "watt", 1500, "KWT"),
        ("230 В", "volt", 230, "VLT"),
        ("100 mA", "ampere", 0.1, "4K"),
        ("2000 mAh", "ampere * hour", 2, "E09"),
    ],
)
def test_units(text: str, canonical: str, expected: float, code: str) -> None:
    q = parse_quantity(text, canonical_unit=canonical)
    assert q.value == pytest.approx(expected)
    assert q.unit_code == code


def test_locale_decides_ambiguous_separator() -> None:
    assert value("1,234 mm", locale="en") == pytest.approx(1.234)  # thousands
    assert value("1,234 mm", locale="ru") == pytest.approx(0.001234)  # decimal comma
    assert value("1.234 mm", locale="ru") == pytest.approx(0.001234)
    assert value("1.234 mm", locale="de") == pytest.approx(1.234)
    assert value("12,5 mm", locale="ru") == value("12.5 mm", locale="en") == pytest.approx(0.0125)
    assert value("0,500 mm", locale="en") == pytest.approx(0.0005)  # leading 0: not grouping


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1 234,5 mm", "ru", 1.2345),
        ("1\u00a0234,5 мм", "ru", 1.2345),
        ("1\u202f234,5 mm", "fr", 1.2345),
        ("1,234.5 mm", "en", 1.2345),
        ("1.234,5 mm", "de", 1.2345),
        ("1,234,567 mm", "en", 1234.567),
        ("1e-3 m", "en", 0.001),
        ("1E3 mm", "en", 1.0),
        ("1,5·10^3 mm", "ru", 1.5),
        ("1,5·10³ mm", "ru", 1.5),
        ("1.5×10⁻³ m", "en", 0.0015),
        ("-5 mm", "en", -0.005),
        ("−5 mm", "en", -0.005),  # U+2212 minus
        ("+5 mm", "en", 0.005),
        (".5 mm", "en", 0.0005),
        ("Ø12 мм", "ru", 0.012),
    ],
)
def test_number_syntax(text: str, locale: str, expected: float) -> None:
    assert value(text, locale=locale) == pytest.approx(expected)


def test_default_unit() -> None:
    assert value("12.5", default_unit="mm") == pytest.approx(0.0125)
    assert value("12.5", default_unit="MMT") == pytest.approx(0.0125)
    assert value("12.5 cm", default_unit="mm") == pytest.approx(0.125)


def test_case_and_script_slips() -> None:
    assert parse_quantity("12 MM", canonical_unit=M).unit_code == "MMT"
    assert parse_quantity("12 ММ", canonical_unit=M).unit_code == "MMT"
    assert parse_quantity("10 kг", canonical_unit="kilogram").unit_code == "KGM"  # Latin k
    # "NM" is resolved by the characteristic's kind
    assert parse_quantity("10 NM", canonical_unit="newton * meter").unit_code == "NU"
    assert parse_quantity("10 NM", canonical_unit=M).unit_code == "C45"
    # one spelling, two kinds
    assert parse_quantity("68 F", canonical_unit="kelvin").unit_code == "FAH"
    assert parse_quantity("10 F", canonical_unit="farad").unit_code == "FAR"
    assert parse_quantity('30"', canonical_unit="degree").unit_code == "D62"
    assert parse_quantity('30"', canonical_unit=M).unit_code == "INH"


# ----------------------------------------------------------------------------- errors


def test_wrong_quantity() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_quantity("12.5 kg", canonical_unit=M)
    assert exc.value.code == "UNIT_WRONG_QUANTITY"
    assert "unit 'kg' measures mass, expected length" in exc.value.message
    assert exc.value.data == {"unit": "kg", "kind": "mass", "expected": "length"}


@pytest.mark.parametrize(
    ("text", "canonical", "kw", "code"),
    [
        ("abc mm", M, {}, "VALUE_NOT_A_NUMBER"),
        ("M12", M, {}, "VALUE_NOT_A_NUMBER"),
        ("M12x1,5", M, {}, "VALUE_NOT_A_NUMBER"),
        ("12x1.5", M, {}, "VALUE_NOT_A_NUMBER"),
        ("", M, {}, "VALUE_NOT_A_NUMBER"),
        ("1,2,3 mm", M, {}, "VALUE_NOT_A_NUMBER"),
        ("1 23 mm", M, {}, "VALUE_NOT_A_NUMBER"),
        ("1/0 in", M, {}, "VALUE_NOT_A_NUMBER"),
        ("-5 mm", M, {"min_value": 0}, "VALUE_OUT_OF_RANGE"),
        ("2 m", M, {"max_value": 1}, "VALUE_OUT_OF_RANGE"),
        ("-300 °C", "kelvin", {}, "VALUE_OUT_OF_RANGE"),
        ("1e999 m", M, {}, "VALUE_OUT_OF_RANGE"),
        ("12.5 furlongs", M, {}, "UNIT_UNKNOWN"),
        ("10 mw", "watt", {}, "UNIT_UNKNOWN"),  # MW or mW: ambiguous
        ("12.5", M, {}, "UNIT_MISSING"),
        ("12.5 kg", M, {}, "UNIT_WRONG_QUANTITY"),
        ("10 J", "newton * meter", {}, "UNIT_WRONG_QUANTITY"),  # energy is not torque
        ("50 Hz", "revolution / minute", {}, "UNIT_WRONG_QUANTITY"),
        ("10 %", "degree", {}, "UNIT_WRONG_QUANTITY"),
        ("10 VA", "watt", {}, "UNIT_WRONG_QUANTITY"),
        ("10 H", "newton", {}, "UNIT_WRONG_QUANTITY"),  # Latin H is henry
    ],
)
def test_error_codes(text: str, canonical: str, kw: dict, code: str) -> None:
    assert error_code(text, canonical, **kw) == code


def test_coded_value_message() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_quantity("M12", canonical_unit=M)
    assert "coded value" in exc.value.message


def test_errors_are_translated_messages_in_english() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_quantity("12.5 furlongs", canonical_unit=M)
    assert exc.value.message == "unit 'furlongs' is unknown"
    assert exc.value.status == 422


# ----------------------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("10..12 mm", "en"),
        ("10...12 mm", "en"),
        ("10-12 mm", "en"),
        ("10 - 12 mm", "en"),
        ("10–12 mm", "en"),
        ("10 to 12 mm", "en"),
        ("from 10 to 12 mm", "en"),
        ("от 10 до 12 мм", "ru"),
        ("10 до 12 мм", "ru"),
        ("10÷12 мм", "ru"),
        ("10 mm - 12 mm", "en"),
        ("10 mm..1,2 cm", "ru"),
    ],
)
def test_ranges(text: str, locale: str) -> None:
    low, high = parse_range(text, canonical_unit=M, locale=locale)
    assert (low.value, high.value) == (pytest.approx(0.010), pytest.approx(0.012))


def test_range_details() -> None:
    low, high = parse_range("10 mm – 0.5 in", canonical_unit=M)
    assert (low.unit_code, high.unit_code) == ("MMT", "INH")
    low, high = parse_range("-10..-5 °C", canonical_unit="kelvin")
    assert (low.value, high.value) == (pytest.approx(263.15), pytest.approx(268.15))
    low, high = parse_range("-10-5 °C", canonical_unit="kelvin")
    assert high.value == pytest.approx(278.15)
    low, high = parse_range("10-12", canonical_unit=M, default_unit="mm")
    assert low.unit_code == high.unit_code == "MMT"
    low, high = parse_range("1-1/2 in", canonical_unit=M)  # a mixed fraction, not a range
    assert low == high
    assert low.value == pytest.approx(0.0381)
    low, high = parse_range("12 mm", canonical_unit=M)
    assert low == high
    low, high = parse_range("1e-3-2e-3 m", canonical_unit=M)
    assert (low.value, high.value) == (pytest.approx(0.001), pytest.approx(0.002))
    low, high = parse_range("10 lb-ft - 20 lb-ft", canonical_unit="newton * meter")
    assert high.value == pytest.approx(2 * low.value)


@pytest.mark.parametrize(
    ("text", "kw", "code"),
    [
        ("12..10 mm", {}, "RANGE_INVALID"),
        ("1..2..3 mm", {}, "RANGE_INVALID"),
        ("10..12", {}, "UNIT_MISSING"),
        ("10..12 kg", {}, "UNIT_WRONG_QUANTITY"),
        ("abc..12 mm", {}, "VALUE_NOT_A_NUMBER"),
        ("-1..2 mm", {"min_value": 0}, "VALUE_OUT_OF_RANGE"),
    ],
)
def test_range_errors(text: str, kw: dict, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_range(text, canonical_unit=M, **kw)
    assert exc.value.code == code


# ----------------------------------------------------------------------------- convert, format


@pytest.mark.parametrize(
    ("v", "src", "dst", "expected"),
    [
        (1, "INH", "MMT", 25.4),
        (1, "inch", "millimeter", 25.4),
        (20, "CEL", "FAH", 68),
        (20, "CEL", "KEL", 293.15),
        (68, "FAH", "CEL", 20),
        (0, "KEL", "degree_Celsius", -273.15),
        (1, "B49", "OHM", 1000),
        (1, "NU", "F21", 8.850745791),
        (1, "LTR", "meter ** 3", 0.001),
    ],
)
def test_convert(v: float, src: str, dst: str, expected: float) -> None:
    assert convert(v, from_unit=src, to_unit=dst) == pytest.approx(expected)


def test_convert_refuses_other_kinds() -> None:
    with pytest.raises(ValidationFailed) as exc:
        convert(1, from_unit="HTZ", to_unit="RPM")
    assert exc.value.code == "UNIT_WRONG_QUANTITY"


def test_to_unit_code() -> None:
    assert to_unit_code("mm") == to_unit_code("мм") == to_unit_code("MMT") == "MMT"
    assert to_unit_code("µF") == to_unit_code("uF") == to_unit_code("μF") == "4O"
    assert to_unit_code("N m") == to_unit_code("Nm") == to_unit_code("Нм") == "NU"
    assert to_unit_code("nm") == "C45"
    assert to_unit_code('"') == "INH"
    assert to_unit_code('"', canonical_unit="degree") == "D62"
    assert to_unit_code("m²") == to_unit_code("m^2") == to_unit_code("м2") == "MTK"
    for bad, code in [("furlong", "UNIT_UNKNOWN"), ("", "UNIT_MISSING"), ("MOHM", "UNIT_UNKNOWN")]:
        with pytest.raises(ValidationFailed) as exc:
            to_unit_code(bad)
        assert exc.value.code == code


def test_format_quantity() -> None:
    assert format_quantity(0.0125, canonical_unit=M, unit_code="MMT", locale="ru") == "12,5 мм"
    assert format_quantity(0.0125, canonical_unit=M, unit_code="MMT") == "12.5 mm"
    assert format_quantity(0.0127, canonical_unit=M, unit_code="INH") == "0.5 in"
    assert format_quantity(293.15, canonical_unit="kelvin", unit_code="CEL", locale="ru") == "20 °C"
    assert format_quantity(1e-5, canonical_unit="farad", unit_code="4O", locale="ru") == "10 мкФ"
    assert format_quantity(45, canonical_unit="degree", unit_code="DD") == "45°"
    shown = format_quantity(1.2345, canonical_unit=M, unit_code="MMT", locale="ru")
    assert shown == "1\u00a0234,5 мм"
    assert format_quantity(1 / 3, canonical_unit=M, unit_code="MTR", digits=3) == "0.333 m"


def test_units_for() -> None:
    lengths = units_for("meter")
    assert {"MTR", "MMT", "INH", "FOT", "4H"} <= set(lengths)
    assert "KGM" not in lengths
    assert "MTK" not in lengths
    assert units_for("newton * meter")[:2] == ["NU", "B48"]
    assert "JOU" not in units_for("newton * meter")
    assert "RPM" not in units_for("hertz")
    assert "HTZ" not in units_for("revolution / minute")
    assert set(units_for("kelvin")) == {"CEL", "FAH", "KEL"}
    assert set(units_for("liter")) == set(units_for("meter ** 3"))
    assert units_for("MMT") == lengths  # a code works as canonical too


def test_unit_symbol() -> None:
    assert unit_symbol("MMT") == "mm"
    assert unit_symbol("MMT", locale="ru") == "мм"
    assert unit_symbol("KEL", locale="ru") == "K"
    assert unit_symbol("INH", locale="kk") == "дюйм"


def test_speed_after_warm_up() -> None:
    parse_quantity("12,5 mm", canonical_unit=M)
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        parse_quantity("12,5 mm", canonical_unit=M)
        parse_quantity("4,7 кОм", canonical_unit="ohm", locale="ru")
    per_value = (time.perf_counter() - start) / (2 * n)
    assert per_value < 100e-6  # measured ~5 µs; generous for slow CI


# ----------------------------------------------------------------------------- properties

LENGTH_CODES = units_for("meter")
decimals = st.decimals(
    min_value=Decimal("-1e9"),
    max_value=Decimal("1e9"),
    allow_nan=False,
    allow_infinity=False,
    places=6,
)


@given(d=decimals, code=st.sampled_from(LENGTH_CODES))
@settings(max_examples=300, deadline=None)
def test_parse_matches_convert(d: Decimal, code: str) -> None:
    text = f"{d} {unit_symbol(code)}"
    q = parse_quantity(text, canonical_unit=M)
    assert q.unit_code == code
    assert q.magnitude == d
    expected = convert(float(d), from_unit=code, to_unit=M)
    assert q.value == pytest.approx(expected, rel=1e-12, abs=1e-300)


@given(d=decimals, code=st.sampled_from(LENGTH_CODES))
@settings(max_examples=300, deadline=None)
def test_ru_formatting_round_trips(d: Decimal, code: str) -> None:
    canonical = convert(float(d), from_unit=code, to_unit=M)
    text = format_quantity(canonical, canonical_unit=M, unit_code=code, locale="ru")
    assert "." not in text.split(" ")[0]
    if "," in text:
        assert text.count(",") == 1
    back = parse_quantity(text, canonical_unit=M, locale="ru")
    assert back.unit_code == code
    assert back.value == pytest.approx(canonical, rel=1e-5, abs=1e-12)


@given(
    d=st.decimals(min_value=-400, max_value=1000, places=3, allow_nan=False),
    src=st.sampled_from(["CEL", "FAH", "KEL"]),
    dst=st.sampled_from(["CEL", "FAH", "KEL"]),
)
@settings(max_examples=200, deadline=None)
def test_temperature_round_trip(d: Decimal, src: str, dst: str) -> None:
    there = convert(float(d), from_unit=src, to_unit=dst)
    assert convert(there, from_unit=dst, to_unit=src) == pytest.approx(float(d), abs=1e-9)


@given(
    a=st.integers(min_value=0, max_value=1000),
    b=st.integers(min_value=0, max_value=1000),
    code=st.sampled_from(LENGTH_CODES),
)
@settings(max_examples=200, deadline=None)
def test_range_is_ordered(a: int, b: int, code: str) -> None:
    lo, hi = sorted((a, b))
    low, high = parse_range(f"{lo}..{hi} {unit_symbol(code)}", canonical_unit=M)
    assert low.value <= high.value
    assert (low.magnitude, high.magnitude) == (lo, hi)

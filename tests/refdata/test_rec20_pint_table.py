"""Guard for katalog/refdata/data/rec20_pint.csv (Rec 20 code → pint unit → aliases).

Every code must exist (and be current) in the UN/CEFACT Rec 20 copy shipped next to the table,
and the pint unit, converted to the SI unit Rec 20 names, must agree with Rec 20's
``conversion_factor`` to the precision Rec 20 prints.
"""

from __future__ import annotations

import csv
import re
from fractions import Fraction
from pathlib import Path

import pytest

from katalog.core import units

DATA = Path(units.__file__).resolve().parent.parent / "refdata" / "data"
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


TABLE = _read("rec20_pint.csv")
REC20 = {r["common_code"]: r for r in _read("rec20_annex2_3_by_code.csv")}
REC20_ANNEX1 = {r["common_code"] for r in _read("rec20_annex1_by_quantity.csv")}

# Rows whose Rec 20 factor cannot be read mechanically, or reads differently on purpose.
# code -> (factor, SI unit as a pint expression, reason)
OVERRIDES: dict[str, tuple[Fraction, str, str]] = {
    "ATM": (Fraction(101325), "pascal", "Rec 20 prints '1 013 25 Pa' (misplaced digit group)"),
    "RPM": (
        Fraction(1, 60),
        "revolution / second",
        "Rec 20 '1,67 x 10⁻²/s' counts a revolution as 1; pint makes it 2π rad",
    ),
    "RPS": (Fraction(1), "revolution / second", "same: Rec 20 '1/s' counts revolutions"),
    "GLI": (
        Fraction(454609, 10**8),
        "meter ** 3",
        "Rec 20 '4,546 092 x 10⁻³ m³' is the pre-1985 UK gallon; it is 4.546 09 L exactly now",
    ),
}

_MANTISSA = r"(?P<mant>\d{1,3}(?: \d{3})*(?:,\d+(?: \d+)*)?|\d+/\d+)"
_POWER_RE = re.compile(rf"^(?:{_MANTISSA}\s*[x×]\s*)?10(?P<exp>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?P<unit>.*)$")
_PLAIN_RE = re.compile(rf"^{_MANTISSA}\s*(?:[x×]\s*)?(?P<unit>\D*)$")


def parse_factor(text: str) -> tuple[Fraction, Fraction, str] | None:
    """Rec 20 ``conversion_factor`` → (number, absolute tolerance, pint SI expression).

    Handles ``10⁻³ m``, ``25,4 x 10⁻³ m``, ``1 609,344 m``, ``5/9 x K``, ``(kg x m)/s²``.
    The tolerance is one unit of the last printed digit (Rec 20 both rounds and truncates:
    ``0,016 666 m/s`` for a metre per minute); it is 0 when the number is exact.
    """
    text = text.strip().replace("\u2126", "Ω")  # OHM SIGN → GREEK CAPITAL OMEGA
    if not text:
        return None
    m = _POWER_RE.match(text) or _PLAIN_RE.match(text)
    if m is None:
        mant, exp, unit = None, 0, text
    else:
        mant = m["mant"]
        exp = int(m["exp"].translate(SUPERSCRIPTS)) if "exp" in m.groupdict() and m["exp"] else 0
        unit = m["unit"]
    if re.search(r"\d", re.sub("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]", "", unit)):
        return None  # digits left in the unit: not "number × SI unit"
    if mant is None:
        number, decimals = Fraction(1), None
    elif "/" in mant:
        number, decimals = Fraction(mant), None
    else:
        digits = mant.replace(" ", "")
        number = Fraction(digits.replace(",", "."))
        decimals = len(digits.split(",")[1]) if "," in digits else None
    scale = Fraction(10) ** exp
    tolerance = Fraction(0) if decimals is None else Fraction(10) ** -decimals * scale
    expr = unit.strip()
    expr = re.sub(r"([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda s: "**" + s.group().translate(SUPERSCRIPTS), expr)
    expr = expr.replace("Ω", "ohm").replace(" x ", " * ").replace("·", "*").replace("×", "*")
    expr = re.sub(r"\bl\b", "liter", expr)
    if expr.startswith("/"):
        expr = "1" + expr
    return number * scale, tolerance, expr or "dimensionless"


def test_table_shape() -> None:
    codes = [r["code"] for r in TABLE]
    assert len(codes) == len(set(codes)), "duplicate codes"
    assert 60 <= len(codes) <= 200
    for row in TABLE:
        assert row["pint_unit"].strip() == row["pint_unit"]
        assert row["pint_unit"]
        assert row["aliases"], f"{row['code']} has no aliases"
        assert all(a == a.strip() and a for a in row["aliases"].split("|")), row["code"]


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["code"])
def test_code_is_current_rec20(row: dict[str, str]) -> None:
    rec = REC20.get(row["code"])
    assert rec is not None, f"{row['code']} is not a Rec 20 common code"
    assert rec["status"] not in ("X", "D"), f"{row['code']} is deleted/deprecated in Rec 20"
    if rec["level_category"].strip()[:1] in ("1", "2"):  # SI and non-SI units are in annex 1
        assert row["code"] in REC20_ANNEX1


def _check_factor(row: dict[str, str]) -> str:
    """Compare one row with Rec 20; returns how it was checked."""
    ureg = units.registry()
    code, expr = row["code"], row["pint_unit"]
    if code in OVERRIDES:
        number, target, _reason = OVERRIDES[code]
        tolerance = Fraction(0)
    else:
        parsed = parse_factor(REC20[code]["conversion_factor"])
        if parsed is None:
            return "unparsed"
        number, tolerance, target = parsed
    source = expr
    if ureg.Quantity(0.0, expr).to(target).magnitude != 0:  # offset unit: compare intervals
        source = "delta_" + expr
    actual = Fraction(ureg.Quantity(1.0, source).to(target).magnitude)
    allowed = max(tolerance, abs(number) * Fraction(1, 10**9))
    assert abs(actual - number) <= allowed, (
        f"{code}: pint {expr} = {float(actual)!r} {target}, "
        f"Rec 20 says {REC20[code]['conversion_factor']!r}"
    )
    return "checked"


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["code"])
def test_pint_unit_agrees_with_rec20_factor(row: dict[str, str]) -> None:
    assert _check_factor(row) == "checked", (
        f"{row['code']}: Rec 20 factor {REC20[row['code']]['conversion_factor']!r} is not "
        "machine-readable; add it to OVERRIDES with a reason"
    )


def test_known_rec20_factors_parse() -> None:
    assert parse_factor("10⁻³ m") == (Fraction(1, 1000), 0, "m")
    assert parse_factor("25,4 x 10⁻³ m") == (Fraction(254, 10000), Fraction(1, 10**4), "m")
    assert parse_factor("1 x 10⁻⁶") == (Fraction(1, 10**6), 0, "dimensionless")
    assert parse_factor("1 609,344 m")[0] == Fraction(1609344, 1000)
    assert parse_factor("5/9 x K")[:1] == (Fraction(5, 9),)
    assert parse_factor("(kg x m)/s²")[2] == "(kg * m)/s**2"
    assert parse_factor("1 013 25 Pa") is None


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r["code"])
def test_aliases_resolve_to_their_row(row: dict[str, str]) -> None:
    """Each alias (and the code) resolves back to its row for a characteristic of its kind.

    This also rejects the same spelling on two rows of the same kind (which would be ambiguous).
    """
    for spelling in [*row["aliases"].split("|"), row["code"]]:
        code = units.to_unit_code(spelling, canonical_unit=row["pint_unit"])
        assert code == row["code"], spelling

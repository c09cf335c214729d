"""How values are shown: characteristic values in the reader's unit system."""

from __future__ import annotations

from typing import Any

from katalog.core import units
from katalog.core.errors import ValidationFailed

# A unit entered in one system and its everyday counterpart in the other.
_TO_IMPERIAL = {
    "MMT": "INH", "CMT": "INH", "MTR": "FOT", "KGM": "LBR", "GRM": "ONZ", "LTR": "GLL",
    "KPA": "PS", "BAR": "PS", "CEL": "FAH", "NU": "F21",
}  # fmt: skip
_TO_METRIC = {"INH": "MMT", "FOT": "MTR", "LBR": "KGM", "ONZ": "GRM", "GLL": "LTR", "GLI": "LTR",
              "PS": "KPA", "FAH": "CEL", "F21": "NU"}  # fmt: skip


def shown_unit(unit_code: str, system: str) -> str:
    """The unit to show a value entered in `unit_code` in, for a reader of `system`."""
    table = _TO_IMPERIAL if system == "imperial" else _TO_METRIC
    return table.get(unit_code, unit_code)


def characteristic_text(value: dict[str, Any], *, system: str, locale: str) -> str:
    """A characteristic reply as the reader wants it: numbers in their units, else as given."""
    canonical, unit = value.get("canonical_unit"), value.get("unit")
    if value.get("value") is None or not canonical or not unit:
        return str(value.get("reply") or value.get("raw") or "")
    target = shown_unit(unit, system)
    try:
        low = units.format_quantity(
            value["value"], canonical_unit=canonical, unit_code=target, locale=locale
        )
        if value.get("value_max") is None:
            return low
        high = units.format_quantity(
            value["value_max"], canonical_unit=canonical, unit_code=target, locale=locale
        )
    except (ValidationFailed, ValueError):
        return str(value.get("raw") or "")
    return f"{low} – {high}"

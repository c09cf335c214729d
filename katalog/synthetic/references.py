"""Reference numbers in the formats a catalogue really holds.

- US-style standard numbers: `MS35338-44`, `NAS1291-3`, `AN960-10`;
- DIN / ISO / GOST standard designations: `DIN 934 M10`, `ISO 4017 M8X40`, `ГОСТ 5915-70 М10`;
- GOST-style drawing numbers: `АБВГ.123456.001-01` and `8Д2.966.002`;
- manufacturer catalogue numbers: `KT-4F7Q2B`, `RX4F7Q2B-02`.

Every number except the standard designations is built from a scrambled ordinal of the
reference within the run, laid out at fixed width, so one manufacturer never gets the same
normalised key twice (the shapes of the families differ too); a standard designation is given
to a manufacturer at most once.
"""

from __future__ import annotations

import random

from katalog.synthetic.manufacturers import ManufacturerSet
from katalog.synthetic.sampling import scramble

NUMBER_SPACE = 10**9  # drawing numbers: 6 + 3 digits
DESIGN_SPACE = 10**8  # 8Д2.966.002: 1 + 1 + 3 + 3 digits
CATALOGUE_SPACE = 36**6  # catalogue numbers: 6 base-36 characters
STANDARD_NUMBER_SPACE = 90_000 * 100_000
# Multipliers coprime with their spaces (no factor 2, 3 or 5).
MULTIPLIER = 7_368_787
STANDARDS = {
    "G0001": (("DIN 934", "ISO 4032", "ГОСТ 5915-70"), "M{d}"),
    "G0002": (("DIN 933", "ISO 4017", "ГОСТ 7798-70"), "M{d}X{l}"),
    "G0003": (("DIN 125", "ISO 7089", "ГОСТ 11371-78"), "{d}"),
}
US_STANDARD_PREFIXES = ("MS", "NAS", "AN")


def base36(value: int, width: int) -> str:
    chars = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        chars.append("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[digit])
    return "".join(reversed(chars))


class ReferenceMaker:
    """Builds reference numbers for one run; `ordinal` must be unique per reference."""

    def __init__(self, manufacturers: ManufacturerSet, seed: int) -> None:
        self.manufacturers = manufacturers
        self.offset = seed * 104_729
        self.standards_given: set[tuple[int, str]] = set()

    def number(
        self, rng: random.Random, ordinal: int, maker: int, guide: str, size: dict[str, float]
    ) -> str:
        us = self.manufacturers.country(maker) == "US"
        roll = rng.random()
        if guide in STANDARDS and roll < 0.08:
            designation = self.standard(rng, maker, guide, size, us)
            if designation:
                return designation
        if us:
            return (
                self.us_standard(rng, ordinal)
                if roll < 0.5
                else self.catalogue(rng, ordinal, maker)
            )
        if roll < 0.45:
            return self.drawing(rng, ordinal, maker)
        if roll < 0.6 and ordinal < DESIGN_SPACE:
            return self.design(ordinal, maker)
        return self.catalogue(rng, ordinal, maker)

    def _scrambled(self, ordinal: int, space: int) -> int:
        return scramble(ordinal, space, MULTIPLIER, self.offset % space)

    def us_standard(self, rng: random.Random, ordinal: int) -> str:
        x = self._scrambled(ordinal, STANDARD_NUMBER_SPACE)
        return f"{rng.choice(US_STANDARD_PREFIXES)}{10_000 + x % 90_000}-{x // 90_000 + 1}"

    def drawing(self, rng: random.Random, ordinal: int, maker: int) -> str:
        x = self._scrambled(ordinal, NUMBER_SPACE)
        version = f"-{rng.randint(1, 40):02d}" if rng.random() < 0.3 else ""
        return f"{self.manufacturers.drawing_prefix(maker)}.{x // 1000:06d}.{x % 1000:03d}{version}"

    def design(self, ordinal: int, maker: int) -> str:
        x = self._scrambled(ordinal, DESIGN_SPACE)
        letter = self.manufacturers.design_letter(maker)
        return f"{x // 10**7}{letter}{x // 10**6 % 10}.{x // 1000 % 1000:03d}.{x % 1000:03d}"

    def catalogue(self, rng: random.Random, ordinal: int, maker: int) -> str:
        tail = base36(self._scrambled(ordinal, CATALOGUE_SPACE), 6)
        prefix = self.manufacturers.catalogue_prefix(maker)
        separator = "-" if rng.random() < 0.5 else ""
        suffix = f"-{rng.randint(1, 9):02d}" if rng.random() < 0.2 else ""
        return f"{prefix}{separator}{tail}{suffix}"

    def standard(
        self, rng: random.Random, maker: int, guide: str, size: dict[str, float], us: bool
    ) -> str:
        names, shape = STANDARDS[guide]
        name = rng.choice(names[:2]) if us else rng.choice(names)
        tag = shape.format(d=_g(size.get("d", 10)), l=_g(size.get("l", 40)))
        if name.startswith("ГОСТ"):
            tag = tag.replace("M", "М").replace("X", "х")
        designation = f"{name} {tag}"
        if (maker, designation) in self.standards_given:
            return ""
        self.standards_given.add((maker, designation))
        return designation


def _g(value: float) -> str:
    return f"{value:g}"

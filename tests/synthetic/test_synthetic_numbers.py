"""Manufacturer codes and reference numbers of the generator, without the database."""

from __future__ import annotations

import random
import re
from array import array

from katalog.catalog.rules import manufacturer_code_matches
from katalog.core.text import code_key
from katalog.synthetic.manufacturers import ManufacturerSet, codes_for_pattern, pattern_capacity
from katalog.synthetic.references import ReferenceMaker
from katalog.synthetic.sampling import ZipfSampler


def test_synthetic_pattern_codes_are_unique_match_the_pattern_and_skip_taken_ones():
    taken = {"A00F"}
    codes = list(codes_for_pattern("A**F", 3, taken))
    assert len(codes) == len(set(codes)) == pattern_capacity("A**F") - 1
    assert "A00F" not in codes
    assert all(manufacturer_code_matches(c, ["A**F"]) for c in codes)


def test_synthetic_codes_of_overlapping_patterns_never_repeat():
    taken: set[str] = set()
    member = list(codes_for_pattern("A*#F", 5, taken))
    anything = [c for c, _ in zip(codes_for_pattern("****", 5, taken), range(50_000), strict=False)]
    assert not set(member) & set(anything)


def _makers(countries: list[str]) -> ManufacturerSet:
    country_of = array("b", [i % len(countries) for i in range(6)])
    by_country = {
        c: array("i", [i for i in range(6) if country_of[i] == n]) for n, c in enumerate(countries)
    }
    return ManufacturerSet(
        1, countries, country_of, by_country, [f"C{i:04d}" for i in range(6)], seed=9
    )


FAMILIES = {
    "us_standard": re.compile(r"^(MS|NAS|AN)\d{5}-\d+$"),
    "standard": re.compile(r"^(DIN|ISO|ГОСТ) [\d-]+ [MМ]?\d+([Xх]\d+)?$"),
    "drawing": re.compile(r"^[А-Я]{4}\.\d{6}\.\d{3}(-\d{2})?$"),
    "design": re.compile(r"^\d[А-Я]\d\.\d{3}\.\d{3}$"),
    "catalogue": re.compile(r"^[A-Z]{2}-?[0-9A-Z]{6}(-\d{2})?$"),
}


def family(number: str) -> str:
    return next(name for name, shape in FAMILIES.items() if shape.match(number))


def test_synthetic_reference_keys_never_repeat_for_one_manufacturer():
    maker = ReferenceMaker(_makers(["RU", "US", "KZ"]), seed=4)
    rng = random.Random(1)
    seen: set[tuple[int, str]] = set()
    families = set()
    for ordinal in range(30_000):
        m = ordinal % 6
        guide = rng.choice(["G0001", "G0002", "G0003", "G0006", ""])
        number = maker.number(rng, ordinal, m, guide, {"d": rng.choice([6, 8, 10]), "l": 40})
        assert len(number) <= 32
        families.add(family(number))
        key = code_key(number)
        assert (m, key) not in seen, number
        seen.add((m, key))
    assert families == set(FAMILIES)


def test_synthetic_zipf_sampler_is_skewed():
    sampler = ZipfSampler(650, 1.1)
    rng = random.Random(2)
    draws = [sampler.draw(rng) for _ in range(20_000)]
    assert sum(1 for d in draws if d < 65) / len(draws) > 0.6
    assert max(draws) < 650

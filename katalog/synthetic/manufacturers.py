"""Synthetic manufacturers: codes that follow each bureau's pattern, names per country, and
per-manufacturer traits (drawing-number prefix, catalogue prefix) derived from the index, so
millions of manufacturers cost a few bytes each."""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from katalog.synthetic.sampling import mix, scramble
from katalog.synthetic.vocabulary import MANUFACTURER_SHARE, BureauInfo

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
CODE_MULTIPLIER = 1_000_003  # prime, coprime with every pattern capacity (powers of 2, 3, 5)
# Drawing-number prefixes are four Cyrillic capitals (a design organisation's code).
DRAWING_LETTERS = "АБВГДЕЖИКЛМНПРСТУФХЦШЭЮЯ"
# Catalogue prefixes avoid the first letters of the standard-style families (MS, NAS, AN, DIN,
# ISO, GOST), so two families never produce the same key for one manufacturer.
CATALOGUE_FIRST = "BCEFHJKLPRSTUVWXYZ"
CATALOGUE_SECOND = "ABCDEFGHJKLMNPRSTUVWXYZ"

CITIES = {
    "RU": [
        ("Samara", "Самара"),
        ("Tula", "Тула"),
        ("Kazan", "Казань"),
        ("Perm", "Пермь"),
        ("Omsk", "Омск"),
        ("Izhevsk", "Ижевск"),
        ("Ufa", "Уфа"),
        ("Saratov", "Саратов"),
    ],
    "BY": [
        ("Minsk", "Минск"),
        ("Gomel", "Гомель"),
        ("Brest", "Брест"),
        ("Vitebsk", "Витебск"),
        ("Mogilev", "Могилёв"),
    ],
    "KZ": [
        ("Almaty", "Алматы"),
        ("Karaganda", "Караганда"),
        ("Pavlodar", "Павлодар"),
        ("Shymkent", "Шымкент"),
        ("Oskemen", "Өскемен"),
    ],
    "KG": [("Bishkek", "Бишкек"), ("Osh", "Ош"), ("Tokmok", "Токмок")],
    "AM": [("Yerevan", "Ереван"), ("Gyumri", "Гюмри"), ("Vanadzor", "Ванадзор")],
    "TJ": [("Dushanbe", "Душанбе"), ("Khujand", "Худжанд"), ("Bokhtar", "Бохтар")],
}
TRADES = [
    ("Fasteners", "крепёж"),
    ("Bearings", "подшипник"),
    ("Rubber Goods", "резинотехника"),
    ("Electrotechnical Works", "электротехника"),
    ("Tools", "инструмент"),
    ("Machine Works", "машзавод"),
    ("Instruments", "прибор"),
    ("Cable Works", "кабель"),
]
FORMS = [("JSC", "АО"), ("LLC", "ООО"), ("Plant", "Завод"), ("Works", "ПО")]
US_NAMES = [
    "Allied",
    "Eaton",
    "Parker",
    "Acme",
    "Summit",
    "Pioneer",
    "Liberty",
    "Atlas",
    "Keystone",
    "Union",
]
US_FORMS = ["Inc", "Corp", "LLC", "Co"]


@dataclass
class ManufacturerSet:
    """The manufacturers of one run: ids are `first_id + index`; country per index."""

    first_id: int
    countries: list[str]  # country of each country index
    country_of: array  # per manufacturer: index into `countries`
    by_country: dict[str, array]  # country -> manufacturer indexes
    codes: list[str]
    seed: int

    def __len__(self) -> int:
        return len(self.codes)

    def country(self, index: int) -> str:
        return self.countries[self.country_of[index]]

    def drawing_prefix(self, index: int) -> str:
        h = mix(self.seed, index, 1)
        n = len(DRAWING_LETTERS)
        return "".join(DRAWING_LETTERS[(h >> shift) % n] for shift in (0, 7, 14, 21))

    def design_letter(self, index: int) -> str:
        return DRAWING_LETTERS[mix(self.seed, index, 2) % len(DRAWING_LETTERS)]

    def catalogue_prefix(self, index: int) -> str:
        h = mix(self.seed, index, 3)
        return (
            CATALOGUE_FIRST[h % len(CATALOGUE_FIRST)]
            + CATALOGUE_SECOND[(h >> 8) % len(CATALOGUE_SECOND)]
        )


def pattern_capacity(pattern: str) -> int:
    capacity = 1
    for ch in pattern:
        capacity *= 36 if ch == "*" else 10 if ch == "#" else 1
    return capacity


def pattern_code(pattern: str, number: int) -> str:
    """The `number`-th code of a pattern (mixed radix over its wildcard positions)."""
    chars = []
    for ch in reversed(pattern):
        if ch == "*":
            number, digit = divmod(number, 36)
            chars.append(ALNUM[digit])
        elif ch == "#":
            number, digit = divmod(number, 10)
            chars.append(DIGITS[digit])
        else:
            chars.append(ch)
    return "".join(reversed(chars))


def codes_for_pattern(pattern: str, seed: int, taken: set[str]) -> Iterator[str]:
    """Every code of a pattern exactly once, in a seeded order, skipping codes already used
    (patterns overlap: a US code can have the shape of a member state's)."""
    capacity = pattern_capacity(pattern)
    offset = mix(seed, capacity) % capacity
    for n in range(capacity):
        code = pattern_code(pattern, scramble(n, capacity, CODE_MULTIPLIER, offset))
        if code not in taken:
            taken.add(code)
            yield code


def country_counts(total: int, bureaus: dict[str, BureauInfo], taken: set[str]) -> dict[str, int]:
    """Manufacturers per country by share; what a small pattern cannot hold goes to the US."""
    weights = {c: MANUFACTURER_SHARE[c] for c in bureaus}
    whole = sum(weights.values())
    counts = {c: total * w // whole for c, w in weights.items()}
    counts[next(iter(counts))] += total - sum(counts.values())
    overflow = 0
    for country, bureau in bureaus.items():
        room = sum(pattern_capacity(p) for p in bureau.patterns) * 9 // 10 - len(taken)
        if counts[country] > max(0, room) and "US" in bureaus and country != "US":
            overflow += counts[country] - max(0, room)
            counts[country] = max(0, room)
    if "US" in counts:
        counts["US"] += overflow
    return counts


def manufacturer_names(rng: random.Random, country: str, index: int) -> dict[str, str]:
    if country not in CITIES:
        return {"en": f"{rng.choice(US_NAMES)} {rng.choice(TRADES)[0]} {rng.choice(US_FORMS)}"}
    city_en, city_ru = rng.choice(CITIES[country])
    trade_en, trade_ru = rng.choice(TRADES)
    form_en, form_ru = rng.choice(FORMS)
    number = f" No. {index % 97 + 1}" if rng.random() < 0.3 else ""
    return {
        "en": f"{city_en} {trade_en} {form_en}{number}",
        "ru": f"{form_ru} «{city_ru}{trade_ru}»{number.replace('No.', '№')}",
    }


def plan_manufacturers(
    total: int, bureaus: dict[str, BureauInfo], seed: int, first_id: int, taken: set[str]
) -> ManufacturerSet:
    """Codes and countries of `total` new manufacturers, interleaved across countries."""
    counts = country_counts(total, bureaus, taken)
    countries = [c for c in bureaus if counts.get(c)]
    sources = {
        c: (codes_for_pattern(p, seed, taken) for p in bureaus[c].patterns) for c in countries
    }
    generators = {c: _chain(gens) for c, gens in sources.items()}
    rng = random.Random(seed * 7919 + 17)
    remaining = dict(counts)
    codes: list[str] = []
    country_of = array("b")
    while len(codes) < total and any(remaining.values()):
        live = [c for c in countries if remaining[c]]
        country = rng.choices(live, weights=[remaining[c] for c in live])[0]
        code = next(generators[country], None)
        if code is None:
            remaining[country] = 0
            continue
        remaining[country] -= 1
        codes.append(code)
        country_of.append(countries.index(country))
    by_country = {c: array("i") for c in countries}
    for index, ci in enumerate(country_of):
        by_country[countries[ci]].append(index)
    return ManufacturerSet(first_id, countries, country_of, by_country, codes, seed)


def _chain(generators) -> Iterator[str]:
    for generator in generators:
        yield from generator

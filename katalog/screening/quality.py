"""How well screening separates duplicates from other items, measured on the loaded catalogue.

A parts list is made from references that exist, the way procurement writes them, and each line
is labelled with what screening should say of the item it was made from:

- **duplicate**: the line names the item. Separators, case and Cyrillic look-alikes changed; a
  prefix (`P/N`, `Part No.`, `Обозначение:`, `Черт.`, `№` and their variants in the member
  states' languages); the manufacturer's code or name inside the same cell; the manufacturer
  given by name, in its own or another script; a Cyrillic number typed in Latin by GOST 7.79,
  ICAO (passport), BGN/PCGN or informally; typographic dashes and no-break spaces; footnote
  marks; all of them at once.
- **distinct** (hard non-duplicates): another suffix (`-01`/`-02`), another digit inside the
  number, a number nobody holds, the same number from another registered manufacturer for
  another kind of item, the item's key values with one of them changed.
- **review**: what a person must look at: an O/0 or I/1 confusion, leading zeros, the same
  number of a manufacturer code nobody holds, the item described by its key values only, the
  same number of the same manufacturer with a conflicting key value.

The list is written as a CSV file and screened as a parts-list job screens it (`batch`), then
read back; the same lines are looked up by exact normalised key and manufacturer code (the
baseline). The variants are the ones screening is built to handle, so this measures that the
rules work together on catalogue data and catches regressions; it is not a measure on real
parts lists.
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anyascii import anyascii
from django.db.models import QuerySet

from katalog.catalog.manufacturer_selectors import manufacturer_code_key
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Manufacturer,
    Reference,
    format_catalogue_number,
)
from katalog.core import units
from katalog.core.actors import SYSTEM_WORKER
from katalog.core.text import code_key
from katalog.names.models import ItemName, ReplyType
from katalog.screening.batch import screen_file
from katalog.screening.models import Verdict
from katalog.screening.services import screening_keys_backfill

DUPLICATE, DISTINCT, REVIEW = "duplicate", "distinct", "review"
LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")
DIGITS = re.compile(r"\d+")
UNKNOWN_MANUFACTURER = "ZZZZZ"  # a code no manufacturer holds
CHUNK = 500
# Key values alone may fit many items equally well: the item must be among these to be found.
CANDIDATES_LOOKED_AT = 20


@dataclass
class Line:
    """One parts-list line made from a catalogue reference, with its label."""

    variant: str
    label: str
    item_id: int
    catalogue_number: str
    reference: str = ""
    manufacturer_code: str = ""
    manufacturer_name: str = ""
    item_name: str = ""
    supply_class: str = ""
    characteristics: dict[str, str] = field(default_factory=dict)


@dataclass
class Source:
    """What a line is made from: a reference, its item and the catalogue around them."""

    ref: Reference
    rng: random.Random
    other_makers: list[str]
    other_names: list[str]

    @property
    def number(self) -> str:
        return self.ref.number

    def line(self, variant: str, label: str, reference: str, **fields: Any) -> Line:
        item = self.ref.item
        given: dict[str, Any] = {
            "manufacturer_code": self.ref.manufacturer.code,
            "item_name": item.item_name.code,
            "supply_class": item.supply_class,
        }
        given.update(fields)
        return Line(variant, label, item.pk, item.catalogue_number, reference, **given)


# --- ways of writing the same number -----------------------------------------------------------

PREFIXES = (
    "P/N ", "P/N: ", "PN ", "PN# ", "Part No. ", "Part number: ", "Ref. No. ", "Dwg. No. ",
    "Обозначение: ", "Обозн. ", "Черт. ", "Чертёж № ", "№ ", "# ", "Арт. ", "Белгілеу: ",
    "Белгилөө: ", "Նշագիր ", "Пазначэнне: ", "Ишора: ", "Belgilanish: ",
)  # fmt: skip
DASHES = ("\u2013", "\u2212", "\u2011", "\u2014")
SPACES = ("\u00a0", "\u202f", "\u2009")
FOOTNOTES = ("¹", "²", "³", "*", "**", "†")


def _separators(number: str, rng: random.Random) -> str | None:
    changed = re.sub(r"[\s.\-/_]", lambda _m: rng.choice(["", " ", "-", "."]), number)
    return changed if changed != number else number.replace("", " ").strip()[:64]


def _case(number: str, rng: random.Random) -> str | None:
    lowered = number.lower()
    return lowered if lowered != number else None


def _lookalike(number: str, rng: random.Random) -> str | None:
    changed = number.upper().translate(LATIN_TO_CYRILLIC)
    return changed if changed != number.upper() else None


def _typography(number: str, rng: random.Random) -> str:
    changed = re.sub("-", lambda _m: rng.choice(DASHES), number)
    changed = re.sub(" ", lambda _m: rng.choice(SPACES), changed)
    if changed == number:  # nothing to replace: the no-break spaces a copied cell carries
        changed = f"{rng.choice(SPACES)}{number}{rng.choice(SPACES)}"
    return changed


def _prefixed(number: str, rng: random.Random) -> str:
    return rng.choice(PREFIXES) + number


def _footnote(number: str, rng: random.Random) -> str:
    return number + rng.choice(FOOTNOTES)


# Cyrillic letters as each system spells them (upper case; only where systems differ from
# the plain letter-for-letter spelling of `_COMMON`).
_COMMON = dict(zip("АБВГДЕЗИКЛМНОПРСТУФ", "ABVGDEZIKLMNOPRSTUF", strict=True))
TRANSLITERATIONS: dict[str, dict[str, str]] = {
    # GOST 7.79-2000, system B (Ц is C before И, Е, Ы, Й and CZ elsewhere; see `_spelled`)
    "gost": {
        **_COMMON, "Ж": "ZH", "Й": "J", "Х": "X", "Ц": "CZ", "Ч": "CH", "Ш": "SH", "Щ": "SHH",
        "Ъ": "``", "Ы": "Y'", "Ь": "`", "Э": "E`", "Ю": "YU", "Я": "YA", "Ё": "YO",
    },
    # ICAO Doc 9303 (Russian passports since 2013)
    "icao": {
        **_COMMON, "Ж": "ZH", "Й": "I", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH",
        "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    },
    # BGN/PCGN 1947
    "bgn": {
        **_COMMON, "Ж": "ZH", "Й": "Y", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH",
        "Ы": "Y", "Ь": "'", "Э": "E", "Ю": "YU", "Я": "YA",
    },
    # as typed without a system: Х as H, Ц as C, Щ as SCH, Я as JA
    "informal": {
        **_COMMON, "Ж": "ZH", "Й": "J", "Х": "H", "Ц": "C", "Ч": "CH", "Ш": "SH", "Щ": "SCH",
        "Ы": "Y", "Ь": "", "Э": "E", "Ю": "JU", "Я": "JA",
    },
}  # fmt: skip


def _spelled(number: str, system: str) -> str | None:
    """The number with its Cyrillic letters spelled in Latin by `system`; None if it has none
    or a letter the system has no spelling for."""
    table = TRANSLITERATIONS[system]
    upper = number.upper()
    out = []
    for i, ch in enumerate(upper):
        if "А" <= ch <= "Я" or ch == "Ё":
            if ch not in table:
                return None
            following = upper[i + 1 : i + 2]
            out.append("C" if system == "gost" and ch == "Ц" and following in "ИЕЫЙ" else table[ch])
        else:
            out.append(ch)
    spelled = "".join(out)
    return spelled if spelled != upper and spelled.isascii() else None


def _maker_in_cell(number: str, code: str, rng: random.Random) -> str:
    form = rng.choice(("{n} ({m})", "{n} [{m}]", "{n} mfr {m}", "{n} / CAGE {m}", "{n} изг. {m}"))
    return form.format(n=number, m=code)


def _maker_name(manufacturer: Manufacturer, rng: random.Random) -> str | None:
    """One of the manufacturer's names, sometimes in another script than its own."""
    names = [n for n in (manufacturer.names or {}).values() if n]
    if not names:
        return None
    name = rng.choice(names)
    return anyascii(name) if rng.random() < 0.4 and not name.isascii() else name


def _same_number_lines(s: Source) -> Iterable[Line]:
    rng, number = s.rng, s.number
    written: dict[str, str | None] = {
        "exact": number,
        "separators": _separators(number, rng),
        "case": _case(number, rng),
        "lookalike": _lookalike(number, rng),
        "prefix": _prefixed(number, rng),
        "typography": _typography(number, rng),
        "footnote": _footnote(number, rng),
    }
    for variant, reference in written.items():
        if reference and len(reference) <= 64:
            yield s.line(variant, DUPLICATE, reference)
    code = s.ref.manufacturer.code
    yield s.line(
        "maker_in_cell", DUPLICATE, _maker_in_cell(number, code, rng), manufacturer_code=""
    )
    name = _maker_name(s.ref.manufacturer, rng)
    if name:
        yield s.line("maker_name", DUPLICATE, number, manufacturer_code="", manufacturer_name=name)
    for system in TRANSLITERATIONS:
        spelled = _spelled(number, system)
        if spelled:
            yield s.line(f"transliterated_{system}", DUPLICATE, spelled)
    mixed = _footnote(_typography(_prefixed(number, rng), rng), rng)
    yield s.line("all_at_once", DUPLICATE, _maker_in_cell(mixed, code, rng), manufacturer_code="")


# --- other numbers, and numbers a person must look at -------------------------------------------


def _sibling(number: str, rng: random.Random) -> str | None:
    match = re.search(r"(\d)(\D*)$", number)
    if not match:
        return None
    digit = str((int(match.group(1)) + rng.randint(1, 8)) % 10)
    return number[: match.start(1)] + digit + match.group(2)


def _other_digit(number: str, rng: random.Random) -> str | None:
    """One digit changed inside the number (not the last one, which `_sibling` changes)."""
    spots = [i for i, ch in enumerate(number) if ch.isdigit()][:-1]
    if not spots:
        return None
    i = rng.choice(spots)
    return number[:i] + str((int(number[i]) + rng.randint(1, 8)) % 10) + number[i + 1 :]


def _unrelated(number: str, rng: random.Random) -> str | None:
    return f"ZQ{rng.randint(10**6, 10**7 - 1)}-{rng.randint(10, 99)}"


def _leading_zeros(number: str, rng: random.Random) -> str | None:
    groups = list(DIGITS.finditer(number))
    if not groups:
        return None
    group = rng.choice(groups)
    digits = group.group()
    new = (
        (digits.lstrip("0") or "0") if digits.startswith("0") and len(digits) > 1 else "0" + digits
    )
    return number[: group.start()] + new + number[group.end() :]


def _confusable(number: str, rng: random.Random) -> str | None:
    spots = [i for i, ch in enumerate(number) if ch in "01"]
    if not spots:
        return None
    i = rng.choice(spots)
    return number[:i] + {"0": "O", "1": "I"}[number[i]] + number[i + 1 :]


def _other_lines(s: Source) -> Iterable[Line]:
    rng, number = s.rng, s.number
    distinct = (("sibling", _sibling), ("other_digit", _other_digit), ("unrelated", _unrelated))
    for variant, make in distinct:
        reference = make(number, rng)
        if reference:
            yield s.line(variant, DISTINCT, reference)
    others = [c for c in s.other_makers if c != s.ref.manufacturer.code]
    names = [c for c in s.other_names if c != s.ref.item.item_name.code]
    if others and names:
        yield s.line(
            "other_manufacturer_other_item",
            DISTINCT,
            number,
            manufacturer_code=rng.choice(others),
            item_name=rng.choice(names),
            supply_class="",
        )
    for variant, make in (("leading_zeros", _leading_zeros), ("confusable", _confusable)):
        reference = make(number, rng)
        if reference:
            yield s.line(variant, REVIEW, reference)
    yield s.line("unknown_manufacturer", REVIEW, number, manufacturer_code=UNKNOWN_MANUFACTURER)


def _written(value: CharacteristicValue, scale: float = 1.0) -> str | None:
    """A stored key value written as a person would give it (numbers in their unit)."""
    characteristic = value.characteristic
    if characteristic.reply_type == ReplyType.NUMERIC and value.value is not None:
        return units.format_quantity(
            value.value * scale,
            canonical_unit=characteristic.canonical_unit,
            unit_code=value.unit_code or characteristic.default_unit,
        )
    if characteristic.reply_type == ReplyType.CODED:
        return value.code or None
    if characteristic.reply_type == ReplyType.BOOLEAN and value.flag is not None:
        return "yes" if value.flag else "no"
    if characteristic.reply_type == ReplyType.TEXT:
        return value.text or None
    return None


def _characteristic_lines(s: Source, values: list[CharacteristicValue]) -> Iterable[Line]:
    """The item described by its key values only (to review), the same with one numeric value
    half as large again (another item), and its number and manufacturer with that changed
    value (a strong match with a conflict: to review)."""
    given = {v.characteristic.code: w for v in values if (w := _written(v))}
    if not given:
        return
    yield s.line("characteristics", REVIEW, "", manufacturer_code="", characteristics=given)
    numeric = [
        v for v in values if v.value is not None and v.characteristic.reply_type == "numeric"
    ]
    if not numeric:
        return
    changed = s.rng.choice(numeric)
    replies = {**given, changed.characteristic.code: _written(changed, 1.5) or ""}
    yield s.line(
        "characteristic_changed", DISTINCT, "", manufacturer_code="", characteristics=replies
    )
    yield s.line("reference_with_conflict", REVIEW, s.number, characteristics=replies)


# --- the list ------------------------------------------------------------------------------------


def _probed(rows: QuerySet[Any], count: int, rng: random.Random, attempts: int) -> list[Any]:
    """Up to `count` different random rows, found by at most `attempts` random id probes (no
    full scan, no OFFSET)."""
    last = rows.model.objects.order_by("-pk").values_list("pk", flat=True).first()
    picked: dict[int, Any] = {}
    for _attempt in range(attempts if last else 0):
        if len(picked) >= count:
            break
        row = rows.filter(pk__gte=rng.randint(1, last)).order_by("pk").first()
        if row is not None:
            picked[row.pk] = row
    return list(picked.values())


def _sample_references(count: int, rng: random.Random) -> list[Reference]:
    """Random references of active items."""
    rows = Reference.objects.exclude(item__status__in=CANCELLED_STATUSES).select_related(
        "item__item_name", "manufacturer"
    )
    return _probed(rows, count, rng, attempts=count * 4)


def _manufacturer_codes(count: int, rng: random.Random) -> list[str]:
    return sorted(m.code for m in _probed(Manufacturer.objects.all(), count, rng, attempts=count))


def _key_values(item_ids: list[int]) -> dict[int, list[CharacteristicValue]]:
    """Per item, its key characteristic values in guide order, for all the items at once."""
    values: dict[int, list[CharacteristicValue]] = defaultdict(list)
    for start in range(0, len(item_ids), CHUNK):
        rows = (
            CharacteristicValue.objects.filter(
                item_id__in=item_ids[start : start + CHUNK], characteristic__is_key=True
            )
            .select_related("characteristic")
            .order_by("item_id", "characteristic__position")
        )
        for value in rows:
            values[value.item_id].append(value)
    return values


LINES_PER_REFERENCE = 19  # about as many as the variants above make of one reference


def build_list(lines: int, seed: int) -> list[Line]:
    """About `lines` labelled lines (at least one reference's worth) from random references."""
    rng = random.Random(seed)
    other_makers = _manufacturer_codes(50, rng)
    other_names = list(ItemName.objects.order_by("code").values_list("code", flat=True)[:500])
    built: list[Line] = []
    seen_items: set[int] = set()
    refs = _sample_references(max(1, lines // LINES_PER_REFERENCE), rng)
    key_values = _key_values(sorted({ref.item_id for ref in refs}))
    for ref in refs:
        source = Source(ref, rng, other_makers, other_names)
        built.extend(_same_number_lines(source))
        built.extend(_other_lines(source))
        if ref.item_id not in seen_items:
            seen_items.add(ref.item_id)
            built.extend(_characteristic_lines(source, key_values.get(ref.item_id, [])))
    return built[:lines] if len(built) > lines else built


LIST_COLUMNS = [
    "reference_number", "manufacturer_code", "manufacturer_name", "item_name", "supply_class",
]  # fmt: skip


def write_list(lines: list[Line], path: Path) -> None:
    """The list as a CSV file a procurement office would send (key values in their columns)."""
    codes = sorted({code for line in lines for code in line.characteristics})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LIST_COLUMNS + [c.lower() for c in codes])
        for line in lines:
            writer.writerow(
                [
                    line.reference,
                    line.manufacturer_code,
                    line.manufacturer_name,
                    line.item_name,
                    line.supply_class,
                    *(line.characteristics.get(c, "") for c in codes),
                ]
            )


@dataclass
class Outcome:
    """What screening said of one line: its verdict and its candidates, best first."""

    verdict: str = Verdict.NO_DUPLICATE.value
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (catalogue number, verdict)


def screen_list(path: Path, count: int) -> tuple[list[Outcome], float]:
    """The list screened as a parts-list job screens it (its result file beside it); outcomes
    by line, and the seconds."""
    result = path.with_name(f"{path.stem}-result.csv")
    with result.open("w", encoding="utf-8", newline="") as out:
        started = time.perf_counter()
        summary = screen_file(path, out, reader=SYSTEM_WORKER, per_line=CANDIDATES_LOOKED_AT)
        seconds = time.perf_counter() - started
    if summary.rejected:
        raise ValueError(f"{summary.rejected} lines of the labelled list were rejected")
    outcomes = [Outcome() for _ in range(count)]
    with result.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            outcome = outcomes[int(row["line"]) - 2]  # line 1 is the header
            outcome.verdict = row["line_verdict"]
            if row["catalogue_number"]:
                outcome.candidates.append((row["catalogue_number"], row["verdict"]))
    return outcomes, seconds


def exact_key_baseline(lines: list[Line]) -> tuple[list[Outcome], float]:
    """The lines looked up by the normalised key of the cell as given and the manufacturer code
    (what an exact lookup finds): a found reference is a duplicate of its item."""
    started = time.perf_counter()
    outcomes = []
    for start in range(0, len(lines), CHUNK):
        chunk = lines[start : start + CHUNK]
        keys = {code_key(line.reference) for line in chunk if line.reference}
        found = {
            (key, maker): format_catalogue_number(cls, niin)
            for key, maker, cls, niin in Reference.objects.filter(key__in=keys).values_list(
                "key", "manufacturer__code", "item__supply_class", "item__niin"
            )
        }
        for line in chunk:
            number = found.get(
                (code_key(line.reference), manufacturer_code_key(line.manufacturer_code))
            )
            outcomes.append(
                Outcome(Verdict.DUPLICATE.value, [(number, Verdict.DUPLICATE.value)])
                if number
                else Outcome()
            )
    return outcomes, time.perf_counter() - started


# --- the figures ---------------------------------------------------------------------------------


def _as_expected(line: Line, outcome: Outcome) -> bool:
    if line.label == DUPLICATE:
        return _found_as_duplicate(line, outcome)
    if line.label == DISTINCT:
        # Key values may well fit other items; the item the line was made from must not.
        return outcome.verdict != Verdict.DUPLICATE and all(
            number != line.catalogue_number or verdict == Verdict.NO_DUPLICATE
            for number, verdict in outcome.candidates
        )
    return outcome.verdict == Verdict.REVIEW and any(
        number == line.catalogue_number for number, _v in outcome.candidates
    )


def _found_as_duplicate(line: Line, outcome: Outcome) -> bool:
    return bool(outcome.candidates) and outcome.candidates[0] == (
        line.catalogue_number,
        Verdict.DUPLICATE.value,
    )


def figures(lines: list[Line], outcomes: list[Outcome]) -> dict[str, Any]:
    """Precision and recall of "duplicate", the share of decidable lines sent to review, and
    how each variant fared."""
    pairs = list(zip(lines, outcomes, strict=True))
    found = sum(1 for line, o in pairs if line.label == DUPLICATE and _found_as_duplicate(line, o))
    said_duplicate = sum(1 for _line, o in pairs if o.verdict == Verdict.DUPLICATE)
    duplicates = sum(1 for line in lines if line.label == DUPLICATE)
    decidable = [o for line, o in pairs if line.label != REVIEW]
    reviewed = sum(1 for o in decidable if o.verdict == Verdict.REVIEW)
    to_review = [(line, o) for line, o in pairs if line.label == REVIEW]
    found_for_review = sum(1 for line, o in to_review if _as_expected(line, o))
    by_variant: dict[str, Counter] = defaultdict(Counter)
    for line, outcome in pairs:
        by_variant[line.variant]["lines"] += 1
        by_variant[line.variant]["as_expected"] += _as_expected(line, outcome)
    return {
        "lines": len(lines),
        "labels": dict(Counter(line.label for line in lines)),
        "precision": _share(found, said_duplicate),
        "recall": _share(found, duplicates),
        "review_share": _share(reviewed, len(decidable)),
        "review_found": _share(found_for_review, len(to_review)),
        "by_variant": {k: dict(v) for k, v in sorted(by_variant.items())},
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate(lines: int = 5000, seed: int = 2026) -> dict:
    """Build a labelled list of about `lines` lines, screen it as a file and look it up by exact
    key; the figures of both and their lines per second."""
    screening_keys_backfill()
    built = build_list(lines, seed)
    with tempfile.TemporaryDirectory(prefix="katalog-screening-quality-") as work:
        path = Path(work) / "parts-list.csv"
        write_list(built, path)
        screened, seconds = screen_list(path, len(built))
    baseline, baseline_seconds = exact_key_baseline(built)
    return {
        "seed": seed,
        "screening": {**figures(built, screened), "seconds": round(seconds, 2)},
        "exact_key": {**figures(built, baseline), "seconds": round(baseline_seconds, 2)},
    }

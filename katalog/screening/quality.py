"""How well screening separates duplicates from other items, measured on the loaded catalogue.

A labelled set is made from references that exist: true duplicates by writing a reference the
way real lists do (separators, case, Cyrillic look-alikes, leading zeros, O/0 and I/1,
transliteration, another manufacturer) and true non-duplicates by changing the last digit (the
`-01`/`-02` sibling) or by a number nobody holds. Each case is screened as a parts list line
would be (reference, manufacturer code, item name, supply class) and the verdict is compared
with the expected one. Items are also described by their key values only (a duplicate to review)
and with one numeric key value changed (another item).

The variants are the ones screening is built to handle, so this measures that the rules work
together on catalogue data (and catches regressions); it is not a measure on real parts lists.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from anyascii import anyascii

from katalog.catalog.models import CANCELLED_STATUSES, CharacteristicValue, Reference
from katalog.core import units
from katalog.core.actors import SYSTEM_WORKER
from katalog.names.models import ReplyType
from katalog.screening.models import Verdict
from katalog.screening.services import (
    Lookups,
    ReferenceInput,
    ScreeningInput,
    prepare,
    screen_prepared,
    screening_keys_backfill,
)

LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")
DIGITS = re.compile(r"\d+")
CANDIDATES_LOOKED_AT = 20
OTHER_MANUFACTURER = "ZZZZZ"  # a code no manufacturer holds: the same number from someone else
Variant = Callable[[str, random.Random], str | None]


def _separators(number: str, rng: random.Random) -> str | None:
    changed = re.sub(r"[\s.\-/_]", lambda _m: rng.choice(["", " ", "-", "."]), number)
    return changed if changed != number else number.replace("", " ").strip()[:64]


def _case(number: str, rng: random.Random) -> str | None:
    lowered = number.lower()
    return lowered if lowered != number else None


def _lookalike(number: str, rng: random.Random) -> str | None:
    changed = number.upper().translate(LATIN_TO_CYRILLIC)
    return changed if changed != number.upper() else None


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


def _transliterated(number: str, rng: random.Random) -> str | None:
    latin = anyascii(number)
    return (
        latin
        if latin.upper() != number.upper().translate(str.maketrans("АВСЕНКМОРТХ", "ABCEHKMOPTX"))
        else None
    )


def _sibling(number: str, rng: random.Random) -> str | None:
    match = re.search(r"(\d)(\D*)$", number)
    if not match:
        return None
    digit = str((int(match.group(1)) + rng.randint(1, 8)) % 10)
    return number[: match.start(1)] + digit + match.group(2)


def _unrelated(number: str, rng: random.Random) -> str | None:
    return f"ZQ{rng.randint(10**6, 10**7 - 1)}-{rng.randint(10, 99)}"


# variant -> (how, expected verdict for the original item)
VARIANTS: dict[str, tuple[Variant, str]] = {
    "separators": (_separators, Verdict.DUPLICATE),
    "case": (_case, Verdict.DUPLICATE),
    "lookalike": (_lookalike, Verdict.DUPLICATE),
    "leading_zeros": (_leading_zeros, Verdict.REVIEW),
    "confusable": (_confusable, Verdict.REVIEW),
    "transliterated": (_transliterated, Verdict.DUPLICATE),  # same manufacturer: strong
    "other_manufacturer": (lambda number, rng: number, Verdict.REVIEW),
    "sibling": (_sibling, Verdict.NO_DUPLICATE),
    "unrelated": (_unrelated, Verdict.NO_DUPLICATE),
}


def _sample_references(sample_size: int, rng: random.Random) -> list[Reference]:
    """Random references of active items, found by random id probes (no full scan, no OFFSET)."""
    last = Reference.objects.order_by("-pk").values_list("pk", flat=True).first()
    if not last:
        return []
    picked: dict[int, Reference] = {}
    for _attempt in range(sample_size * 4):
        if len(picked) >= sample_size:
            break
        ref = (
            Reference.objects.filter(pk__gte=rng.randint(1, last))
            .exclude(item__status__in=CANCELLED_STATUSES)
            .select_related("item__item_name", "manufacturer")
            .order_by("pk")
            .first()
        )
        if ref is not None:
            picked[ref.pk] = ref
    return list(picked.values())


def build_cases(sample_size: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    cases = []
    seen_items: set[int] = set()
    for ref in _sample_references(sample_size, rng):
        for name, (variant, expected) in VARIANTS.items():
            number = variant(ref.number, rng)
            if not number or len(number) > 64:
                continue
            maker = OTHER_MANUFACTURER if name == "other_manufacturer" else ref.manufacturer.code
            query = ScreeningInput(
                references=(ReferenceInput(number, maker),),
                item_name_code=ref.item.item_name.code,
                supply_class=ref.item.supply_class,
            )
            cases.append(_case_of(name, expected, ref.item_id, query))
        if ref.item_id not in seen_items:
            seen_items.add(ref.item_id)
            cases.extend(_characteristic_cases(ref, rng))
    return cases


def _case_of(variant: str, expected: str, item_id: int, query: ScreeningInput) -> dict[str, Any]:
    return {"variant": variant, "expected": str(expected), "item_id": item_id, "query": query}


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


def _characteristic_cases(ref: Reference, rng: random.Random) -> list[dict[str, Any]]:
    """The item described by its key values only (a duplicate to review), and the same with one
    numeric key value half as large again (another item)."""
    values = list(
        CharacteristicValue.objects.filter(item_id=ref.item_id, characteristic__is_key=True)
        .select_related("characteristic")
        .order_by("characteristic__position")
    )
    written = {v.characteristic.code: _written(v) for v in values}
    given = {code: raw for code, raw in written.items() if raw}
    if not given:
        return []
    item = ref.item

    def described(replies: dict[str, str]) -> ScreeningInput:
        return ScreeningInput(
            item_name_code=item.item_name.code,
            supply_class=item.supply_class,
            characteristics=replies,
        )

    cases = [_case_of("characteristics", Verdict.REVIEW, item.pk, described(given))]
    numeric = [
        v for v in values if v.value is not None and v.characteristic.reply_type == "numeric"
    ]
    if numeric:
        changed = rng.choice(numeric)
        replies = {**given, changed.characteristic.code: _written(changed, 1.5) or ""}
        cases.append(
            _case_of("characteristic_changed", Verdict.NO_DUPLICATE, item.pk, described(replies))
        )
    return cases


def _predicted(case: dict[str, Any], result: Any) -> str:
    """The verdict on the item the case is about.

    Reference cases want that item first; a description by characteristics may equally fit
    other items of the catalogue, so there the item only has to be among the candidates.
    """
    on_item = [c for c in result.candidates if c.item_id == case["item_id"]]
    if not on_item:
        return Verdict.NO_DUPLICATE.value
    if case["expected"] == Verdict.NO_DUPLICATE or case["variant"] == "characteristics":
        return on_item[0].verdict
    top = result.candidates[0]
    return top.verdict if top.item_id == case["item_id"] else Verdict.NO_DUPLICATE.value


def _rates(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float | int | None]]:
    report = {}
    for verdict in Verdict.values:
        true_pos = sum(1 for e, p in pairs if e == verdict and p == verdict)
        predicted = sum(1 for _e, p in pairs if p == verdict)
        support = sum(1 for e, _p in pairs if e == verdict)
        report[verdict] = {
            "precision": round(true_pos / predicted, 3) if predicted else None,
            "recall": round(true_pos / support, 3) if support else None,
            "support": support,
        }
    return report


def evaluate(sample_size: int = 200, seed: int = 2026) -> dict:
    """Screen a labelled set made from `sample_size` catalogue references; precision and recall
    per verdict, of duplicate detection (review or duplicate) overall, and found per variant."""
    screening_keys_backfill()
    cases = build_cases(sample_size, seed)
    lookups = Lookups()
    prepared = [prepare(c["query"], lookups) for c in cases]
    results = []
    for start in range(0, len(prepared), 500):
        results.extend(
            screen_prepared(
                prepared[start : start + 500], reader=SYSTEM_WORKER, limit=CANDIDATES_LOOKED_AT
            )
        )
    pairs = [(c["expected"], _predicted(c, r)) for c, r in zip(cases, results, strict=True)]
    flagged = [(e != Verdict.NO_DUPLICATE, p != Verdict.NO_DUPLICATE) for e, p in pairs]
    hits = sum(1 for e, p in flagged if e and p)
    by_variant: dict[str, Counter] = defaultdict(Counter)
    for case, (expected, predicted) in zip(cases, pairs, strict=True):
        by_variant[case["variant"]]["cases"] += 1
        by_variant[case["variant"]]["as_expected"] += expected == predicted
    return {
        "sample_size": sample_size,
        "seed": seed,
        "cases": len(cases),
        "per_verdict": _rates(pairs),
        "detection": {
            "precision": round(hits / max(1, sum(1 for _e, p in flagged if p)), 3),
            "recall": round(hits / max(1, sum(1 for e, _p in flagged if e)), 3),
        },
        "by_variant": {k: dict(v) for k, v in sorted(by_variant.items())},
    }

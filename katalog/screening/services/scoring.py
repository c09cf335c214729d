"""How a candidate item is scored against a described item, and the verdict its score gives.

Each comparison (reference numbers, item name, supply class, key characteristics) gives
evidence that matched, conflicted or is missing. The evidence that matched is combined as
independent signals (1 - Π(1 - weight)); each conflict multiplies the score by (1 - penalty).
Missing data is reported and counts for nothing. The score against the thresholds
(settings SCREENING_LOWER_THRESHOLD and SCREENING_UPPER_THRESHOLD) gives the verdict."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rapidfuzz import fuzz

from katalog.catalog.models import CANCELLED_STATUSES, CharacteristicValue, Item, Manufacturer
from katalog.core.i18n import pick_text
from katalog.core.text import ascii_word_key, word_key
from katalog.names.models import Characteristic, ReplyType
from katalog.screening.explain import REFERENCE_CODES, EvidenceCode, ManufacturerRelation
from katalog.screening.keys import confusable_key, folded_key, has_cyrillic, translit_key, zero_key
from katalog.screening.models import Verdict
from katalog.screening.services.interface import Candidate, Evidence
from katalog.screening.services.preparing import Prepared, PreparedReference
from katalog.screening.services.queries import Loaded, ReferenceRow
from katalog.screening.services.tolerance import within

MANUFACTURER_NAME_SIMILARITY = 90  # rapidfuzz ratio at which two manufacturer names are the same
TEXT_SIMILARITY = 90  # rapidfuzz ratio at which two text replies are the same

# Weights of evidence that matched: (same manufacturer, manufacturer not given, other manufacturer).
REFERENCE_WEIGHTS = {
    "reference_same_manufacturer": (0.9, 0.7, 0.55),
    # A Cyrillic number typed in Latin by the same maker is as strong as the number itself.
    "reference_transliterated": (0.88, 0.6, 0.5),
    "reference_confusable": (0.6, 0.45, 0.35),
    "reference_leading_zeros": (0.6, 0.45, 0.35),
}
ITEM_NAME_WEIGHT = 0.15
RELATED_NAME_WEIGHT = 0.08
SUPPLY_CLASS_WEIGHT = 0.05
REPLACEMENT_WEIGHT = 0.0
# All key characteristics matching, with nothing else, stays below the duplicate threshold.
CHARACTERISTICS_ALL_MATCH = 0.7
# Penalties of evidence that conflicted.
ITEM_NAME_PENALTY = 0.3
SUPPLY_CLASS_PENALTY = 0.15
CHARACTERISTIC_PENALTY = 0.35
CANCELLED_FACTOR = 0.95  # a cancelled item ranks just below its replacement
# Reference evidence strong enough that conflicting key characteristics make a case for review.
STRONG_REFERENCE_KINDS = frozenset({"reference_same_manufacturer", "reference_transliterated"})
# `_manufacturer_relation` as evidence tells it.
RELATIONS = (ManufacturerRelation.SAME, ManufacturerRelation.NOT_GIVEN, ManufacturerRelation.OTHER)
C = EvidenceCode


def thresholds() -> tuple[float, float]:
    return settings.SCREENING_LOWER_THRESHOLD, settings.SCREENING_UPPER_THRESHOLD


def verdict_for(score: float, lower: float, upper: float) -> str:
    if score >= upper:
        return Verdict.DUPLICATE.value
    if score >= lower:
        return Verdict.REVIEW.value
    return Verdict.NO_DUPLICATE.value


def _manufacturer_relation(ref: PreparedReference, manufacturer: Manufacturer) -> int:
    """0 same manufacturer, 1 manufacturer not given (or not known), 2 another manufacturer."""
    if ref.manufacturer is not None:
        return 0 if ref.manufacturer.pk == manufacturer.pk else 2
    if ref.manufacturer_name:
        return 0 if manufacturer_name_matches(ref.manufacturer_name, manufacturer) else 2
    if ref.manufacturer_code:
        return 2  # a code we do not know is not this manufacturer's code
    return 1


def manufacturer_name_matches(given: str, manufacturer: Manufacturer) -> bool:
    """A name as written matches one of the registry's names, in any script: both sides are
    compared as written and transliterated to Latin (`Самарский завод крепежа` meets
    `Samarskiy zavod krepezha`)."""
    wanted = {word_key(given), ascii_word_key(given)}
    names = [n for n in manufacturer.names.values() if n]
    best = max(
        (fuzz.ratio(w, k) for n in names for k in (word_key(n), ascii_word_key(n)) for w in wanted),
        default=0,
    )
    return best >= MANUFACTURER_NAME_SIMILARITY


def _match_kind(ref: PreparedReference, row: ReferenceRow) -> str | None:
    if row.key == ref.key:
        return "reference_same_manufacturer"
    if row.ascii_key == ref.ascii_key:
        return "reference_transliterated"
    if (
        ref.translit
        and has_cyrillic(row.number) != has_cyrillic(ref.number)
        and translit_key(row.number) == ref.translit
    ):
        return "reference_transliterated"
    if folded_key(row.number) == ref.folded:
        if confusable_key(row.number) == confusable_key(ref.number):
            return "reference_confusable"
        if zero_key(row.number) == zero_key(ref.number):
            return "reference_leading_zeros"
        return "reference_confusable"
    return None


def _reference_evidence(
    ref: PreparedReference, row: ReferenceRow, manufacturer: Manufacturer
) -> Evidence | None:
    kind = _match_kind(ref, row)
    if kind is None:
        return None
    relation = _manufacturer_relation(ref, manufacturer)
    if kind == "reference_same_manufacturer" and relation != 0:
        kind = "reference_other_manufacturer"
        weight = REFERENCE_WEIGHTS["reference_same_manufacturer"][relation]
    else:
        weight = REFERENCE_WEIGHTS[kind][relation]
    data = {
        "number": ref.number,
        "candidate_number": row.number,
        "manufacturer": manufacturer.code,
        "manufacturer_given": ref.manufacturer_code or ref.manufacturer_name,
        "same_manufacturer": relation == 0,
        "cell": ref.raw,
    }
    if ref.manufacturer_name and not ref.manufacturer_code:
        data["manufacturer_name"] = ref.manufacturer_name
        data["manufacturer_by_name"] = relation == 0
    params = {
        "number": row.number,
        "manufacturer": manufacturer.code,
        "manufacturer_relation": RELATIONS[relation].value,
    }
    return Evidence(kind, "match", weight, REFERENCE_CODES[kind], params, data)


def compare_value(
    characteristic: Characteristic, wanted: dict[str, Any], stored: CharacteristicValue
) -> tuple[bool, dict]:
    """Whether a reply matches a stored value (after unit conversion, within tolerance)."""
    kind = characteristic.reply_type
    if kind == ReplyType.NUMERIC:
        return within(wanted["value"], stored.value, characteristic.tolerance), {}
    if kind == ReplyType.RANGE:
        same = within(wanted["value"], stored.value, characteristic.tolerance) and within(
            wanted["value_max"], stored.value_max, characteristic.tolerance
        )
        return same, {}
    if kind == ReplyType.CODED:
        return wanted["code"] == stored.code, {}
    if kind == ReplyType.BOOLEAN:
        return wanted["flag"] == stored.flag, {}
    similarity = fuzz.ratio(word_key(wanted["text"]), word_key(stored.text or stored.raw))
    return similarity >= TEXT_SIMILARITY, {"similarity": round(similarity, 1)}


def _characteristic_evidence(p: Prepared, stored: dict[str, CharacteristicValue]) -> list[Evidence]:
    evidence: list[Evidence] = []
    keys = p.key_characteristics
    weight = round(1 - (1 - CHARACTERISTICS_ALL_MATCH) ** (1 / len(keys)), 4) if keys else 0.0
    for characteristic in keys:
        code = characteristic.code
        wanted, value = p.values.get(code), stored.get(code)
        if wanted is None or value is None:
            data = {
                "code": code,
                "given": wanted["raw"] if wanted else None,
                "candidate": value.raw if value else None,
            }
            params = {**data, "names": dict(characteristic.names or {})}
            evidence.append(
                Evidence(
                    "characteristic", "missing", 0.0, C.CHARACTERISTIC_NOT_COMPARED, params, data
                )
            )
            continue
        same, extra = compare_value(characteristic, wanted, value)
        data = {"code": code, "given": wanted["raw"], "candidate": value.raw, **extra}
        params = _compared_params(characteristic, wanted, value)
        if same:
            evidence.append(
                Evidence("characteristic", "match", weight, C.CHARACTERISTIC_MATCH, params, data)
            )
        else:
            evidence.append(
                Evidence(
                    "characteristic",
                    "conflict",
                    CHARACTERISTIC_PENALTY,
                    C.CHARACTERISTIC_CONFLICT,
                    params,
                    data,
                )
            )
    return evidence


def _compared_params(
    characteristic: Characteristic, wanted: dict[str, Any], stored: CharacteristicValue
) -> dict[str, Any]:
    """What the sentence of a comparison needs: both replies as written and, for numbers, both
    values in the canonical unit with the unit each side was given in (so that both are shown
    in one unit, in the reader's locale)."""
    params: dict[str, Any] = {
        "code": characteristic.code,
        "names": dict(characteristic.names or {}),
        "given": wanted["raw"],
        "candidate": stored.raw,
    }
    if characteristic.reply_type in (ReplyType.NUMERIC, ReplyType.RANGE):
        params.update(
            canonical_unit=characteristic.canonical_unit,
            given_value=wanted.get("value"),
            given_value_max=wanted.get("value_max"),
            given_unit=wanted.get("unit_code") or "",
            candidate_value=stored.value,
            candidate_value_max=stored.value_max,
            candidate_unit=stored.unit_code or "",
        )
    return params


def _name_evidence(p: Prepared, item: Item) -> Evidence:
    params = {"code": item.item_name.code, "names": dict(item.item_name.names or {})}
    data = {"given": p.item_name.code if p.item_name else None, "candidate": item.item_name.code}
    if p.item_name is None:
        return Evidence("item_name", "missing", 0.0, C.ITEM_NAME_NOT_GIVEN, {}, data)
    if item.item_name_id == p.item_name.pk:
        return Evidence("item_name", "match", ITEM_NAME_WEIGHT, C.ITEM_NAME_SAME, params, data)
    if item.item_name_id in p.related_name_ids:
        return Evidence(
            "item_name",
            "match",
            RELATED_NAME_WEIGHT,
            C.ITEM_NAME_RELATED,
            params,
            {**data, "related": True},
        )
    return Evidence("item_name", "conflict", ITEM_NAME_PENALTY, C.ITEM_NAME_DIFFERENT, params, data)


def _class_evidence(p: Prepared, item: Item) -> Evidence:
    wanted = p.query.supply_class.strip()
    data = {"given": wanted or None, "candidate": item.supply_class}
    params = {"code": item.supply_class}
    if not wanted:
        return Evidence("supply_class", "missing", 0.0, C.SUPPLY_CLASS_NOT_GIVEN, {}, data)
    if wanted == item.supply_class:
        return Evidence(
            "supply_class", "match", SUPPLY_CLASS_WEIGHT, C.SUPPLY_CLASS_SAME, params, data
        )
    return Evidence(
        "supply_class", "conflict", SUPPLY_CLASS_PENALTY, C.SUPPLY_CLASS_DIFFERENT, params, data
    )


def score_of(evidence: list[Evidence]) -> float:
    """Matches combine as independent signals, each conflict takes its share off; missing is
    nothing (see the module docstring)."""
    unmatched = 1.0
    for e in evidence:
        if e.outcome == "match":
            unmatched *= 1 - e.weight
    score = 1 - unmatched
    for e in evidence:
        if e.outcome == "conflict":
            score *= 1 - e.weight
    return round(max(0.0, min(1.0, score)), 4)


def best_reference_evidence(
    p: Prepared, rows: list[ReferenceRow], makers: dict[int, Manufacturer]
) -> list[Evidence]:
    """Per query reference, the strongest evidence among this item's references."""
    evidence = []
    for ref in p.refs:
        weighed = (_reference_evidence(ref, row, makers[row.manufacturer_id]) for row in rows)
        found = [e for e in weighed if e is not None]
        if found:
            evidence.append(max(found, key=lambda e: e.weight))
    return evidence


def evaluate(
    p: Prepared,
    item: Item,
    ref_evidence: list[Evidence],
    loaded: Loaded,
    bounds: tuple[float, float],
) -> Candidate:
    """One candidate item scored: the reference evidence found for it, then its item name,
    supply class and key characteristics compared, with the verdict of its score."""
    evidence = list(ref_evidence)
    if p.refs and not ref_evidence:
        evidence.append(Evidence("reference", "missing", 0.0, C.REFERENCE_NOT_FOUND, {}, {}))
    evidence.append(_name_evidence(p, item))
    evidence.append(_class_evidence(p, item))
    evidence.extend(_characteristic_evidence(p, loaded.values.get(item.pk, {})))
    score = score_of(evidence)
    conflict = _strong_match_with_conflict(ref_evidence, evidence)
    if conflict is not None:
        # The same number of the same maker with other key values: either the candidate's data
        # or the request is wrong, or the number names another item; a person must look.
        evidence.insert(0, conflict)
        score = round(min(max(score, bounds[0]), bounds[1] - 0.0001), 4)
    if item.status in CANCELLED_STATUSES:
        evidence.append(_cancelled_evidence(item))
        score = round(score * CANCELLED_FACTOR, 4)
    return Candidate(
        item_id=item.pk,
        catalogue_number=item.catalogue_number,
        item_name=pick_text(item.item_name.names),
        status=item.status,
        score=score,
        verdict=verdict_for(score, *bounds),
        evidence=evidence,
        item_names=dict(item.item_name.names or {}),
    )


def _strong_match_with_conflict(
    ref_evidence: list[Evidence], evidence: list[Evidence]
) -> Evidence | None:
    strong = [
        e
        for e in ref_evidence
        if e.kind in STRONG_REFERENCE_KINDS and e.data.get("same_manufacturer")
    ]
    conflicts = [e for e in evidence if e.kind == "characteristic" and e.outcome == "conflict"]
    if not strong or not conflicts:
        return None
    data = {
        "number": strong[0].data["candidate_number"],
        "manufacturer": strong[0].data["manufacturer"],
        "conflicts": [e.data["code"] for e in conflicts],
    }
    return Evidence(
        "reference_conflict",
        "conflict",
        0.0,
        C.REFERENCE_CHARACTERISTICS_CONFLICT,
        dict(data),
        data,
    )


def _cancelled_evidence(item: Item) -> Evidence:
    data = {
        "status": item.status,
        "replaced_by": item.replaced_by.catalogue_number if item.replaced_by else None,
    }
    code = C.ITEM_CANCELLED_REPLACED if item.replaced_by is not None else C.ITEM_CANCELLED
    return Evidence("cancelled", "conflict", 0.0, code, dict(data), data)


def with_replacements(
    p: Prepared, candidates: list[Candidate], loaded: Loaded, bounds: tuple[float, float]
) -> list[Candidate]:
    """A cancelled candidate brings its replacement, ranked at least as high as itself."""
    by_id = {c.item_id: c for c in candidates}
    for cancelled in [c for c in candidates if c.status in CANCELLED_STATUSES]:
        item = loaded.items[cancelled.item_id]
        replacement = loaded.items.get(item.replaced_by_id) if item.replaced_by_id else None
        if replacement is None or replacement.pk in p.query.exclude_item_ids:
            continue
        own = by_id.get(replacement.pk) or evaluate(p, replacement, [], loaded, bounds)
        score = max(own.score, round(cancelled.score / CANCELLED_FACTOR, 4))
        own.evidence.insert(
            0,
            Evidence(
                "replacement",
                "match",
                REPLACEMENT_WEIGHT,
                C.REPLACES_CANCELLED,
                {"number": cancelled.catalogue_number},
                {"replaces": cancelled.catalogue_number},
            ),
        )
        own.score, own.verdict = score, verdict_for(score, *bounds)
        by_id[replacement.pk] = own
    return list(by_id.values())

"""Duplicate screening: find catalogue items that may be the item described, with a score and its
explanation; record people's decisions on the candidates.

Step 1 compares reference numbers (indexed look-ups by normalised key, transliterated key and
the screening-owned folded key); step 2 compares key characteristics for what references do not
settle (indexed by characteristic and value, limited, then re-ranked). Many queries are screened
together by `screen_many`, so a parts list costs a few queries per chunk, not per line.

Score: the evidence that matched is combined as independent signals (1 - Π(1 - weight)); each
conflict multiplies the score by (1 - penalty). Missing data is reported and counts for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from katalog.accounts import rights
from katalog.audit.services import audit_record
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    CharacteristicValue,
    Item,
    Manufacturer,
    Reference,
)
from katalog.catalog.rules import SUPPLY_CLASS_RE
from katalog.catalog.visibility import read_scope, visible_item_ids
from katalog.core.actors import Actor, person_of
from katalog.core.errors import FieldError, PermissionDenied, ValidationFailed
from katalog.core.i18n import pick_text
from katalog.core.text import ascii_code_key, ascii_word_key, code_key, word_key
from katalog.names.models import Characteristic, ItemName, ReplyType
from katalog.names.values import parse_reply
from katalog.screening.cells import parse_reference_cell
from katalog.screening.errors import ScreeningErrorCode as E
from katalog.screening.explain import reference_text
from katalog.screening.keys import (
    confusable_key,
    folded_key,
    has_cyrillic,
    translit_key,
    zero_key,
)
from katalog.screening.models import (
    NOT_SCREENED,
    Decision,
    ReferenceScreeningKey,
    ScreeningDecision,
    ScreeningJustification,
    Verdict,
)

LOOKUP_PER_KEY = 50  # references fetched per key; a key shared by more items is not identifying
CHARACTERISTIC_CANDIDATES = 200  # items fetched by characteristic before re-ranking
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
CATCH_UP_LIMIT = 10_000  # folded keys added per screening call at most (see catch-up)


# --- the interface ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceInput:
    number: str
    manufacturer_code: str = ""
    manufacturer_name: str = ""


@dataclass(frozen=True)
class ScreeningInput:
    references: tuple[ReferenceInput, ...] = ()
    item_name_code: str = ""
    supply_class: str = ""
    characteristics: Mapping[str, str] = field(default_factory=dict)
    locale: str = "en"
    exclude_item_ids: tuple[int, ...] = ()
    # Values already in the catalogue's parsed form (an item screened against the others):
    # taken as they are, so a reply entered in one locale is not parsed again in another.
    parsed_characteristics: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class Evidence:
    kind: str
    outcome: str  # "match" | "conflict" | "missing"
    weight: float
    detail: str
    data: dict


@dataclass
class Candidate:
    item_id: int
    catalogue_number: str
    item_name: str
    status: str
    score: float
    verdict: str
    evidence: list[Evidence]

    def reasons(self) -> str:
        """The evidence as one line of text (for result files)."""
        return "; ".join(
            f"{e.outcome}: {e.detail}" for e in self.evidence if e.outcome != "missing"
        )


@dataclass
class ScreeningResult:
    verdict: str
    candidates: list[Candidate]
    lower: float
    upper: float

    def to_dict(self) -> dict:
        return asdict(self)


def thresholds() -> tuple[float, float]:
    return settings.SCREENING_LOWER_THRESHOLD, settings.SCREENING_UPPER_THRESHOLD


def verdict_for(score: float, lower: float, upper: float) -> str:
    if score >= upper:
        return Verdict.DUPLICATE.value
    if score >= lower:
        return Verdict.REVIEW.value
    return Verdict.NO_DUPLICATE.value


# --- preparing queries -----------------------------------------------------------------------


@dataclass
class _Ref:
    number: str
    key: str
    ascii_key: str
    folded: str
    translit: str
    manufacturer: Manufacturer | None
    manufacturer_code: str
    manufacturer_name: str
    raw: str = ""  # the cell as given, before its prefix and manufacturer were taken off
    # the registry manufacturer a given name matched (by normalised name, across scripts)
    manufacturer_by_name: Manufacturer | None = None


@dataclass
class _Prepared:
    query: ScreeningInput
    refs: list[_Ref]
    item_name: ItemName | None
    related_name_ids: frozenset[int]
    key_characteristics: list[Characteristic]
    values: dict[str, dict[str, Any]]  # characteristic code -> parsed reply fields
    characteristics: dict[str, Characteristic]
    # characteristic code -> ids of that code in the guides of the name and its related names
    same_code_ids: dict[str, list[int]]


class Lookups:
    """Caches of small tables for one screening run (item names, manufacturers, guides)."""

    def __init__(self) -> None:
        self.item_names: dict[str, ItemName | None] = {}
        self.manufacturers: dict[str, Manufacturer | None] = {}
        self.related: dict[int, frozenset[int]] = {}
        self.guides: dict[int, dict[str, Characteristic]] = {}
        self.same_code: dict[tuple[frozenset[int], str], list[int]] = {}

    def load_manufacturers(self, codes: Iterable[str]) -> None:
        wanted = {c.strip().upper() for c in codes if c.strip()} - set(self.manufacturers)
        if not wanted:
            return
        found = {m.code: m for m in Manufacturer.objects.filter(code__in=wanted)}
        for code in wanted:
            self.manufacturers[code] = found.get(code)

    def item_name(self, text: str) -> ItemName | None:
        text = text.strip()
        if text not in self.item_names:
            self.item_names[text] = _find_item_name(text)
        return self.item_names[text]

    def related_ids(self, name: ItemName) -> frozenset[int]:
        if name.pk not in self.related:
            ids = set(name.related.values_list("pk", flat=True))
            if name.approved_name_id:
                ids.add(name.approved_name_id)
            self.related[name.pk] = frozenset(ids - {name.pk})
        return self.related[name.pk]

    def same_code_ids(self, names: frozenset[int], code: str) -> list[int]:
        """Ids of the characteristic with this code in the guides of these item names."""
        if (names, code) not in self.same_code:
            rows = Characteristic.objects.filter(guide__item_names__pk__in=names, code=code)
            self.same_code[names, code] = sorted(set(rows.values_list("pk", flat=True)))
        return self.same_code[names, code]

    def guide(self, guide_id: int | None) -> dict[str, Characteristic]:
        if guide_id is None:
            return {}
        if guide_id not in self.guides:
            rows = Characteristic.objects.filter(guide_id=guide_id).select_related("reply_table")
            self.guides[guide_id] = {c.code: c for c in rows.order_by("position")}
        return self.guides[guide_id]


def _find_item_name(text: str) -> ItemName | None:
    """An item name by its 5-digit code, or by one of its names in any language."""
    if not text:
        return None
    if text.isdigit():
        return ItemName.objects.filter(code=text).select_related("guide").first()
    wanted = word_key(text)
    rows = ItemName.objects.filter(search_text__contains=wanted).select_related("guide")[:20]
    for name in rows:
        if any(word_key(n) == wanted for n in name.names.values()):
            return name
    return None


def _invalid(field_name: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[FieldError(field_name, code, message)])


def prepare(query: ScreeningInput, lookups: Lookups) -> _Prepared:
    """Resolve codes and parse characteristic replies; ValidationFailed names the field."""
    refs = [_prepare_reference(r, lookups) for r in query.references if r.number.strip()]
    if not refs and not query.item_name_code.strip():
        raise _invalid(
            "reference_number",
            E.SCREENING_NOTHING_TO_COMPARE,
            _("Give a reference number or an item name"),
        )
    if query.supply_class.strip() and not SUPPLY_CLASS_RE.match(query.supply_class.strip()):
        raise _invalid(
            "supply_class",
            E.INVALID_SUPPLY_CLASS,
            _("Supply class %(code)r must be 4 digits") % {"code": query.supply_class},
        )
    item_name = lookups.item_name(query.item_name_code) if query.item_name_code.strip() else None
    if query.item_name_code.strip() and item_name is None:
        raise _invalid(
            "item_name",
            E.UNKNOWN_ITEM_NAME,
            _("Unknown item name %(name)r") % {"name": query.item_name_code},
        )
    guide = lookups.guide(item_name.guide_id) if item_name else {}
    values = _parse_values(query, guide)
    related = lookups.related_ids(item_name) if item_name else frozenset()
    names = frozenset({item_name.pk, *related}) if item_name else frozenset()
    return _Prepared(
        query=query,
        refs=refs,
        item_name=item_name,
        related_name_ids=related,
        key_characteristics=[c for c in guide.values() if c.is_key],
        values=values,
        characteristics=guide,
        same_code_ids={code: lookups.same_code_ids(names, code) for code in values},
    )


def _prepare_reference(ref: ReferenceInput, lookups: Lookups) -> _Ref:
    cell = parse_reference_cell(ref.number)
    number = cell.number
    code = ref.manufacturer_code.strip().upper()
    name = ref.manufacturer_name.strip()
    if not code and not name and cell.manufacturer:
        code = cell.manufacturer.upper()
    manufacturer = lookups.manufacturers.get(code) if code else None
    if code and code not in lookups.manufacturers:
        lookups.load_manufacturers([code])
        manufacturer = lookups.manufacturers.get(code)
    if code and manufacturer is None and not name and (len(code) > 5 or not code.isalnum()):
        # a code column holding a name (`Самарский завод крепежа`): read it as the name
        code, name = "", ref.manufacturer_code.strip() or cell.manufacturer
    return _Ref(
        number=number,
        key=code_key(number),
        ascii_key=ascii_code_key(number),
        folded=folded_key(number),
        translit=translit_key(number),
        manufacturer=manufacturer,
        manufacturer_code=code,
        manufacturer_name=name,
        raw=ref.number,
    )


def _parse_values(
    query: ScreeningInput, guide: dict[str, Characteristic]
) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for code, raw in query.characteristics.items():
        code = code.strip().upper()
        if not str(raw).strip():
            continue
        characteristic = guide.get(code)
        if characteristic is None:
            raise _invalid(
                code,
                E.UNKNOWN_CHARACTERISTIC,
                _("Characteristic %(code)s is not in the guide of the item name") % {"code": code},
            )
        values[code] = parse_reply(characteristic, str(raw), locale=query.locale)
    for code, parsed in query.parsed_characteristics.items():
        if code in guide:
            values[code] = dict(parsed)
    return values


# --- step 1: references ----------------------------------------------------------------------


@dataclass
class _RefRow:
    id: int
    item_id: int
    manufacturer_id: int
    number: str
    key: str
    ascii_key: str


REF_FIELDS = ("id", "item_id", "manufacturer_id", "number", "key", "ascii_key")


def _limited(rows: Any, partition: str) -> Any:
    """At most LOOKUP_PER_KEY rows per value of `partition` (one query for a whole chunk)."""
    return rows.annotate(
        rank=Window(RowNumber(), partition_by=[F(partition)], order_by=F("pk").asc())
    ).filter(rank__lte=LOOKUP_PER_KEY)


def fetch_reference_rows(prepared: list[_Prepared]) -> list[_RefRow]:
    """Every reference that meets a query reference by key, transliterated key or folded key."""
    refs = [r for p in prepared for r in p.refs]
    keys = {r.key for r in refs if r.key}
    ascii_keys = {r.ascii_key for r in refs if r.ascii_key}
    folded = {r.folded for r in refs if r.folded}
    translit = {r.translit for r in refs if r.translit}
    found: dict[int, _RefRow] = {}
    if keys:
        for row in _limited(Reference.objects.filter(key__in=keys), "key").values(*REF_FIELDS):
            found[row["id"]] = _RefRow(**row)
        _add_same_manufacturer_rows(refs, keys, found)
    if ascii_keys:
        for row in _limited(Reference.objects.filter(ascii_key__in=ascii_keys), "ascii_key").values(
            *REF_FIELDS
        ):
            found[row["id"]] = _RefRow(**row)
    if folded:
        rows = _limited(ReferenceScreeningKey.objects.filter(folded_key__in=folded), "folded_key")
        ids = [i for i in rows.values_list("reference_id", flat=True) if i not in found]
        for row in Reference.objects.filter(pk__in=ids).values(*REF_FIELDS):
            found[row["id"]] = _RefRow(**row)
    if translit:
        rows = _limited(
            ReferenceScreeningKey.objects.filter(translit_key__in=translit), "translit_key"
        )
        ids = [i for i in rows.values_list("reference_id", flat=True) if i not in found]
        for row in Reference.objects.filter(pk__in=ids).values(*REF_FIELDS):
            found[row["id"]] = _RefRow(**row)
    return list(found.values())


def _add_same_manufacturer_rows(
    refs: list[_Ref], keys: set[str], found: dict[int, _RefRow]
) -> None:
    """A key shared by many references may have hidden the one of the query's manufacturer."""
    per_key: dict[str, int] = defaultdict(int)
    for row in found.values():
        per_key[row.key] += 1
    crowded = [r for r in refs if r.manufacturer and per_key.get(r.key, 0) >= LOOKUP_PER_KEY]
    if not crowded:
        return
    condition = Q()
    for r in crowded:
        condition |= Q(manufacturer=r.manufacturer, key=r.key)
    for row in Reference.objects.filter(condition).values(*REF_FIELDS):
        found[row["id"]] = _RefRow(**row)


def _manufacturer_relation(ref: _Ref, manufacturer: Manufacturer) -> int:
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


def _match_kind(ref: _Ref, row: _RefRow) -> str | None:
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


def _reference_evidence(ref: _Ref, row: _RefRow, manufacturer: Manufacturer) -> Evidence | None:
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
    return Evidence(
        kind, "match", weight, reference_text(kind, relation, row.number, manufacturer.code), data
    )


# --- step 2: characteristics -----------------------------------------------------------------


def _name_ids(p: _Prepared) -> set[int]:
    return {p.item_name.pk, *p.related_name_ids} if p.item_name else set()


def characteristic_candidates(p: _Prepared) -> list[int]:
    """Items of the same or a related name found by key values, for re-ranking.

    The first given numeric (else coded) key value drives the look-up through the (characteristic,
    value) index; every other given key value removes items that hold a conflicting value, probed
    per item through the (item, characteristic) unique index. Unknown values never remove an item.
    """
    if p.item_name is None or not p.values:
        return []
    names = _name_ids(p)
    conditions = [c for c in (_value_condition(p, k) for k in _given_keys(p)) if c]
    if not conditions:
        return []
    driving_ids, driving, _known = conditions[0]
    rows = CharacteristicValue.objects.filter(
        driving, characteristic_id__in=driving_ids, item__item_name_id__in=names
    )
    if p.query.supply_class:
        rows = rows.filter(item__supply_class=p.query.supply_class)
    for ids, condition, known in conditions[1:]:
        conflicting = CharacteristicValue.objects.filter(
            known, item_id=OuterRef("item_id"), characteristic_id__in=ids
        ).exclude(condition)
        rows = rows.exclude(Exists(conflicting))
    # (item, characteristic) is unique and an item has one guide: no item comes twice.
    return list(rows.values_list("item_id", flat=True)[:CHARACTERISTIC_CANDIDATES])


def _given_keys(p: _Prepared) -> list[Characteristic]:
    """Given key characteristics, numeric ones first (their ranges are the most selective)."""
    given = [c for c in p.key_characteristics if c.code in p.values]
    return sorted(given, key=lambda c: p.values[c.code].get("value") is None)


def _value_condition(p: _Prepared, characteristic: Characteristic) -> tuple[list[int], Q, Q] | None:
    """Ids of the characteristic with this code in the guides of the names, the condition a
    stored value meets when it matches the given one, and when a stored value is known."""
    fields = p.values[characteristic.code]
    if fields.get("value") is not None and characteristic.reply_type == ReplyType.NUMERIC:
        low, high = _tolerance_window(fields["value"], characteristic.tolerance)
        condition, known = Q(value__gte=low, value__lte=high), Q(value__isnull=False)
    elif fields.get("code"):
        condition, known = Q(code=fields["code"]), ~Q(code="")
    else:
        return None
    return p.same_code_ids[characteristic.code], condition, known


def _tolerance_window(value: float, tolerance: float) -> tuple[float, float]:
    """All stored values that `_within` accepts: |a - b| <= max(|a|, |b|) * tolerance."""
    tolerance = min(max(tolerance, 1e-9), 0.5)
    return value - abs(value) * tolerance, value + abs(value) * tolerance / (1 - tolerance)


def _within(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(abs(a), abs(b)) * max(tolerance, 1e-9)


def compare_value(
    characteristic: Characteristic, wanted: dict[str, Any], stored: CharacteristicValue
) -> tuple[bool, dict]:
    """Whether a reply matches a stored value (after unit conversion, within tolerance)."""
    kind = characteristic.reply_type
    if kind == ReplyType.NUMERIC:
        return _within(wanted["value"], stored.value, characteristic.tolerance), {}
    if kind == ReplyType.RANGE:
        same = _within(wanted["value"], stored.value, characteristic.tolerance) and _within(
            wanted["value_max"], stored.value_max, characteristic.tolerance
        )
        return same, {}
    if kind == ReplyType.CODED:
        return wanted["code"] == stored.code, {}
    if kind == ReplyType.BOOLEAN:
        return wanted["flag"] == stored.flag, {}
    similarity = fuzz.ratio(word_key(wanted["text"]), word_key(stored.text or stored.raw))
    return similarity >= TEXT_SIMILARITY, {"similarity": round(similarity, 1)}


def _characteristic_evidence(
    p: _Prepared, stored: dict[str, CharacteristicValue]
) -> list[Evidence]:
    evidence: list[Evidence] = []
    keys = p.key_characteristics
    weight = round(1 - (1 - CHARACTERISTICS_ALL_MATCH) ** (1 / len(keys)), 4) if keys else 0.0
    for characteristic in keys:
        code = characteristic.code
        name = pick_text(characteristic.names)
        wanted, value = p.values.get(code), stored.get(code)
        if wanted is None or value is None:
            detail = _("%(name)s (%(code)s): unknown on one side, not compared") % {
                "name": name,
                "code": code,
            }
            data = {
                "code": code,
                "given": wanted["raw"] if wanted else None,
                "candidate": value.raw if value else None,
            }
            evidence.append(Evidence("characteristic", "missing", 0.0, detail, data))
            continue
        same, extra = compare_value(characteristic, wanted, value)
        params = {"name": name, "code": code, "given": wanted["raw"], "candidate": value.raw}
        data = {"code": code, "given": wanted["raw"], "candidate": value.raw, **extra}
        if same:
            detail = _("%(name)s (%(code)s): %(given)s matches %(candidate)s") % params
            evidence.append(Evidence("characteristic", "match", weight, detail, data))
        else:
            detail = _("%(name)s (%(code)s): %(given)s differs from %(candidate)s") % params
            evidence.append(
                Evidence("characteristic", "conflict", CHARACTERISTIC_PENALTY, detail, data)
            )
    return evidence


# --- evaluation of one candidate -------------------------------------------------------------


def _name_evidence(p: _Prepared, item: Item) -> Evidence:
    candidate = f"{item.item_name.code} {pick_text(item.item_name.names)}"
    data = {"given": p.item_name.code if p.item_name else None, "candidate": item.item_name.code}
    if p.item_name is None:
        return Evidence("item_name", "missing", 0.0, _("Item name not given"), data)
    if item.item_name_id == p.item_name.pk:
        return Evidence(
            "item_name",
            "match",
            ITEM_NAME_WEIGHT,
            _("Same item name %(name)s") % {"name": candidate},
            data,
        )
    if item.item_name_id in p.related_name_ids:
        detail = _("Related item name %(name)s") % {"name": candidate}
        return Evidence(
            "item_name", "match", RELATED_NAME_WEIGHT, detail, {**data, "related": True}
        )
    detail = _("Different item name %(name)s") % {"name": candidate}
    return Evidence("item_name", "conflict", ITEM_NAME_PENALTY, detail, data)


def _class_evidence(p: _Prepared, item: Item) -> Evidence:
    wanted = p.query.supply_class.strip()
    data = {"given": wanted or None, "candidate": item.supply_class}
    if not wanted:
        return Evidence("supply_class", "missing", 0.0, _("Supply class not given"), data)
    if wanted == item.supply_class:
        detail = _("Same supply class %(code)s") % {"code": item.supply_class}
        return Evidence("supply_class", "match", SUPPLY_CLASS_WEIGHT, detail, data)
    detail = _("Different supply class %(code)s") % {"code": item.supply_class}
    return Evidence("supply_class", "conflict", SUPPLY_CLASS_PENALTY, detail, data)


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


def _best_reference_evidence(
    p: _Prepared, rows: list[_RefRow], makers: dict[int, Manufacturer]
) -> list[Evidence]:
    """Per query reference, the strongest evidence among this item's references."""
    evidence = []
    for ref in p.refs:
        weighed = (_reference_evidence(ref, row, makers[row.manufacturer_id]) for row in rows)
        found = [e for e in weighed if e is not None]
        if found:
            evidence.append(max(found, key=lambda e: e.weight))
    return evidence


@dataclass
class _Loaded:
    items: dict[int, Item]
    values: dict[int, dict[str, CharacteristicValue]]
    makers: dict[int, Manufacturer]


def _evaluate(
    p: _Prepared,
    item: Item,
    ref_evidence: list[Evidence],
    loaded: _Loaded,
    bounds: tuple[float, float],
) -> Candidate:
    evidence = list(ref_evidence)
    if p.refs and not ref_evidence:
        detail = _("None of the given reference numbers is on this item")
        evidence.append(Evidence("reference", "missing", 0.0, detail, {}))
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
    detail = _(
        "Same reference number %(number)s of the same manufacturer %(mfr)s, but key "
        "characteristics conflict: %(codes)s"
    ) % {
        "number": data["number"],
        "mfr": data["manufacturer"],
        "codes": ", ".join(data["conflicts"]),
    }
    return Evidence("reference_conflict", "conflict", 0.0, detail, data)


def _cancelled_evidence(item: Item) -> Evidence:
    data = {
        "status": item.status,
        "replaced_by": item.replaced_by.catalogue_number if item.replaced_by else None,
    }
    if item.replaced_by is not None:
        detail = _("Item is cancelled; use its replacement %(number)s") % {
            "number": data["replaced_by"]
        }
    else:
        detail = _("Item is cancelled without replacement")
    return Evidence("cancelled", "conflict", 0.0, detail, data)


def _with_replacements(
    p: _Prepared, candidates: list[Candidate], loaded: _Loaded, bounds: tuple[float, float]
) -> list[Candidate]:
    """A cancelled candidate brings its replacement, ranked at least as high as itself."""
    by_id = {c.item_id: c for c in candidates}
    for cancelled in [c for c in candidates if c.status in CANCELLED_STATUSES]:
        item = loaded.items[cancelled.item_id]
        replacement = loaded.items.get(item.replaced_by_id) if item.replaced_by_id else None
        if replacement is None or replacement.pk in p.query.exclude_item_ids:
            continue
        own = by_id.get(replacement.pk) or _evaluate(p, replacement, [], loaded, bounds)
        score = max(own.score, round(cancelled.score / CANCELLED_FACTOR, 4))
        detail = _("Replaces the cancelled item %(number)s that matched") % {
            "number": cancelled.catalogue_number
        }
        own.evidence.insert(
            0,
            Evidence(
                "replacement",
                "match",
                REPLACEMENT_WEIGHT,
                detail,
                {"replaces": cancelled.catalogue_number},
            ),
        )
        own.score, own.verdict = score, verdict_for(score, *bounds)
        by_id[replacement.pk] = own
    return list(by_id.values())


# --- screening -------------------------------------------------------------------------------


def _load(item_ids: set[int], maker_ids: set[int]) -> _Loaded:
    items = {
        i.pk: i
        for i in Item.objects.filter(pk__in=item_ids).select_related("item_name", "replaced_by")
    }
    replacements = {i.replaced_by_id for i in items.values() if i.replaced_by_id} - set(items)
    if replacements:
        items.update(
            {
                i.pk: i
                for i in Item.objects.filter(pk__in=replacements).select_related(
                    "item_name", "replaced_by"
                )
            }
        )
    values: dict[int, dict[str, CharacteristicValue]] = defaultdict(dict)
    rows = CharacteristicValue.objects.filter(item_id__in=list(items), characteristic__is_key=True)
    for value in rows.select_related("characteristic"):
        values[value.item_id][value.characteristic.code] = value
    makers = {m.pk: m for m in Manufacturer.objects.filter(pk__in=maker_ids)}
    return _Loaded(items=items, values=values, makers=makers)


def _settled(p: _Prepared, rows: list[_RefRow]) -> bool:
    """References settle the question when one of the query's manufacturer matches exactly."""
    return any(
        r.manufacturer is not None and row.key == r.key and row.manufacturer_id == r.manufacturer.pk
        for r in p.refs
        for row in rows
    )


def screen_prepared(
    prepared: list[_Prepared], *, reader: Any, limit: int = 5
) -> list[ScreeningResult]:
    """Screen prepared queries together: the reference look-ups run once for all of them.
    Candidates the reader may not see in full keep their number, score and verdict only."""
    scope = read_scope(reader)
    screening_keys_catch_up()
    bounds = thresholds()
    rows = fetch_reference_rows(prepared)
    rows_by_key: dict[str, list[_RefRow]] = defaultdict(list)
    for row in rows:
        rows_by_key[row.key].append(row)
        rows_by_key["a:" + row.ascii_key].append(row)
    folded_of = {row.id: folded_key(row.number) for row in rows}
    for row in rows:
        rows_by_key["f:" + folded_of[row.id]].append(row)
        rows_by_key["t:" + translit_key(row.number)].append(row)
    per_query: list[dict[int, list[_RefRow]]] = []
    extra_ids: list[list[int]] = []
    for p in prepared:
        hits: dict[int, list[_RefRow]] = defaultdict(list)
        for ref in p.refs:
            for row in {
                id(r): r
                for k in (ref.key, "a:" + ref.ascii_key, "f:" + ref.folded, "t:" + ref.translit)
                for r in rows_by_key.get(k, [])
            }.values():
                hits[row.item_id].append(row)
        per_query.append(hits)
        extra_ids.append(
            []
            if _settled(p, [r for rs in hits.values() for r in rs])
            else characteristic_candidates(p)
        )
    item_ids = {i for hits in per_query for i in hits} | {i for ids in extra_ids for i in ids}
    loaded = _load(item_ids, {row.manufacturer_id for row in rows})
    results = [
        _result(p, hits, extra, loaded, bounds, limit)
        for p, hits, extra in zip(prepared, per_query, extra_ids, strict=True)
    ]
    if scope.sees_all:
        return results
    full = visible_item_ids(scope, {c.item_id for r in results for c in r.candidates})
    return [redacted(result, full) for result in results]


def redacted(result: ScreeningResult, full: set[int]) -> ScreeningResult:
    """As the NCS answers a match on another nation's restricted item (return code AU): the
    number and the verdict, and that its data is released only by the assigning bureau."""
    for candidate in result.candidates:
        if candidate.item_id in full:
            continue
        candidate.item_name = ""
        candidate.evidence = [
            Evidence(
                kind="release",
                outcome="match",
                weight=0.0,
                detail=_(
                    "A match on an item whose data is released only to its assigning bureau and "
                    "registered users: ask that bureau"
                ),
                data={"code": "RESTRICTED_CANDIDATE"},
            )
        ]
    return result


def _result(
    p: _Prepared,
    hits: dict[int, list[_RefRow]],
    extra: list[int],
    loaded: _Loaded,
    bounds: tuple[float, float],
    limit: int,
) -> ScreeningResult:
    if not p.refs and not _given_keys(p):
        # only a name (or values that are not key characteristics): nothing to compare
        return ScreeningResult(
            verdict=NOT_SCREENED, candidates=[], lower=bounds[0], upper=bounds[1]
        )
    excluded = set(p.query.exclude_item_ids)
    candidates = []
    for item_id in dict.fromkeys([*hits, *extra]):
        if item_id in excluded or item_id not in loaded.items:
            continue
        ref_evidence = _best_reference_evidence(p, hits.get(item_id, []), loaded.makers)
        candidates.append(_evaluate(p, loaded.items[item_id], ref_evidence, loaded, bounds))
    candidates = _with_replacements(p, candidates, loaded, bounds)
    candidates.sort(key=lambda c: (-c.score, c.catalogue_number))
    candidates = [c for c in candidates if c.score > 0][:limit]
    verdict = candidates[0].verdict if candidates else Verdict.NO_DUPLICATE.value
    return ScreeningResult(verdict=verdict, candidates=candidates, lower=bounds[0], upper=bounds[1])


def screen_many(
    queries: list[ScreeningInput], *, reader: Any, limit: int = 5
) -> list[ScreeningResult | ValidationFailed]:
    """Screen several described items at once (the lines of a request): the look-ups run once
    for all of them. A query that cannot be screened gets its refusal in its place."""
    lookups = Lookups()
    lookups.load_manufacturers(r.manufacturer_code for q in queries for r in q.references)
    prepared: list[_Prepared] = []
    answers: list[ScreeningResult | ValidationFailed] = []
    for query in queries:
        try:
            prepared.append(prepare(query, lookups))
            answers.append(ScreeningResult(verdict="", candidates=[], lower=0.0, upper=0.0))
        except ValidationFailed as refused:
            answers.append(refused)
    results = iter(screen_prepared(prepared, reader=reader, limit=limit)) if prepared else iter(())
    return [next(results) if isinstance(a, ScreeningResult) else a for a in answers]


def screen(query: ScreeningInput, *, reader: Any, limit: int = 5) -> ScreeningResult:
    """Screen one described item against the catalogue; ValidationFailed for bad input."""
    lookups = Lookups()
    lookups.load_manufacturers(r.manufacturer_code for r in query.references)
    return screen_prepared([prepare(query, lookups)], reader=reader, limit=limit)[0]


# --- decisions -------------------------------------------------------------------------------

# Reasons that say "another item" never justify "duplicate", and "same item" never the opposite;
# a wrong candidate record or another reason (with a note) may go either way.
_EITHER_WAY = {ScreeningJustification.CANDIDATE_DATA_WRONG, ScreeningJustification.OTHER}
FITTING_JUSTIFICATIONS = {
    Decision.DUPLICATE: {ScreeningJustification.SAME_ITEM, *_EITHER_WAY},
    Decision.NOT_DUPLICATE: set(ScreeningJustification) - {ScreeningJustification.SAME_ITEM},
}


# Limits of the texts of a decision (docs/limits.md).
DECISION_NOTE_MAX = 2_000
DECISION_SUBJECT_MAX = 200


def _over_limit(field_name: str, value: str, limit: int) -> list[FieldError]:
    if len(value or "") <= limit:
        return []
    message = _("At most %(max)d characters are kept here; this text has %(length)d") % {
        "max": limit,
        "length": len(value),
    }
    return [FieldError(field_name, "TEXT_TOO_LONG", message)]


@transaction.atomic
def screening_decision_record(
    *,
    actor: Actor,
    item: Item,
    verdict: str,
    decision: str,
    justification: str,
    note: str = "",
    subject: str = "",
) -> ScreeningDecision:
    """Record a person's decision on a candidate of a "review" verdict, or the override of a
    "duplicate" verdict, with the justification code."""
    person = person_of(actor)
    if person is None or not person.is_authenticated:
        raise PermissionDenied(
            _("Only a signed-in person can decide on a screening candidate"),
            code=E.DECISION_NEEDS_PERSON,
        )
    rights.acting_bureau(actor, rights.Permission.CATALOGUE)
    errors = []
    if verdict not in Verdict.values:
        errors.append(FieldError("verdict", E.INVALID_VERDICT, _("unknown verdict")))
    if decision not in Decision.values:
        errors.append(
            FieldError("decision", E.INVALID_DECISION, _("must be duplicate or not_duplicate"))
        )
    if justification not in ScreeningJustification.values:
        errors.append(
            FieldError("justification", E.INVALID_JUSTIFICATION, _("unknown justification code"))
        )
    elif justification == ScreeningJustification.OTHER and not note.strip():
        errors.append(FieldError("note", E.NOTE_REQUIRED, _("say why in the note")))
    elif (
        decision in Decision.values
        and justification not in FITTING_JUSTIFICATIONS[Decision(decision)]
    ):
        errors.append(
            FieldError("justification", E.JUSTIFICATION_MISMATCH, _("does not fit the decision"))
        )
    errors += _over_limit("note", note, DECISION_NOTE_MAX)
    errors += _over_limit("subject", subject, DECISION_SUBJECT_MAX)
    if errors:
        raise ValidationFailed(
            _("The decision cannot be recorded"), code=E.DECISION_INVALID, errors=errors
        )
    recorded = ScreeningDecision.objects.create(
        item=item,
        subject=subject[:200],
        verdict=verdict,
        decision=decision,
        justification=justification,
        note=note,
        actor=person,
        bureau=getattr(actor, "bureau", None),
    )
    audit_record(
        actor=actor,
        action="screening_decision",
        object_type="item",
        object_key=item.niin,
        reason=note,
        changes={
            "verdict": verdict,
            "decision": decision,
            "justification": justification,
            "subject": subject[:200],
        },
    )
    return recorded


# --- folded keys -----------------------------------------------------------------------------


def screening_key_refresh(reference: Reference) -> ReferenceScreeningKey:
    """Store (or correct) the folded key of one reference."""
    row, _created = ReferenceScreeningKey.objects.update_or_create(
        reference=reference, defaults=screening_key_fields(reference.number)
    )
    return row


def screening_key_fields(number: str) -> dict[str, str]:
    """The stored screening keys of one reference number."""
    return {"folded_key": folded_key(number)[:64], "translit_key": translit_key(number)[:64]}


def screening_keys_store(rows: Iterable[tuple[int, str]]) -> None:
    """Store (or correct) the keys of (reference id, number) pairs in bulk: the hook of the bulk
    write paths (imports, the demo generator), in their transaction."""
    _store_keys(list(rows))


def references_written_keys(sender: Any, rows: list[tuple[int, str]] | None, **_kw: Any) -> None:
    """Receiver of `catalog.signals.references_written`: keys of the references just written."""
    if rows is None:
        screening_keys_catch_up(limit=None)
    else:
        _store_keys(rows)


def screening_keys_catch_up(*, limit: int | None = CATCH_UP_LIMIT) -> int:
    """Add the folded keys of references newer than the newest that has one.

    References get ever larger ids, so this is two index look-ups when nothing is new. Screening
    calls it first, so references added since the last backfill are found by their folded key too;
    `screening_keys_backfill` (the `screening_keys` command) remains the complete pass after bulk
    loads, and also covers references whose transaction committed out of id order.
    """
    newest = (
        ReferenceScreeningKey.objects.order_by("-reference_id")
        .values_list("reference_id", flat=True)
        .first()
    )
    if limit is None:  # after a bulk write: every newer reference, in keyset batches
        return screening_keys_backfill(after=newest or 0)
    rows = list(
        Reference.objects.filter(pk__gt=newest or 0)
        .order_by("pk")
        .values_list("pk", "number")[:limit]
    )
    _store_keys(rows)
    return len(rows)


def _store_keys(rows: list[tuple[int, str]]) -> None:
    ReferenceScreeningKey.objects.bulk_create(
        [ReferenceScreeningKey(reference_id=pk, **screening_key_fields(n)) for pk, n in rows],
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["reference"],
        update_fields=["folded_key", "translit_key"],
    )


def screening_keys_backfill(
    *, batch_size: int = 5000, on_progress: Any = None, after: int = 0
) -> int:
    """Add the folded key of every reference that has none, in keyset-ordered batches.

    Run after bulk loads (imports, the demo catalogue) that write references directly.
    """
    added = 0
    while True:
        batch = list(
            Reference.objects.filter(pk__gt=after)
            .filter(Q(screening_key__isnull=True) | Q(screening_key__translit_key=""))
            .order_by("pk")
            .values_list("pk", "number")[:batch_size]
        )
        if not batch:
            return added
        _store_keys(batch)
        added += len(batch)
        after = batch[-1][0]
        if on_progress:
            on_progress(added)

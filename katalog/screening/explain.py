"""Screening evidence kept as codes and parameters, told again in the reader's language.

A duplicate candidate waits in the centre's queue for days and is read in eight languages, so
its evidence is stored as `kind`, `outcome`, `weight` and `data` (with the names of the item
name and the characteristic in every language), not as the sentence of the moment it was
found. The sentences are those of `services` (the same messages, so the same translations);
`tests/screening/test_screening_candidates.py` checks that both tell the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from katalog.core.i18n import pick_text

Record = Mapping[str, Any]

REFERENCE_KINDS = frozenset(
    {
        "reference_same_manufacturer",
        "reference_other_manufacturer",
        "reference_transliterated",
        "reference_confusable",
        "reference_leading_zeros",
    }
)


def evidence_record(
    kind: str, outcome: str, weight: float, data: Mapping[str, Any], names: Mapping[str, str]
) -> dict[str, Any]:
    """One piece of evidence as stored: its codes, parameters and the names it speaks of."""
    return {
        "kind": kind,
        "outcome": outcome,
        "weight": weight,
        "data": dict(data),
        "names": dict(names),
    }


def evidence_text(record: Record) -> str:
    """The sentence of one stored piece of evidence in the active language."""
    kind = str(record.get("kind", ""))
    teller = _reference if kind in REFERENCE_KINDS else _TELLERS.get(kind)
    if teller is None:
        return ""
    try:
        return teller(str(record.get("outcome", "")), record.get("data") or {}, record)
    except (KeyError, TypeError, ValueError):
        return ""  # a record from another version of the evidence: nothing false is said


def explanation_texts(records: list[Record]) -> list[str]:
    """The sentences of the evidence that counted (missing data is left out, as in files)."""
    texts = (evidence_text(r) for r in records if r.get("outcome") != "missing")
    return [t for t in texts if t]


def reference_text(kind: str, relation: int, number: str, mfr: str) -> str:
    """How a reference matched, in words: the screening's own sentence and the stored one's.
    `relation`: 0 the same manufacturer, 1 none given, 2 another one."""
    params = {"number": number, "mfr": mfr}
    whose = {
        0: _("of the same manufacturer %(mfr)s"),
        1: _("of manufacturer %(mfr)s (no manufacturer given)"),
        2: _("of another manufacturer, %(mfr)s"),
    }[relation] % params
    how = {
        "reference_same_manufacturer": _("Same reference number %(number)s"),
        "reference_other_manufacturer": _("Same reference number %(number)s"),
        "reference_transliterated": _("Reference number %(number)s matches once transliterated"),
        "reference_confusable": _(
            "Reference number %(number)s matches when O/0 and I/1 are not told apart"
        ),
        "reference_leading_zeros": _(
            "Reference number %(number)s matches when leading zeros are ignored"
        ),
    }[kind] % params
    return f"{how} {whose}"


def _reference(_outcome: str, data: Mapping[str, Any], record: Record) -> str:
    # 0 the same manufacturer, 1 none given, 2 another one (as `services` weighs them)
    relation = 0 if data.get("same_manufacturer") else 2 if data.get("manufacturer_given") else 1
    return reference_text(record["kind"], relation, data["candidate_number"], data["manufacturer"])


def _no_reference(_outcome: str, _data: Mapping[str, Any], _record: Record) -> str:
    return _("None of the given reference numbers is on this item")


def _reference_conflict(_outcome: str, data: Mapping[str, Any], _record: Record) -> str:
    return _(
        "Same reference number %(number)s of the same manufacturer %(mfr)s, but key "
        "characteristics conflict: %(codes)s"
    ) % {
        "number": data["number"],
        "mfr": data["manufacturer"],
        "codes": ", ".join(data["conflicts"]),
    }


def _item_name(outcome: str, data: Mapping[str, Any], record: Record) -> str:
    if outcome == "missing":
        return _("Item name not given")
    candidate = f"{data['candidate']} {pick_text(record.get('names') or {})}"
    if outcome == "match" and data.get("related"):
        return _("Related item name %(name)s") % {"name": candidate}
    if outcome == "match":
        return _("Same item name %(name)s") % {"name": candidate}
    return _("Different item name %(name)s") % {"name": candidate}


def _supply_class(outcome: str, data: Mapping[str, Any], _record: Record) -> str:
    if outcome == "missing":
        return _("Supply class not given")
    if outcome == "match":
        return _("Same supply class %(code)s") % {"code": data["candidate"]}
    return _("Different supply class %(code)s") % {"code": data["candidate"]}


def _characteristic(outcome: str, data: Mapping[str, Any], record: Record) -> str:
    name = pick_text(record.get("names") or {})
    params = {
        "name": name,
        "code": data["code"],
        "given": data.get("given"),
        "candidate": data.get("candidate"),
    }
    if outcome == "missing":
        return _("%(name)s (%(code)s): unknown on one side, not compared") % params
    if outcome == "match":
        return _("%(name)s (%(code)s): %(given)s matches %(candidate)s") % params
    return _("%(name)s (%(code)s): %(given)s differs from %(candidate)s") % params


def _cancelled(_outcome: str, data: Mapping[str, Any], _record: Record) -> str:
    if data.get("replaced_by"):
        return _("Item is cancelled; use its replacement %(number)s") % {
            "number": data["replaced_by"]
        }
    return _("Item is cancelled without replacement")


def _replacement(_outcome: str, data: Mapping[str, Any], _record: Record) -> str:
    return _("Replaces the cancelled item %(number)s that matched") % {"number": data["replaces"]}


def _release(_outcome: str, _data: Mapping[str, Any], _record: Record) -> str:
    return _(
        "A match on an item whose data is released only to its assigning bureau and "
        "registered users: ask that bureau"
    )


_TELLERS: dict[str, Callable[[str, Mapping[str, Any], Record], str]] = {
    "reference": _no_reference,
    "reference_conflict": _reference_conflict,
    "item_name": _item_name,
    "supply_class": _supply_class,
    "characteristic": _characteristic,
    "cancelled": _cancelled,
    "replacement": _replacement,
    "release": _release,
}

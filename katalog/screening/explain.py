"""Screening evidence kept as codes and parameters, told in the reader's language.

A screening result is stored (on a codification request line, in the centre's queue of
duplicate candidates) and read for days by people of other languages, so each piece of evidence
is kept as a stable `code` (`EvidenceCode`) with JSON `params` — numbers, reference strings,
characteristic codes, values in the canonical unit with the unit each side was given in, and
the names of the item name and the characteristic in every language — never as the sentence of
the moment it was found. `evidence_text(code, params)` tells it in the active language;
`evidence_shown` reads a stored piece, whichever version of the evidence stored it:

- with a `code`: told again in the reader's language;
- a request line's result stored before codes (a `detail` sentence, no `code`): the sentence
  as it was stored;
- a centre candidate stored before codes (`kind`, `outcome`, `data` and `names`): read into
  its code and parameters, then told.

A numeric comparison shows both sides in the unit the described item (the request's line) was
given in, with the item's own value and unit beside it when those differ, and the numbers
written as the reader's locale writes them: «12,5 мм совпадает с 12,7 мм (0,5 in)».
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from katalog.core import units
from katalog.core.errors import ValidationFailed
from katalog.core.i18n import pick_text

Record = Mapping[str, Any]
Params = Mapping[str, Any]


class EvidenceCode(StrEnum):
    """What one piece of evidence says; stored, so never renamed nor reused."""

    REFERENCE_EXACT = "REFERENCE_EXACT"
    REFERENCE_TRANSLITERATED = "REFERENCE_TRANSLITERATED"
    REFERENCE_CONFUSABLE = "REFERENCE_CONFUSABLE"
    REFERENCE_LEADING_ZEROS = "REFERENCE_LEADING_ZEROS"
    REFERENCE_NOT_FOUND = "REFERENCE_NOT_FOUND"
    REFERENCE_CHARACTERISTICS_CONFLICT = "REFERENCE_CHARACTERISTICS_CONFLICT"
    ITEM_NAME_SAME = "ITEM_NAME_SAME"
    ITEM_NAME_RELATED = "ITEM_NAME_RELATED"
    ITEM_NAME_DIFFERENT = "ITEM_NAME_DIFFERENT"
    ITEM_NAME_NOT_GIVEN = "ITEM_NAME_NOT_GIVEN"
    SUPPLY_CLASS_SAME = "SUPPLY_CLASS_SAME"
    SUPPLY_CLASS_DIFFERENT = "SUPPLY_CLASS_DIFFERENT"
    SUPPLY_CLASS_NOT_GIVEN = "SUPPLY_CLASS_NOT_GIVEN"
    CHARACTERISTIC_MATCH = "CHARACTERISTIC_MATCH"
    CHARACTERISTIC_CONFLICT = "CHARACTERISTIC_CONFLICT"
    CHARACTERISTIC_NOT_COMPARED = "CHARACTERISTIC_NOT_COMPARED"
    ITEM_CANCELLED = "ITEM_CANCELLED"
    ITEM_CANCELLED_REPLACED = "ITEM_CANCELLED_REPLACED"
    REPLACES_CANCELLED = "REPLACES_CANCELLED"
    RESTRICTED_CANDIDATE = "RESTRICTED_CANDIDATE"


class ManufacturerRelation(StrEnum):
    """Whose number matched: the maker the description gave, no maker given, or another."""

    SAME = "same"
    NOT_GIVEN = "not_given"
    OTHER = "other"


# The kinds of reference evidence (`Evidence.kind`) and the code each match is told by.
REFERENCE_CODES = {
    "reference_same_manufacturer": EvidenceCode.REFERENCE_EXACT,
    "reference_other_manufacturer": EvidenceCode.REFERENCE_EXACT,
    "reference_transliterated": EvidenceCode.REFERENCE_TRANSLITERATED,
    "reference_confusable": EvidenceCode.REFERENCE_CONFUSABLE,
    "reference_leading_zeros": EvidenceCode.REFERENCE_LEADING_ZEROS,
}
REFERENCE_KINDS = frozenset(REFERENCE_CODES)


# --- telling a code in words -------------------------------------------------------------------


def evidence_text(code: str, params: Params) -> str:
    """The sentence of one piece of evidence in the active language ("" for a code or
    parameters of another version of the evidence: nothing false is said)."""
    teller = _TELLERS.get(code)
    if teller is None:
        return ""
    try:
        return teller(params)
    except (KeyError, TypeError, ValueError):
        return ""


def _reference(code: EvidenceCode, params: Params) -> str:
    names = {"number": params["number"], "mfr": params["manufacturer"]}
    whose = {
        ManufacturerRelation.SAME: _("of the same manufacturer %(mfr)s"),
        ManufacturerRelation.NOT_GIVEN: _("of manufacturer %(mfr)s (no manufacturer given)"),
        ManufacturerRelation.OTHER: _("of another manufacturer, %(mfr)s"),
    }[ManufacturerRelation(params["manufacturer_relation"])] % names
    how = {
        EvidenceCode.REFERENCE_EXACT: _("Same reference number %(number)s"),
        EvidenceCode.REFERENCE_TRANSLITERATED: _(
            "Reference number %(number)s matches once transliterated"
        ),
        EvidenceCode.REFERENCE_CONFUSABLE: _(
            "Reference number %(number)s matches when O/0 and I/1 are not told apart"
        ),
        EvidenceCode.REFERENCE_LEADING_ZEROS: _(
            "Reference number %(number)s matches when leading zeros are ignored"
        ),
    }[code] % names
    return f"{how} {whose}"


def _reference_conflict(params: Params) -> str:
    return _(
        "Same reference number %(number)s of the same manufacturer %(mfr)s, but key "
        "characteristics conflict: %(codes)s"
    ) % {
        "number": params["number"],
        "mfr": params["manufacturer"],
        "codes": ", ".join(params["conflicts"]),
    }


def _item_name_shown(params: Params) -> str:
    return f"{params['code']} {pick_text(params.get('names') or {})}".strip()


def _characteristic_params(params: Params) -> dict[str, Any]:
    given, candidate = compared_values(params)
    return {
        "name": pick_text(params.get("names") or {}),
        "code": params["code"],
        "given": given,
        "candidate": candidate,
    }


def compared_values(params: Params) -> tuple[str, str]:
    """Both sides of a characteristic comparison as the reader reads them: numbers in the unit
    the described item was given in, in the reader's locale, the item's own value and unit
    beside its converted one when its unit differs; anything else as it was written."""
    given, candidate = str(params.get("given") or ""), str(params.get("candidate") or "")
    if params.get("given_value") is None or params.get("candidate_value") is None:
        return given, candidate
    locale = translation.get_language() or "en"
    unit = params.get("given_unit") or params.get("candidate_unit") or ""
    try:
        given = _side(params, "given", unit, locale)
        candidate = _side(params, "candidate", unit, locale)
        own = params.get("candidate_unit") or ""
        if own and unit and own != unit:
            candidate = f"{candidate} ({_side(params, 'candidate', own, locale)})"
    except (ValidationFailed, ValueError, LookupError, ArithmeticError):
        return str(params.get("given") or ""), str(params.get("candidate") or "")
    return given, candidate


def _side(params: Params, side: str, unit: str, locale: str) -> str:
    low = _number(params[f"{side}_value"], params.get("canonical_unit") or "", unit, locale)
    high = params.get(f"{side}_value_max")
    if high is None:
        return low
    return f"{low} – {_number(high, params.get('canonical_unit') or '', unit, locale)}"


def _number(value: float, canonical_unit: str, unit: str, locale: str) -> str:
    if canonical_unit and unit:
        return units.format_quantity(
            float(value), canonical_unit=canonical_unit, unit_code=unit, locale=locale
        )
    from babel.numbers import format_decimal

    number = Decimal(f"{float(value):.6g}")
    return format_decimal(number, locale=locale.replace("-", "_"), decimal_quantization=False)


def _characteristic_match(params: Params) -> str:
    return _("%(name)s (%(code)s): %(given)s matches %(candidate)s") % _characteristic_params(
        params
    )


def _characteristic_conflict(params: Params) -> str:
    return _("%(name)s (%(code)s): %(given)s differs from %(candidate)s") % (
        _characteristic_params(params)
    )


def _characteristic_not_compared(params: Params) -> str:
    return _("%(name)s (%(code)s): unknown on one side, not compared") % {
        "name": pick_text(params.get("names") or {}),
        "code": params["code"],
    }


def _release(_params: Params) -> str:
    return _(
        "A match on an item whose data is released only to its assigning bureau and "
        "registered users: ask that bureau"
    )


C = EvidenceCode
_TELLERS: dict[str, Callable[[Params], str]] = {
    **{code: partial(_reference, code) for code in set(REFERENCE_CODES.values())},
    C.REFERENCE_NOT_FOUND: lambda _p: _("None of the given reference numbers is on this item"),
    C.REFERENCE_CHARACTERISTICS_CONFLICT: _reference_conflict,
    C.ITEM_NAME_SAME: lambda p: _("Same item name %(name)s") % {"name": _item_name_shown(p)},
    C.ITEM_NAME_RELATED: lambda p: _("Related item name %(name)s") % {"name": _item_name_shown(p)},
    C.ITEM_NAME_DIFFERENT: lambda p: (
        _("Different item name %(name)s") % {"name": _item_name_shown(p)}
    ),
    C.ITEM_NAME_NOT_GIVEN: lambda _p: _("Item name not given"),
    C.SUPPLY_CLASS_SAME: lambda p: _("Same supply class %(code)s") % {"code": p["code"]},
    C.SUPPLY_CLASS_DIFFERENT: lambda p: _("Different supply class %(code)s") % {"code": p["code"]},
    C.SUPPLY_CLASS_NOT_GIVEN: lambda _p: _("Supply class not given"),
    C.CHARACTERISTIC_MATCH: _characteristic_match,
    C.CHARACTERISTIC_CONFLICT: _characteristic_conflict,
    C.CHARACTERISTIC_NOT_COMPARED: _characteristic_not_compared,
    C.ITEM_CANCELLED: lambda _p: _("Item is cancelled without replacement"),
    C.ITEM_CANCELLED_REPLACED: lambda p: (
        _("Item is cancelled; use its replacement %(number)s") % {"number": p["replaced_by"]}
    ),
    C.REPLACES_CANCELLED: lambda p: (
        _("Replaces the cancelled item %(number)s that matched") % {"number": p["number"]}
    ),
    C.RESTRICTED_CANDIDATE: _release,
}


# --- reading what was stored -------------------------------------------------------------------


def evidence_shown(record: Record) -> dict[str, Any]:
    """One stored piece of evidence as it is read: its codes, parameters and `detail`, the
    sentence in the active language (or, stored before codes, the sentence as it was)."""
    code, params = str(record.get("code") or ""), dict(record.get("params") or {})
    if not code and "detail" not in record and record.get("kind"):
        code, params = _centre_record_before_codes(record)
    detail = evidence_text(code, params) if code else str(record.get("detail") or "")
    return {
        "kind": str(record.get("kind", "")),
        "outcome": str(record.get("outcome", "")),
        "weight": record.get("weight", 0.0),
        "code": code,
        "params": params,
        "data": dict(record.get("data") or {}),
        "detail": detail,
    }


def explanation_texts(records: list[Record]) -> list[str]:
    """The sentences of the evidence that counted (missing data is left out, as in files)."""
    shown = (evidence_shown(r) for r in records if r.get("outcome") != "missing")
    return [e["detail"] for e in shown if e["detail"]]


def result_shown(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored screening result as it is read: each candidate's item name and every piece of
    its evidence in the active language (`evidence_shown`); the stored result is left as it is."""
    if stored is None:
        return None
    shown = copy.deepcopy(dict(stored))
    for candidate in shown.get("candidates") or []:
        if candidate.get("item_names"):
            candidate["item_name"] = pick_text(candidate["item_names"])
        candidate["evidence"] = [evidence_shown(e) for e in candidate.get("evidence") or []]
    return with_list_hints(shown)


def with_list_hints(shown: dict[str, Any]) -> dict[str, Any]:
    """The sentences of the lists, in the active language: `preferred_hint` when a preferred
    item is offered (the first candidate), and on each candidate on a restrictive list in force
    its `restricted_hint`."""
    candidates = shown.get("candidates") or []
    first = candidates[0] if candidates else None
    shown["preferred_hint"] = ""
    if first and first.get("preferred"):
        on = [m for m in first.get("lists") or [] if m.get("kind") == "preferred"]
        names = {"item": first.get("catalogue_number", ""), "name": first.get("item_name", "")}
        shown["preferred_hint"] = (
            _("A preferred item exists: %(item)s %(name)s (list %(code)s)")
            % {**names, "code": on[0]["code"]}
            if on
            else _("A preferred item exists: %(item)s %(name)s") % names
        )
    for candidate in candidates:
        restrictive = [m for m in candidate.get("lists") or [] if m.get("kind") == "restrictive"]
        candidate["restricted_hint"] = (
            _("On restrictive list %(code)s (act %(act)s): not to be used in new designs")
            % {"code": restrictive[0]["code"], "act": restrictive[0]["act"]["number"]}
            if restrictive
            else ""
        )
    return shown


def _centre_record_before_codes(record: Record) -> tuple[str, dict[str, Any]]:
    """A centre candidate's evidence as stored before codes (`kind`, `outcome`, `data` and the
    `names` it spoke of) read into its code and parameters."""
    kind, outcome = str(record.get("kind")), str(record.get("outcome"))
    data, names = dict(record.get("data") or {}), dict(record.get("names") or {})
    if kind in REFERENCE_KINDS:
        relation = (
            ManufacturerRelation.SAME
            if data.get("same_manufacturer")
            else ManufacturerRelation.OTHER
            if data.get("manufacturer_given")
            else ManufacturerRelation.NOT_GIVEN
        )
        return REFERENCE_CODES[kind], {
            "number": data.get("candidate_number"),
            "manufacturer": data.get("manufacturer"),
            "manufacturer_relation": relation.value,
        }
    if kind in ("item_name", "supply_class"):
        code = _OUTCOME_CODES[kind][
            "related" if outcome == "match" and data.get("related") else outcome
        ]
        return code, {"code": data.get("candidate"), "names": names}
    if kind == "characteristic":
        return _OUTCOME_CODES[kind][outcome], {**data, "names": names}
    if kind == "cancelled":
        if data.get("replaced_by"):
            return C.ITEM_CANCELLED_REPLACED, data
        return C.ITEM_CANCELLED, data
    if kind == "replacement":
        return C.REPLACES_CANCELLED, {"number": data.get("replaces")}
    other = {
        "reference": C.REFERENCE_NOT_FOUND,
        "reference_conflict": C.REFERENCE_CHARACTERISTICS_CONFLICT,
        "release": C.RESTRICTED_CANDIDATE,
    }
    return other.get(kind, ""), data


_OUTCOME_CODES: dict[str, dict[str, str]] = {
    "item_name": {
        "match": C.ITEM_NAME_SAME,
        "related": C.ITEM_NAME_RELATED,
        "conflict": C.ITEM_NAME_DIFFERENT,
        "missing": C.ITEM_NAME_NOT_GIVEN,
    },
    "supply_class": {
        "match": C.SUPPLY_CLASS_SAME,
        "conflict": C.SUPPLY_CLASS_DIFFERENT,
        "missing": C.SUPPLY_CLASS_NOT_GIVEN,
    },
    "characteristic": {
        "match": C.CHARACTERISTIC_MATCH,
        "conflict": C.CHARACTERISTIC_CONFLICT,
        "missing": C.CHARACTERISTIC_NOT_COMPARED,
    },
}

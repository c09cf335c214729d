"""Filters of a search: supply class and group, status, bureau, manufacturer country, registered
user nation, item name and characteristic values (with unit conversion)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from katalog.catalog.models import CharacteristicValue, Reference, Registration
from katalog.core import units
from katalog.core.errors import FieldError, ValidationFailed
from katalog.core.text import word_key
from katalog.names.models import Characteristic, ItemName, ReplyType
from katalog.names.values import parse_reply
from katalog.search.errors import SearchErrorCode as E

WORD_RE = re.compile(r"[^\W_]+")
# Values converted to the canonical unit may differ from stored ones in the last bits.
RELATIVE_SLACK = 1e-9
CHAR_RE = re.compile(r"^\s*([A-Za-z0-9]{4})\s*[:=]\s*(.+?)\s*$", re.S)


def _invalid_filter(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, errors=[FieldError(field, code, message)])


@dataclass(frozen=True)
class CharacteristicFilter:
    """One `char=CODE:value` condition, resolved against the guides' characteristics."""

    code: str
    raw: str
    condition: Q
    explained: dict[str, Any]


def parse_characteristic_filter(text: str, *, locale: str = "en") -> CharacteristicFilter:
    """`THDD:10..12mm`, `THDD:1/2 in`, `MATL:steel`, `MATL:STL`: the condition on an item's
    characteristic values. Numeric conditions compare in the characteristic's canonical unit."""
    match = CHAR_RE.match(text)
    if not match:
        raise _invalid_filter(
            "char", E.INVALID_CHARACTERISTIC_FILTER,
            _("A characteristic filter is CODE:value, e.g. THDD:10..12mm, not %(text)r") % {"text": text},
        )  # fmt: skip
    code, raw = match.group(1).upper(), match.group(2)
    characteristics = list(
        Characteristic.objects.filter(code=code).select_related("reply_table").order_by("id")
    )
    if not characteristics:
        raise _invalid_filter(
            "char",
            E.UNKNOWN_CHARACTERISTIC,
            _("No guide has a characteristic %(code)s") % {"code": code},
        )
    first = characteristics[0]
    if first.reply_type in (ReplyType.NUMERIC, ReplyType.RANGE):
        values, explained = _numeric_condition(first, raw, locale)
    elif first.reply_type == ReplyType.CODED:
        values, explained = _coded_condition(characteristics, raw)
    elif first.reply_type == ReplyType.BOOLEAN:
        flag = parse_reply(first, raw, locale=locale)["flag"]
        values, explained = Q(flag=flag), {"flag": flag}
    else:
        values, explained = Q(text__icontains=raw.strip()), {"text": raw.strip()}
    rows = CharacteristicValue.objects.filter(
        values, item=OuterRef("pk"), characteristic__code=code
    )
    return CharacteristicFilter(code, raw, Q(Exists(rows)), {"code": code, **explained})


def _numeric_condition(characteristic: Characteristic, raw: str, locale: str) -> tuple[Q, dict]:
    low, high = units.parse_range(
        raw,
        canonical_unit=characteristic.canonical_unit,
        default_unit=characteristic.default_unit or None,
        locale=locale,
    )
    lo = low.value - abs(low.value) * RELATIVE_SLACK
    hi = high.value + abs(high.value) * RELATIVE_SLACK
    # A stored range overlaps the wanted one; a single value lies inside it.
    condition = Q(value__lte=hi) & (Q(value_max__gte=lo) | Q(value_max__isnull=True, value__gte=lo))
    return condition, {"from": low.value, "to": high.value, "unit": characteristic.canonical_unit}


def _coded_condition(characteristics: list[Characteristic], raw: str) -> tuple[Q, dict]:
    codes: set[str] = set()
    for characteristic in characteristics:
        if characteristic.reply_type != ReplyType.CODED:
            continue
        try:
            codes.add(parse_reply(characteristic, raw)["code"])
        except ValidationFailed:
            continue
    if not codes:
        raise _invalid_filter(
            "char", E.REPLY_CODE_UNKNOWN,
            _("%(value)r is not a reply of characteristic %(code)s") % {"value": raw, "code": characteristics[0].code},
        )  # fmt: skip
    return Q(code__in=sorted(codes)), {"codes": sorted(codes)}


def item_name_ids(text: str) -> list[int]:
    """Item names matching a name filter: a 5-digit code, or words (any language or script) that
    begin words of the name; basic and colloquial names bring their approved name."""
    text = text.strip()
    if text.isdigit() and len(text) == 5:
        rows = list(ItemName.objects.filter(code=text).values_list("id", "approved_name_id"))
    else:
        tokens = WORD_RE.findall(word_key(text))
        if not tokens:
            return []
        longest = max(tokens, key=len)
        rows = []
        for pk, approved, search_text in ItemName.objects.filter(
            search_text__contains=longest
        ).values_list("id", "approved_name_id", "search_text"):
            words = WORD_RE.findall(search_text)
            if all(any(w.startswith(t) for w in words) for t in tokens):
                rows.append((pk, approved))
    return sorted({pk for pk, _a in rows} | {a for _p, a in rows if a})


def filter_condition(
    *,
    classes: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    bureaus: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
    users: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
    chars: tuple[CharacteristicFilter, ...] = (),
) -> Q:
    """One condition on items for all filters: values of one filter are alternatives (OR),
    different filters must all hold (AND)."""
    condition = Q()
    if classes:
        condition &= Q(supply_class__in=classes)
    if groups:
        any_group = Q()
        for group in groups:
            any_group |= Q(supply_class__startswith=group)
        condition &= any_group
    if statuses:
        condition &= Q(status__in=statuses)
    if bureaus:
        keys = [b.upper() for b in bureaus]
        condition &= Q(bureau__key__in=keys) | Q(bureau__user_code__in=keys)
    if countries:
        made_in = Reference.objects.filter(
            item=OuterRef("pk"), manufacturer__country_id__in=[c.upper() for c in countries]
        )
        condition &= Q(Exists(made_in))
    if users:
        keys = [u.upper() for u in users]
        used_by = Registration.objects.filter(
            item=OuterRef("pk"), effective_to__isnull=True
        ).filter(Q(bureau__user_code__in=keys) | Q(bureau__key__in=keys))
        condition &= Q(Exists(used_by))
    if names:
        ids = sorted({pk for name in names for pk in item_name_ids(name)})
        condition &= Q(item_name_id__in=ids)
    for char in chars:
        condition &= char.condition
    return condition

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
from katalog.search.stemming import stem

WORD_RE = re.compile(r"[^\W_]+")
# Values converted to the canonical unit may differ from stored ones in the last bits.
RELATIVE_SLACK = 1e-9
CHAR_RE = re.compile(r"^\s*([A-Za-z0-9]{4})\s*[:=]\s*(.+?)\s*$", re.S)
NAMED_RE = re.compile(r"^\s*([^:=\d]+?)\s*[:=]\s*(.+?)\s*$", re.S)


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
    """`THDD:10..12mm`, `THDD:1/2 in`, `MATL:steel`, `MATL:STL`, or the characteristic by its
    name in any interface language: `диаметр резьбы 10-12 мм`, `material: steel`. The condition
    on an item's characteristic values; numeric conditions compare in the canonical unit."""
    match = CHAR_RE.match(text)
    if match:
        return _filter_of(match.group(1).upper(), match.group(2), locale)
    codes, raw = _named_filter(text)
    # Several guides may call different characteristics alike («материал» of a nut and of a
    # seal): the ones the value fits stay; more than one left is a question back.
    fitting, refusals = [], []
    for code in codes:
        try:
            fitting.append(_filter_of(code, raw, locale))
        except ValidationFailed as refused:
            refusals.append(refused)
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise refusals[0]
    raise _invalid_filter(
        "char",
        E.AMBIGUOUS_CHARACTERISTIC,
        _("%(name)r names several characteristics (%(codes)s): give one of the codes")
        % {"name": text.strip(), "codes": ", ".join(f.code for f in fitting)},
    )


def _filter_of(code: str, raw: str, locale: str) -> CharacteristicFilter:
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


def _named_filter(text: str) -> tuple[list[str], str]:
    """The candidate codes and the value of a filter that names its characteristic in words.
    With a colon the name is what precedes it; without one, the longest run of leading words
    that names a characteristic, ending before the first number (`от 10 до 12 мм` keeps `от`)."""
    named = NAMED_RE.match(text)
    if named:
        codes = _codes_named(named.group(1).split())
        if not codes:
            raise _unknown_name(named.group(1))
        return codes, named.group(2)
    words = text.split()
    first_number = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
    longest = len(words) - 1 if first_number is None else first_number
    for size in range(longest, 0, -1):
        codes = _codes_named(words[:size])
        if codes:
            return codes, " ".join(words[size:])
    if longest < 1:
        raise _invalid_filter(
            "char", E.INVALID_CHARACTERISTIC_FILTER,
            _("A characteristic filter is CODE:value, e.g. THDD:10..12mm, not %(text)r") % {"text": text},
        )  # fmt: skip
    raise _unknown_name(" ".join(words[:longest]))


def _unknown_name(name: str) -> ValidationFailed:
    return _invalid_filter(
        "char",
        E.UNKNOWN_CHARACTERISTIC,
        _("No characteristic is called %(name)r: give its name or code, e.g. THDD:10..12mm")
        % {"name": name.strip()},
    )


def _codes_named(words: list[str]) -> list[str]:
    """The codes of the characteristics whose name, in any language, has each of `words` as the
    beginning of one of its words (word forms meet by their stems: «диаметра»); those named by
    exactly these words when there are such. A lone word may be the code itself."""
    wanted = [stem(word_key(w)) for w in words]
    exact: set[str] = set()
    loose: set[str] = set()
    for code, names in Characteristic.objects.values_list("code", "names").distinct():
        if len(words) == 1 and words[0].upper() == code:
            return [code]
        for name in (names or {}).values():
            name_words = word_key(str(name)).split()
            if _words_begin(wanted, name_words):
                (exact if len(name_words) == len(wanted) else loose).add(code)
    return sorted(exact or loose)


def _words_begin(wanted: list[str], name_words: list[str]) -> bool:
    """Each wanted word begins a different word of the name."""
    free = list(name_words)
    for word in wanted:
        hit = next((w for w in free if w.startswith(word)), None)
        if hit is None:
            return False
        free.remove(hit)
    return True


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

"""Finding the candidate items of described items, for many at once (a chunk of a parts list
costs a few queries, not a few per line).

Step 1 meets the query references by normalised key, transliterated key and the
screening-owned folded and transliterated keys (indexed look-ups, at most LOOKUP_PER_KEY
references per key). Step 2, for what references do not settle, finds items of the same or a
related name by their key characteristic values (indexed by characteristic, name and value, at
most CHARACTERISTIC_CANDIDATES items, then re-ranked by scoring). `load_candidates` then reads the
found items with what scoring compares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber

from katalog.catalog.models import CharacteristicValue, Item, Manufacturer, Reference
from katalog.names.models import Characteristic, ReplyType
from katalog.screening.models import ReferenceScreeningKey
from katalog.screening.services.preparing import Prepared, PreparedReference
from katalog.screening.services.tolerance import tolerance_window

LOOKUP_PER_KEY = 50  # references fetched per key; a key shared by more items is not identifying
# Items fetched by key values before re-ranking: those agreeing on every given value first. More
# items than this with one description are equal to scoring: which of them are shown is of no
# consequence (see `_first_items`), and each costs a read and a score (about 0.15 ms).
CHARACTERISTIC_CANDIDATES = 50
# Fewer items than this agreeing on every given value (a page of a parts list shows five): items
# holding no conflicting value, some unknown, are taken too.
FEW_AGREEING = 5
# Given numeric values are counted up to this many rows of the names to choose the one that
# drives the walk (the rarest); a tie at the limit keeps the given order.
DRIVING_COUNT_LIMIT = 1000
VALUES_TABLE = CharacteristicValue._meta.db_table


@dataclass
class ReferenceRow:
    """A catalogue reference that met a query reference (the fields of REF_FIELDS)."""

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


def fetch_reference_rows(prepared: list[Prepared]) -> list[ReferenceRow]:
    """Every reference that meets a query reference by key, transliterated key or folded key."""
    refs = [r for p in prepared for r in p.refs]
    keys = {r.key for r in refs if r.key}
    ascii_keys = {r.ascii_key for r in refs if r.ascii_key}
    folded = {r.folded for r in refs if r.folded}
    translit = {r.translit for r in refs if r.translit}
    found: dict[int, ReferenceRow] = {}
    if keys:
        for row in _limited(Reference.objects.filter(key__in=keys), "key").values(*REF_FIELDS):
            found[row["id"]] = ReferenceRow(**row)
        _add_same_manufacturer_rows(refs, keys, found)
    if ascii_keys:
        for row in _limited(Reference.objects.filter(ascii_key__in=ascii_keys), "ascii_key").values(
            *REF_FIELDS
        ):
            found[row["id"]] = ReferenceRow(**row)
    if folded:
        rows = _limited(ReferenceScreeningKey.objects.filter(folded_key__in=folded), "folded_key")
        ids = [i for i in rows.values_list("reference_id", flat=True) if i not in found]
        for row in Reference.objects.filter(pk__in=ids).values(*REF_FIELDS):
            found[row["id"]] = ReferenceRow(**row)
    if translit:
        rows = _limited(
            ReferenceScreeningKey.objects.filter(translit_key__in=translit), "translit_key"
        )
        ids = [i for i in rows.values_list("reference_id", flat=True) if i not in found]
        for row in Reference.objects.filter(pk__in=ids).values(*REF_FIELDS):
            found[row["id"]] = ReferenceRow(**row)
    return list(found.values())


def _add_same_manufacturer_rows(
    refs: list[PreparedReference], keys: set[str], found: dict[int, ReferenceRow]
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
        found[row["id"]] = ReferenceRow(**row)


def _name_ids(p: Prepared) -> set[int]:
    return {p.item_name.pk, *p.related_name_ids} if p.item_name else set()


def characteristic_candidates(p: Prepared) -> list[int]:
    """Items of the same or a related name found by key values, for re-ranking.

    The rarest given numeric (else the first coded) key value drives the look-up through the
    (characteristic, item name, value) index; the other given key values are probed per item
    through the (item, characteristic) unique index. Items holding a conflicting value are never
    taken (an unknown value never removes one); of the others, those agreeing on every given
    value come first, and the rest are taken only when fewer than FEW_AGREEING agree.

    One walk of the driving value's rows finds the first CHARACTERISTIC_CANDIDATES items without a
    conflict and marks those agreeing; only when it stopped there with too few agreeing does a
    second walk look further for agreeing items. (A described item that no item fits, the common
    case of a new one, costs one walk, not two.)
    """
    if p.item_name is None or not p.values:
        return []
    names = _name_ids(p)
    conditions = [c for c in (_value_condition(p, k) for k in given_keys(p)) if c]
    if not conditions:
        return []
    walk = _Walk(_rarest_first(conditions, names), names, p.query.supply_class)
    if len(conditions) == 1:  # one given value: every item without a conflict agrees
        return [pk for pk, _agrees in walk.rows()]
    window = walk.rows(marked=True)
    agreeing = [pk for pk, agrees in window if agrees]
    if len(agreeing) < FEW_AGREEING and len(window) == CHARACTERISTIC_CANDIDATES:
        agreeing = [pk for pk, _agrees in walk.rows(agreeing_only=True)]
    if len(agreeing) >= FEW_AGREEING:
        return agreeing
    return list(dict.fromkeys([*agreeing, *(pk for pk, _agrees in window)]))


def given_keys(p: Prepared) -> list[Characteristic]:
    """Given key characteristics, numeric ones first (their ranges are the most selective)."""
    given = [c for c in p.key_characteristics if c.code in p.values]
    return sorted(given, key=lambda c: p.values[c.code].get("value") is None)


class ValueCondition(NamedTuple):
    """A given key value as stored values meet it: SQL of a stored value (`{v}` stands for its
    table's alias) matching the given one, with its parameters, and of one known at all."""

    ids: list[int]  # the characteristic with this code in the guides of the names
    matches: str
    params: list[Any]
    known: str
    numeric: bool  # a range on the (characteristic, item name, value) index, else a code


def _value_condition(p: Prepared, characteristic: Characteristic) -> ValueCondition | None:
    fields = p.values[characteristic.code]
    ids = p.same_code_ids[characteristic.code]
    if not ids:  # no guide of the names has it (an empty `IN ()` is no SQL on PostgreSQL)
        return None
    if fields.get("value") is not None and characteristic.reply_type == ReplyType.NUMERIC:
        window = list(tolerance_window(fields["value"], characteristic.tolerance))
        matches = "{v}.value >= %s AND {v}.value <= %s"
        return ValueCondition(ids, matches, window, "{v}.value IS NOT NULL", True)
    if fields.get("code"):
        return ValueCondition(ids, "{v}.code = %s", [fields["code"]], "{v}.code <> ''", False)
    return None


def _marks(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _of_names(condition: ValueCondition, names: set[int], alias: str) -> tuple[str, list[Any]]:
    """SQL of the values of these names meeting the given value. The value's own copies of its
    item's name and class: the index is read for these names only, not for every name's values
    in the range of a guide that many names share, and holds the class."""
    sql = (
        f"{alias}.characteristic_id IN ({_marks(condition.ids)})"
        f" AND {alias}.item_name_id IN ({_marks(names)}) AND {condition.matches.format(v=alias)}"
    )
    return sql, [*condition.ids, *names, *condition.params]


class _Walk:
    """The walk of the driving value's rows among the names' values, in SQL: composed by the
    ORM, its conditions cost more to build than the index walk costs to run.

    In no order: the walk stops at the CHARACTERISTIC_CANDIDATES-th row (sorted, every matching
    value is read first). (item, characteristic) is unique and an item has one guide: no item
    comes twice. Which of more is of no consequence: scoring ranks them, and so many equal
    descriptions make every one of them a case for review."""

    def __init__(
        self, conditions: list[ValueCondition], names: set[int], supply_class: str
    ) -> None:
        self.driving, *self.others = conditions
        self.names, self.supply_class = names, supply_class

    def rows(self, *, marked: bool = False, agreeing_only: bool = False) -> list[tuple[int, bool]]:
        """`(item id, agrees on every given value)`; unmarked, agreement is not read (False)."""
        where, params = self._where()
        shown, shown_params = "0 = 1", []
        if marked or agreeing_only:
            agreement, agreement_params = self._agreement()
            if agreeing_only:
                where, params = f"{where} AND {agreement}", [*params, *agreement_params]
            if marked:
                shown, shown_params = agreement, agreement_params
        sql = f"SELECT v.item_id, {shown} FROM {VALUES_TABLE} v WHERE {where} LIMIT %s"  # noqa: S608 (placeholders and fixed conditions only)
        params = [*shown_params, *params, CHARACTERISTIC_CANDIDATES]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), bool(agrees)) for pk, agrees in cursor.fetchall()]

    def _where(self) -> tuple[str, list[Any]]:
        driving, params = _of_names(self.driving, self.names, "v")
        parts = [driving]
        if self.supply_class:
            parts.append("v.supply_class = %s")
            params.append(self.supply_class)
        for other in self.others:  # no other given value held with another value
            conflict = f"{other.known} AND NOT ({other.matches})".format(v="o")
            parts.append(f"NOT {self._probe(other, conflict)}")
            params += [*other.ids, *other.params]
        return " AND ".join(parts), params

    def _agreement(self) -> tuple[str, list[Any]]:
        parts, params = [], []
        for other in self.others:
            parts.append(self._probe(other, other.matches.format(v="o")))
            params += [*other.ids, *other.params]
        return "(" + " AND ".join(parts or ["1 = 1"]) + ")", params

    @staticmethod
    def _probe(other: ValueCondition, condition: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {VALUES_TABLE} o WHERE o.item_id = v.item_id"  # noqa: S608 (placeholders and fixed conditions only)
            f" AND o.characteristic_id IN ({_marks(other.ids)}) AND {condition})"
        )


def _rarest_first(conditions: list[ValueCondition], names: set[int]) -> list[ValueCondition]:
    """The given numeric values, the rarest among the items of the names first, then the coded.

    The walk reads every row of the driving value and probes its item for the others: a value
    common among a name's items (the thread diameter of thousands of nuts) drove 17,000 probes
    at a million items where the next given value had a hundred rows."""
    numeric = [c for c in conditions if c.numeric]
    if len(numeric) > 1:
        counts = _rows_counted(numeric, names)
        numeric = [numeric[i] for i in sorted(range(len(numeric)), key=counts.__getitem__)]
    return [*numeric, *(c for c in conditions if not c.numeric)]


def _rows_counted(numeric: list[ValueCondition], names: set[int]) -> list[int]:
    """The rows of each given numeric value among the names' values, up to
    DRIVING_COUNT_LIMIT: one statement reading only the index."""
    parts, params = [], []
    for condition in numeric:
        rows, rows_params = _of_names(condition, names, "c")
        parts.append(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {VALUES_TABLE} c WHERE {rows} LIMIT %s) AS n)"  # noqa: S608 (placeholders only)
        )
        params += [*rows_params, DRIVING_COUNT_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


# What scoring and the result read of a candidate item: a described item's candidates are read
# in hundreds, and the item's other columns cost more to load than all of these.
CANDIDATE_FIELDS = (
    "niin", "supply_class", "status", "item_name__code", "item_name__names",
    "replaced_by__niin", "replaced_by__supply_class",
)  # fmt: skip


def _candidate_items(ids: set[int]) -> dict[int, Item]:
    rows = Item.objects.filter(pk__in=ids).select_related("item_name", "replaced_by")
    return {i.pk: i for i in rows.only(*CANDIDATE_FIELDS)}


@dataclass
class Loaded:
    """The candidate items with what scoring compares: their key characteristic values (by
    item, then code) and the manufacturers of the references that met."""

    items: dict[int, Item]
    values: dict[int, dict[str, CharacteristicValue]]
    makers: dict[int, Manufacturer]


def load_candidates(item_ids: set[int], maker_ids: set[int]) -> Loaded:
    """The found items and the items that replace them, their key values and these makers."""
    items = _candidate_items(item_ids)
    replacements = {i.replaced_by_id for i in items.values() if i.replaced_by_id} - set(items)
    if replacements:
        items.update(_candidate_items(replacements))
    values: dict[int, dict[str, CharacteristicValue]] = defaultdict(dict)
    rows = CharacteristicValue.objects.filter(item_id__in=list(items), characteristic__is_key=True)
    # Only the characteristic's code is compared: no Characteristic object per value (two
    # hundred candidates of a described item carry a thousand values).
    for value in rows.annotate(characteristic_code=F("characteristic__code")):
        values[value.item_id][value.characteristic_code] = value
    makers = {m.pk: m for m in Manufacturer.objects.filter(pk__in=maker_ids)}
    return Loaded(items=items, values=values, makers=makers)

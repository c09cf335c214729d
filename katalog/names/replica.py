"""The shared state of the item name dictionary, as the exchange carries it from the interstate
centre to the bureaus: an item name with its guide, approved name, related names and allowed
supply classes; an identification guide with its characteristics and the reply tables they
use. Every reference is a code, never a row id, so two installations compare their states
whatever their databases numbered. The same states make the exchange's digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from katalog.names.models import Characteristic, IdentificationGuide, ItemName, ReplyTable

# The object types of the audit log and of the exchange's events.
ITEM_NAME = "names.item_name"
GUIDE = "names.guide"


def item_name_state(name: ItemName) -> dict[str, Any]:
    """`name` should come from `_item_names_prefetched`."""
    return {
        "code": name.code,
        "kind": name.kind,
        "names": name.names,
        "definitions": name.definitions,
        "guide": name.guide.code if name.guide else None,
        "approved_name": name.approved_name.code if name.approved_name else None,
        "related": sorted(other.code for other in name.related.all()),
        "classes": sorted(row.class_code for row in name.classes.all()),
    }


def _item_names_prefetched(rows: Any) -> Any:
    return rows.select_related("guide", "approved_name").prefetch_related("related", "classes")


def item_name_states(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = _item_names_prefetched(ItemName.objects.filter(code__in=list(codes)))
    return {name.code: item_name_state(name) for name in rows}


def all_item_name_states() -> Iterator[dict[str, Any]]:
    """Every item name's state in code order (compared in Python: the same order whatever
    the database's collation)."""
    rows = _item_names_prefetched(ItemName.objects.all())
    yield from sorted((item_name_state(name) for name in rows), key=lambda s: s["code"])


def reply_table_state(table: ReplyTable) -> dict[str, Any]:
    return {
        "names": table.names,
        "codes": {code.code: code.meanings for code in table.codes.all()},
    }


def characteristic_state(characteristic: Characteristic) -> dict[str, Any]:
    return {
        "position": characteristic.position,
        "code": characteristic.code,
        "names": characteristic.names,
        "reply_type": characteristic.reply_type,
        "reply_table": characteristic.reply_table.code if characteristic.reply_table else None,
        "canonical_unit": characteristic.canonical_unit,
        "default_unit": characteristic.default_unit,
        "min_value": characteristic.min_value,
        "max_value": characteristic.max_value,
        "required": characteristic.required,
        "is_key": characteristic.is_key,
        "tolerance": characteristic.tolerance,
    }


def guide_state(guide: IdentificationGuide) -> dict[str, Any]:
    """A guide with its characteristics in order and the reply tables they use, so a receiver
    that lacks a table gets it with the guide."""
    characteristics = sorted(guide.characteristics.all(), key=lambda c: c.position)
    tables = {c.reply_table.code: c.reply_table for c in characteristics if c.reply_table}
    return {
        "code": guide.code,
        "names": guide.names,
        "characteristics": [characteristic_state(c) for c in characteristics],
        "reply_tables": {code: reply_table_state(t) for code, t in sorted(tables.items())},
    }


def _guides_prefetched(rows: Any) -> Any:
    return rows.prefetch_related("characteristics__reply_table__codes")


def guide_states(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = _guides_prefetched(IdentificationGuide.objects.filter(code__in=list(codes)))
    return {guide.code: guide_state(guide) for guide in rows}


def all_guide_states() -> Iterator[dict[str, Any]]:
    rows = _guides_prefetched(IdentificationGuide.objects.all())
    yield from sorted((guide_state(guide) for guide in rows), key=lambda s: s["code"])

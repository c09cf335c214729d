"""Load the shipped item-name dictionary and identification guides (`data/dictionary.json`).

The public H6/ACodP-3 directory is not openly available, so katalog ships a small dictionary of
civilian item names and guides of its own; codes other than 77777 are katalog's, not NATO INCs.
"""

from __future__ import annotations

import json

from django.db import transaction

from katalog.core.loading import data_path, upsert
from katalog.core.text import search_words
from katalog.names.models import (
    Characteristic,
    IdentificationGuide,
    ItemName,
    ItemNameClass,
    ReplyCode,
    ReplyTable,
)


def item_name_search_text(names: dict[str, str]) -> str:
    return search_words(*names.values())


def _load_reply_tables(data: dict) -> dict[str, int]:
    upsert(
        ReplyTable,
        [ReplyTable(code=code, names=t["names"]) for code, t in data.items()],
        unique_fields=["code"],
        update_fields=["names"],
    )
    ids = dict(ReplyTable.objects.values_list("code", "id"))
    codes = [
        ReplyCode(table_id=ids[code], code=c["code"], meanings=c["meanings"])
        for code, t in data.items()
        for c in t["codes"]
    ]
    upsert(ReplyCode, codes, unique_fields=["table", "code"], update_fields=["meanings"])
    return ids


def _load_guides(data: dict, tables: dict[str, int]) -> dict[str, int]:
    upsert(
        IdentificationGuide,
        [IdentificationGuide(code=code, names=g["names"]) for code, g in data.items()],
        unique_fields=["code"],
        update_fields=["names"],
    )
    ids = dict(IdentificationGuide.objects.values_list("code", "id"))
    rows = []
    for code, guide in data.items():
        for position, c in enumerate(guide["characteristics"], start=1):
            rows.append(
                Characteristic(
                    guide_id=ids[code],
                    position=position,
                    code=c["code"],
                    names=c["names"],
                    reply_type=c["reply_type"],
                    reply_table_id=tables.get(c.get("reply_table", "")),
                    canonical_unit=c.get("canonical_unit", ""),
                    default_unit=c.get("default_unit", ""),
                    min_value=c.get("min_value"),
                    max_value=c.get("max_value"),
                    required=c.get("required", False),
                    is_key=c.get("is_key", False),
                    tolerance=c.get("tolerance", 0.0),
                )
            )
    fields = [
        "position", "names", "reply_type", "reply_table", "canonical_unit", "default_unit",
        "min_value", "max_value", "required", "is_key", "tolerance",
    ]  # fmt: skip
    upsert(Characteristic, rows, unique_fields=["guide", "code"], update_fields=fields)
    return ids


def _load_item_names(names: list[dict], guides: dict[str, int], related: list) -> None:
    rows = [
        ItemName(
            code=n["code"],
            kind=n["kind"],
            names=n["names"],
            definitions=n["definitions"],
            guide_id=guides.get(n["guide"] or ""),
            search_text=item_name_search_text(n["names"]),
        )
        for n in names
    ]
    fields = ["kind", "names", "definitions", "guide", "search_text"]
    upsert(ItemName, rows, unique_fields=["code"], update_fields=fields)
    ids = dict(ItemName.objects.values_list("code", "id"))
    for n in names:
        if n["approved_name"]:
            ItemName.objects.filter(code=n["code"]).update(approved_name_id=ids[n["approved_name"]])
    classes = [
        ItemNameClass(item_name_id=ids[n["code"]], class_code=c)
        for n in names
        for c in n["classes"]
    ]
    upsert(ItemNameClass, classes, unique_fields=["item_name", "class_code"], update_fields=[])
    for a, b in related:
        ItemName.objects.get(code=a).related.add(ids[b])


@transaction.atomic
def load_dictionary() -> int:
    data = json.loads(data_path(__file__, "dictionary.json").read_text(encoding="utf-8"))
    tables = _load_reply_tables(data["reply_tables"])
    guides = _load_guides(data["guides"], tables)
    _load_item_names(data["item_names"], guides, data["related"])
    return len(data["item_names"])

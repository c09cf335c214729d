"""Characteristic replies that fit each guide: realistic sizes for the shipped guides (the same
value tables as the demo catalogue), a reply by type for any other guide. Every reply goes
through the real parser once and the parsed fields are cached, so millions of values cost a
dictionary lookup each."""

from __future__ import annotations

import random
from collections.abc import Callable

from katalog.core.errors import ValidationFailed
from katalog.names.models import Characteristic, ReplyCode, ReplyType
from katalog.names.values import parse_reply
from katalog.synthetic.demo import replies_for
from katalog.synthetic.vocabulary import NameInfo

SHIPPED_GUIDES = {f"G000{n}" for n in range(1, 10)}
VALUE_FIELDS = ("raw", "qualifier", "unit_code", "value", "value_max", "code", "text", "flag")
NICE_NUMBERS = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25, 32, 40, 50, 63, 80, 100]
TEXT_REPLIES = ["A2-70", "8.8", "10.9", "GRADE 5", "CLASS 2", "TYPE I", "1%", "5%"]

ParsedValue = tuple  # the VALUE_FIELDS in order


class ReplyMaker:
    def __init__(self) -> None:
        self.parsed: dict[tuple[int, str], ParsedValue | None] = {}
        self.codes: dict[int | None, list[str]] = {}

    def replies(
        self, rng: random.Random, name: NameInfo
    ) -> tuple[list[tuple[int, ParsedValue]], dict[str, float]]:
        """(characteristic id, parsed fields) per reply, and the size used for references."""
        if not name.characteristics:
            return [], {}
        if name.guide_code in SHIPPED_GUIDES:
            raw_replies, tag = replies_for(name.guide_code, rng)
        else:
            raw_replies, tag = self.generic_replies(rng, name.characteristics), ""
        values = []
        for code, raw in raw_replies.items():
            characteristic = name.characteristics.get(code)
            parsed = self.parse(characteristic, raw) if characteristic else None
            if characteristic is not None and parsed is not None:
                values.append((characteristic.pk, parsed))
        return values, size_of(tag)

    def parse(self, characteristic: Characteristic, raw: str) -> ParsedValue | None:
        key = (characteristic.pk, raw)
        if key not in self.parsed:
            try:
                fields = parse_reply(characteristic, raw)
                self.parsed[key] = tuple(fields[f] for f in VALUE_FIELDS)
            except ValidationFailed:
                self.parsed[key] = None  # a reply the guide does not accept is left out
        return self.parsed[key]

    def generic_replies(
        self, rng: random.Random, characteristics: dict[str, Characteristic]
    ) -> dict[str, str]:
        makers: dict[str, Callable[[Characteristic], str]] = {
            ReplyType.CODED: lambda c: rng.choice(self.reply_codes(c) or ["?"]),
            ReplyType.NUMERIC: lambda c: f"{rng.choice(NICE_NUMBERS):g}",
            ReplyType.RANGE: lambda c: (
                f"{rng.choice(NICE_NUMBERS[:10]):g}-{rng.choice(NICE_NUMBERS[10:]):g}"
            ),
            ReplyType.BOOLEAN: lambda c: rng.choice(["yes", "no"]),
            ReplyType.TEXT: lambda c: rng.choice(TEXT_REPLIES),
        }
        return {
            code: makers[c.reply_type](c)
            for code, c in characteristics.items()
            if c.reply_type in makers
        }

    def reply_codes(self, characteristic: Characteristic) -> list[str]:
        table = characteristic.reply_table_id
        if table not in self.codes:
            self.codes[table] = list(
                ReplyCode.objects.filter(table_id=table)
                .order_by("code")
                .values_list("code", flat=True)
            )
        return self.codes[table]


def size_of(tag: str) -> dict[str, float]:
    """The thread diameter and length in a size tag such as `M10`, `M10X40` or `10`."""
    parts = tag.removeprefix("M").split("X")
    try:
        size = {"d": float(parts[0])}
        if len(parts) > 1:
            size["l"] = float(parts[1])
        return size
    except ValueError:
        return {}

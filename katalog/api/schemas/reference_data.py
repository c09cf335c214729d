"""Bodies of the reference data endpoints: item names, identification guides, supply groups and
classes, code tables."""

from __future__ import annotations

from ninja import Field, Schema


class CodeTitleOut(Schema):
    code: str
    title: str


class ItemNameSummaryOut(Schema):
    code: str
    kind: str
    name: str
    guide: str | None


class ItemNamePage(Schema):
    items: list[ItemNameSummaryOut]
    next: str | None


class ReplyCodeOut(Schema):
    code: str
    meaning: str


class ReplyTableOut(Schema):
    code: str
    name: str
    codes: list[ReplyCodeOut]


class CharacteristicDefOut(Schema):
    position: int
    code: str
    name: str
    reply_type: str
    required: bool
    is_key: bool
    tolerance: float
    canonical_unit: str | None
    default_unit: CodeTitleOut | None
    min_value: float | None
    max_value: float | None
    reply_table: ReplyTableOut | None


class GuideOut(Schema):
    code: str
    name: str
    characteristics: list[CharacteristicDefOut]


class ItemNameDetailOut(Schema):
    code: str
    kind: str
    name: str
    names: dict[str, str]
    definition: str
    approved_name: ItemNameSummaryOut | None
    synonyms: list[ItemNameSummaryOut]
    related: list[ItemNameSummaryOut]
    supply_classes: list[CodeTitleOut] = Field(
        description="Classes in which items of this name may be"
    )
    guide: GuideOut | None


class SupplyGroupOut(Schema):
    code: str
    title: str


class SupplyClassDetailOut(Schema):
    code: str
    group: str
    title: str
    item_names: list[ItemNameSummaryOut] = Field(description="Item names allowed in the class")


class CodeTableOut(Schema):
    name: str
    drn: str
    title: str
    values: list[ReplyCodeOut]

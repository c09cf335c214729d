"""Bodies of the endpoints of preferred items and restrictive lists, and the lists an item is
on (`ItemOut.lists`)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ItemListActOut(Schema):
    number: str
    date: dt.date
    text: str = ""


class ItemListMarkOut(Schema):
    """A list in force an item is on."""

    id: int
    kind: str = Field(description="`preferred` or `restrictive` (not to be used in new designs)")
    code: str
    name: str
    bureau: str = Field(description="The bureau (or the centre) that keeps the list")
    act: ItemListActOut = Field(description="The act that approved the list")
    valid_from: dt.date
    valid_to: dt.date | None
    note: str = ""


class ItemListSummaryOut(Schema):
    id: int
    kind: str = Field(description="`preferred` or `restrictive`")
    kind_name: str
    code: str
    name: str
    bureau: str
    supply_classes: list[str] = Field(description="The scope's supply classes; empty: any")
    item_names: list[str] = Field(description="The scope's item name codes; empty: any")
    valid_from: dt.date
    valid_to: dt.date | None
    in_force: bool = Field(description="In force today")
    act: ItemListActOut
    version: int


class ItemListPage(Schema):
    items: list[ItemListSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class ItemListEntryOut(Schema):
    catalogue_number: str
    niin: str
    item_name: str
    status: str
    bureau: str
    note: str


class ItemListEntryPage(Schema):
    items: list[ItemListEntryOut]
    next: str | None = Field(
        description="Pass as `after` for the next page of entries; null on the last."
    )


class ItemListOut(ItemListSummaryOut):
    entry_count: int = Field(description="The entries the reader sees")
    entries: ItemListEntryPage


class ItemListCreateIn(Schema):
    kind: str = Field(description="`preferred` or `restrictive`")
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=300)
    supply_classes: list[str] = Field(default_factory=list)
    item_names: list[str] = Field(default_factory=list, description="Item name codes")
    valid_from: dt.date
    valid_to: dt.date | None = None
    act_number: str = Field(min_length=1, max_length=60)
    act_date: dt.date
    act_text: str = Field("", max_length=4000)


class ItemListEntryIn(Schema):
    item: str = Field(description="The catalogue number, in any accepted form")
    note: str = Field("", max_length=500)

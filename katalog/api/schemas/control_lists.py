"""Bodies of the control-list endpoints: the export-control list entries that cover an item
(dual-use marking)."""

from __future__ import annotations

from ninja import Field, Schema


class ControlEntryOut(Schema):
    list: str = Field(description="The control list (a classification), e.g. eu-dual-use")
    list_name: str = Field(description="The list's name in the reader's language")
    version: str = Field(description="The version of the list, e.g. eu-dual-use-2024")
    version_name: str
    code: str = Field(description="The entry's code, e.g. 3A")
    title: str = Field(description="The entry's title in the reader's language")
    category: str = Field(description="The code of the entry's category, e.g. 3")
    category_title: str


class ControlEntryIn(Schema):
    list: str = Field(description="The control list, e.g. eu-dual-use", max_length=40)
    code: str = Field(description="The entry's code, e.g. 3A or 3A001", max_length=20)
    version: str | None = Field(
        None, description="The version of the list; the one valid today if left out", max_length=40
    )


class ControlEntriesIn(Schema):
    entries: list[ControlEntryIn] = Field(
        description="Every entry that covers the item; an empty list clears them"
    )


class ControlEntriesOut(Schema):
    catalogue_number: str
    version: int = Field(
        description='The item\'s version after the change; also its ETag, W/"<version>".'
    )
    entries: list[ControlEntryOut]

"""Bodies of the manufacturer endpoints: the list, one manufacturer with its activities, and what a
client sends to create or change one."""

from __future__ import annotations

from ninja import Field, Schema


class ManufacturerSummaryOut(Schema):
    code: str
    name: str
    country: str | None
    status: str
    version: int


class ManufacturerPage(Schema):
    items: list[ManufacturerSummaryOut]
    next: str | None


class ActivityOut(Schema):
    classification: str
    code: str
    title: str
    is_primary: bool


class ManufacturerOut(Schema):
    code: str
    name: str
    names: dict[str, str]
    address: str
    country: str | None
    status: str
    bureau: str
    parent: str | None
    replaced_by: str | None
    version: int
    items_count: int = Field(description="Items holding a reference of this manufacturer")
    activities: list[ActivityOut]


class ManufacturerCreateIn(Schema):
    code: str = Field(min_length=5, max_length=5)
    names: dict[str, str] = Field(description='Language → name, e.g. {"ru": "…", "en": "…"}')
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2")
    address: str = Field("", max_length=2000)
    status: str = Field("A", min_length=1, max_length=1)
    parent: str | None = Field(None, max_length=5)


class ManufacturerUpdateIn(Schema):
    names: dict[str, str] | None = None
    address: str | None = Field(None, max_length=2000)
    status: str | None = Field(None, min_length=1, max_length=1)
    parent: str | None = Field(None, max_length=5)
    replaced_by: str | None = Field(None, max_length=5)

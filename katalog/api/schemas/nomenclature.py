"""Bodies of the normative-document endpoints: the register, one document with the items
citing it, and the documents an item cites."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class DocumentRefOut(Schema):
    id: int
    number: str


class DocumentSummaryOut(Schema):
    id: int
    number: str
    key: str = Field(description="The number's normalised key: the same for every spelling")
    kind: str = Field(description="interstate, national, international, specification, drawing")
    country: str | None
    title: str
    status: str = Field(description="in_force, replaced or cancelled")
    replaced_by: DocumentRefOut | None
    version: int


class DocumentPage(Schema):
    items: list[DocumentSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class CitingItemOut(Schema):
    catalogue_number: str
    niin: str
    item_name: str
    status: str
    bureau: str


class CitingItemPage(Schema):
    items: list[CitingItemOut]
    next: str | None = Field(
        description="Pass as `after` for the next page of citing items; null on the last."
    )


class DocumentOut(DocumentSummaryOut):
    titles: dict[str, str]
    kind_name: str
    status_name: str
    adopted_on: dt.date | None
    in_force_from: dt.date | None
    ended_on: dt.date | None = Field(description="The day it was cancelled or replaced")
    citing_items: CitingItemPage


class DocumentCreateIn(Schema):
    number: str = Field(min_length=1, max_length=60, description="As written, e.g. ГОСТ 5915-70")
    kind: str = Field(description="interstate, national, international, specification, drawing")
    titles: dict[str, str] = Field(description='Language → title, e.g. {"ru": "…", "en": "…"}')
    country: str | None = Field(
        None, min_length=2, max_length=2, description="ISO 3166 alpha-2 of a national standard"
    )
    adopted_on: dt.date | None = None
    in_force_from: dt.date | None = None


class DocumentUpdateIn(Schema):
    number: str | None = Field(None, min_length=1, max_length=60)
    kind: str | None = None
    titles: dict[str, str] | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    adopted_on: dt.date | None = None
    in_force_from: dt.date | None = None


class DocumentReplaceIn(Schema):
    replaced_by: int = Field(description="The id of the replacing document, in force")
    on: dt.date | None = Field(None, description="From which day; today if not given")


class DocumentCancelIn(Schema):
    on: dt.date | None = Field(None, description="From which day; today if not given")
    reason: str = Field("", max_length=500)


class CitedDocumentOut(Schema):
    id: int
    number: str
    cited_as: str = Field(description="The reference number of the item that cites it")
    kind: str
    title: str
    status: str = Field(description="in_force, replaced or cancelled")
    status_name: str
    replaced_by: DocumentRefOut | None
    ended_on: dt.date | None
    warning: str | None = Field(
        description="Why the citation needs a look: the document is replaced or cancelled"
    )

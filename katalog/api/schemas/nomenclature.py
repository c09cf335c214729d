"""Bodies of the normative-document endpoints: the register, one document with the items
citing it, and the documents an item cites."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class NormativeDocumentRefOut(Schema):
    id: int
    number: str


class NormativeDocumentSummaryOut(Schema):
    id: int
    number: str
    key: str = Field(description="The number's normalised key: the same for every spelling")
    kind: str = Field(description="interstate, national, international, specification, drawing")
    country: str | None
    title: str
    status: str = Field(description="in_force, replaced or cancelled")
    replaced_by: NormativeDocumentRefOut | None
    version: int


class NormativeDocumentPage(Schema):
    items: list[NormativeDocumentSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class DocumentCitingItemOut(Schema):
    catalogue_number: str
    niin: str
    item_name: str
    status: str
    bureau: str


class DocumentCitingItemPage(Schema):
    items: list[DocumentCitingItemOut]
    next: str | None = Field(
        description="Pass as `after` for the next page of citing items; null on the last."
    )


class NormativeDocumentOut(NormativeDocumentSummaryOut):
    titles: dict[str, str]
    kind_name: str
    status_name: str
    adopted_on: dt.date | None
    in_force_from: dt.date | None
    ended_on: dt.date | None = Field(description="The day it was cancelled or replaced")
    citing_items: DocumentCitingItemPage


class NormativeDocumentCreateIn(Schema):
    number: str = Field(min_length=1, max_length=60, description="As written, e.g. ГОСТ 5915-70")
    kind: str = Field(description="interstate, national, international, specification, drawing")
    titles: dict[str, str] = Field(description='Language → title, e.g. {"ru": "…", "en": "…"}')
    country: str | None = Field(
        None, min_length=2, max_length=2, description="ISO 3166 alpha-2 of a national standard"
    )
    adopted_on: dt.date | None = None
    in_force_from: dt.date | None = None


class NormativeDocumentUpdateIn(Schema):
    number: str | None = Field(None, min_length=1, max_length=60)
    kind: str | None = None
    titles: dict[str, str] | None = None
    country: str | None = Field(None, min_length=2, max_length=2)
    adopted_on: dt.date | None = None
    in_force_from: dt.date | None = None


class NormativeDocumentReplaceIn(Schema):
    replaced_by: int = Field(description="The id of the replacing document, in force")
    on: dt.date | None = Field(None, description="From which day; today if not given")


class NormativeDocumentCancelIn(Schema):
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
    replaced_by: NormativeDocumentRefOut | None
    ended_on: dt.date | None
    warning: str | None = Field(
        description="Why the citation needs a look: the document is replaced or cancelled"
    )

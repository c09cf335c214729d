"""Bodies of the codification request endpoints: requests with their lines, documents and
transitions, and what a client sends to open, change and move them."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema

from katalog.codification import services


class RequestReferenceIn(Schema):
    number: str
    manufacturer_code: str
    category: str = "3"
    variation: str = "2"


class LineIn(Schema):
    item_name: str = Field(description="Item name code")
    supply_class: str
    name_text: str = ""
    references: list[RequestReferenceIn] = []
    characteristics: dict[str, str] = Field(
        default_factory=dict, description="Guide code → reply as typed"
    )
    locale: str = "en"


class LinePatch(Schema):
    item_name: str | None = None
    supply_class: str | None = None
    name_text: str | None = None
    references: list[RequestReferenceIn] | None = None
    characteristics: dict[str, str] | None = None
    locale: str | None = None


class LineDecisionIn(Schema):
    decision: Literal["register", "assign", "reject"]
    item: str | None = Field(None, description="Catalogue number to register as user of")
    reject_reason: str = ""
    justification: str = Field(
        "", description="ScreeningJustification code, needed against a verdict"
    )
    note: str = Field("", description=f"At most {services.NOTE_MAX} characters")


class RequestIn(Schema):
    title: str = ""
    project_code: str = ""
    contract_number: str = ""
    priority: Literal["routine", "accelerated", "emergency"] = "routine"
    manufacturer_code: str = ""
    main_contractor_code: str = ""


class TransitionIn(Schema):
    reason: str = Field(
        "",
        description=(
            f"Why (required to return, reopen or reject); at most {services.REASON_MAX} characters"
        ),
    )


class LineOut(Schema):
    position: int
    item_name: str
    supply_class: str
    name_text: str
    references: list[dict[str, Any]]
    characteristics: dict[str, str]
    locale: str
    verdict: str | None
    screening: dict[str, Any] | None = Field(
        description="The screening result; each piece of evidence with its `code`, `params` and "
        "`detail` (the sentence in the language of the request)"
    )
    decision: str | None
    decision_item: str | None
    reject_reason: str | None
    justification: str | None
    note: str
    result_item: str | None
    row_version: int


class TransitionOut(Schema):
    name: str
    from_state: str | None
    to_state: str
    actor: str | None
    at: str
    reason: str


class RequestSummaryOut(Schema):
    id: int
    bureau: str
    title: str
    state: str
    priority: str
    due_date: str | None
    row_version: int


class RequestOut(RequestSummaryOut):
    project_code: str
    contract_number: str
    manufacturer: str | None
    main_contractor: str | None
    author: str | None
    decided_by: str | None
    approved_by: str | None
    allowed_transitions: list[str]
    lines: list[LineOut]
    documents: list[DocumentOut]
    transitions: list[TransitionOut]


class RequestPageOut(Schema):
    items: list[RequestSummaryOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class DocumentOut(Schema):
    id: int
    title: str
    line: int | None = Field(description="The line the document belongs to; null: the request")
    uploaded_at: str
    url: str = Field(description="Where the document is read (GET, same authentication)")

"""Bodies of the search endpoints: hits with their references, facets, and the index's state."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema


class StatusOut(Schema):
    code: str
    meaning: str


class ReferenceSnippetOut(Schema):
    number: str
    manufacturer: str
    matched: bool


class HitListOut(Schema):
    kind: str = Field(description="`preferred` or `restrictive`")
    code: str
    name: str


class HitOut(Schema):
    catalogue_number: str
    niin: str
    supply_class: str
    item_name: str
    item_name_code: str
    status: StatusOut
    matched_by: str
    references: list[ReferenceSnippetOut]
    lists: list[HitListOut] = Field(
        default_factory=list,
        description="The lists in force the item is on (`restrictive`: not for new designs)",
    )


class FacetValueOut(Schema):
    value: str
    label: str | None
    count: int


class SearchOut(Schema):
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]
    next_cursor: str | None
    interpretation: dict[str, Any]
    total: int
    total_is_exact: bool
    index: Literal["current", "behind", "missing"] | None = Field(
        None,
        description=(
            "The search index's state when the query needed it: behind or missing, the answer "
            "came from the database (slower, equally current); null: no index needed"
        ),
    )

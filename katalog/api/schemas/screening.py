"""Bodies of the screening endpoints: what a client screens, the candidates found with their
evidence, decisions, and the centre's duplicate candidates."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ScreeningReferenceIn(Schema):
    number: str
    manufacturer_code: str = ""
    manufacturer_name: str = ""


class ScreeningIn(Schema):
    references: list[ScreeningReferenceIn] = []
    item_name_code: str = ""
    supply_class: str = ""
    characteristics: dict[str, str] = {}
    locale: str = "en"
    exclude_item_ids: list[int] = []
    limit: int = 5


class EvidenceOut(Schema):
    kind: str
    outcome: str
    weight: float
    code: str = Field(description="What the evidence says (a stable code, e.g. REFERENCE_EXACT)")
    params: dict[str, Any] = Field(description="The values the sentence of `code` is told with")
    detail: str = Field(description="The evidence in the language of the request")
    data: dict[str, Any]


class CandidateOut(Schema):
    item_id: int
    catalogue_number: str
    item_name: str
    status: str
    score: float
    verdict: str
    evidence: list[EvidenceOut]


class ScreeningOut(Schema):
    verdict: str
    candidates: list[CandidateOut]
    lower: float
    upper: float


class BatchOut(Schema):
    job_id: int
    state: str
    url: str
    result_url: str
    errors_url: str


class ScreeningDecisionIn(Schema):
    catalogue_number: str
    verdict: str
    decision: str
    justification: str
    note: str = ""
    subject: str = ""


class DecisionOut(Schema):
    id: int
    catalogue_number: str
    verdict: str
    decision: str
    justification: str
    note: str
    subject: str


class CandidateEvidenceOut(Schema):
    kind: str
    outcome: str
    weight: float
    code: str = Field(description="What the evidence says (a stable code, e.g. REFERENCE_EXACT)")
    params: dict[str, Any] = Field(description="The values the sentence of `code` is told with")
    data: dict[str, Any]
    text: str = Field(description="The evidence in the language of the request")


class DuplicateCandidateOut(Schema):
    id: int
    item: str = Field(description="Catalogue number of the item whose screening found the pair")
    item_bureau: str
    candidate: str = Field(description="Catalogue number of the item of the other bureau")
    candidate_bureau: str
    score: float
    verdict: str = Field(description="duplicate or review")
    verdict_label: str
    state: str = Field(description="open, confirmed or dismissed")
    state_label: str
    explanation: list[str]
    evidence: list[CandidateEvidenceOut]
    decided_by: str | None
    decided_at: str | None
    justification: str


class DuplicateCandidatePageOut(Schema):
    items: list[DuplicateCandidateOut]
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class CandidateDecisionIn(Schema):
    decision: str = Field(description="confirm (one item codified twice) or dismiss")
    justification: str

"""What a caller gives duplicate screening and what it gets back: the described item (its
references, item name, supply class and characteristic replies) and, per candidate item, the
score, the verdict and the evidence it rests on.

Evidence is a code with its parameters (`explain.EvidenceCode`), so that a stored result reads in
each reader's language; its `detail` is the sentence in the active language, told when read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from katalog.screening.explain import evidence_text, with_list_hints


@dataclass(frozen=True)
class ReferenceInput:
    number: str
    manufacturer_code: str = ""
    manufacturer_name: str = ""


@dataclass(frozen=True)
class ScreeningInput:
    references: tuple[ReferenceInput, ...] = ()
    item_name_code: str = ""
    supply_class: str = ""
    characteristics: Mapping[str, str] = field(default_factory=dict)
    locale: str = "en"
    exclude_item_ids: tuple[int, ...] = ()
    # Values already in the catalogue's parsed form (an item screened against the others):
    # taken as they are, so a reply entered in one locale is not parsed again in another.
    parsed_characteristics: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Offer a preferred item of the same item name (and of matching key characteristics)
    # as the first candidate: what a cataloguer screening a request for a new item is told.
    preferred: bool = False


@dataclass
class Evidence:
    kind: str
    outcome: str  # "match" | "conflict" | "missing"
    weight: float
    code: str  # explain.EvidenceCode: what the evidence says
    params: dict[str, Any]  # what the sentence of `code` needs, JSON values only
    data: dict[str, Any]

    @property
    def detail(self) -> str:
        """The evidence in words, in the active language."""
        return evidence_text(self.code, self.params)

    def to_dict(self) -> dict[str, Any]:
        """The evidence as read: its codes and parameters, and its sentence."""
        return {**asdict(self), "detail": self.detail}


@dataclass
class Candidate:
    item_id: int
    catalogue_number: str
    item_name: str
    status: str
    score: float
    verdict: str
    evidence: list[Evidence]
    # The item name in every language: a stored result names it in its reader's language.
    item_names: dict[str, str] = field(default_factory=dict)
    # The lists in force the item is on (restrictive lists first), when the reader sees it.
    lists: list[dict[str, Any]] = field(default_factory=list)
    # A preferred item offered for the described item (`ScreeningInput.preferred`).
    preferred: bool = False

    @property
    def restricted_by(self) -> list[dict[str, Any]]:
        return [m for m in self.lists if m.get("kind") == "restrictive"]

    def reasons(self) -> str:
        """The evidence as one line of text (for result files)."""
        return "; ".join(
            f"{e.outcome}: {e.detail}" for e in self.evidence if e.outcome != "missing"
        )


@dataclass
class ScreeningResult:
    verdict: str
    candidates: list[Candidate]
    lower: float
    upper: float

    def to_record(self) -> dict[str, Any]:
        """The result as stored: evidence as codes and parameters, no sentence of any language
        (`explain.result_shown` tells it again when read)."""
        return asdict(self)

    def to_dict(self) -> dict[str, Any]:
        """The result as read now: each piece of evidence with its sentence in the active
        language."""
        record = self.to_record()
        for candidate, kept in zip(self.candidates, record["candidates"], strict=True):
            kept["evidence"] = [e.to_dict() for e in candidate.evidence]
        return with_list_hints(record)

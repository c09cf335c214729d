"""What a caller gives duplicate screening and what it gets back: the described item (its
references, item name, supply class and characteristic replies) and, per candidate item, the
score, the verdict and the evidence it rests on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


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


@dataclass
class Evidence:
    kind: str
    outcome: str  # "match" | "conflict" | "missing"
    weight: float
    detail: str
    data: dict


@dataclass
class Candidate:
    item_id: int
    catalogue_number: str
    item_name: str
    status: str
    score: float
    verdict: str
    evidence: list[Evidence]

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

    def to_dict(self) -> dict:
        return asdict(self)

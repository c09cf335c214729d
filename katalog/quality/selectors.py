"""Reading an item's quality, explained rule by rule in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from katalog.quality.models import ItemQuality
from katalog.quality.rules import RULES


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    message: str
    fix: str


@dataclass(frozen=True)
class QualityView:
    score: int
    rules: list[RuleResult]


def item_quality(item_id: int) -> QualityView | None:
    """The stored score of an item (None until it has been scored)."""
    return _view(ItemQuality.objects.filter(item_id=item_id).first())


def item_quality_by_niin(niin: str) -> QualityView | None:
    return _view(ItemQuality.objects.filter(item__niin=niin).first())


def quality_fields(view: QualityView | None) -> dict[str, Any] | None:
    """The item representation's `quality` part."""
    if view is None:
        return None
    return {
        "score": view.score,
        "rules": [
            {"code": r.code, "passed": r.passed, "message": r.message, "fix": r.fix or None}
            for r in view.rules
        ],
    }


def _view(row: ItemQuality | None) -> QualityView | None:
    if row is None:
        return None
    failed = set(row.failed)
    rules = [
        RuleResult(
            code=code,
            passed=code not in failed,
            message=str(RULES[code].message),
            fix="" if code not in failed else str(RULES[code].fix),
        )
        for code in row.checked
        if code in RULES
    ]
    return QualityView(score=row.score, rules=rules)

"""Screening quality and speed on a labelled parts list made from the catalogue, next to the
exact-key lookup of the same lines (see `katalog.screening.quality`)."""

from __future__ import annotations

from typing import Any

from katalog.benchmarks.lookups import refresh_statistics
from katalog.benchmarks.report import Figure
from katalog.screening.quality import evaluate

SECTION = "screening"
PRECISION_GOAL, RECALL_GOAL, REVIEW_GOAL = 0.995, 0.97, 0.05
LIST_GOAL_SECONDS = 120  # a 100,000-line list against the large catalogue


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _quality(figures: dict[str, Any]) -> str:
    return f"precision {figures['precision']} / recall {figures['recall']}"


def _speed(figures: dict[str, Any]) -> str:
    seconds = figures["seconds"]
    return f"{figures['lines'] / max(seconds, 1e-9):,.0f} lines/s ({seconds:,.1f} s)"


def _missed(by_variant: dict[str, dict[str, int]]) -> str:
    missed = [
        f"{name} {v['as_expected']}/{v['lines']}"
        for name, v in by_variant.items()
        if v["as_expected"] != v["lines"]
    ]
    return ", ".join(missed) or "none"


def screening_figures(lines: int, seed: int, notes: list[str]) -> list[Figure]:
    refresh_statistics()
    result = evaluate(lines, seed)
    ours, exact = result["screening"], result["exact_key"]
    labels = ours["labels"]
    described = (
        f"{ours['lines']:,} labelled lines ({labels.get('duplicate', 0):,} duplicates, "
        f"{labels.get('distinct', 0):,} hard non-duplicates, {labels.get('review', 0):,} to review)"
    )
    notes.append(
        "Screening lines not as labelled, per variant: "
        f"{_missed(ours['by_variant'])} (exact key: {_missed(exact['by_variant'])})."
    )
    return [
        Figure(
            SECTION,
            f'"duplicate" on {described}',
            _quality(ours),
            f"exact key: {_quality(exact)}",
            f"precision ≥ {PRECISION_GOAL}, recall ≥ {RECALL_GOAL}",
            ours["precision"] >= PRECISION_GOAL and ours["recall"] >= RECALL_GOAL,
        ),
        Figure(
            SECTION,
            "duplicates and hard non-duplicates sent to review",
            _percent(ours["review_share"]),
            f"exact key: {_percent(exact['review_share'])}",
            f"≤ {REVIEW_GOAL * 100:.0f} %",
            ours["review_share"] <= REVIEW_GOAL,
        ),
        Figure(
            SECTION,
            "lines to review found for review (the item among the candidates)",
            _percent(ours["review_found"]),
            f"exact key: {_percent(exact['review_found'])}",
        ),
        Figure(
            SECTION,
            f"{ours['lines']:,}-line list screened as a file",
            _speed(ours),
            f"exact key lookups: {_speed(exact)}",
            f"100,000 lines < {LIST_GOAL_SECONDS} s",
            (ours["seconds"] * 100_000 / max(1, ours["lines"])) < LIST_GOAL_SECONDS,
        ),
    ]

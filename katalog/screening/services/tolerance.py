"""When two numeric values are the same within a characteristic's tolerance, and the window of
stored values that a given value asks the database for: the two must agree, so they live together."""

from __future__ import annotations


def tolerance_window(value: float, tolerance: float) -> tuple[float, float]:
    """All stored values that `within` accepts: |a - b| <= max(|a|, |b|) * tolerance."""
    tolerance = min(max(tolerance, 1e-9), 0.5)
    return value - abs(value) * tolerance, value + abs(value) * tolerance / (1 - tolerance)


def within(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(abs(a), abs(b)) * max(tolerance, 1e-9)

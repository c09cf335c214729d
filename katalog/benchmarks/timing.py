"""Timing helpers: latency samples and percentiles."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any


def percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 (nearest rank) of a non-empty sample."""
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return pick(0.50), pick(0.95), pick(0.99)


def timed(fn: Callable[[Any], Any], keys: Sequence[Any], warmup: int = 20) -> list[float]:
    """Milliseconds per call of `fn(key)`; the first few keys warm caches and are not counted."""
    for key in keys[:warmup]:
        fn(key)
    samples = []
    for key in keys:
        start = time.perf_counter()
        fn(key)
        samples.append((time.perf_counter() - start) * 1000)
    return samples

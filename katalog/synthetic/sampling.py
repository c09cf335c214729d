"""Seeded sampling helpers: Zipf-like ranks and injective number scrambling."""

from __future__ import annotations

import random
from array import array
from bisect import bisect_right
from itertools import accumulate


class ZipfSampler:
    """Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1) ** exponent."""

    def __init__(self, n: int, exponent: float) -> None:
        if n < 1:
            raise ValueError("a Zipf sampler needs at least one rank")
        self.cumulative = array("d", accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))
        self.total = self.cumulative[-1]
        self.n = n

    def draw(self, rng: random.Random) -> int:
        return min(self.n - 1, bisect_right(self.cumulative, rng.random() * self.total))

    def share_of_top(self, k: int) -> float:
        """Expected share of draws that land in the first k ranks."""
        return self.cumulative[min(k, self.n) - 1] / self.total


def scramble(value: int, modulus: int, multiplier: int, offset: int) -> int:
    """A bijection on range(modulus) when gcd(multiplier, modulus) == 1: distinct inputs give
    distinct outputs, so numbers built from it never repeat while still looking random."""
    return (value * multiplier + offset) % modulus


def mix(*parts: int) -> int:
    """A cheap deterministic 32-bit hash of small integers (per-record traits without storage)."""
    h = 0x811C9DC5
    for part in parts:
        h = ((h ^ (part & 0xFFFFFFFF)) * 0x01000193) & 0xFFFFFFFF
        h ^= h >> 15
    return h


def weighted_choice(rng: random.Random, cumulative: list[float]) -> int:
    return bisect_right(cumulative, rng.random() * cumulative[-1])

"""The nomenclature-reduction report at bench size: how long its two grouping passes take over
the whole catalogue (read as the operator, who sees everything), without storing the groups."""

from __future__ import annotations

import time

from katalog.benchmarks.report import Figure
from katalog.core.actors import SYSTEM_OPERATOR
from katalog.quality.reduction import (
    cancelled_registered,
    duplicate_clusters,
    same_characteristic_clusters,
    without_users,
)


def reduction_figures() -> list[Figure]:
    started = time.perf_counter()
    same = sum(1 for _group in same_characteristic_clusters(SYSTEM_OPERATOR))
    grouping = time.perf_counter() - started
    started = time.perf_counter()
    duplicates = sum(1 for _group in duplicate_clusters(SYSTEM_OPERATOR))
    pairs = time.perf_counter() - started
    started = time.perf_counter()
    lists = (cancelled_registered(SYSTEM_OPERATOR).count(), without_users(SYSTEM_OPERATOR).count())
    counting = time.perf_counter() - started
    return [
        Figure("reduction", "groups with the same key characteristics",
               f"{same:,} groups in {grouping:,.1f} s"),
        Figure("reduction", "groups of probable duplicates (screening candidates)",
               f"{duplicates:,} groups in {pairs:,.1f} s"),
        Figure("reduction", "cancelled items still registered / items without users",
               f"{lists[0]:,} / {lists[1]:,} in {counting:,.1f} s"),
    ]  # fmt: skip

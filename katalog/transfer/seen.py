"""The first line of every key met so far in an import file, in bounded memory.

An import reports a key given twice in one file ("already given on line N"), so it must
remember every key of the file. A dict of 5 million catalogue numbers or 10 million references
takes gigabytes; here each key is kept as a 64-bit hash and its line as a 32-bit number, 12
bytes in all, in sorted runs searched by bisection and merged as they grow (the way a
log-structured index does). Two different keys sharing a 64-bit hash in one file is a chance
below one in a million for 10 million keys.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Hashable

RUN_SIZE = 50_000
HASH_MASK = (1 << 64) - 1


class SeenLines:
    """`key in seen`, `seen[key]` (its first line) and `seen[key] = line` (kept if first)."""

    def __init__(self, run_size: int = RUN_SIZE) -> None:
        self.run_size = run_size
        self.recent: dict[int, int] = {}
        # Sorted runs of (hashes, lines), larger runs first.
        self.runs: list[tuple[array, array]] = []

    def get(self, key: Hashable) -> int | None:
        digest = hash(key) & HASH_MASK
        line = self.recent.get(digest)
        if line is not None:
            return line
        for hashes, lines in self.runs:
            i = bisect_left(hashes, digest)
            if i < len(hashes) and hashes[i] == digest:
                return lines[i]
        return None

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: Hashable) -> int:
        line = self.get(key)
        if line is None:
            raise KeyError(key)
        return line

    def __setitem__(self, key: Hashable, line: int) -> None:
        if key in self:
            return
        self.recent[hash(key) & HASH_MASK] = line
        if len(self.recent) >= self.run_size:
            self._seal()

    def __len__(self) -> int:
        return len(self.recent) + sum(len(hashes) for hashes, _lines in self.runs)

    def _seal(self) -> None:
        ordered = sorted(self.recent.items())
        self.runs.append(
            (array("Q", (h for h, _line in ordered)), array("I", (line for _h, line in ordered)))
        )
        self.recent = {}
        # Merge while the newest run is at least half the size of the one before it, so every
        # key is merged about log2(keys / run size) times in all.
        while len(self.runs) > 1 and 2 * len(self.runs[-1][0]) >= len(self.runs[-2][0]):
            newer = self.runs.pop()
            older = self.runs.pop()
            self.runs.append(_merge(older, newer))


def _merge(first: tuple[array, array], second: tuple[array, array]) -> tuple[array, array]:
    (ha, la), (hb, lb) = first, second
    hashes, lines = array("Q"), array("I")
    i = j = 0
    while i < len(ha) and j < len(hb):
        if ha[i] <= hb[j]:
            hashes.append(ha[i])
            lines.append(la[i])
            i += 1
        else:
            hashes.append(hb[j])
            lines.append(lb[j])
            j += 1
    hashes.extend(ha[i:])
    lines.extend(la[i:])
    hashes.extend(hb[j:])
    lines.extend(lb[j:])
    return hashes, lines

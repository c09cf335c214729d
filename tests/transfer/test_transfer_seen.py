"""The import's memory of keys met so far agrees with a plain dict, across sealed and merged
runs."""

import random

from katalog.transfer.seen import SeenLines


def test_seen_lines_remember_the_first_line_of_every_key():
    rng = random.Random(7)
    seen, expected = SeenLines(run_size=5), {}
    for line in range(1, 2000):
        key = (rng.randrange(700), f"A-{rng.randrange(3)}")
        if key not in expected:
            expected[key] = line
        seen[key] = line  # a repeat keeps its first line
    assert seen.runs  # keys were sealed into sorted runs
    assert len(seen) == len(expected)
    for key, line in expected.items():
        assert key in seen
        assert seen[key] == line
    assert ("absent", "key") not in seen
    assert seen.get(("absent", "key")) is None


def test_seen_lines_runs_stay_sorted_and_few():
    seen = SeenLines(run_size=4)
    for line in range(1, 1001):
        seen[f"5310-57-{line:07d}"] = line
    for hashes, lines in seen.runs:
        assert list(hashes) == sorted(hashes)
        assert len(lines) == len(hashes)
    # Size-tiered merging keeps the number of runs logarithmic in the number of keys.
    assert len(seen.runs) <= 10
    assert [seen[f"5310-57-{n:07d}"] for n in (1, 500, 1000)] == [1, 500, 1000]

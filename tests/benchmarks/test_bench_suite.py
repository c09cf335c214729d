"""`katalog bench` end to end on a tiny catalogue in its own SQLite file: every section of the
results table is present. No timing is asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from katalog.benchmarks.report import Figure, render
from katalog.core.management.commands.bench import is_bench_database

REPO = Path(__file__).resolve().parents[2]


def test_bench_refuses_databases_not_named_for_it():
    assert is_bench_database("var/bench.sqlite3")
    assert is_bench_database("katalog_bench")
    assert not is_bench_database("/home/me/katalog/var/katalog.sqlite3")
    assert not is_bench_database("katalog")


def test_bench_table_marks_goals_and_escapes_cells():
    text = render(
        "t",
        [("CPU", "x")],
        [
            Figure("s", "a|b", "1", "2", "goal", True),
            Figure("s", "c", "n/a (not available)"),
            Figure("s", "d", "3", goal="g", met=False),
        ],
        ["a note"],
    )
    rows = [line for line in text.splitlines() if line.startswith("| s |")]
    assert rows[0].endswith("| goal | yes |")
    assert "a\\|b" in rows[0]
    assert rows[1].endswith("| — | — |")
    assert rows[2].endswith("| g | **no** |")
    assert "- a note" in text


def test_bench_run_writes_every_section(tmp_path):
    env = dict(
        os.environ,
        KATALOG_DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        KATALOG_DATA_DIR=str(tmp_path),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    argv = [
        sys.executable,
        "-m",
        "katalog.cli",
        "bench",
        "--items",
        "2000",
        "--samples",
        "60",
        "--http-seconds",
        "1",
        "--screening-lines",
        "400",
        "--exchange-items",
        "60",
        "--out",
        str(tmp_path / "results"),
    ]
    done = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [result] = (tmp_path / "results").glob("*-sqlite.md")
    text = result.read_text(encoding="utf-8")
    for fact in (
        "**CPU:**",
        "**memory:**",
        "**load average:**",
        "**OS:**",
        "**Python:**",
        "**database:** SQLite",
        "**date:**",
        "**catalogue:**",
    ):
        assert fact in text
    for figure in (
        "| catalogue | generation of 2,000 items",
        "| import | items through `katalog import` (1,000 rows)",
        "| import | references through `katalog import`",
        "| import | peak RSS of the import process",
        "| search index | index build of ",
        "| search index | fuzzy part number through katalog",
        "| search index | name search with facets through katalog",
        "| lookup and search | lookup by catalogue number",
        "| lookup and search | lookup by exact reference number",
        "| lookup and search | fuzzy reference number, database path",
        "| lookup and search | name search with facets, database path",
        "| HTTP API | GET /api/v1/items/{number}",
        '| screening | "duplicate" on ',
        "| screening | duplicates and hard non-duplicates sent to review",
        "-line list screened as a file",
        "| classifiers | whole version as JSON, 2,899 codes: GET /api/v1/classifications/okved2/codes",
        "| classifiers | whole version as JSON, 2,899 codes: GET /api/klass/v1/versions/{id}",
        "| classifiers | one composed correspondence NACE Rev.2.1 → ISIC Rev.5",
        "| classifiers | whole composed table NACE Rev.2.1 → ISIC Rev.5",
        "| exchange | first full catalogue of a bureau (60 items): snapshot + package",
        "| exchange | events applied per second from a package of",
        "| reduction | groups with the same key characteristics",
    ):
        assert figure in text, figure
    assert "digests equal afterwards: yes" in text
    assert "raw executemany of the same rows" in text
    assert "plain SQL index lookup" in text
    assert (
        "smaller file" in text
    )  # the memory goal is for 5 million rows; the run says it used fewer


def test_bench_run_of_one_section_measures_only_it(tmp_path):
    env = dict(
        os.environ,
        KATALOG_DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        KATALOG_DATA_DIR=str(tmp_path),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    argv = [sys.executable, "-m", "katalog.cli", "bench", "--items", "1000", "--samples", "40"]
    argv += ["--section", "search index", "--out", str(tmp_path / "results")]
    done = subprocess.run(
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    [result] = (tmp_path / "results").glob("*-sqlite.md")
    text = result.read_text(encoding="utf-8")
    assert "| catalogue | generation of 1,000 items" in text
    assert "| search index | fuzzy part number through katalog" in text
    assert "| search index | name search with facets through katalog" in text
    for other in ("| import |", "| lookup and search |", "| HTTP API |", "| exchange |"):
        assert other not in text, other

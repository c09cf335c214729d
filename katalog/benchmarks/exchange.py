"""The exchange's throughput, measured as installations use it: a bureau with its own database
sends its first full catalogue to the centre (snapshot and package), and the centre applies the
package, each a `katalog` process of its own on a new SQLite database beside the bench one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import katalog
from katalog.benchmarks.report import Figure

SECTION = "exchange"
KATALOG = [sys.executable, "-c", "from katalog.cli import main; main()"]


class _Node:
    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KATALOG_")}
        checkout = str(Path(katalog.__file__).resolve().parents[1])
        self.env |= {"KATALOG_DATA_DIR": str(home), "LANG": "C", "PYTHONPATH": checkout}

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [*KATALOG, *args], env=self.env, cwd=self.home, capture_output=True, text=True,
            check=True,
        )  # fmt: skip
        return done.stdout

    def timed(self, *args: str) -> tuple[float, str]:
        started = time.perf_counter()
        out = self.run(*args)
        return time.perf_counter() - started, out


def exchange_figures(items: int, work_dir: Path, seed: int) -> list[Figure]:
    """A bureau of `items` generated items and an empty centre: the time to send the first
    full catalogue (snapshot events, then the package) and the centre's apply rate."""
    bureau, centre = _Node(work_dir / "bureau"), _Node(work_dir / "centre")
    for node in (bureau, centre):
        node.run("init")
    bureau.run("generate", "--items", str(items), "--seed", str(seed), "--no-progress")
    bureau.run("node", "init", "--bureau", "RU", "--name", "bench-bureau")
    centre.run("node", "init", "--bureau", "MC", "--name", "bench-centre")
    bureau.run("node", "show", "--public-key", str(work_dir / "bureau.pub"))
    centre.run("node", "show", "--public-key", str(work_dir / "centre.pub"))
    bureau.run(
        "node", "add", "bench-centre", "--bureau", "MC", "--key", str(work_dir / "centre.pub")
    )
    centre.run(
        "node", "add", "bench-bureau", "--bureau", "RU", "--key", str(work_dir / "bureau.pub")
    )
    package = work_dir / "first.katalog.gz"
    snapshot_s, _ = bureau.timed("exchange", "snapshot")
    export_s, out = bureau.timed("exchange", "export", "--to", "bench-centre", "-o", str(package))
    events = int(out.split()[0])
    apply_s, _ = centre.timed("exchange", "import", str(package))
    same = (
        bureau.run("exchange", "digest").split()[0] == centre.run("exchange", "digest").split()[0]
    )
    size_mb = package.stat().st_size / 1e6
    return [
        Figure(
            SECTION,
            f"first full catalogue of a bureau ({items:,} items): snapshot + package",
            f"{snapshot_s + export_s:.1f} s ({events:,} events, package {size_mb:.1f} MB)",
            comparison=f"snapshot {snapshot_s:.1f} s, package {export_s:.1f} s",
        ),
        Figure(
            SECTION,
            f"events applied per second from a package of {events:,} events",
            f"{events / apply_s:,.0f} events/s",
            comparison=f"{apply_s:.1f} s in all; digests equal afterwards: {'yes' if same else 'no'}",
            goal="digests equal",
            met=same,
        ),
    ]

"""The README's "Several installations" section, run as written in a scratch directory: the
bureau and the centre print the same digest after one package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _first_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Several installations", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)[0]


def test_the_readme_sets_up_two_nodes_that_agree(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "katalog").write_text(
        f"#!/bin/sh\nexec {sys.executable} -c 'from katalog.cli import main; main()' \"$@\"\n"
    )
    (bin_dir / "katalog").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATALOG_")}
    env |= {"PATH": f"{bin_dir}{os.pathsep}{env['PATH']}", "PYTHONPATH": str(ROOT), "LANG": "C"}
    done = subprocess.run(
        ["bash", "-e", "-c", _first_block()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    digests = [line.split()[0] for line in done.stdout.splitlines() if "items," in line]
    assert len(digests) == 2
    assert digests[0] == digests[1]
    assert "(200 items" in done.stdout

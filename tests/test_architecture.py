"""docs/architecture.md draws the layers of the import contract; the drawing stays true."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [
        [name.strip("() ").removeprefix("katalog.") for name in layer.split("|")]
        for layer in contract["layers"]
    ]


def drawn_layers() -> list[list[str]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- layers:.*?```\n(.*?)```", text, re.S)
    assert block, "the layer drawing is missing from docs/architecture.md"
    rows = []
    for line in block.group(1).splitlines():
        names = re.match(r"^([a-z_]+(?: \| [a-z_]+)*)\s{2,}", line + "  ")
        assert names, line
        rows.append(names.group(1).split(" | "))
    return rows


def test_architecture_page_draws_the_import_contract():
    assert drawn_layers() == contract_layers()

"""Migrations are history: each one keeps what it runs, never live application code that may
change after it was written."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "katalog"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_migration_imports_application_code():
    migrations = sorted(PACKAGE.glob("*/migrations/[0-9]*.py"))
    assert migrations
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m.startswith("katalog")
        )
        for path in migrations
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}

"""The API, the pages and the commands are thin: they call services and selectors, and never
write through the ORM themselves (a second write path would skip rights, release rules and the
audit log). Checked on the source, so a new view that writes around the services fails here."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "katalog"
FRONT_ENDS = [
    PACKAGE / "api",
    PACKAGE / "web",
    PACKAGE / "classifiers" / "views.py",
    PACKAGE / "cli.py",
]
FRONT_ENDS += sorted(PACKAGE.glob("*/management/commands/*.py"))
ORM_WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "update", "update_or_create",
              "get_or_create"}  # fmt: skip
QUERYSET_STEPS = {"objects", "filter", "exclude", "all", "select_for_update", "select_related"}
# Names whose `.delete`/`.save` are not the ORM's: ninja's route decorators, openpyxl workbooks.
NOT_MODELS = {"router", "workbook", "book"}
# Commands that are themselves the loading services of the installation (they write only
# through services and loaders that record their work in the audit log).
ALLOWED: set[str] = set()


def receiver_names(node: ast.AST) -> list[str]:
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def orm_writes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ORM_WRITES:
            continue
        receiver = receiver_names(node.func.value)
        if NOT_MODELS & set(receiver):
            continue
        if node.func.attr in ("save", "delete") or QUERYSET_STEPS & set(receiver):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def front_end_files() -> list[Path]:
    files = []
    for entry in FRONT_ENDS:
        files += sorted(entry.rglob("*.py")) if entry.is_dir() else [entry]
    return [f for f in files if f.exists()]


def test_front_ends_write_only_through_services():
    writes = [w for f in front_end_files() for w in orm_writes(f) if w.split(":")[0] not in ALLOWED]
    assert writes == []


def test_the_check_finds_a_write_around_the_services(tmp_path):
    sample = tmp_path / "katalog" / "view.py"
    sample.parent.mkdir()
    sample.write_text(
        "def view(request):\n"
        "    Item.objects.filter(pk=1).update(status='4')\n"
        "    item.save()\n"
        "    context.update(a=1)\n",
        encoding="utf-8",
    )
    global PACKAGE
    kept, PACKAGE = PACKAGE, tmp_path / "katalog"
    try:
        assert orm_writes(sample) == ["katalog/view.py:2", "katalog/view.py:3"]
    finally:
        PACKAGE = kept

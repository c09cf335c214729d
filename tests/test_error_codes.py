"""Error codes are enum members, never string literals.

A code is a stable identifier that clients, pages and scripts act on; written as a literal at
the place it is raised it escapes the app's `…ErrorCode` enum, where codes are listed, kept
unique and never renamed. This guard parses every module of katalog and fails, naming file and
line, where a domain error (`KatalogError` or any subclass), a field or row error or an API
problem is given its code as a literal, or where a page's refusal is set as
`.refusal_code = "…"`.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import katalog
from katalog.core.errors import KatalogError

PACKAGE = Path(katalog.__file__).parent
REPOSITORY = PACKAGE.parent

# Modules not imported to find the error classes: the migrations (no code of the domain) and
# the WSGI entry point, which builds the served application and refuses without a secret key.
NOT_IMPORTED = ("katalog.config.wsgi",)

# Callables that take a code besides the error classes, with the position of the code when
# it is given positionally (None: only by keyword).
CODE_TAKERS: dict[str, int | None] = {"FieldError": 1, "RowError": 2, "problem_response": None}


def _all_modules() -> Iterator[str]:
    for module in pkgutil.walk_packages(katalog.__path__, "katalog."):
        if ".migrations" in module.name or module.name in NOT_IMPORTED:
            continue
        yield module.name


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@cache
def error_class_names() -> frozenset[str]:
    """The names of KatalogError and all its subclasses, once every katalog module is imported
    (a subclass exists only once its module is)."""
    for name in _all_modules():
        importlib.import_module(name)
    return frozenset({KatalogError.__name__, *(c.__name__ for c in _subclasses(KatalogError))})


def _called_name(call: ast.Call, aliases: dict[str, str]) -> str:
    """`NotFound(...)`, `errors.NotFound(...)` and an imported alias all name `NotFound`."""
    if isinstance(call.func, ast.Name):
        return aliases.get(call.func.id, call.func.id)
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def _has_string(node: ast.expr) -> bool:
    """A string constant or f-string, also as a branch of `a if c else b`, `a or b`, `a + b`."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.IfExp):
        return _has_string(node.body) or _has_string(node.orelse)
    if isinstance(node, ast.BoolOp):
        return any(_has_string(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _has_string(node.left) or _has_string(node.right)
    return False


def _aliases(tree: ast.Module) -> dict[str, str]:
    return {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname
    }


def _code_literal(node: ast.AST, error_names: frozenset[str], aliases: dict[str, str]) -> str:
    """What is wrong with this node, if it gives an error class a literal code."""
    if not isinstance(node, ast.Call):
        return ""
    name = _called_name(node, aliases)
    if name not in error_names and name not in CODE_TAKERS:
        return ""
    literal = any(k.arg == "code" and _has_string(k.value) for k in node.keywords)
    position = CODE_TAKERS.get(name)
    if position is not None and len(node.args) > position:
        literal = literal or _has_string(node.args[position])
    return f"{name}(code=<literal>)" if literal else ""


def _refusal_literal(node: ast.AST) -> str:
    """What is wrong with this node, if it sets a page's refusal code to a literal."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return ""
    refusal = any(isinstance(t, ast.Attribute) and t.attr == "refusal_code" for t in targets)
    return ".refusal_code = <literal>" if refusal and _has_string(value) else ""


def literal_codes(source: str, error_names: frozenset[str]) -> list[tuple[int, str]]:
    """(line, what) of each error code written as a string literal in this source."""
    tree = ast.parse(source)
    aliases = _aliases(tree)
    found = []
    for node in ast.walk(tree):
        what = _code_literal(node, error_names, aliases) or _refusal_literal(node)
        if what:
            found.append((getattr(node, "lineno", 0), what))
    return sorted(found)


def _offences(error_names: frozenset[str]) -> dict[str, list[str]]:
    """Per katalog file (relative to the repository), its literal codes as `file:line what`."""
    offences: dict[str, list[str]] = {}
    for file in sorted(PACKAGE.rglob("*.py")):
        path = file.relative_to(REPOSITORY).as_posix()
        found = literal_codes(file.read_text(encoding="utf-8"), error_names)
        if found:
            offences[path] = [f"{path}:{line} {what}" for line, what in found]
    return offences


def test_error_codes_are_enum_members() -> None:
    offences = _offences(error_class_names())
    listed = [o for lines in offences.values() for o in lines]
    assert not listed, "Error codes written as string literals (use the app's enum):\n" + (
        "\n".join(listed)
    )


def test_the_error_classes_are_found_across_apps() -> None:
    names = error_class_names()
    # the core's own, and subclasses defined by apps (found only once their module is imported)
    assert {"KatalogError", "NotFound", "ValidationFailed"} <= names
    assert {"BadRequest", "BrokerUnavailable", "PublishFailed"} <= names


SCRATCH = """
from katalog.core import errors
from katalog.core.errors import Conflict as Clash, NotFound
from katalog.screening.errors import ScreeningErrorCode as E

def f(form, flag):
    raise NotFound("gone", code="CANDIDATE_NOT_FOUND")
    raise errors.ValidationFailed("bad", code=f"BAD_{flag}")
    raise Clash("taken", code=E.CANDIDATE_DECIDED if flag else "CANDIDATE_DECIDED")
    form.refusal_code = "VERSION_STALE"
    raise NotFound("gone", code=E.CANDIDATE_NOT_FOUND)
    form.refusal_code = exc.code
    Unrelated("x", code="NOT_AN_ERROR")
    errors = [FieldError("title", "TEXT_TOO_LONG", "long"), FieldError("title", E.X, "m")]
    RowError(3, "price", "INVALID_PRICE", "negative")
    return problem_response(request, status=500, code="INTERNAL_ERROR", title="", detail="")
"""


def test_the_guard_finds_literal_codes() -> None:
    found = literal_codes(SCRATCH, error_class_names())
    assert found == [
        (7, "NotFound(code=<literal>)"),
        (8, "ValidationFailed(code=<literal>)"),
        (9, "Conflict(code=<literal>)"),
        (10, ".refusal_code = <literal>"),
        (14, "FieldError(code=<literal>)"),
        (15, "RowError(code=<literal>)"),
        (16, "problem_response(code=<literal>)"),
    ]

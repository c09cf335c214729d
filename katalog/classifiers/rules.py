"""Pure checks and code arithmetic for classification data (no database access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from katalog.classifiers.choices import LEVEL_ORDER
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.core.errors import RowError


@dataclass
class ItemRow:
    """One parsed item row of a version file; `line` is the 1-based line in the file."""

    line: int
    code: str
    level: str
    parent: str
    names: dict[str, str]
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class CheckedRows:
    """Rows accepted for loading, and the errors found (rejected or repaired rows)."""

    rows: list[ItemRow]
    errors: list[RowError]
    orphans: set[str] = field(default_factory=set)


def level_rank(level: str) -> int:
    return LEVEL_ORDER.index(level)


def check_item_rows(rows: list[ItemRow]) -> CheckedRows:
    """Check codes, duplicates, levels and parents of a version's rows.

    A row whose named parent is missing is kept but reported (PARENT_MISSING) and listed in
    `orphans`: strict imports reject the file, the shipped loader loads it without a parent.
    Every other bad row is dropped from `rows`.
    """
    errors: list[RowError] = []
    seen: dict[str, ItemRow] = {}
    for row in rows:
        raw = {"code": row.code, "level": row.level, "parent": row.parent}
        if not row.code:
            errors.append(RowError(row.line, "code", E.CODE_EMPTY, "The code is empty.", raw))
        elif row.code in seen:
            msg = f"Code {row.code} is already on line {seen[row.code].line}."
            errors.append(RowError(row.line, "code", E.DUPLICATE_CODE, msg, raw))
        elif row.level not in LEVEL_ORDER:
            msg = f"Unknown level {row.level!r}; expected one of {', '.join(LEVEL_ORDER)}."
            errors.append(RowError(row.line, "level", E.LEVEL_UNKNOWN, msg, raw))
        elif not any(row.names.values()):
            errors.append(
                RowError(row.line, "name", E.TITLE_EMPTY, "No title in any language.", raw)
            )
        else:
            seen[row.code] = row
    kept: list[ItemRow] = []
    orphans: set[str] = set()
    top = rows_top_level(seen.values())
    for row in seen.values():
        raw = {"code": row.code, "level": row.level, "parent": row.parent}
        parent = seen.get(row.parent) if row.parent else None
        if row.parent and parent is None:
            msg = f"Parent {row.parent} of {row.level} {row.code} is not in the file."
            errors.append(RowError(row.line, "parent", E.PARENT_MISSING, msg, raw))
            orphans.add(row.code)
        elif parent is not None and level_rank(parent.level) >= level_rank(row.level):
            msg = f"{row.level} {row.code} cannot sit under {parent.level} {parent.code}."
            errors.append(RowError(row.line, "level", E.LEVEL_INCONSISTENT, msg, raw))
            continue
        elif parent is None and row.level != top:
            msg = f"{row.level} {row.code} has no parent but is not at the top level."
            errors.append(RowError(row.line, "parent", E.LEVEL_INCONSISTENT, msg, raw))
            continue
        kept.append(row)
    errors.sort(key=lambda e: e.line)
    return CheckedRows(rows=kept, errors=errors, orphans=orphans)


def rows_top_level(rows: object) -> str:
    """The highest level present (normally `section`)."""
    levels = {row.level for row in rows}  # type: ignore[attr-defined]
    return min(levels, key=level_rank) if levels else "section"


def depth_order(rows: list[ItemRow]) -> list[list[ItemRow]]:
    """Rows grouped by depth in the tree (roots first), so parents are saved before children."""
    by_code = {row.code: row for row in rows}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            parent = by_code[code].parent
            depth[code] = depth_of(parent) + 1 if parent in by_code else 0
        return depth[code]

    layers: dict[int, list[ItemRow]] = {}
    for row in rows:
        layers.setdefault(depth_of(row.code), []).append(row)
    return [layers[d] for d in sorted(layers)]


def dates_overlap(
    a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None
) -> bool:
    """Whether two inclusive intervals with optional open ends share at least one day."""
    a_end = a_to or dt.date.max
    b_end = b_to or dt.date.max
    return a_from <= b_end and b_from <= a_end


def dotted(code: str) -> str:
    """Write an undotted NACE-style code (`01111`, as OKED does) the dotted way (`01.11.1`)."""
    if not code.isdigit() or len(code) <= 2:
        return code
    text = code[:2] + "." + code[2:4]
    return text + ("." + code[4:] if len(code) > 4 else "")


def identity_candidates(code: str, *, style: str = "dotted") -> list[str]:
    """The code and its ancestors' codes, nearest first, written the NACE way.

    Derived from the code's own characters, so it works even where the source lost a parent
    row (OKED subclass 27120 still reaches class 27.12). Two-letter GKED subsections (CA)
    fall back to their section letter (C).
    """
    text = dotted(code) if style == "undotted" else code
    if text.isalpha():
        return [text, text[0]] if len(text) > 1 else [text]
    out: list[str] = []
    while text:
        if not text.endswith(".") and text not in out:
            out.append(text)
        text = text[:-1]
    return [c for c in out if len(c.replace(".", "")) >= 2]


def is_excluded(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


# --- correspondence links ------------------------------------------------------------------


@dataclass
class LinkRow:
    """One correspondence row as loaded: item ids, notes and what is known of its kind.

    `source_partial` / `target_partial` are None when the file has no flag of its own; they are
    then inferred from the table itself (see `infer_partial`).
    """

    source: int | None
    target: int | None
    notes: str = ""
    source_partial: bool | None = None
    target_partial: bool | None = None
    basis: str = ""
    by_ancestor: bool = False


def infer_partial(rows: list[LinkRow]) -> None:
    """Fill missing partial flags from the table's fan-out: a source with several targets goes
    only partly to each of them, a target with several sources receives only part from each.
    Rows with the table's own flags keep them."""
    targets: dict[int, int] = {}
    sources: dict[int, int] = {}
    for row in rows:
        if row.source is not None and row.target is not None:
            targets[row.source] = targets.get(row.source, 0) + 1
            sources[row.target] = sources.get(row.target, 0) + 1
    for row in rows:
        if row.source is None or row.target is None:
            row.source_partial = row.source_partial or False
            row.target_partial = row.target_partial or False
            continue
        if row.source_partial is None:
            row.source_partial = targets[row.source] > 1
        if row.target_partial is None:
            row.target_partial = sources[row.target] > 1


FLAG_TRUE = {"1", "true", "yes", "y", "x", "partial", "p"}
FLAG_FALSE = {"", "0", "false", "no", "n", "full", "f"}


def parse_flag(text: str) -> bool | None:
    """A partial flag from a table file (UNSD writes 0/1); None when it cannot be read."""
    value = text.strip().lower()
    if value in FLAG_TRUE:
        return True
    if value in FLAG_FALSE:
        return False
    return None


def flag_columns(columns: list[str]) -> tuple[str | None, str | None]:
    """The columns holding the source's and the target's partial flag, if the file has them:
    `source_partial`/`target_partial`, `partial` (source side), or UNSD's `ISIC4part`-style
    pair (first the source's, then the target's)."""
    lower = {c.lower(): c for c in columns}
    source = lower.get("source_partial") or lower.get("partial")
    target = lower.get("target_partial")
    parts = [c for c in columns if c.lower().endswith("part") and c.lower() != "part"]
    if source is None and parts:
        source = parts[0]
    if target is None and len(parts) > 1:
        target = parts[1]
    return source, target


@dataclass(frozen=True)
class TreeItem:
    """What the checks need to know of an item: its code, level and parent's id."""

    code: str
    level: str
    parent: int | None


@dataclass(frozen=True)
class LinkFinding:
    code: str
    item_code: str
    message: str


def check_links(
    pairs: list[tuple[int, int]], source: dict[int, TreeItem], target: dict[int, TreeItem]
) -> list[LinkFinding]:
    """Findings a person would make reading a correspondence table.

    A link whose target is at another level than its source (the tables map section to
    section, class to class) is LINK_LEVEL_MISMATCH. A link that disagrees with the link of the
    source's parent is LINK_DISAGREES_WITH_PARENT: NACE Rev.2 46.61 → ISIC 4653 sits in group
    465, yet the table maps group 46.6 to 466.
    """
    findings: list[LinkFinding] = []
    forward: dict[int, set[int]] = {}
    for a, b in pairs:
        forward.setdefault(a, set()).add(b)
    for a, b in pairs:
        s, t = source[a], target[b]
        if s.level != t.level:
            findings.append(
                LinkFinding(
                    "LINK_LEVEL_MISMATCH",
                    s.code,
                    f"{s.level} {s.code} is linked to {t.level} {t.code}, not to a {s.level}.",
                )
            )
            continue
        if s.parent is None or s.parent not in forward:
            continue
        ancestors = _ancestor_ids(b, target)
        parent_targets = forward[s.parent]
        if ancestors and not ancestors & parent_targets:
            parent, t_parent = source[s.parent], target[t.parent]  # type: ignore[index]
            expected = ", ".join(sorted(target[x].code for x in parent_targets))
            findings.append(
                LinkFinding(
                    "LINK_DISAGREES_WITH_PARENT",
                    s.code,
                    f"{s.code} → {t.code} (in {t_parent.level} {t_parent.code}), "
                    f"but its {parent.level} {parent.code} → {expected}.",
                )
            )
    return findings


def _ancestor_ids(item: int, tree: dict[int, TreeItem]) -> set[int]:
    found: set[int] = set()
    parent = tree[item].parent
    while parent is not None and parent in tree and parent not in found:
        found.add(parent)
        parent = tree[parent].parent
    return found


# --- codes, patterns and titles --------------------------------------------------------------


def digits_of(code: str) -> str:
    """A code without its dots: NACE 46.61 and ISIC 4661 compare equal."""
    return code.replace(".", "")

"""The shared state of classifier versions and correspondence tables, as the exchange carries
them from the interstate centre to the bureaus.

A version travels whole: its dates, status and texts, its levels, its codes in order (each with
its level, its parent's code, titles, notes and dates) and its amendments with the codes each
changed. A correspondence table travels with its rows as pairs of codes. Every reference is a
slug or a code, never a row id. The same states make the exchange's digest.

An item of supply's export-control marks travel with the item's state (the exchange puts them
there): each as the list, the version and the entry's code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch

from katalog.classifiers.models import (
    Amendment,
    ControlListMark,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    Version,
)

MARKS_BATCH = 1_000

# The object types of the audit log and of the exchange's events.
VERSION = "classifiers.version"
TABLE = "classifiers.table"


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def _items(version: Version) -> list[dict[str, Any]]:
    rows = (
        Item.objects.filter(version=version)
        .order_by("position", "code")
        .values_list(
            "code", "level__slug", "parent__code", "names", "notes", "valid_from", "valid_to"
        )
    )
    return [
        {
            "code": code,
            "level": level,
            "parent": parent,
            "names": names,
            "notes": notes,
            "valid_from": _date(valid_from),
            "valid_to": _date(valid_to),
        }
        for code, level, parent, names, notes, valid_from, valid_to in rows
    ]


def _amendments(version: Version) -> list[dict[str, Any]]:
    rows = Amendment.objects.filter(version=version).prefetch_related("changes__item")
    return sorted(
        (
            {
                "number": amendment.number,
                "legal_act": amendment.legal_act,
                "in_force_from": _date(amendment.in_force_from),
                "notes": amendment.notes,
                "changes": [
                    {
                        "kind": change.kind,
                        "code": change.item.code,
                        "old_names": change.old_names,
                        "new_names": change.new_names,
                    }
                    for change in sorted(amendment.changes.all(), key=lambda c: c.pk)
                ],
            }
            for amendment in rows
        ),
        key=lambda a: (a["in_force_from"], a["number"]),
    )


def version_state(version: Version) -> dict[str, Any]:
    return {
        "slug": version.slug,
        "classification": version.classification.slug,
        "names": version.names,
        "valid_from": _date(version.valid_from),
        "valid_to": _date(version.valid_to),
        "status": version.status,
        "languages": version.languages,
        "source": version.source,
        "legal_base": version.legal_base,
        "introduction": version.introduction,
        "history": version.history,
        "content_as_of": _date(version.content_as_of),
        "history_from": _date(version.history_from),
        "history_note": version.history_note,
        "levels": [
            {"number": level.number, "slug": level.slug, "names": level.names}
            for level in sorted(version.levels.all(), key=lambda level: level.number)
        ],
        "items": _items(version),
        "amendments": _amendments(version),
    }


def version_states(slugs: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = (
        Version.objects.filter(slug__in=list(slugs))
        .select_related("classification")
        .prefetch_related("levels")
    )
    return {version.slug: version_state(version) for version in rows}


def all_version_states() -> Iterator[dict[str, Any]]:
    """Every version's state in slug order (compared in Python, whatever the collation), one
    version in memory at a time."""
    slugs = sorted(Version.objects.values_list("slug", flat=True))
    for slug in slugs:
        yield version_states([slug])[slug]


def table_state(table: CorrespondenceTable) -> dict[str, Any]:
    rows = [
        {
            "source": row.source.code if row.source else None,
            "target": row.target.code if row.target else None,
            "notes": row.notes,
            "by_ancestor": row.by_ancestor,
            "source_partial": row.source_partial,
            "target_partial": row.target_partial,
            "basis": row.basis,
        }
        for row in table.rows.all()
    ]
    return {
        "slug": table.slug,
        "source": table.source.slug,
        "target": table.target.slug,
        "kind": table.kind,
        "method": table.method,
        "notes": table.notes,
        "route": table.route,
        "rows": sorted(rows, key=lambda r: (r["source"] or "", r["target"] or "")),
    }


def table_states(slugs: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = (
        CorrespondenceTable.objects.filter(slug__in=list(slugs))
        .select_related("source", "target")
        .prefetch_related(
            Prefetch("rows", queryset=CorrespondenceRow.objects.select_related("source", "target"))
        )
    )
    return {table.slug: table_state(table) for table in rows}


def all_table_states() -> Iterator[dict[str, Any]]:
    slugs = sorted(CorrespondenceTable.objects.values_list("slug", flat=True))
    for slug in slugs:
        yield table_states([slug])[slug]


def control_marks_of(niins: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """The control-list entries of the items with these numbers (an item without any is left
    out), each item's in list, version and code order. Release rules are the caller's."""
    wanted = list(dict.fromkeys(niins))
    marks: dict[str, list[dict[str, str]]] = {}
    for start in range(0, len(wanted), MARKS_BATCH):
        rows = ControlListMark.objects.filter(
            item__niin__in=wanted[start : start + MARKS_BATCH]
        ).values_list(
            "item__niin",
            "entry__version__classification__slug",
            "entry__version__slug",
            "entry__code",
        )
        for niin, slug, version, code in rows:
            marks.setdefault(niin, []).append({"list": slug, "version": version, "code": code})
    for rows_of_item in marks.values():
        rows_of_item.sort(key=lambda m: (m["list"], m["version"], m["code"]))
    return marks

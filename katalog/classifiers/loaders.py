"""Load the classifications shipped in `katalog/classifiers/data/` (see NOTICE.md).

Everything is described in `data/manifest.json`: classifications, versions and their files,
correspondence tables (shipped or derived by code identity) and the interstate harmonised
version with its mappings. Loading is idempotent: what exists already is left alone.

Defects in the source files are reported, never repaired by inventing rows. The one that
matters in the shipped data is OKED: subclass 27120 names class 2712 as its parent, and 2712
is not in the file. We load 27120 *without a parent* (it is a valid code that manufacturers
may carry and it still maps to NACE 27.12 by its digits) and record a PARENT_MISSING finding.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction

from katalog.classifiers.choices import (
    LEVEL_ORDER,
    ClassificationKind,
    History,
    LinkBasis,
    TableKind,
    TableMethod,
)
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.files import item_rows, read_records
from katalog.classifiers.models import (
    Classification,
    ClassificationFamily,
    CorrespondenceTable,
    Item,
    NationalClassifier,
    ValidationFinding,
    Version,
)
from katalog.classifiers.rules import (
    ItemRow,
    LinkRow,
    check_item_rows,
    dotted,
    identity_candidates,
    is_excluded,
    level_rank,
)
from katalog.classifiers.selectors import correspondence_route
from katalog.classifiers.services import (
    _apply_items,
    _apply_rows,
    _table_create,
    _version_create,
    record_link_findings,
    version_history_set,
)

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

DATA_DIR = Path(__file__).resolve().parent / "data"
Pairs = list[LinkRow]


def manifest() -> dict[str, Any]:
    return json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))


def load_shipped_classifiers(*, stdout: SupportsWrite[str] | None = None) -> dict[str, Any]:
    """Load every shipped classification, version, table and the harmonised version.

    Returns {"created": {...counts}, "findings": [...]}; the findings are those recorded when
    the data was first loaded, so a second run reports the same defects and creates nothing.
    """
    spec = manifest()
    counts = {"versions": 0, "items": 0, "tables": 0, "rows": 0}
    with transaction.atomic():
        family = _family(spec["family"])
        for c in spec["classifications"]:
            Classification.objects.get_or_create(
                slug=c["slug"],
                defaults={"family": family, "names": c["names"], "owner": c["owner"]},
            )
        for country, slug in spec["national_classifiers"].items():
            NationalClassifier.objects.get_or_create(
                country_code=country, defaults={"classification_id": _cls_id(slug)}
            )
        for v in spec["versions"]:
            _load_version(v, counts, stdout)
        for t in spec["tables"]:
            _load_table(t, counts, stdout)
        _load_harmonised(spec["harmonised"], counts, stdout)
        _load_control_lists(spec.get("control_lists"), counts, stdout)
    findings = [
        _finding_dict(f) for f in ValidationFinding.objects.select_related("version", "table")
    ]
    return {"created": counts, "findings": findings}


def _load_control_lists(
    spec: dict[str, Any] | None, counts: dict[str, int], stdout: SupportsWrite[str] | None
) -> None:
    """Export-control lists (the EU dual-use list): a family of their own, classifications of
    kind `control_list`, versions loaded from their files like any other."""
    if not spec:
        return
    family = _family(spec["family"])
    for c in spec["classifications"]:
        Classification.objects.get_or_create(
            slug=c["slug"],
            defaults={
                "family": family,
                "names": c["names"],
                "owner": c["owner"],
                "kind": c.get("kind", ClassificationKind.CONTROL_LIST),
            },
        )
    for v in spec["versions"]:
        _load_version(v, counts, stdout)


def _say(stdout: SupportsWrite[str] | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _family(spec: dict[str, Any]) -> ClassificationFamily:
    family, _ = ClassificationFamily.objects.get_or_create(
        slug=spec["slug"], defaults={"names": spec["names"]}
    )
    return family


def _cls_id(slug: str) -> int:
    return Classification.objects.values_list("id", flat=True).get(slug=slug)


def _finding_dict(f: ValidationFinding) -> dict[str, Any]:
    return {
        "version": f.version.slug if f.version else "",
        "table": f.table.slug if f.table else "",
        "file": f.source_file,
        "line": f.line,
        "code": f.code,
        "item_code": f.item_code,
        "message": f.message,
        "action": f.action,
    }


def _load_version(
    spec: dict[str, Any], counts: dict[str, int], stdout: SupportsWrite[str] | None
) -> None:
    existing = Version.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        # Loaded before the manifest said what is known of its history: say it now (once: a
        # version whose approving act is recorded already has it).
        said = existing.history_note or existing.legal_base
        if not said and (spec.get("history") or spec.get("legal_base")):
            _set_history(existing, spec)
        return
    records = read_records((DATA_DIR / spec["file"]).read_bytes(), filename=spec["file"])
    rows = item_rows(records, titles=spec.get("titles"), notes=spec.get("notes"))
    checked = check_item_rows(rows)
    version = _new_version(spec, source=spec["file"])
    ValidationFinding.objects.bulk_create(
        ValidationFinding(
            version=version,
            source_file=spec["file"],
            line=e.line,
            code=e.code,
            item_code=e.raw.get("code", ""),
            message=e.message,
            action="loaded without a parent" if e.raw.get("code") in checked.orphans else "skipped",
        )
        for e in checked.errors
    )
    n = _apply_items(version=version, rows=checked.rows)
    _set_history(version, spec)
    counts["versions"] += 1
    counts["items"] += n
    _say(stdout, f"{version.slug}: {n} codes, {len(checked.errors)} finding(s)")


def _set_history(version: Version, spec: dict[str, Any]) -> None:
    """What the source says of the version's state: official, unamended versions are complete;
    a national release is "as published on" its release date (or on a date it does not give)."""
    history = spec.get("history", {})
    version_history_set(
        version=version,
        history=history.get("kind", History.COMPLETE),
        content_as_of=_date(history.get("as_published_on")),
        history_from=_date(history.get("complete_from")),
        note=history.get("note", {}),
        legal_base=spec.get("legal_base", {}),
        introduction=spec.get("introduction", {}),
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _new_version(spec: dict[str, Any], *, source: str) -> Version:
    return _version_create(
        classification=Classification.objects.get(slug=spec["classification"]),
        slug=spec["slug"],
        names=spec["names"],
        valid_from=dt.date.fromisoformat(spec["valid_from"]),
        valid_to=dt.date.fromisoformat(spec["valid_to"]) if spec.get("valid_to") else None,
        status="published",
        source=source,
    )


def _load_table(
    spec: dict[str, Any], counts: dict[str, int], stdout: SupportsWrite[str] | None
) -> None:
    if CorrespondenceTable.objects.filter(slug=spec["slug"]).exists():
        return
    source = Version.objects.get(slug=spec["source"])
    target = Version.objects.get(slug=spec["target"])
    table = _table_create(
        slug=spec["slug"],
        source=source,
        target=target,
        kind=spec.get("kind", TableKind.DERIVED),
        method=spec["method"],
        notes=spec.get("notes", {}),
        route=spec.get("route"),
    )
    if spec["method"] == TableMethod.CODE_IDENTITY and "file" not in spec:
        pairs = _identity_pairs(table, spec)
    elif spec["method"] == TableMethod.COMPOSED:
        pairs = _composed_pairs(spec["route"])
    else:
        pairs = _file_pairs(table, spec["file"])
    n = _apply_rows(table=table, rows=pairs)
    if "file" in spec:
        counts["findings"] = counts.get("findings", 0) + record_link_findings(
            table=table, source_file=spec["file"]
        )
    counts["tables"] += 1
    counts["rows"] += n
    _say(stdout, f"{table.slug}: {n} rows ({table.kind}, {table.method})")


def _codes(version: Version) -> dict[str, int]:
    return dict(Item.objects.filter(version=version).values_list("code", "id"))


def _file_pairs(table: CorrespondenceTable, filename: str) -> Pairs:
    src, tgt = _codes(table.source), _codes(table.target)
    pairs: Pairs = []
    for line, rec in read_records((DATA_DIR / filename).read_bytes(), filename=filename):
        a, b = list(rec.values())[:2]
        missing = [c for c, ids in ((a, src), (b, tgt)) if c and c not in ids]
        if missing:
            ValidationFinding.objects.create(
                table=table,
                source_file=filename,
                line=line,
                code=E.ROW_CODE_UNKNOWN,
                item_code=missing[0],
                message=f"{missing[0]} is not a code of the version.",
                action="skipped",
            )
            continue
        pairs.append(LinkRow(src[a], tgt[b]))
    return pairs


def _identity_pairs(table: CorrespondenceTable, spec: dict[str, Any]) -> Pairs:
    """Map each source code to the same code in the target, else to its nearest ancestor's.

    Codes at class level or above that have no identical target code are reported as
    NO_CODE_IDENTITY findings (e.g. OKVED2 19.31, which NACE Rev.2 does not have).
    """
    tgt = _codes(table.target)
    exclude = spec.get("exclude", [])
    style = spec.get("code_style", "dotted")
    class_rank = LEVEL_ORDER.index("class")
    pairs: Pairs = []
    items = Item.objects.filter(version=table.source).select_related("level").order_by("position")
    for item in items:
        own = dotted(item.code) if style == "undotted" else item.code
        candidates = [c for c in identity_candidates(item.code, style=style) if c in tgt]
        candidates = [c for c in candidates if not is_excluded(c, exclude)]
        if not candidates:
            _no_identity(table, item, "no ancestor either; left unmapped")
            continue
        found = candidates[0]
        same = found == own
        # The whole source lies inside its target; an ancestor holds more than the source.
        pairs.append(
            LinkRow(
                item.pk,
                tgt[found],
                "code identity" if same else f"via ancestor {found}",
                source_partial=False,
                target_partial=not same,
                basis=LinkBasis.IDENTITY if same else LinkBasis.ANCESTOR,
                by_ancestor=not same,
            )
        )
        if found != own and level_rank(item.level.slug) <= class_rank:
            _no_identity(table, item, f"mapped to ancestor {found}")
    return pairs


def _no_identity(table: CorrespondenceTable, item: Item, action: str) -> None:
    ValidationFinding.objects.create(
        table=table,
        version=table.source,
        source_file="",
        line=None,
        code=E.NO_CODE_IDENTITY,
        item_code=item.code,
        message=f"{table.source.slug} {item.code} has no same-meaning code in {table.target.slug}.",
        action=action,
    )


def _composed_pairs(route: list[str]) -> Pairs:
    """Compose the base tables along `route` (version slugs), keeping many-to-many fan-out."""
    versions = [Version.objects.get(slug=s) for s in route]
    relation: dict[int, dict[int, list[str]]] | None = None
    for a, b in itertools.pairwise(versions):
        (step,) = correspondence_route(source=a, target=b)
        near, far = ("target", "source") if step.reverse else ("source", "target")
        hop: dict[int, dict[int, list[str]]] = {}
        for x, y, y_code in step.table.rows.filter(**{f"{far}__isnull": False}).values_list(
            f"{near}_id", f"{far}_id", f"{far}__code"
        ):
            hop.setdefault(x, {})[y] = [f"{b.slug} {y_code}"]
        if relation is None:
            relation = hop
            continue
        relation = {
            x: {z: [*via, *hop[y][z]] for y, via in ys.items() for z in hop.get(y, {})}
            for x, ys in relation.items()
        }
    pairs: Pairs = []
    for x, zs in (relation or {}).items():
        pairs.extend(
            LinkRow(x, z, "via " + "; ".join(via[:-1]), basis=LinkBasis.COMPOSED)
            for z, via in zs.items()
        )
    return pairs


def _load_harmonised(
    spec: dict[str, Any], counts: dict[str, int], stdout: SupportsWrite[str] | None
) -> None:
    """The interstate harmonised version: NACE Rev.2's codes (section to class), English titles
    from NACE Rev.2 and Russian titles from the national versions built on it."""
    _title_cache.clear()
    if not Version.objects.filter(slug=spec["slug"]).exists():
        base = Version.objects.get(slug=spec["items_from"])
        rows = [
            ItemRow(
                line=n,
                code=i.code,
                level=i.level.slug,
                parent=i.parent.code if i.parent else "",
                names=_harmonised_titles(i.code, spec),
            )
            for n, i in enumerate(
                Item.objects.filter(version=base).select_related("level", "parent")
            )
        ]
        version = _new_version(spec, source="defined in manifest.json from " + base.slug)
        counts["items"] += _apply_items(version=version, rows=check_item_rows(rows).rows)
        _set_history(version, spec)
        counts["versions"] += 1
        _say(stdout, f"{version.slug}: harmonised version created")
    for table in spec["tables"]:
        _load_table({"kind": TableKind.DERIVED, **table}, counts, stdout)


_title_cache: dict[str, dict[str, dict[str, str]]] = {}


def _harmonised_titles(code: str, spec: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for lang, sources in spec["titles_from"].items():
        for slug in sources:
            style = spec.get("code_styles", {}).get(slug, "dotted")
            exclude = spec.get("ru_exclude", {}).get(slug, [])
            text = _titles_by_code(slug, style, exclude).get(code, {})
            if text.get(lang):
                names[lang] = text[lang]
                break
    return names


def _titles_by_code(slug: str, style: str, exclude: Iterable[str]) -> dict[str, dict[str, str]]:
    """Titles of a version keyed by the NACE way of writing its codes (cached per load)."""
    key = slug + "|" + ",".join(exclude)
    if key not in _title_cache:
        _title_cache[key] = {
            (dotted(code) if style == "undotted" else code): names
            for code, names in Item.objects.filter(version__slug=slug).values_list("code", "names")
            if not is_excluded(dotted(code) if style == "undotted" else code, list(exclude))
        }
    return _title_cache[key]

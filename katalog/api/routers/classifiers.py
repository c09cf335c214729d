"""Classification server endpoints, in the spirit of the Klass API.

`{ref}` names a classification (`isic`, then the version valid at `date` is used) or a version
(`isic4`). Every list answers JSON, or CSV with `?format=csv` or `Accept: text/csv`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpResponse
from ninja import Query, Router

from katalog.api.auth import AuthenticatedRequest
from katalog.api.errors import Problem
from katalog.api.schemas.classifiers import (
    AmendmentOut,
    ChangeOut,
    ChangesOut,
    ClassificationOut,
    CodeDetailOut,
    CodeOut,
    CorrespondenceOut,
    FindingOut,
    ManufacturerMatchOut,
    TableOut,
)
from katalog.classifiers import selectors
from katalog.classifiers.cache import cached_bytes, version_key
from katalog.classifiers.composition import Hop, Node, Target
from katalog.classifiers.files import FORMATS, render
from katalog.classifiers.models import Item, Version
from katalog.classifiers.publish import publish
from katalog.core.i18n import pick_text

router = Router(tags=["classifiers"])

ERRORS: dict[int, Any] = {404: Problem, 422: Problem}


# --- schemas -------------------------------------------------------------------------------


# --- helpers -------------------------------------------------------------------------------


def _lang(request: AuthenticatedRequest, language: str | None) -> str | None:
    return language or getattr(request, "LANGUAGE_CODE", None)


def _version_out(v: Version, lang: str | None) -> dict[str, Any]:
    return {
        "slug": v.slug,
        "classification": v.classification.slug,
        "name": pick_text(v.names, lang),
        "names": v.names,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "status": v.status,
        "languages": v.languages,
        "history": v.history,
        "as_published_on": v.content_as_of,
        "known_from": v.known_from,
        "history_note": selectors.as_published_text(v, lang),
        "legal_base": pick_text(v.legal_base, lang),
    }


def _code_out(i: Item, lang: str | None, version: str | None = None) -> dict[str, Any]:
    return {
        "version": version or i.version.slug,
        "code": i.code,
        "level": i.level.slug,
        "parent": i.parent.code if i.parent_id and i.parent else None,
        "name": pick_text(i.names, lang),
        "names": i.names,
        "notes": i.notes,
    }


def _wants_csv(request: AuthenticatedRequest, fmt: str | None) -> bool:
    return fmt == "csv" or (fmt is None and "text/csv" in request.headers.get("Accept", ""))


def _file(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _csv(rows: list[dict[str, Any]], columns: list[str], name: str) -> HttpResponse:
    return _file(render(rows, fmt="csv", columns=columns, sheet=name), "csv", name)


def _at(value: str | None, ref: str) -> Version:
    """A version from a date (of the classification `ref`) or from a version slug."""
    if value is None:
        return selectors.version_resolve(ref=ref)
    try:
        on = dt.date.fromisoformat(value)
    except ValueError:
        return selectors.version_resolve(ref=value)
    return selectors.version_resolve(ref=ref, on=on)


CODE_COLUMNS = ["version", "code", "level", "parent", "name"]

# --- operations ----------------------------------------------------------------------------


@router.get("", response=list[ClassificationOut], operation_id="classification_list")
def classification_list(request: AuthenticatedRequest, language: str | None = None) -> Any:
    """All classifications with their versions and validity dates."""
    lang = _lang(request, language)
    return [
        {
            "slug": c.slug,
            "family": c.family.slug,
            "name": pick_text(c.names, lang),
            "names": c.names,
            "owner": c.owner,
            "kind": c.kind,
            "versions": [_version_out(v, lang) for v in c.versions.all()],
        }
        for c in selectors.classification_list()
    ]


@router.get(
    "/search", response={200: list[CodeOut], **ERRORS}, operation_id="classifier_item_search"
)
def item_search(
    request: AuthenticatedRequest,
    q: str,
    version: str | None = None,
    date: dt.date | None = None,
    language: str | None = None,
    format: str | None = None,
    limit: int = 100,
) -> Any:
    """Search codes and titles in every language and script (Latin finds Cyrillic)."""
    lang = _lang(request, language)
    v = selectors.version_resolve(ref=version, on=date) if version else None
    items = selectors.item_search(query=q, version=v, on=date)[: max(1, min(limit, 1000))]
    rows = [_code_out(i, lang) for i in items]
    return _csv(rows, CODE_COLUMNS, "search") if _wants_csv(request, format) else rows


@router.get("/tables", response={200: list[TableOut], **ERRORS}, operation_id="table_list")
def table_list(request: AuthenticatedRequest, version: str | None = None) -> Any:
    """Correspondence tables, each official or derived, with its notes."""
    v = selectors.version_resolve(ref=version) if version else None
    return [
        {
            "slug": t.slug,
            "source": t.source.slug,
            "target": t.target.slug,
            "kind": t.kind,
            "method": t.method,
            "notes": t.notes,
            "route": t.route,
        }
        for t in selectors.table_list(version=v)
    ]


@router.get("/tables/{slug}/export", response={200: None, **ERRORS}, operation_id="table_export")
def table_export(
    request: AuthenticatedRequest, slug: str, format: str = "csv", language: str | None = None
) -> Any:
    """A correspondence table as CSV, XLSX or JSON."""
    table = selectors.table_get(slug=slug)
    columns, rows = selectors.table_export_rows(table=table, language=_lang(request, language))
    return _file(render(rows, fmt=format, columns=columns, sheet=slug), format, slug)


@router.get("/compose", response={200: None, **ERRORS}, operation_id="compose_table")
def compose_table(
    request: AuthenticatedRequest,
    source: str,
    target: str,
    date: dt.date | None = None,
    all: bool = False,
    format: str = "json",
    language: str | None = None,
) -> Any:
    """A whole composed table between two versions (or classifications at `date`) in one
    request, as JSON, CSV or XLSX: each code of the source with its best-supported targets
    (every target with `all=true`), ranked, with support, confidence and chain."""
    lang = _lang(request, language)
    src = selectors.version_resolve(ref=source, on=date)
    tgt = selectors.version_resolve(ref=target, on=date)
    columns, rows = selectors.composed_export_rows(
        source=src, target=tgt, all_targets=all, language=lang
    )
    name = f"{src.slug}-{tgt.slug}"
    return _file(render(rows, fmt=format, columns=columns, sheet=name), format, name)


@router.get("/findings", response=list[FindingOut], operation_id="finding_list")
def finding_list(request: AuthenticatedRequest) -> Any:
    """Defects found in the shipped source data and what was done about them."""
    return [
        {
            "version": f.version.slug if f.version else None,
            "table": f.table.slug if f.table else None,
            "file": f.source_file,
            "line": f.line,
            "code": f.code,
            "item_code": f.item_code,
            "message": f.message,
            "action": f.action,
        }
        for f in selectors.finding_list()
    ]


@router.get(
    "/manufacturers",
    response={200: list[ManufacturerMatchOut], **ERRORS},
    operation_id="manufacturers_doing",
)
def manufacturers_doing(
    request: AuthenticatedRequest,
    code: str,
    classification: str,
    date: dt.date | None = None,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """Manufacturers in all member states doing activity `code` of any classifier."""
    lang = _lang(request, language)
    rows = [
        {
            "manufacturer": m.activity.manufacturer.code,
            "name": pick_text(m.activity.manufacturer.names, lang),
            "country": m.activity.manufacturer.country_id,
            "version": m.activity.item.version.slug,
            "code": m.activity.item.code,
            "is_primary": m.activity.is_primary,
            "via": m.via,
        }
        for m in selectors.manufacturers_doing(code=code, version_ref=classification, on=date)
    ]
    columns = ["manufacturer", "name", "country", "version", "code", "is_primary", "via"]
    return _csv(rows, columns, "manufacturers") if _wants_csv(request, format) else rows


@router.get(
    "/{ref}", response={200: ClassificationOut, **ERRORS}, operation_id="classification_get"
)
def classification_get(request: AuthenticatedRequest, ref: str, language: str | None = None) -> Any:
    """One classification with its versions (a version slug gives its classification)."""
    lang = _lang(request, language)
    version = selectors.version_list().filter(slug=ref).first()
    c = selectors.classification_get(slug=version.classification.slug if version else ref)
    return {
        "slug": c.slug,
        "family": c.family.slug,
        "name": pick_text(c.names, lang),
        "names": c.names,
        "owner": c.owner,
        "kind": c.kind,
        "versions": [_version_out(v, lang) for v in c.versions.all()],
    }


@router.get("/{ref}/codes", response={200: list[CodeOut], **ERRORS}, operation_id="items_at")
def items_at(
    request: AuthenticatedRequest,
    ref: str,
    date: dt.date | None = None,
    level: str | None = None,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """Codes valid at `date` (today by default), optionally of one level."""
    lang = _lang(request, language)
    on = date or selectors.today()
    version = selectors.version_resolve(ref=ref, on=on)
    fmt = "csv" if _wants_csv(request, format) else "json"

    def build() -> bytes:
        rows = [
            {
                **_code_out(c.item, lang, version.slug),
                "name": pick_text(c.names, lang),
                "names": c.names,
            }
            for c in selectors.codes_at(version=version, on=on, level=level)
        ]
        if fmt == "csv":
            return render(rows, fmt="csv", columns=CODE_COLUMNS, sheet=version.slug)
        return json.dumps(rows, ensure_ascii=False, default=str).encode("utf-8")

    # The whole version is served from memory until its codes change (imports, amendments).
    content = cached_bytes(version_key(version, "codes", on, level, lang, fmt), build)
    if fmt == "csv":
        return _file(content, "csv", version.slug)
    return HttpResponse(content, content_type="application/json")


@router.get(
    "/{ref}/codes/{code}",
    response={200: CodeDetailOut, **ERRORS},
    operation_id="classifier_item_get",
)
def item_get(
    request: AuthenticatedRequest,
    ref: str,
    code: str,
    date: dt.date | None = None,
    language: str | None = None,
) -> Any:
    """One code with its path to the top and its children."""
    lang = _lang(request, language)
    item = selectors.item_get(version=selectors.version_resolve(ref=ref, on=date), code=code)
    return {
        **_code_out(item, lang),
        "path": [_code_out(i, lang, item.version.slug) for i in selectors.item_path(item=item)],
        "children": [
            _code_out(i, lang, item.version.slug)
            for i in selectors.item_children(version=item.version, item=item)
        ],
    }


@router.get("/{ref}/changes", response={200: ChangesOut, **ERRORS}, operation_id="changes_between")
def changes_between(
    request: AuthenticatedRequest,
    ref: str,
    from_: str = Query(..., alias="from", description="A date or a version slug."),
    to: str = Query(..., description="A date or a version slug."),
    kind: str | None = None,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """New, removed, renamed, split and merged codes between two versions."""
    result = selectors.changes_between(
        source=_at(from_, ref), target=_at(to, ref), language=_lang(request, language)
    )
    changes = [c for c in result.changes if kind is None or c.kind == kind]
    rows = [
        {
            "kind": c.kind,
            "source_codes": c.source_codes,
            "target_codes": c.target_codes,
            "source_title": c.source_title,
            "target_title": c.target_title,
        }
        for c in changes
    ]
    if _wants_csv(request, format):
        flat = [
            {
                **r,
                "source_codes": " ".join(r["source_codes"]),
                "target_codes": " ".join(r["target_codes"]),
            }
            for r in rows
        ]
        return _csv(flat, list(ChangeOut.model_fields), "changes")
    counts: dict[str, int] = {}
    for c in result.changes:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return {
        "source": result.source.slug,
        "target": result.target.slug,
        "table": result.table.slug if result.table else None,
        "counts": counts,
        "changes": rows,
    }


@router.get(
    "/{ref}/correspondences",
    response={200: CorrespondenceOut, **ERRORS},
    operation_id="correspond",
)
def correspond(
    request: AuthenticatedRequest,
    ref: str,
    code: str,
    target: str,
    date: dt.date | None = None,
    all: bool = False,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """What `code` corresponds to in `target`, directly or composed through several tables,
    ranked: same code and title first, then full chains, then partial ones, each with its
    supporting chain and confidence. By default only the best-supported targets; `all=true`
    lists every target. A code above a table's level is rolled up from its children."""
    lang = _lang(request, language)
    source = selectors.version_resolve(ref=ref, on=date)
    result = selectors.correspond(
        item=selectors.item_get(version=source, code=code),
        target=selectors.version_resolve(ref=target, on=date),
        all_targets=all,
    )
    best = {id(t) for t in result.composition.best}
    matches = [_target_out(result, t, lang, id(t) in best) for t in result.matches]
    if _wants_csv(request, format):
        flat = [{**m, "chain": _chain_text(m["chain"])} for m in matches]
        return _csv(
            flat, [*CODE_COLUMNS, *TARGET_COLUMNS], f"{source.slug}-{code}-{result.target.slug}"
        )
    return {
        "source": _code_out(result.source, lang),
        "target_version": result.target.slug,
        "via_ancestor": result.via_ancestor.code if result.via_ancestor else None,
        "rolled_up": result.rolled_up,
        "all": all,
        "shown": len(result.matches),
        "total": len(result.targets),
        "route": [
            {
                "table": s.table.slug,
                "source": s.table.source.slug,
                "target": s.table.target.slug,
                "reversed": s.reverse,
                "kind": s.table.kind,
                "method": s.table.method,
            }
            for s in result.route
        ],
        "matches": matches,
    }


TARGET_COLUMNS = [
    "rank",
    "support",
    "confidence",
    "best",
    "children",
    "children_supporting",
    "chain",
]


def _hop_out(hop: Hop, nodes: Any) -> dict[str, Any]:
    return {
        "source": nodes[hop.source].code,
        "target": nodes[hop.target].code,
        "table": hop.table.slug if hop.table is not None else None,
        "reversed": hop.reverse,
        "kind": hop.kind,
        "link": "full" if hop.full else "partial",
        "basis": hop.basis,
        "notes": hop.notes,
    }


def _node_out(node: Node, version: str, nodes: Any, lang: str | None) -> dict[str, Any]:
    parent = nodes.get(node.parent) if node.parent is not None else None
    return {
        "version": version,
        "code": node.code,
        "level": node.level,
        "parent": parent.code if parent is not None else None,
        "name": pick_text(node.names, lang),
        "names": node.names,
        "notes": {},
    }


def _target_out(result: Any, t: Target, lang: str | None, best: bool) -> dict[str, Any]:
    nodes = result.composition.nodes
    return {
        **_node_out(t.node, result.target.slug, nodes, lang),
        "rank": t.rank,
        "support": str(t.support),
        "confidence": t.confidence,
        "best": best,
        "children": t.children,
        "children_supporting": t.children_supporting,
        "is_official": t.is_official,
        "chain": [_hop_out(h, nodes) for h in t.best_trail.hops],
        "paths": [[_hop_out(h, nodes) for h in trail.hops] for trail in t.trails],
    }


def _chain_text(hops: list[dict[str, Any]]) -> str:
    return " → ".join(
        f"{h['source']}→{h['target']} [{h['link']}, {h['kind'] if h['table'] else h['basis']}]"
        for h in hops
    )


@router.get(
    "/{ref}/amendments", response={200: list[AmendmentOut], **ERRORS}, operation_id="amendment_list"
)
def amendment_list(request: AuthenticatedRequest, ref: str) -> Any:
    """Amendments of a version in the order they came into force, with the codes each changed."""
    version = selectors.version_resolve(ref=ref)
    return [
        {
            "number": a.number,
            "in_force_from": a.in_force_from,
            "legal_act": a.legal_act,
            "changes": [
                {
                    "kind": c.kind,
                    "code": c.item.code,
                    "old_names": c.old_names,
                    "new_names": c.new_names,
                }
                for c in a.changes.all()
            ],
        }
        for a in selectors.amendment_list(version=version)
    ]


@router.get("/{ref}/publish", response={200: None, **ERRORS}, operation_id="version_publish")
def version_publish(
    request: AuthenticatedRequest, ref: str, format: str = "pdf", language: str = "ru"
) -> Any:
    """The version as a document: a print-ready PDF (title page, introduction, structure by
    level with explanatory notes, alphabetical index, correspondence annexes, changes against
    the previous version), or the same content as DOCX for editing; in Russian or a language
    of the version."""
    version = selectors.version_resolve(ref=ref)
    document = publish(version=version, language=language, fmt=format)
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@router.get("/{ref}/export", response={200: None, **ERRORS}, operation_id="version_export")
def version_export(
    request: AuthenticatedRequest, ref: str, format: str = "csv", date: dt.date | None = None
) -> Any:
    """A whole version as CSV, XLSX or JSON (the import format: code, level, parent, name_xx)."""
    version = selectors.version_resolve(ref=ref, on=date)
    columns, rows = selectors.version_export_rows(version=version)
    return _file(
        render(rows, fmt=format, columns=columns, sheet=version.slug), format, version.slug
    )


@router.get(
    "/{ref}/tables", response={200: list[TableOut], **ERRORS}, operation_id="version_tables"
)
def version_tables(request: AuthenticatedRequest, ref: str, date: dt.date | None = None) -> Any:
    """Correspondence tables from or to a version."""
    version = selectors.version_resolve(ref=ref, on=date)
    return [
        {
            "slug": t.slug,
            "source": t.source.slug,
            "target": t.target.slug,
            "kind": t.kind,
            "method": t.method,
            "notes": t.notes,
            "route": t.route,
        }
        for t in selectors.table_list(version=version)
    ]

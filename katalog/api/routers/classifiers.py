"""Classification server endpoints, in the spirit of the Klass API.

`{ref}` names a classification (`isic`, then the version valid at `date` is used) or a version
(`isic4`). Every list answers JSON, or CSV with `?format=csv` or `Accept: text/csv`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from katalog.api.errors import Problem
from katalog.classifiers import selectors
from katalog.classifiers.files import FORMATS, render
from katalog.classifiers.models import Item, Version
from katalog.core.i18n import pick_text

router = Router(tags=["classifiers"])

ERRORS: dict[int, Any] = {404: Problem, 422: Problem}


# --- schemas -------------------------------------------------------------------------------


class VersionOut(Schema):
    slug: str
    classification: str
    name: str
    names: dict[str, str]
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    languages: list[str]


class ClassificationOut(Schema):
    slug: str
    family: str
    name: str
    names: dict[str, str]
    owner: str
    versions: list[VersionOut]


class CodeOut(Schema):
    version: str
    code: str
    level: str
    parent: str | None
    name: str
    names: dict[str, str]
    notes: dict[str, str] = {}


class CodeDetailOut(CodeOut):
    path: list[CodeOut]
    children: list[CodeOut]


class ChangeOut(Schema):
    kind: str
    source_codes: list[str]
    target_codes: list[str]
    source_title: str
    target_title: str


class ChangesOut(Schema):
    source: str
    target: str
    table: str | None
    counts: dict[str, int]
    changes: list[ChangeOut]


class HopOut(Schema):
    source: str
    target: str
    table: str
    reversed: bool
    kind: str = Field(description="official or derived")
    notes: str


class StepOut(Schema):
    table: str
    source: str
    target: str
    reversed: bool
    kind: str
    method: str


class MatchOut(CodeOut):
    is_official: bool
    paths: list[list[HopOut]]


class CorrespondenceOut(Schema):
    source: CodeOut
    target_version: str
    via_ancestor: str | None
    route: list[StepOut]
    matches: list[MatchOut]


class TableOut(Schema):
    slug: str
    source: str
    target: str
    kind: str
    method: str
    notes: dict[str, str]
    route: list[str]


class FindingOut(Schema):
    version: str | None
    table: str | None
    file: str
    line: int | None
    code: str
    item_code: str
    message: str
    action: str


class ManufacturerMatchOut(Schema):
    manufacturer: str
    name: str
    country: str | None
    version: str
    code: str
    is_primary: bool
    via: str


# --- helpers -------------------------------------------------------------------------------


def _lang(request: HttpRequest, language: str | None) -> str | None:
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


def _wants_csv(request: HttpRequest, fmt: str | None) -> bool:
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
def classification_list(request: HttpRequest, language: str | None = None) -> Any:
    """All classifications with their versions and validity dates."""
    lang = _lang(request, language)
    return [
        {
            "slug": c.slug,
            "family": c.family.slug,
            "name": pick_text(c.names, lang),
            "names": c.names,
            "owner": c.owner,
            "versions": [_version_out(v, lang) for v in c.versions.all()],
        }
        for c in selectors.classification_list()
    ]


@router.get(
    "/search", response={200: list[CodeOut], **ERRORS}, operation_id="classifier_item_search"
)
def item_search(
    request: HttpRequest,
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
def table_list(request: HttpRequest, version: str | None = None) -> Any:
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
    request: HttpRequest, slug: str, format: str = "csv", language: str | None = None
) -> Any:
    """A correspondence table as CSV, XLSX or JSON."""
    table = selectors.table_get(slug=slug)
    columns, rows = selectors.table_export_rows(table=table, language=_lang(request, language))
    return _file(render(rows, fmt=format, columns=columns, sheet=slug), format, slug)


@router.get("/findings", response=list[FindingOut], operation_id="finding_list")
def finding_list(request: HttpRequest) -> Any:
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
    request: HttpRequest,
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
def classification_get(request: HttpRequest, ref: str, language: str | None = None) -> Any:
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
        "versions": [_version_out(v, lang) for v in c.versions.all()],
    }


@router.get("/{ref}/codes", response={200: list[CodeOut], **ERRORS}, operation_id="items_at")
def items_at(
    request: HttpRequest,
    ref: str,
    date: dt.date | None = None,
    level: str | None = None,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """Codes valid at `date` (today by default), optionally of one level."""
    lang = _lang(request, language)
    version = selectors.version_resolve(ref=ref, on=date)
    items = selectors.items_at(version=version, on=date or selectors.today(), level=level)
    rows = [_code_out(i, lang, version.slug) for i in items]
    return _csv(rows, CODE_COLUMNS, version.slug) if _wants_csv(request, format) else rows


@router.get(
    "/{ref}/codes/{code}",
    response={200: CodeDetailOut, **ERRORS},
    operation_id="classifier_item_get",
)
def item_get(
    request: HttpRequest,
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
    request: HttpRequest,
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
    request: HttpRequest,
    ref: str,
    code: str,
    target: str,
    date: dt.date | None = None,
    language: str | None = None,
    format: str | None = None,
) -> Any:
    """What `code` corresponds to in `target`, directly or composed through several tables,
    with every path and whether each step is official or derived."""
    lang = _lang(request, language)
    source = selectors.version_resolve(ref=ref, on=date)
    result = selectors.correspond(
        item=selectors.item_get(version=source, code=code),
        target=selectors.version_resolve(ref=target, on=date),
    )
    matches = [
        {
            **_code_out(m.item, lang),
            "is_official": m.is_official,
            "paths": [
                [
                    {
                        "source": h.source.code,
                        "target": h.target.code,
                        "table": h.table.slug,
                        "reversed": h.reverse,
                        "kind": h.kind,
                        "notes": h.notes,
                    }
                    for h in p
                ]
                for p in m.paths
            ],
        }
        for m in result.matches
    ]
    if _wants_csv(request, format):
        columns = [*CODE_COLUMNS, "is_official"]
        return _csv(matches, columns, f"{source.slug}-{code}-{result.target.slug}")
    return {
        "source": _code_out(result.source, lang),
        "target_version": result.target.slug,
        "via_ancestor": result.via_ancestor.code if result.via_ancestor else None,
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


@router.get("/{ref}/export", response={200: None, **ERRORS}, operation_id="version_export")
def version_export(
    request: HttpRequest, ref: str, format: str = "csv", date: dt.date | None = None
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
def version_tables(request: HttpRequest, ref: str, date: dt.date | None = None) -> Any:
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

"""Pages of the classification server: classifications → versions → tree, code detail, search,
correspondences and changes between versions.

Views only call selectors; domain errors are shown on the page with their status.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from katalog.classifiers import selectors
from katalog.classifiers.choices import LinkBasis
from katalog.core.errors import KatalogError


def shows_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render domain errors as a page with the error's status instead of a traceback."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except KatalogError as exc:
            context = {"error": exc}
            return render(request, "web/classifiers/error.html", context, status=exc.status)

    return wrapper


def _versions() -> list[Any]:
    return list(selectors.version_list().order_by("slug"))


def index(request: HttpRequest) -> HttpResponse:
    context = {"classifications": selectors.classification_list(), "today": selectors.today()}
    return render(request, "web/classifiers/index.html", context)


@shows_errors
def version_detail(request: HttpRequest, version: str) -> HttpResponse:
    v = selectors.version_resolve(ref=version)
    context = {
        "version": v,
        "items": selectors.item_children(version=v),
        "tables": selectors.table_list(version=v),
        "findings": selectors.finding_list(version=v)[:50],
        "as_published": selectors.as_published_text(v, get_language()),
        "amendments": selectors.amendment_list(version=v),
        "publish_languages": selectors.publish_languages(version=v),
        "versions": _versions(),
    }
    return render(request, "web/classifiers/version.html", context)


@shows_errors
def code_detail(request: HttpRequest, version: str, code: str) -> HttpResponse:
    v = selectors.version_resolve(ref=version)
    item = selectors.item_get(version=v, code=code)
    context = {
        "version": v,
        "item": item,
        "path": selectors.item_path(item=item),
        "children": selectors.item_children(version=v, item=item),
        "versions": _versions(),
    }
    return render(request, "web/classifiers/code.html", context)


@shows_errors
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    slug = request.GET.get("version", "")
    version = selectors.version_resolve(ref=slug) if slug else None
    results = selectors.item_search(query=query, version=version)[:200] if query else []
    context = {"query": query, "selected": slug, "results": results, "versions": _versions()}
    return render(request, "web/classifiers/search.html", context)


@shows_errors
def correspond(request: HttpRequest) -> HttpResponse:
    source, code, target = (request.GET.get(k, "").strip() for k in ("version", "code", "target"))
    all_targets = request.GET.get("all") == "true"
    result, rows = None, []
    if source and code and target:
        item = selectors.item_get(version=selectors.version_resolve(ref=source), code=code)
        result = selectors.correspond(
            item=item, target=selectors.version_resolve(ref=target), all_targets=all_targets
        )
        rows = [_target_row(result, t) for t in result.matches]
    context = {
        "source": source,
        "code": code,
        "target": target,
        "all_targets": all_targets,
        "result": result,
        "rows": rows,
        "hidden": len(result.targets) - len(result.matches) if result else 0,
        "versions": _versions(),
    }
    return render(request, "web/classifiers/correspond.html", context)


def _target_row(result: Any, target: Any) -> dict[str, Any]:
    nodes = result.composition.nodes
    chain = [
        {
            "source": nodes[h.source].code,
            "target": nodes[h.target].code,
            "full": h.full,
            "where": h.table.slug if h.table is not None else LinkBasis(h.basis).label,
        }
        for h in target.best_trail.hops
    ]
    return {"target": target, "chain": chain, "percent": round(target.confidence * 100)}


@shows_errors
def changes(request: HttpRequest) -> HttpResponse:
    source, target = request.GET.get("from", ""), request.GET.get("to", "")
    result = None
    if source and target:
        result = selectors.changes_between(
            source=selectors.version_resolve(ref=source),
            target=selectors.version_resolve(ref=target),
        )
    context = {"source": source, "target": target, "result": result, "versions": _versions()}
    return render(request, "web/classifiers/changes.html", context)

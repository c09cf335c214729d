"""Pages of the register of normative documents: the search by number in any spelling, and
one document with the items citing it. Read-only; lists are keyset-paginated (`?after=`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from katalog.nomenclature import selectors
from katalog.nomenclature.models import NormativeDocument
from katalog.web import prefs
from katalog.web.errors import shows_refusals


def _document_context(request: HttpRequest, document: NormativeDocument) -> dict[str, Any]:
    return {
        "document": document,
        "warning": selectors.citation_warning(document),
        "citing": selectors.citing_items(
            document, reader=request.user, after=request.GET.get("after") or None
        ),
        "expert": prefs.is_expert(request),
    }


@shows_refusals
def document_list(request: HttpRequest) -> HttpResponse:
    """Documents whose number starts as typed (any script, any dash) or whose title has the
    word; the document with exactly that number is shown first with every item citing it."""
    q = request.GET.get("q", "").strip()
    found = selectors.document_by_number(q, reader=request.user) if q else None
    after = None if found else request.GET.get("after") or None
    page = selectors.document_list(reader=request.user, q=q, after=after)
    context: dict[str, Any] = {"q": q, "page": page, "found": found}
    if found is not None:
        context.update(_document_context(request, found))
        context["others"] = [d for d in page.rows if d.pk != found.pk]
    return render(request, "web/document_list.html", context)


@shows_refusals
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(document_id, reader=request.user)
    return render(request, "web/document_detail.html", _document_context(request, document))

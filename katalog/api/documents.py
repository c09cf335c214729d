"""Bodies of normative documents shared by the document endpoints and the item's body (the
documents its references cite): one shape of a document wherever the API shows one."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from katalog.core.i18n import pick_text
from katalog.nomenclature import selectors
from katalog.nomenclature.models import DocumentStatus, NormativeDocument


def _ref(document: NormativeDocument | None) -> dict[str, Any] | None:
    return {"id": document.pk, "number": document.number} if document else None


def document_summary(document: NormativeDocument, lang: str) -> dict[str, Any]:
    return {
        "id": document.pk,
        "number": document.number,
        "key": document.key,
        "kind": document.kind,
        "country": document.country_id,
        "title": pick_text(document.titles, lang),
        "status": document.status,
        "replaced_by": _ref(document.replaced_by),
        "version": document.row_version,
    }


def cited_documents_out(references: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The documents an item's references cite, for the item's body (`ItemOut.documents`)."""
    with translation.override(lang):
        return [_cited_out(c, lang) for c in selectors.cited_documents(references)]


def _cited_out(c: selectors.CitedDocument, lang: str) -> dict[str, Any]:
    return {
        "id": c.document.pk,
        "number": c.document.number,
        "cited_as": c.cited_as,
        "kind": c.document.kind,
        "title": pick_text(c.document.titles, lang),
        "status": c.document.status,
        "status_name": str(DocumentStatus(c.document.status).label),
        "replaced_by": _ref(c.document.replaced_by),
        "ended_on": c.document.ended_on.isoformat() if c.document.ended_on else None,
        "warning": selectors.citation_warning(c.document),
    }

"""Reads of the register of normative documents, and the link between documents and items.

An item cites a document through a reference of a standard category (RNCC 2 or 4) whose
number has the document's key: the reference's stored `ascii_key` is joined with the
document's `key`, so no column links them and a document registered later finds the items that
cited it before. The register is public like the numbers it holds; which citing items a reader
sees follows the release rules of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from katalog.catalog.models import Item, Reference
from katalog.catalog.visibility import item_visible_q, read_scope
from katalog.core.errors import NotFound
from katalog.core.paging import Page, keyset_page
from katalog.core.text import ascii_code_key, search_terms
from katalog.nomenclature.errors import NomenclatureErrorCode as E
from katalog.nomenclature.keys import document_key
from katalog.nomenclature.models import STANDARD_CATEGORIES, DocumentStatus, NormativeDocument


def query_keys(q: str) -> set[str]:
    """The keys a typed number may mean: the document key and the plain transliterated one."""
    return {k for k in (document_key(q), ascii_code_key(q)) if k}


def document_list(
    *,
    reader: Any,
    q: str = "",
    kind: str | None = None,
    country: str | None = None,
    status: str | None = None,
    after: str | None = None,
    limit: int | None = None,
) -> Page[NormativeDocument]:
    """Documents in key order; `q` is the start of a number in any spelling or a word of a
    title."""
    read_scope(reader)
    rows = NormativeDocument.objects.select_related("replaced_by", "country")
    text = (q or "").strip()
    if text:
        condition = Q()
        for key in query_keys(text):
            condition |= Q(key__startswith=key)
        for term in search_terms(text):
            condition |= Q(search_text__startswith=term) | Q(search_text__contains=" " + term)
        rows = rows.filter(condition)
    if kind:
        rows = rows.filter(kind=kind)
    if country:
        rows = rows.filter(country_id=country.upper())
    if status:
        rows = rows.filter(status=status)
    return keyset_page(rows, "key", after=after, limit=limit)


def document_get(document_id: int, *, reader: Any) -> NormativeDocument:
    read_scope(reader)
    found = (
        NormativeDocument.objects.select_related("replaced_by", "country")
        .filter(pk=document_id)
        .first()
    )
    if found is None:
        raise NotFound(
            _("No normative document %(id)s") % {"id": document_id}, code=E.DOCUMENT_NOT_FOUND
        )
    return found


def document_by_number(number: str, *, reader: Any) -> NormativeDocument | None:
    """The document whose number, however it is typed, is this one."""
    read_scope(reader)
    keys = query_keys(number)
    rows = NormativeDocument.objects.select_related("replaced_by", "country").filter(key__in=keys)
    return rows.order_by("key").first()


def _citing_references(document: NormativeDocument) -> Any:
    return Reference.objects.filter(ascii_key=document.key, category__in=STANDARD_CATEGORIES)


def citing_items(
    document: NormativeDocument,
    *,
    reader: Any,
    after: str | None = None,
    limit: int | None = None,
) -> Page[Item]:
    """Items citing the document, by identification number; restricted items only for readers
    who see them in full (their references are their data)."""
    scope = read_scope(reader)
    rows = (
        Item.objects.select_related("item_name", "bureau")
        .filter(pk__in=_citing_references(document).values("item_id"))
        .filter(item_visible_q(scope))
    )
    return keyset_page(rows, "niin", after=after, limit=limit)


@dataclass(frozen=True)
class CitedDocument:
    """A document an item cites, with the reference number that cites it."""

    document: NormativeDocument
    cited_as: str

    @property
    def ended(self) -> bool:
        return self.document.status != DocumentStatus.IN_FORCE


def cited_documents(references: list[dict[str, Any]]) -> list[CitedDocument]:
    """The registered documents among an item's references as its detail read shows them
    (what the reader may see of the item), in the order of the references; one query."""
    numbers = {
        ascii_code_key(r["number"]): r["number"]
        for r in references
        if r.get("category") in STANDARD_CATEGORIES
    }
    if not numbers:
        return []
    found = NormativeDocument.objects.select_related("replaced_by", "country").filter(
        key__in=numbers
    )
    by_key = {d.key: d for d in found}
    return [CitedDocument(by_key[k], numbers[k]) for k in numbers if k in by_key]


def citation_warning(document: NormativeDocument) -> str | None:
    """What a reader of an item citing the document is told when it is no longer in force."""
    if document.status == DocumentStatus.REPLACED and document.replaced_by is not None:
        return _("%(number)s has been replaced by %(replacement)s since %(date)s") % {
            "number": document.number,
            "replacement": document.replaced_by.number,
            "date": document.ended_on.isoformat() if document.ended_on else "—",
        }
    if document.status == DocumentStatus.CANCELLED:
        return _("%(number)s has been cancelled since %(date)s") % {
            "number": document.number,
            "date": document.ended_on.isoformat() if document.ended_on else "—",
        }
    return None

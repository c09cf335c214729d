"""Reads of codification requests, shared by the API, the pages and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import (
    CancellationProposal,
    CodificationRequest,
    RequestDocument,
    RequestLine,
    RequestState,
    RequestTransition,
)
from katalog.codification.workflow import allowed_transitions
from katalog.core.actors import is_system
from katalog.core.errors import NotFound
from katalog.core.paging import HISTORY_PAGE, Page, keyset_page
from katalog.screening.explain import result_shown

MAX_PAGE = 200


def reader_bureau_key(reader: Any) -> str | None:
    """The bureau whose requests a reader sees: their own (system actors see every bureau's,
    None); a person without a bureau sees none ("-")."""
    if is_system(reader):
        return None
    bureau = getattr(reader, "bureau", None)
    return bureau.key if bureau is not None else "-"


def request_get(request_id: int, *, reader: Any) -> CodificationRequest:
    """A request is read by the members of its bureau; others get 404, not a hint that it
    exists (superuser status changes nothing)."""
    request = CodificationRequest.objects.select_related("bureau").filter(pk=request_id).first()
    bureau = reader_bureau_key(reader)
    if request is None or (bureau is not None and request.bureau.key != bureau):
        raise NotFound(
            _("No codification request %(id)s") % {"id": request_id}, code=E.REQUEST_NOT_FOUND
        )
    return request


def request_line_get(request: CodificationRequest, position: int) -> RequestLine:
    line = (
        request.lines.select_related("request__bureau", "item_name")
        .filter(position=position)
        .first()
    )
    if line is None:
        raise NotFound(
            _("Request %(id)s has no line %(position)s") % {"id": request.pk, "position": position},
            code=E.REQUEST_LINE_NOT_FOUND,
        )
    return line


def request_list(
    *,
    reader: Any,
    state: str = "",
    priority: str = "",
    bureau: str = "",
    after: int | None = None,
    limit: int = 50,
) -> Page[CodificationRequest]:
    """Newest first, keyset-paginated on the id (`after` is the last id seen); only the
    requests of the reader's bureau."""
    bureau = reader_bureau_key(reader) or bureau
    limit = max(1, min(limit, MAX_PAGE))
    rows: QuerySet[CodificationRequest] = CodificationRequest.objects.select_related("bureau")
    if state:
        rows = rows.filter(state=state)
    if priority:
        rows = rows.filter(priority=priority)
    if bureau:
        rows = rows.filter(bureau__key=bureau)
    return keyset_page(rows, "-id", after=after, limit=limit)


def request_transitions(request: CodificationRequest) -> QuerySet[RequestTransition]:
    return request.transitions.select_related("actor").order_by("at", "id")


def line_detail(line: RequestLine) -> dict[str, Any]:
    """A line as the API and the request page read it: its screening told in the active
    language (stored as codes and parameters; see `katalog.screening.explain`)."""
    return {
        "position": line.position,
        "item_name": line.item_name.code,
        "supply_class": line.supply_class,
        "name_text": line.name_text,
        "references": line.references,
        "characteristics": line.characteristics,
        "locale": line.locale,
        "verdict": line.verdict or None,
        "screening": result_shown(line.screening),
        "decision": line.decision or None,
        "decision_item": line.decision_item.catalogue_number if line.decision_item else None,
        "reject_reason": line.reject_reason or None,
        "justification": line.justification or None,
        "note": line.note,
        "result_item": line.result_item.catalogue_number if line.result_item else None,
        "row_version": line.row_version,
    }


def request_summary(request: CodificationRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "bureau": request.bureau.key,
        "title": request.title,
        "state": request.state,
        "priority": request.priority,
        "due_date": request.due_date.isoformat() if request.due_date else None,
        "row_version": request.row_version,
    }


def request_detail(request: CodificationRequest) -> dict[str, Any]:
    """The request with its lines and history, as the API returns it."""
    lines = request.lines.select_related("item_name", "decision_item", "result_item").order_by(
        "position"
    )
    return {
        **request_summary(request),
        "project_code": request.project_code,
        "contract_number": request.contract_number,
        "manufacturer": request.manufacturer.code if request.manufacturer else None,
        "main_contractor": request.main_contractor.code if request.main_contractor else None,
        "author": request.author.username if request.author else None,
        "decided_by": request.decided_by.username if request.decided_by else None,
        "approved_by": request.approved_by.username if request.approved_by else None,
        "allowed_transitions": allowed_transitions(request.state),
        "lines": [line_detail(line) for line in lines],
        "documents": [
            document_summary(d) for d in request.documents.select_related("line").order_by("id")
        ],
        "transitions": [
            {
                "name": t.name,
                "from_state": t.from_state or None,
                "to_state": t.to_state,
                "actor": t.actor.username if t.actor else None,
                "at": t.at.isoformat(),
                "reason": t.reason,
            }
            for t in request_transitions(request)
        ],
    }


def request_history(
    request: CodificationRequest,
    *,
    reader: Any,
    after: int | None = None,
    limit: int = HISTORY_PAGE,
) -> Page[dict[str, Any]]:
    """The request's audit entries, oldest first, for the readers who may see the request."""
    from katalog.audit.selectors import object_history
    from katalog.catalog.visibility import history_entry, read_scope

    visible = request_get(request.pk, reader=reader)
    rows = object_history("request", str(visible.pk))
    scope = read_scope(reader)
    return keyset_page(rows, "seq", after=after, limit=limit).map(lambda e: history_entry(e, scope))


OPEN_STATES = (
    RequestState.DRAFT,
    RequestState.SUBMITTED,
    RequestState.SCREENED,
    RequestState.DECIDED,
    RequestState.APPROVED,
)


@dataclass(frozen=True)
class QueueStage:
    """The open requests of one stage of the workflow, and how many are past their due date."""

    state: str
    label: str
    count: int
    overdue: int


def request_queue(*, reader: Any, today: dt.date | None = None) -> list[QueueStage]:
    """The reader's bureau's open requests by stage, in workflow order (one `GROUP BY`); a
    request is overdue once the due date its priority gave it at submission has passed."""
    today = today or timezone.localdate()
    bureau = reader_bureau_key(reader)
    rows = CodificationRequest.objects.filter(state__in=OPEN_STATES)
    if bureau is not None:
        rows = rows.filter(bureau__key=bureau)
    counts = {
        state: (total, late)
        for state, total, late in rows.order_by()
        .values_list("state")
        .annotate(total=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
        .order_by()
    }
    return [
        QueueStage(state, str(RequestState(state).label), *counts.get(state, (0, 0)))
        for state in OPEN_STATES
    ]


def document_summary(document: RequestDocument) -> dict[str, Any]:
    """A document of a request as the API lists it, with the address it is read from."""
    return {
        "id": document.pk,
        "title": document.title,
        "line": document.line.position if document.line else None,
        "uploaded_at": document.uploaded_at.isoformat(),
        "url": f"/api/v1/requests/{document.request_id}/documents/{document.pk}",
    }


def request_document_get(request: CodificationRequest, document_id: int) -> RequestDocument:
    """A document of a request the reader was allowed to see (`request_get` decided that)."""
    document = request.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(
            _("Request %(request)d has no document %(document)d")
            % {"request": request.pk, "document": document_id},
            code=E.DOCUMENT_NOT_FOUND,
        )
    return document


def _cancellation_proposals_seen(reader: Any) -> QuerySet[CancellationProposal]:
    """The proposals the reader sees: those to cancel their bureau's items (it decides them)
    and those their bureau made (system actors see all)."""
    rows = CancellationProposal.objects.select_related(
        "item", "kept", "item__bureau", "proposing_bureau", "proposed_by", "decided_by"
    )
    bureau = reader_bureau_key(reader)
    if bureau is not None:
        rows = rows.filter(Q(item__bureau__key=bureau) | Q(proposing_bureau__key=bureau))
    return rows


def cancellation_proposals(
    *, reader: Any, state: str = "", after: int | None = None, limit: int = 50
) -> Page[CancellationProposal]:
    """Newest first, keyset-paginated on the id: the proposals to cancel the reader's bureau's
    items (it decides them) and those its bureau made (system actors see all)."""
    rows = _cancellation_proposals_seen(reader)
    if state:
        rows = rows.filter(state=state)
    return keyset_page(rows, "-id", after=after, limit=max(1, min(limit, MAX_PAGE)))


def cancellation_proposal_get(proposal_id: int, *, reader: Any) -> CancellationProposal:
    """One proposal, to the bureau that decides it or made it; others get 404."""
    proposal = _cancellation_proposals_seen(reader).filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(
            _("No cancellation proposal %(id)s") % {"id": proposal_id}, code=E.PROPOSAL_NOT_FOUND
        )
    return proposal

"""Proposals to cancel an item as a duplicate of another: anyone who catalogues proposes, an
approver of the item's assigning bureau who did not propose it approves (the item is cancelled
then) or rejects, saying why."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from katalog.api.auth import AuthenticatedRequest, api_auth
from katalog.api.pagination import after_key, page_body
from katalog.api.schemas import PAGINATED, READ_PROBLEMS, WRITE_PROBLEMS, responses
from katalog.api.schemas.cancellations import (
    CancellationDecisionIn,
    CancellationProposalIn,
    CancellationProposalOut,
    CancellationProposalPage,
)
from katalog.catalog.selectors import item_for_field
from katalog.codification import selectors, services
from katalog.codification.models import CancellationProposal, ProposalState

router = Router(tags=["codification"])


def proposal_body(proposal: CancellationProposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "item": proposal.item.catalogue_number,
        "kept": proposal.kept.catalogue_number,
        "item_bureau": proposal.item.bureau.key,
        "proposing_bureau": proposal.proposing_bureau.key,
        "proposed_by": proposal.proposed_by.username,
        "note": proposal.note,
        "source": proposal.source,
        "state": proposal.state,
        "state_name": str(ProposalState(proposal.state).label),
        "decided_by": proposal.decided_by.username if proposal.decided_by else None,
        "decided_at": proposal.decided_at,
        "decision_note": proposal.decision_note,
        "created_at": proposal.created_at,
    }


@router.get(
    "",
    auth=api_auth,
    response=responses({200: CancellationProposalPage}, READ_PROBLEMS),
    operation_id="cancellation_proposal_list",
    openapi_extra=PAGINATED,
    summary="Proposals your bureau decides or made, newest first (filter: state)",
)
def proposal_list(
    request: AuthenticatedRequest,
    response: HttpResponse,
    state: ProposalState | None = None,
    after: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=selectors.MAX_PAGE),
) -> Any:
    page = selectors.cancellation_proposals(
        reader=request.auth, state=state or "", after=after_key(after, kinds=(int,)), limit=limit
    )
    return page_body(request, response, page.map(proposal_body))


@router.post(
    "",
    auth=api_auth,
    response=responses({201: CancellationProposalOut}, WRITE_PROBLEMS),
    operation_id="cancellation_propose",
    summary="Propose cancelling an item as a duplicate of another",
)
def propose(request: AuthenticatedRequest, payload: CancellationProposalIn) -> Any:
    proposal = services.cancellation_propose(
        actor=request.auth,
        item=item_for_field(payload.item, "item", reader=request.auth),
        kept=item_for_field(payload.kept, "kept", reader=request.auth),
        note=payload.note,
    )
    return Status(201, proposal_body(proposal))


@router.get(
    "/{int:proposal_id}",
    auth=api_auth,
    response=responses({200: CancellationProposalOut}, READ_PROBLEMS),
    operation_id="cancellation_proposal_get",
    summary="One proposal",
)
def proposal_get(request: AuthenticatedRequest, proposal_id: int) -> Any:
    return proposal_body(selectors.cancellation_proposal_get(proposal_id, reader=request.auth))


@router.post(
    "/{int:proposal_id}/approve",
    auth=api_auth,
    response=responses({200: CancellationProposalOut}, WRITE_PROBLEMS),
    operation_id="cancellation_approve",
    summary="Approve: the item is cancelled as a duplicate of the kept one (four eyes)",
)
def approve(
    request: AuthenticatedRequest, proposal_id: int, payload: CancellationDecisionIn
) -> Any:
    proposal = selectors.cancellation_proposal_get(proposal_id, reader=request.auth)
    decided = services.cancellation_approve(
        actor=request.auth, proposal=proposal, note=payload.reason
    )
    return proposal_body(decided)


@router.post(
    "/{int:proposal_id}/reject",
    auth=api_auth,
    response=responses({200: CancellationProposalOut}, WRITE_PROBLEMS),
    operation_id="cancellation_reject",
    summary="Reject, saying why: the item stays as it is",
)
def reject(request: AuthenticatedRequest, proposal_id: int, payload: CancellationDecisionIn) -> Any:
    proposal = selectors.cancellation_proposal_get(proposal_id, reader=request.auth)
    decided = services.cancellation_reject(
        actor=request.auth, proposal=proposal, reason=payload.reason
    )
    return proposal_body(decided)

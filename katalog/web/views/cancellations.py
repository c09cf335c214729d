"""Proposals to cancel an item as a duplicate, over `katalog.codification`: those the reader's
bureau decides (approve or reject, four eyes) and those it made, newest first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from katalog.codification import services
from katalog.codification.models import CancellationProposal, ProposalState
from katalog.codification.selectors import cancellation_proposal_get, cancellation_proposals
from katalog.web.errors import shows_refusals
from katalog.web.requests import SignedInRequest


def _decides(request: SignedInRequest, proposal: CancellationProposal) -> bool:
    """Whether the page offers the reader the decision (the services check it again): an
    approver who may decide it and did not propose it (four eyes)."""
    return proposal.proposed_by_id != request.user.pk and services.may_decide_cancellation(
        request.user, proposal
    )


@login_required
@shows_refusals
def cancellation_list(request: SignedInRequest) -> HttpResponse:
    after = request.GET.get("after", "")
    state = request.GET.get("state", ProposalState.OPEN)
    state = state if state in ProposalState.values or state == "" else ProposalState.OPEN
    page = cancellation_proposals(
        reader=request.user, state=state, after=int(after) if after.isdigit() else None
    )
    context = {
        "page": page,
        "proposals": [(p, _decides(request, p)) for p in page.rows],
        "state": state,
        "states": ProposalState.choices,
    }
    return render(request, "web/cancellation_list.html", context)


@login_required
@require_POST
@shows_refusals
def cancellation_decide(request: SignedInRequest, proposal_id: int) -> HttpResponse:
    proposal = cancellation_proposal_get(proposal_id, reader=request.user)
    if request.POST.get("decision") == "approve":
        decided = services.cancellation_approve(
            actor=request.user, proposal=proposal, note=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _("%(item)s is cancelled as a duplicate of %(kept)s.")
            % {"item": decided.item.catalogue_number, "kept": decided.kept.catalogue_number},
        )
    else:
        services.cancellation_reject(
            actor=request.user, proposal=proposal, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The proposal is rejected; the item stays as it is."))
    return redirect("web:cancellations")

"""Proposals to cancel an item as a duplicate of another. Whoever catalogues may propose it (the
centre from its nomenclature-reduction report, a nation that uses both items); only an approver
of the cancelled item's assigning bureau decides it, and never the person who proposed it (four
eyes). Approval is the catalogue's own cancel-as-duplicate, with its checks and its move of the
references and users to the kept item."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.rights import Permission
from katalog.audit.services import audit_record
from katalog.catalog import services as catalog
from katalog.catalog.models import Item
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import CancellationProposal, ProposalState
from katalog.codification.services.checks import NOTE_MAX, REASON_MAX, limited
from katalog.codification.services.rights import acting_bureau
from katalog.core.actors import Actor, person_of
from katalog.core.errors import AuthenticationRequired, Conflict, PermissionDenied, RuleViolation

PROPOSAL = "cancellation_proposal"
PROPOSED = "cancellation_proposed"
APPROVED = "cancellation_approved"
REJECTED = "cancellation_rejected"
SOURCE_MAX = 120


@transaction.atomic
def cancellation_propose(
    *, actor: Actor, item: Item, kept: Item, note: str = "", source: str = ""
) -> CancellationProposal:
    """Propose cancelling `item` as a duplicate of `kept`; one open proposal per item."""
    bureau = acting_bureau(actor)
    person = person_of(actor)
    if person is None:  # a bureau's member only: system actors have no bureau to act for
        raise PermissionDenied(
            _("Only a person may propose a cancellation"), code=E.NOT_SAME_BUREAU
        )
    # As stored now, not as the caller last read them.
    item, kept = Item.objects.get(pk=item.pk), Item.objects.get(pk=kept.pk)
    catalog.check_cancellable(item)
    catalog.check_replacement(item, kept)
    if CancellationProposal.objects.filter(item=item, state=ProposalState.OPEN).exists():
        raise Conflict(
            _("A proposal to cancel %(item)s is already open") % {"item": item.catalogue_number},
            code=E.PROPOSAL_OPEN,
        )
    proposal = CancellationProposal.objects.create(
        item=item,
        kept=kept,
        proposing_bureau=bureau,
        proposed_by=person,
        note=limited("note", note, NOTE_MAX),
        source=limited("source", source, SOURCE_MAX),
    )
    _record(actor, proposal, PROPOSED, note)
    return proposal


@transaction.atomic
def cancellation_approve(
    *, actor: Actor, proposal: CancellationProposal, note: str = ""
) -> CancellationProposal:
    """Cancel the item as a duplicate of the kept one, as proposed."""
    proposal = _open_for_decision(actor, proposal)
    if getattr(person_of(actor), "pk", None) == proposal.proposed_by_id:
        raise PermissionDenied(_("Who proposed a cancellation cannot approve it"), code=E.FOUR_EYES)
    catalog.item_cancel_duplicate(actor=actor, item=proposal.item, kept=proposal.kept)
    return _decide(actor, proposal, ProposalState.APPROVED, note)


@transaction.atomic
def cancellation_reject(
    *, actor: Actor, proposal: CancellationProposal, reason: str
) -> CancellationProposal:
    """Keep the item; the reason is required and shown to the proposer."""
    proposal = _open_for_decision(actor, proposal)
    reason = limited("reason", (reason or "").strip(), REASON_MAX)
    if not reason:
        raise RuleViolation(_("Say why the proposal is rejected"), code=E.REASON_REQUIRED)
    return _decide(actor, proposal, ProposalState.REJECTED, reason)


def may_decide_cancellation(actor: Actor, proposal: CancellationProposal) -> bool:
    """Whether the proposal is still open and the actor an approver of the bureau that assigned
    the item, so that the pages offer the decision only then (the services check it again)."""
    try:
        _require_decider(actor, proposal)
    except (Conflict, PermissionDenied, AuthenticationRequired):
        return False
    return True


def _require_decider(actor: Actor, proposal: CancellationProposal) -> None:
    """Refuse unless the proposal is still open and the actor an approver of the bureau that
    assigned the item."""
    if proposal.state != ProposalState.OPEN:
        raise Conflict(_("This proposal is already decided"), code=E.PROPOSAL_CLOSED)
    bureau = acting_bureau(actor, Permission.APPROVE)
    if bureau.pk != proposal.item.bureau_id:
        raise PermissionDenied(
            _("Only approvers of bureau %(bureau)s decide on cancelling its items")
            % {"bureau": proposal.item.bureau.key},
            code=E.NOT_SAME_BUREAU,
        )


def _open_for_decision(actor: Actor, proposal: CancellationProposal) -> CancellationProposal:
    """The proposal under a row lock, still open, and the actor an approver of the bureau that
    assigned the item."""
    proposal = (
        CancellationProposal.objects.select_for_update()
        .select_related("item__bureau", "kept")
        .get(pk=proposal.pk)
    )
    _require_decider(actor, proposal)
    return proposal


def _decide(
    actor: Actor, proposal: CancellationProposal, state: str, note: str
) -> CancellationProposal:
    proposal.state = state
    proposal.decided_by = person_of(actor)
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.row_version += 1
    proposal.save()
    _record(actor, proposal, APPROVED if state == ProposalState.APPROVED else REJECTED, note)
    return proposal


def _record(actor: Actor, proposal: CancellationProposal, action: str, reason: str) -> None:
    # The proposal's own entry: the item's change, if any, is the cancellation's entry, so that
    # the exchange carries only what the assigning bureau itself did to its item.
    audit_record(
        actor=actor,
        action=action,
        object_type=PROPOSAL,
        object_key=str(proposal.pk),
        changes={
            "item": proposal.item.catalogue_number,
            "kept": proposal.kept.catalogue_number,
            "state": proposal.state,
            "source": proposal.source,
        },
        reason=reason,
    )

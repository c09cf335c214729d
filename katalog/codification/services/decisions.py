"""Screening and decisions: every line of a submitted request is screened for duplicates, then
decided one by one (register the bureau as user of an existing item, assign a new number, or
reject), and the decisions are closed for the request as a whole.

A decision against a screening verdict ('duplicate', 'review') needs a justification code, and is
recorded with the screening too. Nothing reaches the catalogue before `services.publish`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from katalog.catalog.models import CANCELLED_STATUSES, Item, Registration
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import (
    CodificationRequest,
    LineDecision,
    LineRejectReason,
    RequestLine,
    RequestState,
)
from katalog.codification.services.checks import NOTE_MAX, limited
from katalog.codification.services.lines import line_audit, line_lock
from katalog.codification.services.requests import bump, touch_request
from katalog.codification.services.rights import require_same_bureau
from katalog.codification.services.transitions import begin, finish
from katalog.core.actors import Actor, person_of
from katalog.core.errors import Conflict, FieldError, RuleViolation, ValidationFailed


def screening_input(line: RequestLine) -> Any:
    from katalog.screening.services import ReferenceInput, ScreeningInput

    return ScreeningInput(
        references=tuple(
            ReferenceInput(number=r["number"], manufacturer_code=r.get("manufacturer_code", ""))
            for r in line.references
        ),
        item_name_code=line.item_name.code,
        supply_class=line.supply_class,
        characteristics=dict(line.characteristics),
        locale=line.locale,
        preferred=True,
    )


@transaction.atomic
def request_screen(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Screen every line for duplicates and keep each result and verdict on its line."""
    from katalog.screening.services import screen

    request, target = begin(actor, request, "screen", expected_version)
    verdicts = {}
    for line in request.lines.select_related("item_name").order_by("position"):
        result = screen(screening_input(line), reader=actor)
        line.screening = result.to_record()  # codes and parameters: read in any language
        line.verdict = result.verdict
        bump(line, "screening", "verdict")
        verdicts[line.position] = result.verdict
    return finish(actor, request, "screen", target, reason=reason, data={"verdicts": verdicts})


def best_candidate_id(line: RequestLine) -> int | None:
    candidates = (line.screening or {}).get("candidates") or []
    return candidates[0].get("item_id") if candidates else None


def check_decision(
    line: RequestLine, decision: str, item: Item | None, reject_reason: str, justification: str
) -> None:
    if decision not in LineDecision.values:
        raise ValidationFailed(
            _("Unknown decision %(decision)r") % {"decision": decision},
            code=E.UNKNOWN_DECISION,
            errors=[FieldError("decision", E.UNKNOWN_DECISION, ", ".join(LineDecision.values))],
        )
    if decision == LineDecision.REGISTER:
        check_registration(line, item)
    if decision == LineDecision.REJECT and reject_reason not in LineRejectReason.values:
        raise ValidationFailed(
            _("Give a reason code for the rejection"),
            code=E.REJECT_REASON_REQUIRED,
            errors=[
                FieldError(
                    "reject_reason", E.REJECT_REASON_REQUIRED, ", ".join(LineRejectReason.values)
                )
            ],
        )
    if decision == LineDecision.ASSIGN and line.verdict == "duplicate" and not justification:
        raise RuleViolation(
            _("Screening found a duplicate: a new number needs a justification"),
            code=E.OVERRIDE_JUSTIFICATION_REQUIRED,
        )
    if decision != LineDecision.REJECT and line.verdict == "review" and not justification:
        raise RuleViolation(
            _("Screening asks for a review: give the justification of the decision"),
            code=E.JUSTIFICATION_REQUIRED,
        )


def check_registration(line: RequestLine, item: Item | None) -> None:
    """A registration names a live item the bureau is not yet registered on."""
    if item is None:
        raise ValidationFailed(
            _("Name the item to register as user of"),
            code=E.ITEM_REQUIRED,
            errors=[FieldError("item", E.ITEM_REQUIRED, _("required"))],
        )
    if item.status in CANCELLED_STATUSES:
        raise RuleViolation(
            _("%(item)s is cancelled; register on its replacement")
            % {"item": item.catalogue_number},
            code=E.ITEM_CANCELLED,
        )
    # Caught here, not at publish: a decision whose effect is already true would make the
    # whole request unpublishable.
    if Registration.objects.filter(
        item=item, bureau_id=line.request.bureau_id, effective_to__isnull=True
    ).exists():
        raise Conflict(
            _("Your nation is already registered as user of %(item)s: nothing to register")
            % {"item": item.catalogue_number},
            code=E.ALREADY_REGISTERED,
            errors=[FieldError("item", E.ALREADY_REGISTERED, _("already registered"))],
        )


def record_screening_decision(actor: Actor, line: RequestLine, item: Item | None) -> None:
    """A decision against a 'review' or 'duplicate' verdict is recorded with the screening."""
    if (
        line.verdict not in ("review", "duplicate")
        or line.decision == LineDecision.REJECT
        or not line.justification
    ):
        return
    from katalog.screening.services import screening_decision_record

    if line.decision == LineDecision.REGISTER:
        subject, decision = item, "duplicate"
    else:
        candidate = best_candidate_id(line)
        subject = Item.objects.filter(pk=candidate).first() if candidate is not None else None
        decision = "not_duplicate"
    if subject is None:
        return
    screening_decision_record(
        actor=actor,
        item=subject,
        verdict=line.verdict,
        decision=decision,
        justification=line.justification,
        note=line.note,
        subject=f"request {line.request_id} line {line.position}",
    )


@transaction.atomic
def request_line_decide(
    *,
    actor: Actor,
    line: RequestLine,
    decision: str,
    item: Item | None = None,
    reject_reason: str = "",
    justification: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> RequestLine:
    """Decide one screened line: register the bureau as user of `item`, assign a new number,
    or reject with a reason code. Overriding a 'duplicate' verdict, or deciding on a 'review'
    verdict, needs a justification code (ScreeningJustification), recorded with the screening."""
    require_same_bureau(actor, line.request)
    line = line_lock(line, expected_version)
    if line.request.state != RequestState.SCREENED:
        raise Conflict(
            _("Lines are decided only while the request is screened"),
            code=E.ILLEGAL_TRANSITION,
            data={"state": line.request.state, "transition": "decide_line"},
        )
    note = limited("note", note or "", NOTE_MAX)
    check_decision(line, decision, item, reject_reason, justification)
    line.decision = decision
    line.decision_item = item if decision == LineDecision.REGISTER else None
    line.reject_reason = reject_reason if decision == LineDecision.REJECT else ""
    line.justification = justification
    line.note = note
    line.decided_by = person_of(actor)
    bump(line, "decision", "decision_item", "reject_reason", "justification", "note", "decided_by")
    touch_request(line.request)
    record_screening_decision(actor, line, item)
    line_audit(
        actor,
        line,
        "request_line_decided",
        decision=decision,
        item=item.catalogue_number if item else None,
        justification=justification,
    )
    return line


@transaction.atomic
def request_decide(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Close the decisions: every line must have one. The decider cannot approve them."""
    request, target = begin(actor, request, "decide", expected_version)
    undecided = list(request.lines.filter(decision="").values_list("position", flat=True))
    if undecided:
        raise RuleViolation(
            _("Lines %(lines)s have no decision") % {"lines": ", ".join(map(str, undecided))},
            code=E.LINES_UNDECIDED,
            data={"lines": undecided},
        )
    return finish(actor, request, "decide", target, reason=reason, decided_by=actor)

"""The workflow steps by name, as the front ends ask for them: which steps a person may take
on a request now (so that the pages and the API offer none that can only be refused), which need
a reason, and one entry that takes a step by its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from katalog.accounts.rights import Permission
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import CodificationRequest, RequestState
from katalog.codification.services.decisions import request_decide, request_screen
from katalog.codification.services.publish import request_publish
from katalog.codification.services.rights import require_four_eyes, require_same_bureau
from katalog.codification.services.transitions import (
    request_approve,
    request_reject,
    request_reopen,
    request_return,
    request_submit,
)
from katalog.codification.workflow import allowed_transitions
from katalog.core.actors import Actor
from katalog.core.errors import FieldError, PermissionDenied, ValidationFailed

TRANSITION_SERVICES: dict[str, Callable[..., CodificationRequest]] = {
    "submit": request_submit,
    "screen": request_screen,
    "decide": request_decide,
    "return": request_return,
    "approve": request_approve,
    "publish": request_publish,
    "reopen": request_reopen,
    "reject": request_reject,
}
# The steps that need a reason said by the person taking them.
STEPS_NEEDING_A_REASON = frozenset({"return", "reopen", "reject"})
STEP_PERMISSION = {"approve": Permission.APPROVE}


def request_steps_for(actor: Actor, request: CodificationRequest) -> list[str]:
    """The steps this person may take on the request now: the workflow's steps from its state,
    less those their bureau, role or the four-eyes rule would refuse (so none is offered that
    can only be refused)."""
    steps = []
    for name in allowed_transitions(request.state):
        try:
            require_same_bureau(
                actor, request, permission=STEP_PERMISSION.get(name, Permission.CATALOGUE)
            )
            if name == "approve":
                require_four_eyes(actor, request)
        except PermissionDenied:
            continue
        steps.append(name)
    return steps


@dataclass(frozen=True)
class RequestOffer:
    """What a person may do on a request now, so that a page offers only that."""

    steps: list[str]
    may_change_lines: bool
    may_decide_lines: bool


def request_offer(actor: Actor, request: CodificationRequest) -> RequestOffer:
    """The steps the person may take, and whether they may add or change lines (the draft's,
    by those who may hand it in) or decide them (the screened request's, by those who may close
    its decisions): the rules `request_line_add` and `request_line_decide` apply."""
    steps = request_steps_for(actor, request)
    return RequestOffer(
        steps=steps,
        may_change_lines=request.state == RequestState.DRAFT and "submit" in steps,
        may_decide_lines=request.state == RequestState.SCREENED and "decide" in steps,
    )


def request_transition(
    *,
    actor: Actor,
    request: CodificationRequest,
    name: str,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Move a request on by the transition's name (both front ends ask here)."""
    service = TRANSITION_SERVICES.get(name)
    if service is None:
        raise ValidationFailed(
            _("Unknown step %(name)r") % {"name": name},
            code=E.UNKNOWN_TRANSITION,
            errors=[FieldError("transition", E.UNKNOWN_TRANSITION, ", ".join(TRANSITION_SERVICES))],
        )
    return service(actor=actor, request=request, expected_version=expected_version, reason=reason)

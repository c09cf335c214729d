"""The workflow steps of a request as a whole (katalog.codification.workflow holds their table):
handing in, returning, reopening, approving and rejecting, and what every step shares.

Every step takes the acting person and the `expected_version` they read (None skips the check),
is refused with a stable code when illegal (ILLEGAL_TRANSITION from the table), and is recorded
in `RequestTransition` and in the audit log. Screening and the decisions are in
`services.decisions`, publication in `services.publish`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.rights import Permission
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import CodificationRequest, RequestPriority
from katalog.codification.services.checks import REASON_MAX, limited
from katalog.codification.services.requests import bump, record_transition, request_lock
from katalog.codification.services.rights import require_four_eyes, require_same_bureau
from katalog.codification.workflow import transition_target
from katalog.core.actors import Actor
from katalog.core.errors import FieldError, RuleViolation, ValidationFailed

DEFAULT_DUE_DAYS = {"routine": 30, "accelerated": 10, "emergency": 2}


def begin(
    actor: Actor,
    request: CodificationRequest,
    name: str,
    expected_version: int | None,
    *,
    permission: Permission = Permission.CATALOGUE,
) -> tuple[CodificationRequest, str]:
    """Lock the request and check bureau, version and state; returns it and its target state."""
    require_same_bureau(actor, request, permission=permission)
    request = request_lock(request, expected_version)
    return request, transition_target(name, request.state)


def finish(
    actor: Actor,
    request: CodificationRequest,
    name: str,
    target: str,
    *,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **changes: Any,
) -> CodificationRequest:
    """Move the request to `target` with the other `changes`, and record the step."""
    reason = limited("reason", reason or "", REASON_MAX)
    from_state = request.state
    request.state = target
    for field, value in changes.items():
        setattr(request, field, value)
    bump(request, "state", *changes)
    record_transition(
        actor=actor, request=request, name=name, from_state=from_state, reason=reason, data=data
    )
    return request


def require_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why"),
            code=E.REASON_REQUIRED,
            errors=[FieldError("reason", E.REASON_REQUIRED, _("required"))],
        )
    return limited("reason", reason.strip(), REASON_MAX)


def due_date_for(priority: str, start: dt.date) -> dt.date:
    days = getattr(settings, "CODIFICATION_DUE_DAYS", DEFAULT_DUE_DAYS)
    return start + dt.timedelta(
        days=int(days.get(priority, DEFAULT_DUE_DAYS[RequestPriority.ROUTINE]))
    )


@transaction.atomic
def request_submit(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Hand a draft in; its due date follows from the priority."""
    request, target = begin(actor, request, "submit", expected_version)
    if not request.lines.exists():
        raise RuleViolation(_("A request needs at least one line"), code=E.NO_LINES)
    due = due_date_for(request.priority, timezone.localdate())
    return finish(actor, request, "submit", target, reason=reason, due_date=due)


@transaction.atomic
def request_return(
    *, actor: Actor, request: CodificationRequest, reason: str, expected_version: int | None = None
) -> CodificationRequest:
    """Send decisions back for another look (the reason is required)."""
    reason = require_reason(reason)
    request, target = begin(actor, request, "return", expected_version)
    return finish(actor, request, "return", target, reason=reason, decided_by=None)


@transaction.atomic
def request_reopen(
    *, actor: Actor, request: CodificationRequest, reason: str, expected_version: int | None = None
) -> CodificationRequest:
    """Return an approved request to decision (the reason is required and kept in its history):
    the way out when publishing it fails, or when a decision must change before it is published.
    The lines keep their decisions to be changed one by one; closing the decisions and the
    approval start again, so four eyes check what is finally published."""
    reason = require_reason(reason)
    request, target = begin(actor, request, "reopen", expected_version)
    return finish(
        actor, request, "reopen", target, reason=reason, decided_by=None, approved_by=None
    )


@transaction.atomic
def request_approve(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Four eyes: an approver of the same bureau who neither wrote the request, nor closed its
    decisions, nor decided any of its lines."""
    request, target = begin(
        actor, request, "approve", expected_version, permission=Permission.APPROVE
    )
    require_four_eyes(actor, request)
    return finish(actor, request, "approve", target, reason=reason, approved_by=actor)


@transaction.atomic
def request_reject(
    *, actor: Actor, request: CodificationRequest, reason: str, expected_version: int | None = None
) -> CodificationRequest:
    """Refuse the whole request (the reason is required); nothing reaches the catalogue."""
    reason = require_reason(reason)
    request, target = begin(actor, request, "reject", expected_version)
    return finish(actor, request, "reject", target, reason=reason)

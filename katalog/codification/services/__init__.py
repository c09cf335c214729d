"""All writes to codification requests, by concern: the request and its documents (`requests`),
its lines (`lines`), screening and decisions (`decisions`), the other workflow steps
(`transitions`), publication into the catalogue (`publish`), and the steps by name as the front
ends ask for them (`steps`); who may act (`rights`) and the text limits (`checks`) underlie them.

Every step takes the acting person and the `expected_version` they read (None skips the check),
is refused with a stable code when illegal, and is recorded in `RequestTransition` and in the
audit log. Requests belong to the bureau that processes them; only its cataloguers act on them,
and approval needs an approver of that bureau who neither wrote the request nor decided any of
its lines (four eyes). Superuser status changes none of this.

Callers use the names below (`services.request_create(...)`)."""

from katalog.codification.services.cancellations import (
    cancellation_approve,
    cancellation_propose,
    cancellation_reject,
    may_decide_cancellation,
)
from katalog.codification.services.checks import (
    CONTRACT_NUMBER_MAX,
    DOCUMENT_TITLE_MAX,
    LOCALE_MAX,
    NAME_TEXT_MAX,
    NOTE_MAX,
    PROJECT_CODE_MAX,
    REASON_MAX,
    REPLY_MAX,
    TITLE_MAX,
)
from katalog.codification.services.decisions import (
    request_decide,
    request_line_decide,
    request_screen,
    screening_input,
)
from katalog.codification.services.lines import request_line_add, request_line_update
from katalog.codification.services.publish import OVERRIDE_REFERENCE_JUSTIFICATION, request_publish
from katalog.codification.services.requests import request_create, request_document_add
from katalog.codification.services.rights import may_open_request
from katalog.codification.services.steps import (
    STEPS_NEEDING_A_REASON,
    TRANSITION_SERVICES,
    RequestOffer,
    request_offer,
    request_steps_for,
    request_transition,
)
from katalog.codification.services.transitions import (
    request_approve,
    request_reject,
    request_reopen,
    request_return,
    request_submit,
)

__all__ = [
    "CONTRACT_NUMBER_MAX",
    "DOCUMENT_TITLE_MAX",
    "LOCALE_MAX",
    "NAME_TEXT_MAX",
    "NOTE_MAX",
    "OVERRIDE_REFERENCE_JUSTIFICATION",
    "PROJECT_CODE_MAX",
    "REASON_MAX",
    "REPLY_MAX",
    "STEPS_NEEDING_A_REASON",
    "TITLE_MAX",
    "TRANSITION_SERVICES",
    "RequestOffer",
    "cancellation_approve",
    "cancellation_propose",
    "cancellation_reject",
    "may_decide_cancellation",
    "may_open_request",
    "request_approve",
    "request_create",
    "request_decide",
    "request_document_add",
    "request_line_add",
    "request_line_decide",
    "request_line_update",
    "request_offer",
    "request_publish",
    "request_reject",
    "request_reopen",
    "request_return",
    "request_screen",
    "request_steps_for",
    "request_submit",
    "request_transition",
    "screening_input",
]

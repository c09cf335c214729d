"""All writes to codification requests: header and lines, the workflow transitions, and the
publication of decisions into the catalogue.

Every transition takes the acting person and the `expected_version` they read (None skips the
check), is refused with a stable code when illegal, and is recorded in `RequestTransition` and
in the audit log. Requests belong to the bureau that processes them; only its cataloguers act on
them, and approval needs an approver of that bureau who neither wrote the request nor decided
any of its lines (four eyes). Superuser status changes none of this.

Text limits. Every free text a person types into a request is limited here, for the API, the
pages and the command line alike (docs/limits.md); a longer text is refused with ValidationFailed
`TEXT_TOO_LONG` on its field, naming the limit, and nothing is stored:

    title 200 · project code 20 · contract number 60 · name as proposed 200 ·
    characteristic reply 200 · locale 8 · decision note 2,000 · reason of a step 2,000 ·
    document title 200
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts import rights
from katalog.accounts.models import Bureau
from katalog.accounts.rights import Permission
from katalog.audit.services import audit_record
from katalog.catalog import services as catalog
from katalog.catalog.models import CANCELLED_STATUSES, Item, Manufacturer, Registration
from katalog.catalog.selectors import manufacturer_for_field
from katalog.codification.models import (
    CodificationRequest,
    LineDecision,
    LineRejectReason,
    RequestDocument,
    RequestLine,
    RequestPriority,
    RequestState,
    RequestTransition,
)
from katalog.codification.workflow import allowed_transitions, transition_target
from katalog.core.actors import Actor, person_of
from katalog.core.errors import (
    Conflict,
    FieldError,
    KatalogError,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
    ValidationFailed,
)
from katalog.core.text import code_key

TITLE_MAX = 200
PROJECT_CODE_MAX = 20
CONTRACT_NUMBER_MAX = 60
NAME_TEXT_MAX = 200
REPLY_MAX = 200
LOCALE_MAX = 8
NOTE_MAX = 2_000
REASON_MAX = 2_000
DOCUMENT_TITLE_MAX = 200

DEFAULT_DUE_DAYS = {"routine": 30, "accelerated": 10, "emergency": 2}
# Reference justification (RNJC) recorded when a new number keeps a reference that screening
# found on another item: "the duplicate is not a technically acceptable replacement".
OVERRIDE_REFERENCE_JUSTIFICATION = "6"


# --- checks -----------------------------------------------------------------------------------


def acting_bureau(actor: Actor, permission: Permission = Permission.CATALOGUE) -> Bureau:
    return rights.acting_bureau(actor, permission)


def require_same_bureau(
    actor: Actor, request: CodificationRequest, *, permission: Permission = Permission.CATALOGUE
) -> None:
    """Members of the request's bureau holding the permission act on it."""
    bureau = acting_bureau(actor, permission)
    if bureau.pk != request.bureau_id:
        raise PermissionDenied(
            _("Only members of bureau %(bureau)s may act on this request")
            % {"bureau": request.bureau.key},
            code="NOT_SAME_BUREAU",
        )


def check_version(record: CodificationRequest | RequestLine, expected_version: int | None) -> None:
    if expected_version is not None and record.row_version != expected_version:
        raise PreconditionFailed(
            _("The record has changed since it was read (version %(now)d, not %(read)d)")
            % {"now": record.row_version, "read": expected_version},
            code="VERSION_STALE",
        )


def request_lock(request: CodificationRequest, expected_version: int | None) -> CodificationRequest:
    locked = (
        CodificationRequest.objects.select_for_update().select_related("bureau").get(pk=request.pk)
    )
    check_version(locked, expected_version)
    return locked


def line_lock(line: RequestLine, expected_version: int | None) -> RequestLine:
    locked = (
        RequestLine.objects.select_for_update()
        .select_related("request__bureau", "item_name")
        .get(pk=line.pk)
    )
    check_version(locked, expected_version)
    return locked


def require_draft(request: CodificationRequest) -> None:
    if request.state != RequestState.DRAFT:
        raise Conflict(
            _("Lines can be changed only while the request is a draft"), code="REQUEST_NOT_DRAFT"
        )


def bump(record: CodificationRequest | RequestLine, *fields: str) -> None:
    record.row_version += 1
    update = [*fields, "row_version"]
    if isinstance(record, CodificationRequest):
        update.append("updated_at")
    record.save(update_fields=update)


def touch_request(request: CodificationRequest) -> None:
    """A line changed: the request's version moves on too (atomically, lines change in parallel)."""
    CodificationRequest.objects.filter(pk=request.pk).update(
        row_version=F("row_version") + 1, updated_at=timezone.now()
    )
    request.refresh_from_db(fields=["row_version", "updated_at"])


def manufacturer_by_code(code: str, field: str) -> Manufacturer:
    return manufacturer_for_field(code, field)


def due_date_for(priority: str, start: dt.date) -> dt.date:
    days = getattr(settings, "CODIFICATION_DUE_DAYS", DEFAULT_DUE_DAYS)
    return start + dt.timedelta(
        days=int(days.get(priority, DEFAULT_DUE_DAYS[RequestPriority.ROUTINE]))
    )


def limited(field: str, value: str, limit: int) -> str:
    """The text as typed, or ValidationFailed TEXT_TOO_LONG naming the limit (nothing stored)."""
    value = value or ""
    if len(value) > limit:
        message = _("At most %(max)d characters are kept here; this text has %(length)d") % {
            "max": limit,
            "length": len(value),
        }
        raise ValidationFailed(
            message,
            code="TEXT_TOO_LONG",
            errors=[FieldError(field, "TEXT_TOO_LONG", message)],
            data={"field": field, "max": limit, "length": len(value)},
        )
    return value


def check_priority(priority: str) -> str:
    if priority not in RequestPriority.values:
        raise ValidationFailed(
            _("Unknown priority %(priority)r") % {"priority": priority},
            code="UNKNOWN_PRIORITY",
            errors=[FieldError("priority", "UNKNOWN_PRIORITY", ", ".join(RequestPriority.values))],
        )
    return priority


# --- header -----------------------------------------------------------------------------------


def record_transition(
    *,
    actor: Actor,
    request: CodificationRequest,
    name: str,
    from_state: str,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> RequestTransition:
    """The step in the request's own workflow history, and its audit entry."""
    audit_record(
        actor=actor,
        action=f"request_{name}",
        object_type="request",
        object_key=str(request.pk),
        reason=reason,
        changes={
            "before": {"state": from_state},
            "after": {"state": request.state},
            **(data or {}),
        },
    )
    return RequestTransition.objects.create(
        request=request,
        name=name,
        from_state=from_state,
        to_state=request.state,
        actor=person_of(actor),
        reason=reason,
        data=data or {},
    )


@transaction.atomic
def request_create(
    *,
    actor: Actor,
    title: str = "",
    project_code: str = "",
    contract_number: str = "",
    priority: str = RequestPriority.ROUTINE,
    manufacturer_code: str = "",
    main_contractor_code: str = "",
) -> CodificationRequest:
    """Open a draft request for the actor's bureau."""
    bureau = acting_bureau(actor)
    request = CodificationRequest.objects.create(
        bureau=bureau,
        title=limited("title", title.strip(), TITLE_MAX),
        project_code=limited("project_code", project_code.strip(), PROJECT_CODE_MAX),
        contract_number=limited("contract_number", contract_number.strip(), CONTRACT_NUMBER_MAX),
        priority=check_priority(priority),
        manufacturer=manufacturer_by_code(manufacturer_code, "manufacturer_code")
        if manufacturer_code
        else None,
        main_contractor=(
            manufacturer_by_code(main_contractor_code, "main_contractor_code")
            if main_contractor_code
            else None
        ),
        author=person_of(actor),
    )
    record_transition(actor=actor, request=request, name="create", from_state="")
    return request


# --- lines ------------------------------------------------------------------------------------


def clean_references(references: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for index, ref in enumerate(references):
        field = f"references[{index}]"
        number = catalog.checks.reference_number(str(ref.get("number", "")))
        maker = manufacturer_by_code(
            str(ref.get("manufacturer_code", "")), f"{field}.manufacturer_code"
        )
        cleaned.append({
            "number": number,
            "manufacturer_code": maker.code,
            "category": str(ref.get("category") or "3"),
            "variation": str(ref.get("variation") or "2"),
        })  # fmt: skip
    return cleaned


def limit_error(field: str, value: str, limit: int) -> FieldError:
    try:
        limited(field, value, limit)
    except ValidationFailed as exc:
        return exc.errors[0]
    raise AssertionError(field)  # only called for a text over its limit


def clean_characteristics(
    item_name_code: str, replies: Mapping[str, str], locale: str
) -> dict[str, str]:
    """Check every reply against the item name's guide; all errors are reported together."""
    from katalog.names.values import parse_reply

    if not replies:
        return {}
    guide = catalog.item_name_get(item_name_code).guide
    by_code = {c.code: c for c in guide.characteristics.all()} if guide else {}
    errors: list[FieldError] = []
    cleaned: dict[str, str] = {}
    for code, raw in replies.items():
        if len(str(raw)) > REPLY_MAX:
            errors.append(limit_error(f"characteristics.{code}", str(raw), REPLY_MAX))
            continue
        characteristic = by_code.get(code)
        if characteristic is None:
            errors.append(
                FieldError(
                    f"characteristics.{code}", "UNKNOWN_CHARACTERISTIC", _("not in the guide")
                )
            )
            continue
        try:
            parse_reply(characteristic, str(raw), locale=locale)
        except ValidationFailed as exc:
            errors.append(FieldError(f"characteristics.{code}", exc.code, exc.message))
            continue
        cleaned[code] = str(raw).strip()
    if errors:
        raise ValidationFailed(
            _("Some characteristic replies are not valid"),
            code="INVALID_CHARACTERISTICS",
            errors=errors,
        )
    return cleaned


def line_fields(
    *,
    item_name_code: str,
    supply_class: str,
    name_text: str,
    references: Iterable[Mapping[str, Any]],
    characteristics: Mapping[str, str] | None,
    locale: str,
) -> dict[str, Any]:
    catalog.check_supply_class(supply_class)
    item_name = catalog.item_name_get(item_name_code)
    return {
        "item_name": item_name,
        "supply_class": supply_class,
        "name_text": limited("name_text", name_text.strip(), NAME_TEXT_MAX),
        "references": clean_references(references),
        "characteristics": clean_characteristics(item_name_code, characteristics or {}, locale),
        "locale": limited("locale", locale, LOCALE_MAX),
    }


@transaction.atomic
def request_line_add(
    *,
    actor: Actor,
    request: CodificationRequest,
    item_name_code: str,
    supply_class: str,
    name_text: str = "",
    references: Iterable[Mapping[str, Any]] = (),
    characteristics: Mapping[str, str] | None = None,
    locale: str = "en",
    expected_version: int | None = None,
) -> RequestLine:
    """Add a proposed item to a draft request (the request's version moves on)."""
    require_same_bureau(actor, request)
    request = request_lock(request, expected_version)
    require_draft(request)
    fields = line_fields(
        item_name_code=item_name_code,
        supply_class=supply_class,
        name_text=name_text,
        references=references,
        characteristics=characteristics,
        locale=locale,
    )
    position = (
        request.lines.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    line = RequestLine.objects.create(request=request, position=position, **fields)
    bump(request)
    line_audit(actor, line, "request_line_added")
    return line


def line_audit(actor: Actor, line: RequestLine, action: str, **changes: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="request",
        object_key=str(line.request_id),
        changes={"line": line.position, **changes},
    )


@transaction.atomic
def request_line_update(
    *,
    actor: Actor,
    line: RequestLine,
    item_name_code: str | None = None,
    supply_class: str | None = None,
    name_text: str | None = None,
    references: Iterable[Mapping[str, Any]] | None = None,
    characteristics: Mapping[str, str] | None = None,
    locale: str | None = None,
    expected_version: int | None = None,
) -> RequestLine:
    """Change a line of a draft request; omitted arguments keep their values."""
    require_same_bureau(actor, line.request)
    line = line_lock(line, expected_version)
    require_draft(line.request)
    fields = line_fields(
        item_name_code=item_name_code if item_name_code is not None else line.item_name.code,
        supply_class=supply_class if supply_class is not None else line.supply_class,
        name_text=name_text if name_text is not None else line.name_text,
        references=references if references is not None else line.references,
        characteristics=characteristics if characteristics is not None else line.characteristics,
        locale=locale or line.locale,
    )
    for name, value in fields.items():
        setattr(line, name, value)
    bump(line, *fields)
    touch_request(line.request)
    line_audit(actor, line, "request_line_changed", fields=sorted(fields))
    return line


@transaction.atomic
def request_document_add(
    *,
    actor: Actor,
    request: CodificationRequest,
    upload: Any,
    title: str = "",
    line: RequestLine | None = None,
) -> RequestDocument:
    """Attach a file (kept under MEDIA_ROOT) to a request or one of its lines."""
    require_same_bureau(actor, request)
    title = limited("title", title or getattr(upload, "name", ""), DOCUMENT_TITLE_MAX)
    if line is not None and line.request_id != request.pk:
        raise RuleViolation(_("The line belongs to another request"), code="LINE_OF_OTHER_REQUEST")
    # A published or rejected request is a closed record: its evidence no longer changes.
    if request.state in (RequestState.PUBLISHED, RequestState.REJECTED):
        raise Conflict(
            _("Documents cannot be attached to a request that is published or rejected"),
            code="REQUEST_CLOSED",
        )
    document = RequestDocument.objects.create(
        request=request,
        line=line,
        title=title,
        file=upload,
        uploaded_by=person_of(actor),
    )
    audit_record(
        actor=actor,
        action="request_document_added",
        object_type="request",
        object_key=str(request.pk),
        changes={"document": document.title, "line": line.position if line else None},
    )
    return document


# --- transitions ------------------------------------------------------------------------------


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
            code="REASON_REQUIRED",
            errors=[FieldError("reason", "REASON_REQUIRED", _("required"))],
        )
    return limited("reason", reason.strip(), REASON_MAX)


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
        raise RuleViolation(_("A request needs at least one line"), code="NO_LINES")
    due = due_date_for(request.priority, timezone.localdate())
    return finish(actor, request, "submit", target, reason=reason, due_date=due)


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
        line.screening = result.to_dict()
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
            code="UNKNOWN_DECISION",
            errors=[FieldError("decision", "UNKNOWN_DECISION", ", ".join(LineDecision.values))],
        )
    if decision == LineDecision.REGISTER:
        if item is None:
            raise ValidationFailed(
                _("Name the item to register as user of"),
                code="ITEM_REQUIRED",
                errors=[FieldError("item", "ITEM_REQUIRED", _("required"))],
            )
        if item.status in CANCELLED_STATUSES:
            raise RuleViolation(
                _("%(item)s is cancelled; register on its replacement")
                % {"item": item.catalogue_number},
                code="ITEM_CANCELLED",
            )
        # Caught here, not at publish: a decision whose effect is already true would make the
        # whole request unpublishable.
        if Registration.objects.filter(
            item=item, bureau_id=line.request.bureau_id, effective_to__isnull=True
        ).exists():
            raise Conflict(
                _("Your nation is already registered as user of %(item)s: nothing to register")
                % {"item": item.catalogue_number},
                code="ALREADY_REGISTERED",
                errors=[FieldError("item", "ALREADY_REGISTERED", _("already registered"))],
            )
    if decision == LineDecision.REJECT and reject_reason not in LineRejectReason.values:
        raise ValidationFailed(
            _("Give a reason code for the rejection"),
            code="REJECT_REASON_REQUIRED",
            errors=[
                FieldError(
                    "reject_reason", "REJECT_REASON_REQUIRED", ", ".join(LineRejectReason.values)
                )
            ],
        )
    if decision == LineDecision.ASSIGN and line.verdict == "duplicate" and not justification:
        raise RuleViolation(
            _("Screening found a duplicate: a new number needs a justification"),
            code="OVERRIDE_JUSTIFICATION_REQUIRED",
        )
    if decision != LineDecision.REJECT and line.verdict == "review" and not justification:
        raise RuleViolation(
            _("Screening asks for a review: give the justification of the decision"),
            code="JUSTIFICATION_REQUIRED",
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
            code="ILLEGAL_TRANSITION",
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
            code="LINES_UNDECIDED",
            data={"lines": undecided},
        )
    return finish(actor, request, "decide", target, reason=reason, decided_by=actor)


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
    *, actor: Any, request: CodificationRequest, reason: str, expected_version: int | None = None
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
    if actor.pk in request_participants(request):
        raise PermissionDenied(
            _("Who wrote a request or decided any of its lines cannot approve it"), code="FOUR_EYES"
        )
    return finish(actor, request, "approve", target, reason=reason, approved_by=actor)


@transaction.atomic
def request_reject(
    *, actor: Actor, request: CodificationRequest, reason: str, expected_version: int | None = None
) -> CodificationRequest:
    """Refuse the whole request (the reason is required); nothing reaches the catalogue."""
    reason = require_reason(reason)
    request, target = begin(actor, request, "reject", expected_version)
    return finish(actor, request, "reject", target, reason=reason)


@transaction.atomic
def request_publish(
    *,
    actor: Actor,
    request: CodificationRequest,
    expected_version: int | None = None,
    reason: str = "",
) -> CodificationRequest:
    """Write every decision into the catalogue in one transaction: new numbers with their
    references, characteristics and the requesting bureau's registration, or registrations on
    existing items. Any failure leaves the catalogue and the request as they were."""
    request, target = begin(actor, request, "publish", expected_version)
    results = {}
    for line in request.lines.select_related("item_name", "decision_item").order_by("position"):
        try:
            item = publish_line(actor, request, line)
        except KatalogError as exc:
            # Nothing is written; the request stays approved and `reopen` is its way out.
            exc.data.update(publish_failed=True, line=line.position, way_out="reopen")
            raise
        if item is not None:
            line.result_item = item
            bump(line, "result_item")
            results[line.position] = item.catalogue_number
    return finish(actor, request, "publish", target, reason=reason, data={"items": results})


def publish_line(actor: Actor, request: CodificationRequest, line: RequestLine) -> Item | None:
    if line.decision == LineDecision.REGISTER:
        # `request_line_decide` gives every registration its item.
        item = cast(Item, line.decision_item)
        catalog.registration_add(actor=actor, item=item, bureau=request.bureau)
        return item
    if line.decision == LineDecision.ASSIGN:
        return publish_new_item(actor, request, line)
    return None


def publish_new_item(actor: Actor, request: CodificationRequest, line: RequestLine) -> Item:
    item = catalog.item_create(
        actor=actor,
        bureau=request.bureau,
        supply_class=line.supply_class,
        item_name_code=line.item_name.code,
        name_text=line.name_text,
        identification_type="1" if line.characteristics else "2",
    )
    for ref in line.references:
        maker = manufacturer_by_code(ref["manufacturer_code"], "references")
        overridden = line.justification and catalog.find_reference_conflict(
            item.pk, maker.pk, code_key(ref["number"])
        )
        catalog.reference_add(
            actor=actor,
            item=item,
            manufacturer=maker,
            number=ref["number"],
            bureau=request.bureau,
            category=ref.get("category", "3"),
            variation=ref.get("variation", "2"),
            justification=OVERRIDE_REFERENCE_JUSTIFICATION if overridden else "",
        )
    for code, raw in line.characteristics.items():
        catalog.characteristic_set(actor=actor, item=item, code=code, raw=raw, locale=line.locale)
    catalog.registration_add(actor=actor, item=item, bureau=request.bureau)
    return item


def request_participants(request: CodificationRequest) -> set[int]:
    """The people who wrote the request, closed its decisions or decided one of its lines."""
    people = {request.author_id, request.decided_by_id}
    people |= set(request.lines.exclude(decided_by=None).values_list("decided_by_id", flat=True))
    return {pk for pk in people if pk is not None}


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


def may_open_request(actor: Any) -> bool:
    """Whether the person may open a request (a cataloguer of a bureau), so that the pages offer
    it only to them."""
    try:
        acting_bureau(actor)
    except PermissionDenied:
        return False
    return True


def request_steps_for(actor: Any, request: CodificationRequest) -> list[str]:
    """The steps this person may take on the request now: the workflow's steps from its state,
    less those their bureau, role or the four-eyes rule would refuse (so none is offered that
    can only be refused)."""
    steps = []
    for name in allowed_transitions(request.state):
        try:
            require_same_bureau(
                actor, request, permission=STEP_PERMISSION.get(name, Permission.CATALOGUE)
            )
        except PermissionDenied:
            continue
        if name == "approve" and actor.pk in request_participants(request):
            continue
        steps.append(name)
    return steps


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
            code="UNKNOWN_TRANSITION",
            errors=[FieldError("transition", "UNKNOWN_TRANSITION", ", ".join(TRANSITION_SERVICES))],
        )
    return service(actor=actor, request=request, expected_version=expected_version, reason=reason)

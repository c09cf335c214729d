"""The request itself: opening a draft, attaching documents, and what every write of a request
shares (the row lock and version check, the version bump, the record of each step in its
history and the audit log)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.audit.services import audit_record
from katalog.catalog import services as catalog
from katalog.catalog.manufacturer_selectors import manufacturer_for_field
from katalog.codification.errors import CodificationErrorCode as E
from katalog.codification.models import (
    CodificationRequest,
    RequestDocument,
    RequestLine,
    RequestPriority,
    RequestState,
    RequestTransition,
)
from katalog.codification.services.checks import (
    CONTRACT_NUMBER_MAX,
    DOCUMENT_TITLE_MAX,
    PROJECT_CODE_MAX,
    TITLE_MAX,
    check_priority,
    limited,
)
from katalog.codification.services.rights import acting_bureau, require_same_bureau
from katalog.core.actors import Actor, person_of
from katalog.core.errors import Conflict, RuleViolation


def request_lock(request: CodificationRequest, expected_version: int | None) -> CodificationRequest:
    locked = (
        CodificationRequest.objects.select_for_update().select_related("bureau").get(pk=request.pk)
    )
    catalog.check_version(locked.row_version, expected_version)
    return locked


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
        manufacturer=manufacturer_for_field(manufacturer_code, "manufacturer_code")
        if manufacturer_code
        else None,
        main_contractor=(
            manufacturer_for_field(main_contractor_code, "main_contractor_code")
            if main_contractor_code
            else None
        ),
        author=person_of(actor),
    )
    record_transition(actor=actor, request=request, name="create", from_state="")
    return request


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
        raise RuleViolation(_("The line belongs to another request"), code=E.LINE_OF_OTHER_REQUEST)
    # A published or rejected request is a closed record: its evidence no longer changes.
    if request.state in (RequestState.PUBLISHED, RequestState.REJECTED):
        raise Conflict(
            _("Documents cannot be attached to a request that is published or rejected"),
            code=E.REQUEST_CLOSED,
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

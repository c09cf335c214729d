"""The life cycle of a catalogue number: cancellation (with or without a replacement, as a
duplicate, cancel-use) and reinstatement. Only the assigning bureau cancels or reinstates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    Item,
    ItemAction,
    ItemStatus,
    Reference,
    Registration,
)
from katalog.catalog.services import checks
from katalog.catalog.services.history import item_audit, item_lock, item_save_state
from katalog.catalog.services.registrations import registration_open
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, FieldError, RuleViolation, ValidationFailed

CANCELLATION_REASON_TABLE = "CANCELLATION_REASON"
DUPLICATE_REASON = "G"
CANCEL_USE_REASON = "C"
# What references become when they move from a cancelled number to the one that replaces it:
# RNCC E "replaced reference" with RNVC 8 "non-identifying, added by a cancel action", so they
# still lead searches to the kept item but never count as its identification.
MOVED_REFERENCE_CATEGORY = "E"
MOVED_REFERENCE_VARIATION = "8"


def check_cancellation_reason(reason: str) -> str:
    from katalog.refdata.models import CodeValue

    reason = (reason or "").strip().upper()
    if not CodeValue.objects.filter(table_id=CANCELLATION_REASON_TABLE, code=reason).exists():
        raise ValidationFailed(
            _("Unknown reason for cancellation %(reason)r") % {"reason": reason},
            code=E.UNKNOWN_CANCELLATION_REASON,
            errors=[
                FieldError(
                    "reason", E.UNKNOWN_CANCELLATION_REASON, _("not a cancellation reason code")
                )
            ],
        )
    return reason


def check_cancellable(item: Item) -> None:
    if item.status in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is already cancelled") % {"item": item.catalogue_number},
            code=E.ALREADY_CANCELLED,
        )


def check_replacement(item: Item, replacement: Item) -> None:
    if replacement.pk == item.pk:
        raise RuleViolation(_("An item cannot replace itself"), code=E.REPLACEMENT_IS_SAME_ITEM)
    if replacement.status in CANCELLED_STATUSES:
        raise RuleViolation(
            _("Replacement %(item)s is itself cancelled") % {"item": replacement.catalogue_number},
            code=E.REPLACEMENT_CANCELLED,
        )


def _cancel(
    *,
    actor: Actor,
    item: Item,
    status: str,
    reason: str,
    replacement: Item | None,
    expected_version: int | None,
    moves_data: bool = False,
) -> Item:
    """Lock and check the item, mark it cancelled and record it; with `moves_data`, its
    references and users move to the replacement in the same step."""
    item = item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    check_cancellable(item)
    if replacement is not None:
        check_replacement(item, replacement)
    before = {"status": item.status}
    item_save_state(
        item,
        status=status,
        cancellation_reason=reason,
        replaced_by=replacement,
        cancelled_at=timezone.now(),
    )
    changes: dict[str, Any] = {
        "before": before,
        "after": {
            "status": item.status,
            "replaced_by": replacement.catalogue_number if replacement else None,
        },
    }
    moved_to: list[Item] = []
    if moves_data and replacement is not None:
        changes["moved"] = transfer_to_replacement(item=item, replacement=replacement)
        moved_to = [replacement]
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.CANCELLED,
        reason=reason,
        changes=changes,
        also=moved_to,
    )
    return item


@transaction.atomic
def item_cancel(
    *,
    actor: Actor,
    item: Item,
    reason: str,
    replacement: Item | None = None,
    expected_version: int | None = None,
) -> Item:
    """Cancel an item for a reason (CANCELLATION_REASON A–F): status 3 with a replacement,
    4 without. Duplicates go through `item_cancel_duplicate` (reason G)."""
    reason = check_cancellation_reason(reason)
    if reason == DUPLICATE_REASON:
        raise RuleViolation(
            _("Cancel a duplicate by naming the item that is kept"), code=E.USE_CANCEL_DUPLICATE
        )
    status = ItemStatus.CANCELLED_REPLACED if replacement is not None else ItemStatus.CANCELLED
    return _cancel(
        actor=actor,
        item=item,
        status=status,
        reason=reason,
        replacement=replacement,
        expected_version=expected_version,
    )


@transaction.atomic
def item_cancel_duplicate(
    *, actor: Actor, item: Item, kept: Item, expected_version: int | None = None
) -> Item:
    """Cancel an item as a duplicate of `kept` (status 7, reason G). The kept item receives the
    cancelled item's references (as replaced references, RNCC E / RNVC 8) and its users.

    Authority is checked on the cancelled item only: moving its data to the kept item is part
    of the same decision, whoever assigned the kept number. Both items' versions move on."""
    return _cancel(
        actor=actor,
        item=item,
        status=ItemStatus.CANCELLED_DUPLICATE,
        reason=DUPLICATE_REASON,
        replacement=kept,
        expected_version=expected_version,
        moves_data=True,
    )


@transaction.atomic
def item_cancel_use(
    *,
    actor: Actor,
    item: Item,
    replacement: Item,
    expected_version: int | None = None,
    reason: str = CANCEL_USE_REASON,
) -> Item:
    """Cancel-use (status 5): users are told to use `replacement`, which receives the
    references (RNCC E / RNVC 8) and the user registrations."""
    return _cancel(
        actor=actor,
        item=item,
        status=ItemStatus.CANCELLED_USE,
        reason=check_cancellation_reason(reason),
        replacement=replacement,
        expected_version=expected_version,
        moves_data=True,
    )


def transfer_to_replacement(*, item: Item, replacement: Item) -> dict[str, Any]:
    """Move references and open user registrations of a cancelled item to its replacement, a
    step of the cancellations above (which record it). Returns what moved.

    A reference the replacement already holds (same manufacturer and number) stays on the
    cancelled item; a nation already registered on the replacement keeps that registration."""
    replacement = item_lock(replacement, None)
    held = set(Reference.objects.filter(item=replacement).values_list("manufacturer_id", "number"))
    moving = [
        r
        for r in Reference.objects.filter(item=item).select_related("manufacturer")
        if (r.manufacturer_id, r.number) not in held
    ]
    Reference.objects.filter(pk__in=[r.pk for r in moving]).update(
        item=replacement, category=MOVED_REFERENCE_CATEGORY, variation=MOVED_REFERENCE_VARIATION
    )
    today = timezone.localdate()
    users = list(
        Registration.objects.filter(item=item, effective_to__isnull=True).select_related("bureau")
    )
    Registration.objects.filter(pk__in=[r.pk for r in users]).update(effective_to=today)
    already = set(
        Registration.objects.filter(item=replacement, effective_to__isnull=True).values_list(
            "bureau_id", flat=True
        )
    )
    new_users = [r.bureau for r in users if r.bureau_id not in already]
    for bureau in new_users:  # a handful per item
        registration_open(replacement, bureau, today)
    if new_users and replacement.status == ItemStatus.INACTIVE:
        item_save_state(replacement, status=ItemStatus.ACTIVE)
    else:
        item_save_state(replacement)
    return {
        "to": replacement.catalogue_number,
        "references": [{"number": r.number, "manufacturer": r.manufacturer.code} for r in moving],
        "users": [b.user_code for b in new_users],
    }


@transaction.atomic
def item_reinstate(
    *, actor: Actor, item: Item, reason: str, expected_version: int | None = None
) -> Item:
    """Bring a cancelled item back: only its assigning bureau may, and the reason is recorded.

    The item becomes active if a nation is still registered, otherwise inactive; references
    and users already moved to a replacement stay there."""
    item = item_lock(item, expected_version)
    authority.require_identification_authority(actor, item)
    if item.status not in CANCELLED_STATUSES:
        raise Conflict(
            _("%(item)s is not cancelled") % {"item": item.catalogue_number}, code=E.NOT_CANCELLED
        )
    reason = checks.text_limit("reason", (reason or "").strip(), checks.REASON_MAX)
    if not reason:
        raise ValidationFailed(
            _("Say why the item is reinstated"),
            code=E.REASON_REQUIRED,
            errors=[FieldError("reason", E.REASON_REQUIRED, _("required"))],
        )
    used = Registration.objects.filter(item=item, effective_to__isnull=True).exists()
    before = {
        "status": item.status,
        "cancellation_reason": item.cancellation_reason,
        "replaced_by": item.replaced_by.catalogue_number if item.replaced_by else None,
    }
    item_save_state(
        item,
        status=ItemStatus.ACTIVE if used else ItemStatus.INACTIVE,
        cancellation_reason="",
        replaced_by=None,
        cancelled_at=None,
    )
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.REINSTATED,
        reason=reason,
        changes={"before": before, "after": {"status": item.status}},
    )
    return item

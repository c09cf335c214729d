"""User registrations of nations and their management data. A nation registers itself (the
assigning bureau may register others); management data is a registered nation's own, and it
decides whether to release it to the other nations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    CANCELLED_STATUSES,
    Item,
    ItemAction,
    ItemStatus,
    ManagementData,
    Registration,
)
from katalog.catalog.services import checks
from katalog.catalog.services.history import item_audit, item_lock, item_save_state
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, NotFound, RuleViolation


@transaction.atomic
def registration_add(
    *,
    actor: Actor,
    item: Item,
    bureau: Bureau,
    effective_from: dt.date | None = None,
    expected_version: int | None = None,
) -> Registration:
    """Register a nation (its bureau) as user of an item; an inactive item becomes active.

    A cancelled item takes no new users (they register on its replacement)."""
    item = item_lock(item, expected_version)
    authority.require_registration_authority(actor, item, bureau)
    if item.status in CANCELLED_STATUSES:
        raise RuleViolation(
            _("%(item)s is cancelled; register on its replacement")
            % {"item": item.catalogue_number},
            code=E.ITEM_CANCELLED,
            data={"replaced_by": item.replaced_by.catalogue_number if item.replaced_by else None},
        )
    effective_from = effective_from or timezone.localdate()
    if Registration.objects.filter(item=item, bureau=bureau, effective_to__isnull=True).exists():
        raise Conflict(
            _("%(bureau)s is already registered as user of %(item)s")
            % {"bureau": bureau.user_code, "item": item.catalogue_number},
            code=E.ALREADY_REGISTERED,
        )
    registration = registration_open(item, bureau, effective_from)
    after: dict[str, Any] = {
        "user_code": bureau.user_code,
        "effective_from": effective_from.isoformat(),
    }
    if item.status == ItemStatus.INACTIVE:
        item_save_state(item, status=ItemStatus.ACTIVE)
        after["status"] = ItemStatus.ACTIVE
    else:
        item_save_state(item)
    item_audit(
        actor=actor, item=item, action=ItemAction.REGISTRATION_ADDED, changes={"after": after}
    )
    return registration


def registration_open(item: Item, bureau: Bureau, effective_from: dt.date) -> Registration:
    """A new open registration; one withdrawn the same day it would start is reopened instead.
    A step of the services above: the caller records the change."""
    registration, created = Registration.objects.get_or_create(
        item=item, bureau=bureau, effective_from=effective_from
    )
    if not created:
        registration.effective_to = None
        registration.save(update_fields=["effective_to"])
    return registration


@transaction.atomic
def registration_withdraw(
    *,
    actor: Actor,
    item: Item,
    bureau: Bureau,
    effective_to: dt.date | None = None,
    expected_version: int | None = None,
) -> Registration:
    """End a nation's user registration. When no user is left, the item becomes inactive
    (status 6); a later registration makes it active again."""
    item = item_lock(item, expected_version)
    authority.require_registration_authority(actor, item, bureau)
    registration = (
        Registration.objects.select_for_update()
        .filter(item=item, bureau=bureau, effective_to__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound(
            _("%(bureau)s is not registered as user of %(item)s")
            % {"bureau": bureau.user_code, "item": item.catalogue_number},
            code=E.NOT_REGISTERED,
        )
    registration.effective_to = effective_to or timezone.localdate()
    registration.save(update_fields=["effective_to"])
    before: dict[str, Any] = {
        "user_code": bureau.user_code,
        "effective_to": registration.effective_to.isoformat(),
    }
    if unused(item) and item.status in (ItemStatus.ACTIVE, ItemStatus.ACTIVE_NOT_PROCURABLE):
        before["status"] = item.status
        item_save_state(item, status=ItemStatus.INACTIVE)
    else:
        item_save_state(item)
    item_audit(
        actor=actor, item=item, action=ItemAction.REGISTRATION_WITHDRAWN, changes={"before": before}
    )
    return registration


def unused(item: Item) -> bool:
    return not Registration.objects.filter(item=item, effective_to__isnull=True).exists()


@transaction.atomic
def management_set(
    *,
    actor: Actor,
    item: Item,
    bureau: Bureau,
    unit_of_issue: str = "",
    price: Decimal | str | None = None,
    currency: str | None = None,
    notes: str = "",
    released: bool = False,
    expected_version: int | None = None,
    tables: checks.CodeTables | None = None,
) -> ManagementData:
    """Set one nation's management data for an item (replacing what it had).

    Written by that nation, which must be the assigning bureau or a registered user. Left
    unreleased, only that nation and the assigning bureau read it."""
    item = item_lock(item, expected_version)
    authority.require_management_authority(actor, item, bureau)
    tables = tables or checks.CodeTables.load()
    fields = {
        "unit_of_issue": checks.unit_of_issue(
            unit_of_issue, tables.units_of_issue, tables.unit_of_issue_terms
        ),
        "price": checks.price(price),
        "currency_id": checks.currency(currency, tables.currencies),
        "notes": checks.text_limit("notes", notes, checks.NOTES_MAX),
        "released": bool(released),
    }
    previous = ManagementData.objects.filter(item=item, bureau=bureau).first()
    row, _created = ManagementData.objects.update_or_create(
        item=item, bureau=bureau, defaults=fields
    )
    item_save_state(item)
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.MANAGEMENT_SET,
        changes={
            "bureau": bureau.key,
            "before": management_fields(previous) if previous else None,
            "after": management_fields(row),
        },
    )
    return row


def management_fields(row: ManagementData) -> dict[str, Any]:
    return {
        "unit_of_issue": row.unit_of_issue,
        "price": str(row.price) if row.price is not None else None,
        "currency": row.currency_id,
        "notes": row.notes,
        "released": row.released,
    }

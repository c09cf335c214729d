"""Changes to the supply classification: the texts of a supply group or class, and the states
of both received from the interstate centre.

The supply classification is interstate reference data: a person changes it with the
permission to change reference data (the centre's roles), each change is recorded in the audit
log, and the exchange carries it from the centre's node to the bureaus'. Loading the shipped
classification at `katalog init` is the loader's (`katalog.refdata.loaders`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db import transaction

from katalog.accounts.rights import Permission, require_permission
from katalog.audit.services import audit_record
from katalog.core.actors import Actor
from katalog.core.replica import RECEIVED, require_exchange
from katalog.refdata.errors import RefdataErrorCode as E
from katalog.refdata.models import SupplyClass, SupplyGroup
from katalog.refdata.replica import (
    SUPPLY_CLASS,
    SUPPLY_GROUP,
    supply_class_states,
    supply_group_states,
)

SUPPLY_GROUP_CHANGED = "supply_group_changed"
SUPPLY_CLASS_CHANGED = "supply_class_changed"
GROUP_TEXTS = frozenset({"titles", "notes"})
CLASS_TEXTS = frozenset({"titles", "short_titles", "includes", "excludes", "notes"})

_Period = TypeVar("_Period", SupplyGroup, SupplyClass)


def _texts_set(row: Any, texts: dict[str, dict[str, str] | None]) -> dict[str, Any]:
    """Set the given multilingual texts (None: unchanged); what changed, before and after."""
    changed = {}
    for field, value in texts.items():
        if value is not None and getattr(row, field) != value:
            changed[field] = {"before": getattr(row, field), "after": value}
            setattr(row, field, value)
    return changed


@transaction.atomic
def supply_group_update(
    *,
    actor: Actor,
    group: SupplyGroup,
    titles: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    reason: str = "",
) -> SupplyGroup:
    """Change the titles or notes (per language, as given) of a period of a supply group."""
    texts = {"titles": titles, "notes": notes}
    return _texts_change(actor, group, texts, SUPPLY_GROUP_CHANGED, SUPPLY_GROUP, reason)


@transaction.atomic
def supply_class_update(
    *,
    actor: Actor,
    supply_class: SupplyClass,
    titles: dict[str, str] | None = None,
    short_titles: dict[str, str] | None = None,
    includes: dict[str, str] | None = None,
    excludes: dict[str, str] | None = None,
    notes: dict[str, str] | None = None,
    reason: str = "",
) -> SupplyClass:
    """Change the texts (per language, as given) of a period of a supply class."""
    texts = {
        "titles": titles,
        "short_titles": short_titles,
        "includes": includes,
        "excludes": excludes,
        "notes": notes,
    }
    return _texts_change(actor, supply_class, texts, SUPPLY_CLASS_CHANGED, SUPPLY_CLASS, reason)


def _texts_change(
    actor: Actor,
    period: _Period,
    texts: dict[str, dict[str, str] | None],
    action: str,
    object_type: str,
    reason: str,
) -> _Period:
    """One period's texts changed under a row lock, with its audit entry."""
    require_permission(actor, Permission.REFERENCE_DATA)
    row = type(period).objects.select_for_update().get(pk=period.pk)
    changed = _texts_set(row, texts)
    row.save()
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_key=row.code,
        changes={"valid_from": _iso(row.valid_from), **changed},
        reason=reason,
    )
    return row


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --- states received from the interstate centre ---------------------------------------------


def _periods_set(model: Any, code: str, periods: list[dict[str, Any]], fields: list[str]) -> None:
    """Make the rows of one code the received periods, matched on their start dates."""
    existing = {_iso(row.valid_from): row for row in model.objects.filter(code=code)}
    wanted = {period["valid_from"] for period in periods}
    for start, row in existing.items():
        if start not in wanted:
            row.delete()
    for period in periods:
        start = period["valid_from"]
        row = existing.get(start) or model(
            code=code, valid_from=dt.date.fromisoformat(start) if start else None
        )
        for field in fields:
            setattr(row, field, period[field])
        end = period["valid_to"]
        row.valid_to = dt.date.fromisoformat(end) if end else None
        row.save()


def _received(
    actor: Actor,
    model: Any,
    object_type: str,
    states: Any,
    fields: list[str],
    state: dict[str, Any],
    reason: str,
) -> bool:
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    code = state["code"]
    list(model.objects.select_for_update().filter(code=code))
    if states([code]).get(code) == state:
        return False
    _periods_set(model, code, state["periods"], fields)
    audit_record(
        actor=actor,
        action=RECEIVED,
        object_type=object_type,
        object_key=code,
        changes={"after": state},
        reason=reason,
    )
    return True


@transaction.atomic
def supply_group_replica_apply(*, actor: Actor, state: dict[str, Any], reason: str = "") -> bool:
    """Apply a supply group's periods received from the centre; False when they are the
    ones held here already (nothing changes)."""
    fields = sorted(GROUP_TEXTS)
    return _received(actor, SupplyGroup, SUPPLY_GROUP, supply_group_states, fields, state, reason)


@transaction.atomic
def supply_class_replica_apply(*, actor: Actor, state: dict[str, Any], reason: str = "") -> bool:
    """Apply a supply class's periods received from the centre; False when they are the
    ones held here already (nothing changes)."""
    fields = ["group_code", *sorted(CLASS_TEXTS)]
    return _received(actor, SupplyClass, SUPPLY_CLASS, supply_class_states, fields, state, reason)

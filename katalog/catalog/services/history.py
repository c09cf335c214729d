"""Versions and history of items: every change of an item bumps its version (its ETag) and
is recorded in the audit log, in the transaction that makes it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from katalog.audit.services import Subject, audit_record
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import CharacteristicValue, Item, ItemAction
from katalog.core.actors import Actor
from katalog.core.errors import PreconditionFailed

ITEM = "item"


def check_version(version: int, expected: int | None, what: str = "") -> None:
    """The one stale-version check, for every app: refuse with 412 VERSION_STALE when the
    record moved on since the caller read it (`expected` None: the caller does not say, e.g. a
    system load). The message names the record by `what` (a catalogue number, a manufacturer's
    code); without it, it says "the record"."""
    if expected is None or version == expected:
        return
    message = (
        _("%(what)s has changed since it was read (version %(now)d, not %(read)d)")
        if what
        else _("The record has changed since it was read (version %(now)d, not %(read)d)")
    ) % {"what": what, "now": version, "read": expected}
    raise PreconditionFailed(message, code=E.VERSION_STALE, data={"current_version": version})


def item_lock(item: Item, expected_version: int | None) -> Item:
    """Re-read the item under a row lock and check the version the caller read."""
    locked = (
        Item.objects.select_for_update(of=("self",))
        .select_related("item_name", "bureau")
        .get(pk=item.pk)
    )
    check_version(locked.row_version, expected_version, locked.catalogue_number)
    return locked


def item_save_state(item: Item, **changes: Any) -> Item:
    """Write changed columns of an item and bump its version."""
    for name, value in changes.items():
        setattr(item, name, value)
    item.row_version += 1
    item.save(update_fields=[*changes, "row_version", "updated_at"])
    if "item_name" in changes or "supply_class" in changes:
        values_follow_item([item])
    return item


def values_follow_item(items: Iterable[Item]) -> None:
    """Characteristic values carry their item's name and class (screening walks the values of
    one name): after items changed them, their values follow. Takes what the items hold."""
    by_identity: dict[tuple[int, str], list[int]] = defaultdict(list)
    for item in items:
        by_identity[(item.item_name_id, item.supply_class)].append(item.pk)
    for (name_id, supply_class), ids in by_identity.items():
        CharacteristicValue.objects.filter(item_id__in=ids).exclude(
            item_name_id=name_id, supply_class=supply_class
        ).update(item_name_id=name_id, supply_class=supply_class)


def item_touch(item: Item) -> None:
    """A change of the item's related data (a reference, a registration, management data):
    the item's version moves on too, atomically, and the object in hand follows."""
    Item.objects.filter(pk=item.pk).update(row_version=F("row_version") + 1)
    item.row_version = Item.objects.filter(pk=item.pk).values_list("row_version", flat=True)[0]


def item_audit(
    *,
    actor: Actor,
    item: Item,
    action: ItemAction | str,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    also: Sequence[Item] = (),
) -> None:
    """Record a change of an item (and of the items it moved data to, `also`)."""
    subjects = None
    if also:
        subjects = [Subject(ITEM, item.niin)] + [Subject(ITEM, other.niin) for other in also]
    audit_record(
        actor=actor,
        action=str(action),
        object_type=ITEM,
        object_key=item.niin,
        changes=changes,
        reason=reason,
        subjects=subjects,
    )

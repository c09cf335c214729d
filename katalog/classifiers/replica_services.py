"""Applying the state of a classifier version or a correspondence table received from the
interstate centre, which publishes them (the exchange checks that the sender is the centre).

A received version replaces what this installation holds of it: its texts and dates, its
levels, its codes (matched on their codes, so the manufacturers' activities and the tables that
name a kept code keep it) and its amendments. The same state twice changes nothing. Every
application is recorded in the audit log and bumps the version's `row_version`, so cached
serialisations of it are not served again.

An item's export-control marks arrive in the item's state from its assigning bureau (the
exchange checks the authority and the release rules) and replace the marks held here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from katalog.audit.services import audit_record
from katalog.catalog.models import Item as CatalogItem
from katalog.catalog.services.history import item_audit, item_touch
from katalog.classifiers.choices import ControlMarkAction
from katalog.classifiers.errors import ClassifierErrorCode as E
from katalog.classifiers.models import (
    Amendment,
    AmendmentChange,
    Classification,
    ControlListMark,
    CorrespondenceRow,
    CorrespondenceTable,
    Item,
    Level,
    Version,
)
from katalog.classifiers.replica import (
    TABLE,
    VERSION,
    control_marks_of,
    table_states,
    version_states,
)
from katalog.classifiers.services import BATCH, search_text
from katalog.core.actors import Actor
from katalog.core.errors import RuleViolation
from katalog.core.replica import RECEIVED, reference_missing, require_exchange

VERSION_FIELDS = (
    "names", "status", "languages", "source", "legal_base", "introduction", "history",
    "history_note",
)  # fmt: skip
VERSION_DATES = ("valid_from", "valid_to", "content_as_of", "history_from")
ITEM_FIELDS = ["level", "names", "notes", "valid_from", "valid_to", "position", "search_text"]


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _missing(what: str, key: str) -> RuleViolation:
    return reference_missing(what, key, code=E.REFERENCE_DATA_MISSING)


def _in_use(version: str) -> RuleViolation:
    return RuleViolation(
        _("Manufacturers here are coded with a code the received version no longer has"),
        code=E.REFERENCE_DATA_IN_USE,
        data={"version": version},
    )


@transaction.atomic
def version_replica_apply(*, actor: Actor, state: dict[str, Any], reason: str = "") -> bool:
    """Apply a version's state received from the centre; False when it is the one held here
    already (nothing changes)."""
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    version = Version.objects.select_for_update().filter(slug=state["slug"]).first()
    if version is not None and version_states([version.slug])[version.slug] == state:
        return False
    classification = Classification.objects.filter(slug=state["classification"]).first()
    if classification is None:
        raise _missing("classification", state["classification"])
    version = version or Version(slug=state["slug"])
    version.classification = classification
    for field in VERSION_FIELDS:
        setattr(version, field, state[field])
    for field in VERSION_DATES:
        setattr(version, field, _day(state[field]))
    version.row_version = (version.row_version or 0) + 1
    version.save()
    levels = _levels_set(version, state["levels"])
    items = _items_set(version, state["items"], levels)
    Level.objects.filter(version=version).exclude(slug__in=list(levels)).delete()
    _amendments_set(version, state["amendments"], items)
    audit_record(
        actor=actor,
        action=RECEIVED,
        object_type=VERSION,
        object_key=version.slug,
        # The codes are in the event; the log says how many arrived.
        changes={"codes": len(state["items"]), "amendments": len(state["amendments"])},
        reason=reason,
    )
    return True


def _levels_set(version: Version, rows: list[dict[str, Any]]) -> dict[str, Level]:
    # Level numbers are unique within a version: move the kept ones out of the way first.
    Level.objects.filter(version=version).update(number=F("number") + 1000)
    existing = {level.slug: level for level in Level.objects.filter(version=version)}
    levels = {}
    for row in rows:
        level = existing.get(row["slug"]) or Level(version=version, slug=row["slug"])
        level.number = row["number"]
        level.names = row["names"]
        level.save()
        levels[level.slug] = level
    return levels


def _items_set(
    version: Version, rows: list[dict[str, Any]], levels: dict[str, Level]
) -> dict[str, Item]:
    """The version's codes as received: kept codes updated in place, new ones created, the
    others removed; parents set once every code exists."""
    existing = {item.code: item for item in Item.objects.filter(version=version)}
    wanted = {row["code"] for row in rows}
    try:
        Item.objects.filter(version=version).exclude(code__in=wanted).delete()
    except ProtectedError as error:
        raise _in_use(version.slug) from error
    new, changed = [], []
    for position, row in enumerate(rows):
        if row["level"] not in levels:
            raise _missing("level", f"{version.slug}/{row['level']}")
        item = existing.get(row["code"])
        fields = {
            "level_id": levels[row["level"]].pk,
            "names": row["names"],
            "notes": row["notes"],
            "valid_from": _day(row["valid_from"]),
            "valid_to": _day(row["valid_to"]),
            "position": position,
            "search_text": search_text(row["names"]),
        }
        if item is None:
            new.append(Item(version=version, code=row["code"], **fields))
        elif any(getattr(item, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(item, name, value)
            changed.append(item)
    Item.objects.bulk_create(new, batch_size=BATCH)
    Item.objects.bulk_update(changed, ITEM_FIELDS, batch_size=BATCH)
    items = {item.code: item for item in Item.objects.filter(version=version)}
    parented = []
    for row in rows:
        item = items[row["code"]]
        parent = items.get(row["parent"]) if row["parent"] else None
        if row["parent"] and parent is None:
            raise _missing("code", f"{version.slug}/{row['parent']}")
        if item.parent_id != (parent.pk if parent else None):
            item.parent = parent
            parented.append(item)
    Item.objects.bulk_update(parented, ["parent"], batch_size=BATCH)
    return items


def _amendments_set(version: Version, rows: list[dict[str, Any]], items: dict[str, Item]) -> None:
    Amendment.objects.filter(version=version).delete()
    for row in rows:
        amendment = Amendment.objects.create(
            version=version,
            number=row["number"],
            legal_act=row["legal_act"],
            in_force_from=dt.date.fromisoformat(row["in_force_from"]),
            notes=row["notes"],
        )
        changes = []
        for change in row["changes"]:
            item = items.get(change["code"])
            if item is None:
                raise _missing("code", f"{version.slug}/{change['code']}")
            changes.append(
                AmendmentChange(
                    amendment=amendment,
                    kind=change["kind"],
                    item=item,
                    old_names=change["old_names"],
                    new_names=change["new_names"],
                )
            )
        AmendmentChange.objects.bulk_create(changes)


def _version(slug: str) -> Version:
    version = Version.objects.filter(slug=slug).first()
    if version is None:
        raise _missing("classifier version", slug)
    return version


@transaction.atomic
def table_replica_apply(*, actor: Actor, state: dict[str, Any], reason: str = "") -> bool:
    """Apply a correspondence table's state received from the centre; its versions must be
    here (the centre sends versions before their tables). False when nothing changes."""
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    table = CorrespondenceTable.objects.select_for_update().filter(slug=state["slug"]).first()
    if table is not None and table_states([table.slug])[table.slug] == state:
        return False
    source, target = _version(state["source"]), _version(state["target"])
    table = table or CorrespondenceTable(slug=state["slug"])
    table.source, table.target = source, target
    table.kind, table.method = state["kind"], state["method"]
    table.notes, table.route = state["notes"], state["route"]
    table.save()
    CorrespondenceRow.objects.filter(table=table).delete()
    codes = {
        (item.version_id, item.code): item.pk
        for item in Item.objects.filter(version__in=[source, target]).only("version", "code")
    }
    rows = [_row(table, row, codes) for row in state["rows"]]
    CorrespondenceRow.objects.bulk_create(rows, batch_size=BATCH)
    Version.objects.filter(pk__in=[source.pk, target.pk]).update(row_version=F("row_version") + 1)
    audit_record(
        actor=actor,
        action=RECEIVED,
        object_type=TABLE,
        object_key=table.slug,
        changes={"rows": len(rows)},
        reason=reason,
    )
    return True


def _row(
    table: CorrespondenceTable, row: dict[str, Any], codes: dict[tuple[int, str], int]
) -> CorrespondenceRow:
    ids = []
    for version, code in ((table.source, row["source"]), (table.target, row["target"])):
        if code and (version.pk, code) not in codes:
            raise _missing("code", f"{version.slug}/{code}")
        ids.append(codes[(version.pk, code)] if code else None)
    return CorrespondenceRow(
        table=table,
        source_id=ids[0],
        target_id=ids[1],
        notes=row["notes"],
        by_ancestor=row["by_ancestor"],
        source_partial=row["source_partial"],
        target_partial=row["target_partial"],
        basis=row["basis"],
    )


@transaction.atomic
def control_marks_replica_apply(
    *, actor: Actor, item: CatalogItem, marks: list[dict[str, str]], reason: str = ""
) -> bool:
    """Set an item's control-list entries as its assigning bureau's state names them (by
    version and code); False when they are the ones held here already."""
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    before = control_marks_of([item.niin]).get(item.niin, [])
    wanted = sorted(marks, key=lambda m: (m["list"], m["version"], m["code"]))
    if before == wanted:
        return False
    entries = []
    for mark in wanted:
        entry = Item.objects.filter(
            version__slug=mark["version"],
            version__classification__slug=mark["list"],
            code=mark["code"],
        ).first()
        if entry is None:
            raise _missing("control-list entry", f"{mark['version']} {mark['code']}")
        entries.append(entry)
    ControlListMark.objects.filter(item=item).delete()
    ControlListMark.objects.bulk_create(ControlListMark(item=item, entry=e) for e in entries)
    item_touch(item)

    def labels(rows: list[dict[str, str]]) -> list[str]:
        return sorted(f"{m['version']} {m['code']}" for m in rows)

    item_audit(
        actor=actor,
        item=item,
        action=ControlMarkAction.SET,
        changes={
            "before": {"control_entries": labels(before)},
            "after": {"control_entries": labels(wanted)},
        },
        reason=reason,
    )
    return True

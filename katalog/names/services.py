"""Changes to the item name dictionary: an item name's titles, definitions and allowed classes,
a guide's characteristics, and the states of both received from the interstate centre.

Item names and guides are interstate reference data: a person changes them with the
permission to change reference data (the centre's roles), each change is recorded in the audit
log, and the exchange carries it from the centre's node to the bureaus'. Loading the shipped
dictionary at `katalog init` is the loader's (`katalog.names.loaders`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils.translation import gettext as _

from katalog.accounts.rights import Permission, require_permission
from katalog.audit.services import audit_record
from katalog.core.actors import Actor
from katalog.core.errors import RuleViolation, ValidationFailed
from katalog.core.replica import RECEIVED, reference_missing, require_exchange
from katalog.names.errors import NamesErrorCode as E
from katalog.names.loaders import item_name_search_text
from katalog.names.models import (
    Characteristic,
    IdentificationGuide,
    ItemName,
    ItemNameClass,
    ReplyCode,
    ReplyTable,
)
from katalog.names.replica import GUIDE, ITEM_NAME, guide_states, item_name_states
from katalog.names.values import forget_reply_codes

ITEM_NAME_CHANGED = "item_name_changed"
GUIDE_CHANGED = "guide_changed"

# What a characteristic's change may set: its code, guide and reply type name what items
# recorded against it mean, so they stay.
CHARACTERISTIC_FIELDS = frozenset(
    {
        "names",
        "canonical_unit",
        "default_unit",
        "min_value",
        "max_value",
        "required",
        "is_key",
        "tolerance",
    }
)


def _classes_set(name: ItemName, classes: list[str]) -> None:
    wanted = set(classes)
    ItemNameClass.objects.filter(item_name=name).exclude(class_code__in=wanted).delete()
    have = set(ItemNameClass.objects.filter(item_name=name).values_list("class_code", flat=True))
    ItemNameClass.objects.bulk_create(
        ItemNameClass(item_name=name, class_code=code) for code in sorted(wanted - have)
    )


@transaction.atomic
def item_name_update(
    *,
    actor: Actor,
    item_name: ItemName,
    names: dict[str, str] | None = None,
    definitions: dict[str, str] | None = None,
    classes: list[str] | None = None,
    reason: str = "",
) -> ItemName:
    """Change an item name's titles or definitions (per language, as given) or its allowed
    supply classes."""
    require_permission(actor, Permission.REFERENCE_DATA)
    name = ItemName.objects.select_for_update().get(pk=item_name.pk)
    before = item_name_states([name.code])[name.code]
    if names is not None:
        name.names = names
        name.search_text = item_name_search_text(names)
    if definitions is not None:
        name.definitions = definitions
    name.save()
    if classes is not None:
        _classes_set(name, classes)
    after = item_name_states([name.code])[name.code]
    audit_record(
        actor=actor,
        action=ITEM_NAME_CHANGED,
        object_type=ITEM_NAME,
        object_key=name.code,
        changes=_difference(before, after),
        reason=reason,
    )
    return name


def _difference(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in after.items()
        if before.get(key) != value
    }


@transaction.atomic
def characteristic_update(
    *, actor: Actor, characteristic: Characteristic, changes: dict[str, Any], reason: str = ""
) -> Characteristic:
    """Change a characteristic of a guide: its names, units, limits, whether it is required
    and how it counts in screening. Recorded as a change of the guide, which travels whole."""
    require_permission(actor, Permission.REFERENCE_DATA)
    unknown = sorted(set(changes) - CHARACTERISTIC_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields of a characteristic cannot be changed: %(fields)s")
            % {"fields": ", ".join(unknown)},
            code=E.FIELD_NOT_CHANGEABLE,
        )
    row = (
        Characteristic.objects.select_for_update().select_related("guide").get(pk=characteristic.pk)
    )
    guide = row.guide.code
    before = guide_states([guide])[guide]
    for field, value in changes.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    after = guide_states([guide])[guide]
    audit_record(
        actor=actor,
        action=GUIDE_CHANGED,
        object_type=GUIDE,
        object_key=guide,
        changes={"characteristic": row.code, **_difference(before, after)},
        reason=reason,
    )
    return row


# --- states received from the interstate centre ---------------------------------------------


def _missing(what: str, key: str) -> RuleViolation:
    return reference_missing(what, key, code=E.REFERENCE_DATA_MISSING)


def _guide_or_none(code: str | None) -> IdentificationGuide | None:
    if not code:
        return None
    guide = IdentificationGuide.objects.filter(code=code).first()
    if guide is None:
        raise _missing("guide", code)
    return guide


@transaction.atomic
def item_name_replica_apply(*, actor: Actor, state: dict[str, Any], reason: str = "") -> ItemName:
    """Apply an item name's state received from the centre. The same state twice changes
    nothing; a related name not here yet is linked when its own state arrives (the relation is
    symmetric)."""
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    name = ItemName.objects.select_for_update().filter(code=state["code"]).first()
    if name is not None and item_name_states([name.code])[name.code] == state:
        return name
    approved = None
    if state["approved_name"]:
        approved = ItemName.objects.filter(code=state["approved_name"]).first()
        if approved is None:
            raise _missing("item name", state["approved_name"])
    name = name or ItemName(code=state["code"])
    name.kind = state["kind"]
    name.names = state["names"]
    name.definitions = state["definitions"]
    name.guide = _guide_or_none(state["guide"])
    name.approved_name = approved
    name.search_text = item_name_search_text(state["names"])
    name.save()
    _classes_set(name, state["classes"])
    name.related.set(ItemName.objects.filter(code__in=state["related"]))
    audit_record(
        actor=actor,
        action=RECEIVED,
        object_type=ITEM_NAME,
        object_key=name.code,
        changes={"after": state},
        reason=reason,
    )
    return name


def _reply_tables_set(tables: dict[str, dict[str, Any]]) -> dict[str, ReplyTable]:
    made = {}
    for code, spec in tables.items():
        table, _created = ReplyTable.objects.update_or_create(
            code=code, defaults={"names": spec["names"]}
        )
        ReplyCode.objects.filter(table=table).exclude(code__in=list(spec["codes"])).delete()
        for reply, meanings in spec["codes"].items():
            ReplyCode.objects.update_or_create(
                table=table, code=reply, defaults={"meanings": meanings}
            )
        made[code] = table
    if tables:
        forget_reply_codes()
    return made


def _characteristics_set(
    guide: IdentificationGuide, rows: list[dict[str, Any]], tables: Any
) -> None:
    wanted = {row["code"] for row in rows}
    try:
        Characteristic.objects.filter(guide=guide).exclude(code__in=wanted).delete()
    except ProtectedError as error:
        raise RuleViolation(
            _("Items here record values of a characteristic the received guide no longer has"),
            code=E.REFERENCE_DATA_IN_USE,
            data={"guide": guide.code},
        ) from error
    # Positions are unique within a guide: move the kept ones out of the way first.
    Characteristic.objects.filter(guide=guide).update(position=F("position") + 1000)
    existing = {c.code: c for c in Characteristic.objects.filter(guide=guide)}
    for row in rows:
        characteristic = existing.get(row["code"]) or Characteristic(guide=guide, code=row["code"])
        table = row["reply_table"]
        if table and table not in tables:
            raise _missing("reply table", table)
        characteristic.reply_table = tables[table] if table else None
        for field in (
            "position", "names", "reply_type", "canonical_unit", "default_unit", "min_value",
            "max_value", "required", "is_key", "tolerance",
        ):  # fmt: skip
            setattr(characteristic, field, row[field])
        characteristic.save()


@transaction.atomic
def guide_replica_apply(
    *, actor: Actor, state: dict[str, Any], reason: str = ""
) -> IdentificationGuide:
    """Apply an identification guide's state received from the centre, with the reply tables
    its characteristics use. The same state twice changes nothing."""
    require_exchange(actor, code=E.EXCHANGE_ONLY)
    guide = IdentificationGuide.objects.select_for_update().filter(code=state["code"]).first()
    if guide is not None and guide_states([guide.code])[guide.code] == state:
        return guide
    tables = dict(
        ReplyTable.objects.filter(code__in=_named_tables(state)).in_bulk(field_name="code")
    )
    tables.update(_reply_tables_set(state["reply_tables"]))
    guide, _created = IdentificationGuide.objects.update_or_create(
        code=state["code"], defaults={"names": state["names"]}
    )
    _characteristics_set(guide, state["characteristics"], tables)
    audit_record(
        actor=actor,
        action=RECEIVED,
        object_type=GUIDE,
        object_key=guide.code,
        changes={"after": state},
        reason=reason,
    )
    return guide


def _named_tables(state: dict[str, Any]) -> set[str]:
    return {row["reply_table"] for row in state["characteristics"] if row["reply_table"]}

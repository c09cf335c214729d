"""Preferred items and restrictive lists: lists a national bureau or the interstate centre keeps,
each with its scope (supply classes and item names; empty means any), its validity and the act
that approved it. A list of preferred items names the items to use in new designs and
procurement; a restrictive list the items not to use in new designs.

The bureau that keeps a list alone changes it (the centre its own lists, a bureau its own).
Every change is recorded once in the audit log; putting an item on a list or taking it off names
the item as a subject too (the search index and the exchange follow it) and moves the item's
version on, since its representation shows the lists it is on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.audit.services import Subject, audit_record
from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import Item, ItemList, ItemListAction, ItemListEntry, ItemListKind
from katalog.catalog.services import checks
from katalog.catalog.services.history import ITEM
from katalog.catalog.services.items import check_supply_class
from katalog.core.actors import Actor
from katalog.core.errors import (
    AuthenticationRequired,
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
)

ITEM_LIST = "item_list"
CODE_MAX = 40
NAME_MAX = 300
ACT_NUMBER_MAX = 60
ACT_TEXT_MAX = 4000
NOTE_MAX = 500


def keeping_bureau(actor: Actor, bureau: Bureau | None) -> Bureau:
    """The bureau a new list is kept by: the actor's own (a system load names it)."""
    if authority.bypasses_authority(actor):
        if bureau is None:
            raise PermissionDenied(_("Name the bureau that keeps the list"), code=E.NOT_LIST_BUREAU)
        return bureau
    own = authority.actor_bureau(actor)
    if bureau is not None and bureau.pk != own.pk:
        raise PermissionDenied(
            _("Only bureau %(bureau)s may keep its lists") % {"bureau": bureau.key},
            code=E.NOT_LIST_BUREAU,
        )
    return own


def require_list_bureau(actor: Actor, item_list: ItemList) -> None:
    """Only the cataloguers of the bureau that keeps the list change it."""
    if authority.bypasses_authority(actor):
        return
    if authority.actor_bureau(actor).pk != item_list.bureau_id:
        raise PermissionDenied(
            _("Only bureau %(bureau)s may change this list") % {"bureau": item_list.bureau.key},
            code=E.NOT_LIST_BUREAU,
        )


def may_change_list(actor: Any, item_list: ItemList) -> bool:
    """Whether the actor may change the list (what a page offers; the writes check again)."""
    try:
        require_list_bureau(actor, item_list)
    except (PermissionDenied, AuthenticationRequired):
        return False
    return True


def check_kind(kind: str) -> ItemListKind:
    if kind not in ItemListKind.values:
        raise checks.invalid(
            "kind", E.UNKNOWN_LIST_KIND, _("Unknown kind of list %(kind)r") % {"kind": kind}
        )
    return ItemListKind(kind)


def _required(field: str, value: str, limit: int, code: E, message: str) -> str:
    value = checks.text_limit(field, (value or "").strip(), limit)
    if not value:
        raise checks.invalid(field, code, message)
    return value


def check_scope(
    supply_classes: Iterable[str], item_names: Iterable[str]
) -> tuple[list[str], list[str]]:
    """The scope's supply classes and item name codes, each known."""
    from katalog.names.models import ItemName

    classes = sorted({str(c).strip() for c in supply_classes if str(c).strip()})
    for code in classes:
        check_supply_class(code)
    names = sorted({str(n).strip() for n in item_names if str(n).strip()})
    known = set(ItemName.objects.filter(code__in=names).values_list("code", flat=True))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise checks.invalid(
            "item_names",
            E.UNKNOWN_ITEM_NAME,
            _("Unknown item name %(code)s") % {"code": ", ".join(unknown)},
        )
    return classes, names


def check_validity(valid_from: dt.date, valid_to: dt.date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise checks.invalid(
            "valid_to", E.LIST_VALIDITY, _("A list cannot end before it comes into force")
        )


def in_scope(item_list: ItemList, item: Item) -> bool:
    """An item fits a list when its supply class and its item name are in the list's scope
    (an empty part of the scope takes any)."""
    if item_list.supply_classes and item.supply_class not in item_list.supply_classes:
        return False
    if item_list.item_names:
        return item.item_name.code in item_list.item_names
    return True


def list_fields(item_list: ItemList) -> dict:
    return {
        "kind": item_list.kind,
        "code": item_list.code,
        "name": item_list.name,
        "bureau": item_list.bureau.key,
        "supply_classes": list(item_list.supply_classes),
        "item_names": list(item_list.item_names),
        "valid_from": item_list.valid_from.isoformat(),
        "valid_to": item_list.valid_to.isoformat() if item_list.valid_to else None,
        "act": {
            "number": item_list.act_number,
            "date": item_list.act_date.isoformat(),
        },
    }


@transaction.atomic
def item_list_create(
    *,
    actor: Actor,
    kind: str,
    code: str,
    name: str,
    valid_from: dt.date,
    act_number: str,
    act_date: dt.date,
    valid_to: dt.date | None = None,
    act_text: str = "",
    supply_classes: Iterable[str] = (),
    item_names: Iterable[str] = (),
    bureau: Bureau | None = None,
) -> ItemList:
    """A new list kept by the actor's bureau, approved by the act named."""
    owner = keeping_bureau(actor, bureau)
    kind = check_kind(kind)
    code = _required("code", code, CODE_MAX, E.LIST_NAME_REQUIRED, _("A list needs a code"))
    name = _required("name", name, NAME_MAX, E.LIST_NAME_REQUIRED, _("A list needs a name"))
    act_number = _required(
        "act_number",
        act_number,
        ACT_NUMBER_MAX,
        E.LIST_ACT_REQUIRED,
        _("Name the number of the act that approved the list"),
    )
    act_text = checks.text_limit("act_text", (act_text or "").strip(), ACT_TEXT_MAX)
    check_validity(valid_from, valid_to)
    classes, names = check_scope(supply_classes, item_names)
    if ItemList.objects.filter(bureau=owner, code=code).exists():
        raise Conflict(
            _("Bureau %(bureau)s already keeps a list %(code)s")
            % {"bureau": owner.key, "code": code},
            code=E.LIST_CODE_TAKEN,
        )
    item_list = ItemList.objects.create(
        kind=kind,
        code=code,
        name=name,
        bureau=owner,
        supply_classes=classes,
        item_names=names,
        valid_from=valid_from,
        valid_to=valid_to,
        act_number=act_number,
        act_date=act_date,
        act_text=act_text,
    )
    audit_record(
        actor=actor,
        action=ItemListAction.CREATED,
        object_type=ITEM_LIST,
        object_key=str(item_list.pk),
        changes={"after": list_fields(item_list)},
    )
    return item_list


def list_lock(item_list: ItemList) -> ItemList:
    """Re-read the list under a row lock: its changes are serialised."""
    found = (
        ItemList.objects.select_for_update(of=("self",))
        .select_related("bureau")
        .filter(pk=item_list.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No list %(id)s") % {"id": item_list.pk}, code=E.LIST_NOT_FOUND)
    return found


def _entry_record(
    *, actor: Actor, item_list: ItemList, item: Item, action: ItemListAction, changes: dict
) -> None:
    Item.objects.filter(pk=item.pk).update(row_version=F("row_version") + 1)
    ItemList.objects.filter(pk=item_list.pk).update(row_version=F("row_version") + 1)
    audit_record(
        actor=actor,
        action=str(action),
        object_type=ITEM_LIST,
        object_key=str(item_list.pk),
        changes={"item": item.catalogue_number, **changes},
        subjects=[Subject(ITEM_LIST, str(item_list.pk)), Subject(ITEM, item.niin)],
    )


@transaction.atomic
def item_list_entry_add(
    *, actor: Actor, item_list: ItemList, item: Item, note: str = ""
) -> ItemListEntry:
    """Put an item on the list; it must fit the list's scope and not be on it already."""
    item_list = list_lock(item_list)
    require_list_bureau(actor, item_list)
    note = checks.text_limit("note", (note or "").strip(), NOTE_MAX)
    item = Item.objects.select_related("item_name").get(pk=item.pk)
    if not in_scope(item_list, item):
        raise RuleViolation(
            _("%(item)s is outside the scope of list %(list)s")
            % {"item": item.catalogue_number, "list": item_list.code},
            code=E.ITEM_OUT_OF_LIST_SCOPE,
        )
    if ItemListEntry.objects.filter(item_list=item_list, item=item).exists():
        raise Conflict(
            _("%(item)s is already on list %(list)s")
            % {"item": item.catalogue_number, "list": item_list.code},
            code=E.ALREADY_ON_LIST,
        )
    try:
        with transaction.atomic():
            entry = ItemListEntry.objects.create(item_list=item_list, item=item, note=note)
    except IntegrityError:
        raise Conflict(
            _("%(item)s is already on list %(list)s")
            % {"item": item.catalogue_number, "list": item_list.code},
            code=E.ALREADY_ON_LIST,
        ) from None
    _entry_record(
        actor=actor,
        item_list=item_list,
        item=item,
        action=ItemListAction.ENTRY_ADDED,
        changes={"after": {"note": note}},
    )
    return entry


@transaction.atomic
def item_list_entry_remove(*, actor: Actor, item_list: ItemList, item: Item) -> None:
    """Take an item off the list."""
    item_list = list_lock(item_list)
    require_list_bureau(actor, item_list)
    entry = ItemListEntry.objects.filter(item_list=item_list, item_id=item.pk).first()
    if entry is None:
        raise NotFound(
            _("%(item)s is not on list %(list)s")
            % {"item": item.catalogue_number, "list": item_list.code},
            code=E.NOT_ON_LIST,
        )
    before = {"note": entry.note}
    entry.delete()
    _entry_record(
        actor=actor,
        item_list=item_list,
        item=item,
        action=ItemListAction.ENTRY_REMOVED,
        changes={"before": before},
    )

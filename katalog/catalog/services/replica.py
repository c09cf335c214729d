"""Applying the state of an item or a manufacturer received from another installation.

The exchange decides what the sending installation may change (its authority) and calls these
with the exchange's system actor only. Each nation's rows of an item (its references, its user
registrations, its released management data) are replaced by the rows the sender holds for its
own bureau; the identification (name, class, characteristics, status, replacement) only when
the sender is the assigning bureau, or when the item is new here. The assigning bureau's state
replaces other nations' rows only where it answers for them: an item new here, its first full
catalogue or a file import, and a cancellation that moved the users and references to the
replacement; otherwise a nation's rows change only by that nation's own events, so that a
state the assigning bureau sent before it heard of another nation's change does not undo it.
An interchangeability family is its stating bureau's statement: it changes only by the events
of a sender that answers for that bureau (`answers_for`), which set the family as stated (its
master, its members) wherever the named items are here; the other senders' states of it are
ignored. Every application is recorded in the item's history like any other change, and keeps
search, screening keys and quality in step through the same hooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.audit.services import audit_record
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    CharacteristicValue,
    InterchangeFamily,
    InterchangeMember,
    Item,
    ItemAction,
    ItemStatus,
    ManagementData,
    Manufacturer,
    ManufacturerAction,
    Reference,
    Registration,
)
from katalog.catalog.replica import item_state, manufacturer_state
from katalog.catalog.services.history import item_audit, values_follow_item
from katalog.catalog.services.items import item_name_get, item_search_text
from katalog.catalog.services.manufacturers import manufacturer_search_text
from katalog.catalog.services.numbers import raise_serial_floor
from katalog.catalog.signals import references_written
from katalog.core.actors import SYSTEM_EXCHANGE, Actor
from katalog.core.errors import PermissionDenied, RuleViolation
from katalog.core.text import ascii_code_key, code_key
from katalog.names.models import Characteristic
from katalog.refdata.models import Country, Currency

ACTIVE_STATUSES = (ItemStatus.ACTIVE, ItemStatus.ACTIVE_NOT_PROCURABLE)


def _require_exchange(actor: Actor) -> None:
    if actor is not SYSTEM_EXCHANGE:
        raise PermissionDenied(
            _("Only the exchange applies states received from other installations"),
            code=E.EXCHANGE_ONLY,
        )


def _missing(what: str, key: str) -> RuleViolation:
    return RuleViolation(
        _("The received state names %(what)s %(key)s, which this installation does not know")
        % {"what": what, "key": key},
        code=E.REFERENCE_DATA_MISSING,
        data={"what": what, "key": key},
    )


class Bureaus:
    """Bureaus by key, read once: a receiving node passes one for a whole delivery."""

    def __init__(self) -> None:
        self.known = {b.key: b for b in Bureau.objects.all()}

    def __getitem__(self, key: str) -> Bureau:
        bureau = self.known.get(key)
        if bureau is None:
            raise _missing("bureau", key)
        return bureau


@transaction.atomic
def item_replica_apply(
    *,
    actor: Actor,
    state: dict[str, Any],
    origin_bureau: Bureau,
    identification: bool,
    manufacturers: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
    bureaus: Bureaus | None = None,
    all_rows: bool = False,
    answers_for: Callable[[str], bool] | None = None,
) -> Item:
    """Apply a received item state. From the assigning bureau (`identification`) the
    identification and its own rows, and with `all_rows` (a change in which it answers for
    them) other nations' rows too. From another nation its own rows, and the identification
    only if the item is new here. The item's family as stated where the sender answers for
    the stating bureau (`answers_for`, by bureau key; by default its own bureau only)."""
    _require_exchange(actor)
    bureaus = bureaus or Bureaus()
    item = Item.objects.select_for_update().filter(niin=state["niin"]).first()
    created = item is None
    if item is None:
        item = _item_new(state, bureaus)
    elif identification:
        _identification_set(item, state, bureaus)
    if (created or identification) and "characteristics" in state:
        _characteristics_set(item, state["characteristics"])  # written with the item's name
    elif identification:
        values_follow_item([item])
    if "references" in state:
        _manufacturers_known(manufacturers or {}, bureaus)
        rows_of = None if identification and (created or all_rows) else origin_bureau
        _references_set(item, rows_of, state["references"], bureaus)
        users_before = _has_users(item)
        _registrations_set(item, rows_of, state["registrations"], bureaus)
        _status_follow_users(item, users_before)
        _management_set(item, rows_of, state["management"], bureaus)
    if "family" in state:
        answers = answers_for or (lambda key: key == origin_bureau.key)
        _family_follow(item, state["family"], answers, bureaus)
    item.row_version += 1
    item.save()
    item_audit(
        actor=actor,
        item=item,
        action=ItemAction.RECEIVED,
        changes={"origin": origin_bureau.key, "after": state},
        reason=reason,
    )
    return item


def _item_new(state: dict[str, Any], bureaus: Bureaus) -> Item:
    niin = state["niin"]
    item = Item(niin=niin, bureau_code=niin[:2], serial=int(niin[2:]))
    _identification_set(item, state, bureaus)
    item.save()
    # Numbers this installation issues later under the same code must not meet this one.
    raise_serial_floor(item.bureau_code, item.serial)
    return item


def _identification_set(item: Item, state: dict[str, Any], bureaus: Bureaus) -> None:
    item_name = item_name_get(state["item_name"])
    item.supply_class = state["supply_class"]
    item.item_name = item_name
    item.status = state["status"]
    item.bureau = bureaus[state["bureau"]]
    item.release = state["release"]
    item.name_text = state.get("name_text", item.name_text)
    item.identification_type = state.get("identification_type", item.identification_type)
    item.partial_reason = state.get("partial_reason", item.partial_reason)
    item.cancellation_reason = state.get("cancellation_reason", item.cancellation_reason)
    if "replaced_by" in state:
        # A replacement not received yet stays open until the assigning bureau's next state.
        replacement = state["replaced_by"]
        item.replaced_by = Item.objects.filter(niin=replacement).first() if replacement else None
    item.search_text = item_search_text(item.name_text, item_name)


def _characteristics_set(item: Item, values: list[dict[str, Any]]) -> None:
    CharacteristicValue.objects.filter(item=item).delete()
    known = {
        (c.guide.code, c.code): c
        for c in Characteristic.objects.select_related("guide").filter(
            guide__code__in={v["guide"] for v in values}, code__in={v["code"] for v in values}
        )
    }
    rows = []
    for value in values:
        characteristic = known.get((value["guide"], value["code"]))
        if characteristic is None:
            raise _missing("characteristic", f"{value['guide']}/{value['code']}")
        rows.append(
            CharacteristicValue(
                item=item,
                item_name_id=item.item_name_id,
                supply_class=item.supply_class,
                characteristic=characteristic,
                raw=value["raw"],
                qualifier=value["qualifier"],
                unit_code=value["unit"],
                value=value["value"],
                value_max=value["value_max"],
                code=value["reply"],
                text=value["text"],
                flag=value["flag"],
            )
        )
    CharacteristicValue.objects.bulk_create(rows)


def _manufacturers_known(states: dict[str, dict[str, Any]], bureaus: Bureaus) -> None:
    """The manufacturers an item's references name, created from the states the sender sent
    with the item where they are not here yet; their own bureaus' states correct them later."""
    here = set(Manufacturer.objects.filter(code__in=states).values_list("code", flat=True))
    for code, state in states.items():
        if code not in here:
            manufacturer = Manufacturer(code=code)
            _manufacturer_fields_set(manufacturer, state, bureaus)
            manufacturer.save()


def _rows_kept(
    model: Any, item: Item, rows_of: Bureau | None, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Remove the item's rows the sender answers for (all, or its nation's) and give back the
    received rows to write in their place."""
    existing = model.objects.filter(item=item)
    if rows_of is None:
        existing.delete()
        return rows
    existing.filter(bureau=rows_of).delete()
    return [row for row in rows if row["bureau"] == rows_of.key]


def _references_set(
    item: Item, rows_of: Bureau | None, rows: list[dict[str, Any]], bureaus: Bureaus
) -> None:
    mine = _rows_kept(Reference, item, rows_of, rows)
    by_code = {
        m.code: m for m in Manufacturer.objects.filter(code__in={r["manufacturer"] for r in mine})
    }
    made = []
    for row in mine:
        manufacturer = by_code.get(row["manufacturer"])
        if manufacturer is None:
            raise _missing("manufacturer", row["manufacturer"])
        made.append(
            Reference(
                item=item,
                manufacturer=manufacturer,
                number=row["number"],
                key=code_key(row["number"]),
                ascii_key=ascii_code_key(row["number"]),
                category=row["category"],
                variation=row["variation"],
                document_availability=row["document_availability"],
                format_code=row["format"],
                source_code=row["source"],
                justification=row["justification"],
                bureau=bureaus[row["bureau"]],
            )
        )
    if made:
        Reference.objects.bulk_create(made)
        references_written.send(Reference, rows=[(ref.pk, ref.number) for ref in made])


def _has_users(item: Item) -> bool:
    return Registration.objects.filter(item=item, effective_to__isnull=True).exists()


def _registrations_set(
    item: Item, rows_of: Bureau | None, rows: list[dict[str, Any]], bureaus: Bureaus
) -> None:
    Registration.objects.bulk_create(
        [
            Registration(
                item=item,
                bureau=bureaus[row["bureau"]],
                effective_from=dt.date.fromisoformat(row["from"]),
                effective_to=dt.date.fromisoformat(row["to"]) if row["to"] else None,
            )
            for row in _rows_kept(Registration, item, rows_of, rows)
        ]
    )


def _status_follow_users(item: Item, users_before: bool) -> None:
    """The status follows the users as where they were registered or withdrawn: a first user
    activates an inactive item, the last one leaving makes an active item inactive."""
    users_now = _has_users(item)
    # Also where the assigning bureau's state says inactive because it had not yet heard of a
    # user registered here: an item with users is never inactive.
    if users_now and item.status == ItemStatus.INACTIVE:
        item.status = ItemStatus.ACTIVE
    elif users_before and not users_now and item.status in ACTIVE_STATUSES:
        item.status = ItemStatus.INACTIVE


def _management_set(
    item: Item, rows_of: Bureau | None, rows: list[dict[str, Any]], bureaus: Bureaus
) -> None:
    # Only released rows travel: a row the nation no longer releases disappears elsewhere.
    for row in _rows_kept(ManagementData, item, rows_of, rows):
        ManagementData.objects.create(
            item=item,
            bureau=bureaus[row["bureau"]],
            unit_of_issue=row["unit_of_issue"],
            price=Decimal(row["price"]) if row["price"] is not None else None,
            currency_id=_known(Currency, row["currency"], "currency"),
            notes=row["notes"],
            released=True,
        )


def _families_holding(items: list[Item]) -> list[InterchangeFamily]:
    """The families these items are in (as master or member), locked."""
    pks = set(
        InterchangeFamily.objects.filter(
            Q(master__in=items) | Q(members__item__in=items)
        ).values_list("pk", flat=True)
    )
    return list(
        InterchangeFamily.objects.select_for_update(of=("self",))
        .select_related("bureau")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def _family_follow(
    item: Item,
    stated: dict[str, Any] | None,
    answers_for: Callable[[str], bool],
    bureaus: Bureaus,
) -> None:
    """The item's family as the sender states it, within the sender's authority: it leaves a
    family of a bureau the sender answers for that no longer holds it, and the family the
    sender states (of a bureau it answers for) is set as stated."""
    stated_by = stated["bureau"] if stated else None
    for family in _families_holding([item]):
        if family.bureau.key != stated_by and answers_for(family.bureau.key):
            _family_leave(family, item)
    if stated is not None and answers_for(stated["bureau"]):
        _family_set(stated, bureaus)


def _family_leave(family: InterchangeFamily, item: Item) -> None:
    if family.master_id == item.pk:
        family.delete()  # a family is not without its master
        return
    InterchangeMember.objects.filter(family=family, item=item).delete()
    InterchangeFamily.objects.filter(pk=family.pk).update(row_version=F("row_version") + 1)


def _family_set(stated: dict[str, Any], bureaus: Bureaus) -> None:
    """Set a family as its stating bureau states it, as far as its items are here: an item not
    received yet joins with the stating bureau's next state of the family (each change of a
    family is an event of every item in it), and an item here in another bureau's family stays
    there."""
    bureau = bureaus[stated["bureau"]]
    numbers = [stated["master"], *(m["item"] for m in stated["members"])]
    items = {i.niin: i for i in Item.objects.filter(niin__in=numbers)}
    master = items.get(stated["master"])
    if master is None:
        return
    holding = _families_holding(list(items.values()))
    held_elsewhere: set[int] = set()
    for held in holding:
        if held.bureau_id != bureau.pk:
            held_elsewhere.add(held.master_id)
            held_elsewhere.update(held.members.values_list("item_id", flat=True))
    if master.pk in held_elsewhere:
        return
    ours = [f for f in holding if f.bureau_id == bureau.pk]
    family = next((f for f in ours if f.master_id == master.pk), ours[0] if ours else None)
    not_members = held_elsewhere | {master.pk}
    wanted = {
        items[m["item"]].pk: m
        for m in stated["members"]
        if m["item"] in items and items[m["item"]].pk not in not_members
    }
    stated_pks = {i.pk for i in items.values()}
    for other in ours:
        if other is family:
            continue
        if other.master_id in stated_pks:
            other.delete()
        else:
            InterchangeMember.objects.filter(family=other, item_id__in=stated_pks).delete()
    if family is None:
        family = InterchangeFamily.objects.create(master=master, bureau=bureau)
    else:
        InterchangeMember.objects.filter(family=family).exclude(item_id__in=wanted).delete()
        if family.master_id != master.pk:
            family.master = master
            family.save(update_fields=["master", "updated_at"])
    existing = {m.item_id: m for m in InterchangeMember.objects.filter(family=family)}
    for pk, row in wanted.items():
        fields = {
            "relation": row["relation"],
            "conditions": row["conditions"],
            "bureau": bureaus[row["bureau"]],
            "stated_on": dt.date.fromisoformat(row["stated_on"]),
        }
        member = existing.get(pk)
        if member is None:
            InterchangeMember.objects.create(family=family, item_id=pk, **fields)
        else:
            for name, value in fields.items():
                setattr(member, name, value)
            member.save()
    InterchangeFamily.objects.filter(pk=family.pk).update(row_version=F("row_version") + 1)


@transaction.atomic
def manufacturer_replica_apply(
    *, actor: Actor, state: dict[str, Any], reason: str = "", bureaus: Bureaus | None = None
) -> Manufacturer:
    """Apply a manufacturer's state received from the bureau that registered it."""
    _require_exchange(actor)
    manufacturer = Manufacturer.objects.select_for_update().filter(code=state["code"]).first()
    if manufacturer is None:
        manufacturer = Manufacturer(code=state["code"])
    else:
        manufacturer.row_version += 1
    _manufacturer_fields_set(manufacturer, state, bureaus or Bureaus())
    manufacturer.save()
    audit_record(
        actor=actor,
        action=ManufacturerAction.RECEIVED,
        object_type="manufacturer",
        object_key=manufacturer.code,
        changes={"after": state},
        reason=reason,
    )
    return manufacturer


def _manufacturer_fields_set(
    manufacturer: Manufacturer, state: dict[str, Any], bureaus: Bureaus
) -> None:
    manufacturer.names = state["names"]
    manufacturer.address = state["address"]
    manufacturer.country_id = _known(Country, state["country"], "country")
    manufacturer.status = state["status"]
    manufacturer.bureau = bureaus[state["bureau"]]
    manufacturer.replaced_by = _manufacturer_or_none(state["replaced_by"])
    manufacturer.parent = _manufacturer_or_none(state["parent"])
    manufacturer.search_text = manufacturer_search_text(manufacturer.code, manufacturer.names)


def _known(model: Any, key: str | None, what: str) -> str | None:
    """A code-table key the state names, which must exist here as well."""
    if key and not model.objects.filter(pk=key).exists():
        raise _missing(what, key)
    return key


def _manufacturer_or_none(code: str | None) -> Manufacturer | None:
    return Manufacturer.objects.filter(code=code).first() if code else None


__all__ = [
    "item_replica_apply",
    "item_state",
    "manufacturer_replica_apply",
    "manufacturer_state",
]

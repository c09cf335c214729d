"""Interchangeability and substitutability (as in the NCS I&S data): families of items that
can replace one another. A family has a master item (the preferred one, which must be active)
and members, each with its relation to the master (two-way, or one-way "may replace"), the
conditions under which it holds, the bureau that stated it and the date.

An item is in at most one family, as master or as member, and never relates to itself. The
bureau that stated a family alone changes it. Every change is recorded once in the audit log
with all the items it touches as subjects (the search index, the exchange and the quality
scores follow them), and the versions of the family's items move on: their representation
shows the family."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.accounts.models import Bureau
from katalog.audit.services import Subject, audit_record
from katalog.catalog import authority
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    ACTIVE_STATUSES,
    InterchangeFamily,
    InterchangeMember,
    InterchangeRelation,
    Item,
    ItemAction,
)
from katalog.catalog.services import checks
from katalog.catalog.services.history import ITEM
from katalog.core.actors import Actor
from katalog.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation

CONDITIONS_MAX = 500

# The relation of the old master once a member takes its place: a one-way relation turns
# round (what the old master could replace, the new one now replaces).
INVERSE = {
    InterchangeRelation.INTERCHANGEABLE: InterchangeRelation.INTERCHANGEABLE,
    InterchangeRelation.REPLACES_MASTER: InterchangeRelation.REPLACED_BY_MASTER,
    InterchangeRelation.REPLACED_BY_MASTER: InterchangeRelation.REPLACES_MASTER,
}


def check_relation(relation: str) -> InterchangeRelation:
    if relation not in InterchangeRelation.values:
        raise checks.invalid(
            "relation",
            E.UNKNOWN_RELATION,
            _("Unknown relation %(relation)r") % {"relation": relation},
        )
    return InterchangeRelation(relation)


def stating_bureau(actor: Actor, item: Item) -> Bureau:
    """The bureau a family is stated for: the actor's (a system load states it for the master's
    assigning bureau)."""
    if authority.bypasses_authority(actor):
        return item.bureau
    return authority.actor_bureau(actor)


def require_family_bureau(actor: Actor, family: InterchangeFamily) -> None:
    """Only the cataloguers of the bureau that stated the family change it."""
    if authority.bypasses_authority(actor):
        return
    if authority.actor_bureau(actor).pk != family.bureau_id:
        raise PermissionDenied(
            _("Only bureau %(bureau)s may change this interchangeability family")
            % {"bureau": family.bureau.key},
            code=E.NOT_FAMILY_BUREAU,
        )


def require_active(item: Item) -> None:
    if item.status not in ACTIVE_STATUSES:
        raise RuleViolation(
            _("%(item)s is not active and cannot be the master item of a family")
            % {"item": item.catalogue_number},
            code=E.MASTER_NOT_ACTIVE,
        )


def require_no_family(item: Item) -> None:
    """An item is in at most one family, as master or as member."""
    if (
        InterchangeFamily.objects.filter(master_id=item.pk).exists()
        or InterchangeMember.objects.filter(item_id=item.pk).exists()
    ):
        raise Conflict(
            _("%(item)s is already in an interchangeability family")
            % {"item": item.catalogue_number},
            code=E.IN_OTHER_FAMILY,
        )


def family_lock(family: InterchangeFamily) -> InterchangeFamily:
    """Re-read the family under a row lock: its changes are serialised."""
    found = (
        InterchangeFamily.objects.select_for_update(of=("self",))
        .select_related("master", "bureau")
        .filter(pk=family.pk)
        .first()
    )
    if found is None:
        raise NotFound(
            _("No interchangeability family %(id)s") % {"id": family.pk}, code=E.FAMILY_NOT_FOUND
        )
    return found


def family_items(family: InterchangeFamily) -> list[Item]:
    members = Item.objects.filter(family_membership__family=family).order_by("niin")
    return [family.master, *members]


def family_record(
    *,
    actor: Actor,
    family: InterchangeFamily,
    action: ItemAction,
    item: Item,
    changes: dict,
    touched: Iterable[Item],
) -> None:
    """One audit entry about `item`, with every touched item as a subject; the versions of
    the touched items and of the family move on."""
    items = {other.pk: other for other in [item, *touched]}
    Item.objects.filter(pk__in=items).update(row_version=F("row_version") + 1)
    InterchangeFamily.objects.filter(pk=family.pk).update(row_version=F("row_version") + 1)
    audit_record(
        actor=actor,
        action=str(action),
        object_type=ITEM,
        object_key=item.niin,
        changes={"family": family.pk, **changes},
        subjects=[Subject(ITEM, other.niin) for other in items.values()],
    )


def member_fields(member: InterchangeMember) -> dict:
    return {
        "item": member.item.catalogue_number,
        "relation": member.relation,
        "conditions": member.conditions,
        "bureau": member.bureau.key,
        "stated_on": member.stated_on.isoformat(),
    }


@transaction.atomic
def family_create(*, actor: Actor, master: Item) -> InterchangeFamily:
    """A new family headed by `master`, stated by the actor's bureau (a registered user or the
    assigning bureau of the master)."""
    master = Item.objects.select_for_update(of=("self",)).select_related("bureau").get(pk=master.pk)
    authority.require_user_authority(actor, master)
    bureau = stating_bureau(actor, master)
    require_active(master)
    require_no_family(master)
    family = InterchangeFamily.objects.create(master=master, bureau=bureau)
    family_record(
        actor=actor,
        family=family,
        action=ItemAction.FAMILY_CREATED,
        item=master,
        changes={"after": {"master": master.catalogue_number, "bureau": bureau.key}},
        touched=[],
    )
    family.refresh_from_db()
    return family


@transaction.atomic
def family_member_add(
    *,
    actor: Actor,
    family: InterchangeFamily,
    item: Item,
    relation: str,
    conditions: str = "",
    stated_on: dt.date | None = None,
) -> InterchangeMember:
    """Add `item` to the family with its relation to the master and the conditions."""
    family = family_lock(family)
    require_family_bureau(actor, family)
    relation = check_relation(relation)
    conditions = checks.text_limit("conditions", (conditions or "").strip(), CONDITIONS_MAX)
    if item.pk == family.master_id:
        raise RuleViolation(_("An item cannot be related to itself"), code=E.SELF_RELATION)
    item = Item.objects.select_for_update(of=("self",)).get(pk=item.pk)
    require_no_family(item)
    member = InterchangeMember.objects.create(
        family=family,
        item=item,
        relation=relation,
        conditions=conditions,
        bureau=family.bureau,
        stated_on=stated_on or timezone.localdate(),
    )
    family_record(
        actor=actor,
        family=family,
        action=ItemAction.FAMILY_MEMBER_ADDED,
        item=item,
        changes={"after": member_fields(member)},
        touched=family_items(family),
    )
    return member


def _member_of(family: InterchangeFamily, item: Item) -> InterchangeMember:
    member = (
        InterchangeMember.objects.filter(family=family, item_id=item.pk)
        .select_related("item", "bureau")
        .first()
    )
    if member is None:
        raise NotFound(
            _("%(item)s is not a member of this family") % {"item": item.catalogue_number},
            code=E.NOT_FAMILY_MEMBER,
        )
    return member


@transaction.atomic
def family_member_remove(*, actor: Actor, family: InterchangeFamily, item: Item) -> None:
    """Take a member out of the family; the master leaves only once another item heads it."""
    family = family_lock(family)
    require_family_bureau(actor, family)
    if item.pk == family.master_id:
        raise RuleViolation(
            _("The master item stays in its family: make another member the master first"),
            code=E.MASTER_NOT_REMOVABLE,
        )
    member = _member_of(family, item)
    before = member_fields(member)
    touched = family_items(family)
    member.delete()
    family_record(
        actor=actor,
        family=family,
        action=ItemAction.FAMILY_MEMBER_REMOVED,
        item=member.item,
        changes={"before": before},
        touched=touched,
    )


@transaction.atomic
def family_master_set(*, actor: Actor, family: InterchangeFamily, item: Item) -> InterchangeFamily:
    """Make a member the master; the old master becomes a member with the relation turned
    round and the same conditions."""
    family = family_lock(family)
    require_family_bureau(actor, family)
    if item.pk == family.master_id:
        raise RuleViolation(_("An item cannot be related to itself"), code=E.SELF_RELATION)
    member = _member_of(family, item)
    require_active(member.item)
    old_master = family.master
    relation = InterchangeRelation(member.relation)
    conditions, stated_on = member.conditions, member.stated_on
    member.delete()
    family.master = member.item
    family.save(update_fields=["master", "updated_at"])
    InterchangeMember.objects.create(
        family=family,
        item=old_master,
        relation=INVERSE[relation],
        conditions=conditions,
        bureau=family.bureau,
        stated_on=stated_on,
    )
    family_record(
        actor=actor,
        family=family,
        action=ItemAction.FAMILY_MASTER_SET,
        item=member.item,
        changes={
            "before": {"master": old_master.catalogue_number},
            "after": {"master": member.item.catalogue_number},
        },
        touched=family_items(family),
    )
    family.refresh_from_db()
    return family

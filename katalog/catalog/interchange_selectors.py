"""Reads of interchangeability families: the family of an item as the item page, the API and
the export show it, and the usable alternatives of an item that is cancelled or not usable.

Who may replace whom follows the relations: a member in a two-way relation and the master
replace each other; "may replace" is one-way (`replaces_master`: the member may be used in
place of the master; `replaced_by_master`: the master in place of the member); two members
that are both interchangeable with the master are interchangeable with each other. An
alternative must be active, and one the reader may not see in full is left out.

A family is read with two queries whatever its size (its master, then its members), so the
item page's query count does not grow with it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from katalog.catalog.detail import MAX_REPLACEMENT_HOPS
from katalog.catalog.errors import CatalogErrorCode as E
from katalog.catalog.models import (
    ACTIVE_STATUSES,
    CANCELLED_STATUSES,
    InterchangeFamily,
    InterchangeMember,
    InterchangeRelation,
    Item,
    ItemStatus,
    ReleaseLevel,
    format_catalogue_number,
)
from katalog.catalog.visibility import ReadScope, read_scope, visible_item_ids
from katalog.core.errors import NotFound

MASTER = "master"
TWO_WAY = InterchangeRelation.INTERCHANGEABLE.value
# Relations under which the member may stand in for the master, and the master for the member.
MEMBER_REPLACES_MASTER = frozenset({TWO_WAY, InterchangeRelation.REPLACES_MASTER.value})
MASTER_REPLACES_MEMBER = frozenset({TWO_WAY, InterchangeRelation.REPLACED_BY_MASTER.value})


@dataclass(frozen=True)
class Node:
    """One item of a family with its relation to the master (`master` for the master)."""

    pk: int
    niin: str
    catalogue_number: str
    status: str
    release: str
    bureau_id: int
    relation: str
    conditions: str
    stated_on: str
    stated_by: str


@dataclass(frozen=True)
class Family:
    pk: int
    bureau: str
    nodes: tuple[Node, ...]  # the master first

    def node(self, key: Any, field: str) -> Node:
        """The item of the family by `pk` or `niin` (families are read for their items)."""
        return next(n for n in self.nodes if getattr(n, field) == key)


def may_replace(a: Node, b: Node) -> bool:
    """Whether `a` may be used in place of `b`."""
    if a.pk == b.pk:
        return False
    if a.relation == MASTER:
        return b.relation in MASTER_REPLACES_MEMBER
    if b.relation == MASTER:
        return a.relation in MEMBER_REPLACES_MASTER
    return a.relation == TWO_WAY and b.relation == TWO_WAY


def is_usable(status: str) -> bool:
    return status in ACTIVE_STATUSES


# --- reading families --------------------------------------------------------------------


MASTER_FIELDS = (
    "pk", "master_id", "master__niin", "master__supply_class", "master__status",
    "master__release", "master__bureau_id", "bureau__key", "created_at",
)  # fmt: skip
MEMBER_FIELDS = (
    "family_id", "item_id", "item__niin", "item__supply_class", "item__status",
    "item__release", "item__bureau_id", "relation", "conditions", "stated_on", "bureau__key",
)  # fmt: skip


def _master_node(row: tuple) -> Node:
    _family, pk, niin, nsc, status, release, bureau_id, bureau_key, created = row
    number = format_catalogue_number(nsc, niin)
    stated_on = created.date().isoformat()
    return Node(pk, niin, number, status, release, bureau_id, MASTER, "", stated_on, bureau_key)


def _member_node(row: tuple) -> Node:
    _family, pk, niin, nsc, status, release, bureau_id, relation, conditions, on, by = row
    number = format_catalogue_number(nsc, niin)
    return Node(pk, niin, number, status, release, bureau_id, relation, conditions, str(on), by)


def families_of(field: str, keys: Iterable[Any]) -> dict[Any, Family]:
    """The family of each item (by `pk` or `niin`) that has one: two queries for them all."""
    wanted = list(keys)
    if not wanted:
        return {}
    holding = InterchangeFamily.objects.filter(
        Q(**{f"master__{field}__in": wanted}) | Q(**{f"members__item__{field}__in": wanted})
    ).values("pk")
    masters = list(InterchangeFamily.objects.filter(pk__in=holding).values_list(*MASTER_FIELDS))
    if not masters:
        return {}
    nodes: dict[int, list[Node]] = {row[0]: [_master_node(row)] for row in masters}
    members = (
        InterchangeMember.objects.filter(family_id__in=list(nodes))
        .order_by("family_id", "item__niin")
        .values_list(*MEMBER_FIELDS)
    )
    for row in members:
        nodes[row[0]].append(_member_node(row))
    bureau_of = {row[0]: row[7] for row in masters}
    wanted_set = set(wanted)
    found: dict[Any, Family] = {}
    for family_id, family_nodes in nodes.items():
        family = Family(family_id, bureau_of[family_id], tuple(family_nodes))
        for node in family_nodes:
            key = getattr(node, field)
            if key in wanted_set:
                found[key] = family
    return found


def visible_pks(scope: ReadScope, nodes: Iterable[Node]) -> set[int]:
    """The items of these the reader sees in full; only restricted items of other bureaus
    cost a query."""
    nodes = list(nodes)
    if scope.sees_all:
        return {n.pk for n in nodes}
    plain = {
        n.pk
        for n in nodes
        if n.release == ReleaseLevel.PUBLIC or (scope.bureau_id and n.bureau_id == scope.bureau_id)
    }
    doubtful = [n.pk for n in nodes if n.pk not in plain]
    return plain | (visible_item_ids(scope, doubtful) if doubtful else set())


# --- what the page, the API and the export show ---------------------------------------------


def node_entry(node: Node, this: Node) -> dict[str, Any]:
    return {
        "catalogue_number": node.catalogue_number,
        "status": node.status,
        "status_meaning": str(ItemStatus(node.status).label)
        if node.status in ItemStatus.values
        else "",
        "active": is_usable(node.status),
        "relation": node.relation,
        "conditions": node.conditions,
        "stated_on": node.stated_on,
        "bureau": node.stated_by,
        "may_replace_this": may_replace(node, this),
        "this_may_replace": may_replace(this, node),
    }


def family_view(family: Family, this: Node, scope: ReadScope) -> dict[str, Any]:
    """The family as the item `this` shows it: its master, its relation and the members the
    reader may see (the item itself among them)."""
    seen = visible_pks(scope, family.nodes) | {this.pk}
    master = family.nodes[0]
    return {
        "family_id": family.pk,
        "bureau": family.bureau,
        "relation": this.relation,
        "master": node_entry(master, this) if master.pk in seen else None,
        "members": [node_entry(n, this) for n in family.nodes[1:] if n.pk in seen],
    }


def item_interchange(niin: str, reader: Any) -> dict[str, Any] | None:
    """The family of the item with this identification number, or None."""
    scope = read_scope(reader)
    family = families_of("niin", [niin]).get(niin)
    if family is None:
        return None
    this = family.node(niin, "niin")
    return family_view(family, this, scope)


def family_alternatives(family: Family, this: Node, scope: ReadScope) -> list[Node]:
    """The active items of the family that may be used in place of `this`, as the reader sees
    them."""
    candidates = [n for n in family.nodes if may_replace(n, this) and is_usable(n.status)]
    seen = visible_pks(scope, candidates)
    return [n for n in candidates if n.pk in seen]


def usable_alternatives(item: Item, reader: Any) -> list[dict[str, Any]]:
    """What may be used in place of the item: the active members of its family that may
    replace it (in the relation's direction), then its replacement (`replaced_by`, followed to
    the first usable item of the chain), each once, without those the reader may not see."""
    scope = read_scope(reader)
    found: list[dict[str, Any]] = []
    family = families_of("pk", [item.pk]).get(item.pk)
    if family is not None:
        this = family.node(item.pk, "pk")
        found = [
            {**node_entry(n, this), "source": "family"}
            for n in family_alternatives(family, this, scope)
        ]
    replacement = _usable_replacement(item)
    listed = {a["catalogue_number"] for a in found}
    if (
        replacement is not None
        and replacement.catalogue_number not in listed
        and visible_item_ids(scope, [replacement.pk])
    ):
        found.append(_replacement_entry(replacement))
    return found


def _usable_replacement(item: Item) -> Item | None:
    """The item's replacement, or where its chain leads while the replacement is cancelled;
    bounded, so a loop in bad data cannot hang the read."""
    current: Item | None = item.replaced_by if item.replaced_by_id else None
    for _hop in range(MAX_REPLACEMENT_HOPS):
        if (
            current is None
            or current.status not in CANCELLED_STATUSES
            or not current.replaced_by_id
        ):
            break
        current = Item.objects.filter(pk=current.replaced_by_id).first()
    return current if current is not None and is_usable(current.status) else None


def _replacement_entry(item: Item) -> dict[str, Any]:
    return {
        "catalogue_number": item.catalogue_number,
        "status": item.status,
        "status_meaning": str(item.get_status_display()),
        "active": True,
        "relation": "replacement",
        "conditions": "",
        "stated_on": None,
        "bureau": None,
        "may_replace_this": True,
        "this_may_replace": False,
        "source": "replacement",
    }


def alternatives_by_item(ids: Iterable[int], scope: ReadScope) -> dict[int, list[str]]:
    """For the export: the catalogue numbers of the family alternatives of each item that has
    a family (three queries at most for them all)."""
    wanted = list(ids)
    families = families_of("pk", wanted)
    nodes = {n.pk: n for family in families.values() for n in family.nodes}
    seen = visible_pks(scope, [n for n in nodes.values() if is_usable(n.status)])
    found: dict[int, list[str]] = {}
    for pk, family in families.items():
        this = nodes[pk]
        found[pk] = [
            n.catalogue_number
            for n in family.nodes
            if n.pk in seen and is_usable(n.status) and may_replace(n, this)
        ]
    return found


def family_of(item: Item) -> InterchangeFamily:
    """The family the item heads or belongs to, for a change of it (FAMILY_NOT_FOUND if none)."""
    family = (
        InterchangeFamily.objects.filter(Q(master=item) | Q(members__item=item))
        .select_related("master", "bureau")
        .first()
    )
    if family is None:
        raise NotFound(
            _("%(item)s is in no interchangeability family") % {"item": item.catalogue_number},
            code=E.FAMILY_NOT_FOUND,
        )
    return family

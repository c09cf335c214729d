"""The outbox: every committed change of shared data becomes a signed event of this node,
written in the transaction of the change through the audit log's listener.

An event carries the object's state after the change (`katalog.exchange.items`), not the
difference: a receiver that applies an origin's events in order holds what the origin holds,
whatever it held before. One event per object the change touched, so a file import of a
million items is a million events, each applicable on its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Q

from katalog.accounts.models import BureauKind
from katalog.audit import chain
from katalog.audit.models import AuditEntry, AuditSubject
from katalog.catalog import replica
from katalog.catalog.models import InterchangeFamily, Item, ItemAction, Manufacturer
from katalog.core.actors import SYSTEM_EXCHANGE, Actor
from katalog.exchange import items as item_replica
from katalog.exchange import keys, reference
from katalog.exchange.models import Node, OutboxEvent

ITEM = "item"
MANUFACTURER = "manufacturer"
# The catalogue's shared data: items with their references, users and life cycle (audited
# as the item), and manufacturers. Local matters (users, tokens, requests) stay local.
SHARED_TYPES = frozenset({ITEM, MANUFACTURER})
EVENT_BATCH = 1_000
SNAPSHOT = "snapshot"


def event_fields(event: OutboxEvent) -> dict[str, Any]:
    return {
        "origin": event.origin,
        "seq": event.seq,
        "at": event.at.isoformat(),
        "author": event.author,
        "action": event.action,
        "object_type": event.object_type,
        "object_key": event.object_key,
        "state": json.loads(event.state_json),
    }


def event_payload(event: OutboxEvent) -> dict[str, Any]:
    """The event as it travels: its fields and the origin's signature over them."""
    return {**event_fields(event), "signature": event.signature}


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """What the signature covers: the event without its signature, as canonical JSON."""
    return chain.canonical_json(fields).encode("utf-8")


def _reference_makers(state: dict[str, Any]) -> set[str]:
    return {ref["manufacturer"] for ref in state.get("references", [])}


def item_event_state(
    state: dict[str, Any], makers: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An item's event: its state and the states of the manufacturers its references name,
    so a receiver that has not met a manufacturer yet can apply the item."""
    codes = sorted(_reference_makers(state))
    if makers is None:
        makers = replica.manufacturer_states(codes)
    return {"item": state, "manufacturers": {code: makers[code] for code in codes}}


def object_states(object_type: str, keys_: list[str]) -> dict[str, dict[str, Any]]:
    if object_type in reference.KINDS:
        return reference.event_states(object_type, keys_)
    if object_type == ITEM:
        items = item_replica.item_states(keys_)
        codes = set().union(*(_reference_makers(s) for s in items.values()))
        makers = replica.manufacturer_states(codes)
        return {k: item_event_state(s, makers) for k, s in items.items()}
    return {k: {"manufacturer": s} for k, s in replica.manufacturer_states(keys_).items()}


def _touched(entry: AuditEntry) -> list[tuple[str, str]]:
    if entry.subject_count <= 1:
        return [(entry.object_type, entry.object_key)]
    rows = AuditSubject.objects.filter(entry=entry).order_by("position")
    return list(rows.values_list("object_type", "object_key"))


def outbox_record(entry: AuditEntry, actor: Actor) -> None:
    # Events applied from a peer are that peer's, not new local changes: never re-emitted.
    if actor == SYSTEM_EXCHANGE:
        return
    touched = [(t, k) for t, k in _touched(entry) if t in SHARED_TYPES or t in reference.KINDS]
    if entry.action == ItemAction.IDENTIFICATION_CHANGED and "release" in entry.changes.get(
        "after", {}
    ):
        # The states of an item's family show only its items that are not restricted.
        touched += [(ITEM, niin) for niin in _family_numbers(entry.object_key)]
    if any(t in reference.KINDS for t, _k in touched) and not _local_is_centre():
        # The centre owns the reference data: a bureau's own changes of it stay its own.
        touched = [(t, k) for t, k in touched if t in SHARED_TYPES]
    if touched:
        events_emit(touched, action=entry.action, author=entry.actor_name, at=entry.at)


def _family_numbers(niin: str) -> list[str]:
    """The numbers of the items in the family of the item with this number."""
    family = InterchangeFamily.objects.filter(
        Q(master__niin=niin) | Q(members__item__niin=niin)
    ).first()
    if family is None:
        return []
    members = family.members.order_by("item__niin").values_list("item__niin", flat=True)
    return [family.master.niin, *members]


def _local_is_centre() -> bool:
    return Node.objects.filter(is_local=True, bureau__kind=BureauKind.CENTRE).exists()


def events_emit(touched: Iterable[tuple[str, str]], *, action: str, author: str, at: Any) -> int:
    """Sign and store one event per touched object, numbered after this node's last event.
    Runs inside the change's transaction, after the audit log took its chain head, so
    concurrent writers are serialised and the sequence has no gaps."""
    node = Node.objects.filter(is_local=True).first()
    signing = keys.signing_key_read() if node else None
    if node is None or signing is None:
        return 0
    last = OutboxEvent.objects.filter(origin=node.name).aggregate(m=Max("seq"))["m"] or 0
    ordered = list(dict.fromkeys(touched))
    made = 0
    for start in range(0, len(ordered), EVENT_BATCH):
        batch = ordered[start : start + EVENT_BATCH]
        states: dict[tuple[str, str], dict[str, Any]] = {}
        for object_type in {t for t, _ in batch}:
            found = object_states(object_type, [k for t, k in batch if t == object_type])
            states.update(((object_type, k), s) for k, s in found.items())
        events = []
        for object_type, key in batch:
            state = states.get((object_type, key))
            if state is None:
                continue
            made += 1
            event = OutboxEvent(
                origin=node.name,
                seq=last + made,
                at=at,
                author=author,
                action=action,
                object_type=object_type,
                object_key=key,
                state_json=chain.canonical_json(state),
            )
            event.signature = keys.sign(canonical_bytes(event_fields(event)), signing)
            events.append(event)
        OutboxEvent.objects.bulk_create(events)
    return made


def _keys_in_order(model: Any, key: str, condition: dict[str, Any]) -> Iterable[list[str]]:
    after = ""
    while True:
        page = list(
            model.objects.filter(**condition, **{f"{key}__gt": after})
            .order_by(key)
            .values_list(key, flat=True)[:EVENT_BATCH]
        )
        if not page:
            return
        yield page
        after = page[-1]


# Items before the items they replace, so a receiver links each replacement as it applies it:
# first the items that replace nothing, then those replaced by them, then the longer chains.
ITEM_ORDER = (
    {"replaced_by__isnull": True},
    {"replaced_by__isnull": False, "replaced_by__replaced_by__isnull": True},
    {"replaced_by__replaced_by__isnull": False},
)


def full_catalogue_emit(*, author: str, at: Any) -> int:
    """One `snapshot` event per manufacturer and item this node holds: what a node sends to
    a new peer as its first full catalogue. Receivers take from it what the sender owns."""
    passes: list[tuple[Any, str, str, dict[str, Any]]] = [(Manufacturer, MANUFACTURER, "code", {})]
    passes += [(Item, ITEM, "niin", condition) for condition in ITEM_ORDER]
    made = 0
    for model, object_type, key, condition in passes:
        for page in _keys_in_order(model, key, condition):
            made += events_emit(
                [(object_type, k) for k in page], action=SNAPSHOT, author=author, at=at
            )
    return made


def reference_data_emit(*, author: str, at: Any) -> int:
    """One `snapshot` event per reference object the centre's node holds, each kind after the
    kinds it names: what a bureau applies to hold the centre's reference data. Nothing at
    another node (the centre alone publishes reference data)."""
    if not _local_is_centre():
        return 0
    made = 0
    for object_type, kind in reference.KINDS.items():
        keys_ = kind.keys()
        for start in range(0, len(keys_), EVENT_BATCH):
            page = keys_[start : start + EVENT_BATCH]
            made += events_emit(
                [(object_type, k) for k in page], action=SNAPSHOT, author=author, at=at
            )
    return made

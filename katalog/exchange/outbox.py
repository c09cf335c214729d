"""The outbox: every committed change of shared data becomes a signed event of this node,
written in the transaction of the change through the audit log's listener."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Max

from katalog.audit import chain
from katalog.audit.models import AuditEntry
from katalog.core.actors import SYSTEM_EXCHANGE, Actor
from katalog.exchange import keys
from katalog.exchange.models import Node, OutboxEvent

# The catalogue's shared data: items with their references, users and life cycle (audited
# as the item), and manufacturers. Local matters (users, tokens, requests) stay local.
SHARED_TYPES = frozenset({"item", "manufacturer"})


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


def canonical_bytes(fields: dict[str, Any]) -> bytes:
    """What the signature covers: the event without its signature, as canonical JSON."""
    return chain.canonical_json(fields).encode("utf-8")


def outbox_record(entry: AuditEntry, actor: Actor) -> None:
    # Events applied from a peer are that peer's, not new local changes: never re-emitted.
    if actor == SYSTEM_EXCHANGE or entry.object_type not in SHARED_TYPES:
        return
    node = Node.objects.filter(is_local=True).first()
    signing = keys.signing_key_read() if node else None
    if node is None or signing is None:
        return
    # Runs after the audit log took its chain head, so concurrent writers are serialised
    # and the sequence has no gaps.
    last = OutboxEvent.objects.filter(origin=node.name).aggregate(m=Max("seq"))["m"] or 0
    event = OutboxEvent(
        origin=node.name,
        seq=last + 1,
        at=entry.at,
        author=entry.actor_name,
        action=entry.action,
        object_type=entry.object_type,
        object_key=entry.object_key,
        state_json=entry.changes_json,
    )
    event.signature = keys.sign(canonical_bytes(event_fields(event)), signing)
    event.save()

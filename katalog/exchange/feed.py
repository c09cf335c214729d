"""Reading this node's event log: its own outbox and the events it received and keeps for
its peers. Every transport reads the events it sends from here."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.db.models import Max

from katalog.audit import chain
from katalog.catalog import replica
from katalog.exchange import items, reference
from katalog.exchange.models import OutboxEvent
from katalog.exchange.outbox import event_payload

FEED_PAGE_MAX = 1_000


def events_after(origin: str, after: int, limit: int = FEED_PAGE_MAX) -> list[dict[str, Any]]:
    """The signed events of one origin after a sequence number, in order."""
    rows = OutboxEvent.objects.filter(origin=origin, seq__gt=after).order_by("seq")
    return [event_payload(event) for event in rows[: max(1, min(limit, FEED_PAGE_MAX))]]


def events_iter(origin: str, after: int = 0) -> Iterator[dict[str, Any]]:
    """All of an origin's events after a number, page by page (flat memory)."""
    while True:
        page = events_after(origin, after)
        if not page:
            return
        yield from page
        after = page[-1]["seq"]


def origins() -> dict[str, int]:
    """Each origin in the log with its last sequence number."""
    rows = OutboxEvent.objects.values("origin").annotate(last=Max("seq")).order_by("origin")
    return {row["origin"]: int(row["last"]) for row in rows}


def shared_digest() -> dict[str, Any]:
    """A digest of the shared data as every nation sees it (`katalog.exchange.items`,
    `katalog.catalog.replica`) and of
    the interstate reference data (`katalog.exchange.reference`): two installations that have
    applied each other's events print the same."""
    digest = hashlib.sha256()
    sections: list[tuple[str, Any]] = [
        ("items", items.all_item_states),
        ("manufacturers", replica.all_manufacturer_states),
    ]
    sections += [(kind.name, kind.all_states) for kind in reference.KINDS.values()]
    counts: dict[str, int] = {}
    for name, states in sections:
        if counts:
            digest.update(b"--\n")
        counts[name] = 0
        for state in states():
            digest.update(chain.canonical_json(state).encode("utf-8") + b"\n")
            counts[name] += 1
    return {"digest": digest.hexdigest(), **counts}

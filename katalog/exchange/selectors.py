"""Reads of the exchange's nodes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from katalog.core.errors import NotFound
from katalog.exchange.errors import ExchangeError
from katalog.exchange.models import ExchangeProblem, Node, PeerPosition, PendingEvent


def local_node_or_none() -> Node | None:
    """This installation's own node, None before `katalog node init`."""
    return Node.objects.filter(is_local=True).select_related("bureau").first()


def local_node() -> Node:
    node = local_node_or_none()
    if node is None:
        raise NotFound(
            _("This installation has no node identity yet: run katalog node init"),
            code=ExchangeError.NODE_NOT_INITIALISED,
        )
    return node


def node_list() -> list[Node]:
    return list(Node.objects.select_related("bureau"))


@dataclass(frozen=True)
class PeerStatus:
    """Where this node stands with one origin's events."""

    origin: str
    bureau: str
    url: str
    applied_seq: int
    received_seq: int
    waiting_for: int | None
    waiting: int
    lag_events: int
    lag_seconds: float | None
    transport: str
    problems: int


def exchange_status() -> list[PeerStatus]:
    """Each registered peer (and any origin this node holds events of): the last event
    received and applied, what it waits for, the lag in events and in time, open problems."""
    now = timezone.now()
    positions = {p.origin: p for p in PeerPosition.objects.all()}
    waiting = dict(
        PendingEvent.objects.values("origin").annotate(n=Count("id")).values_list("origin", "n")
    )
    problems = dict(
        ExchangeProblem.objects.filter(resolved_at__isnull=True)
        .values("origin")
        .annotate(n=Count("id"))
        .values_list("origin", "n")
    )
    peers = {n.name: n for n in Node.objects.select_related("bureau").filter(is_local=False)}
    rows = []
    for origin in sorted(set(peers) | set(positions)):
        position = positions.get(origin)
        peer = peers.get(origin)
        applied = position.applied_seq if position else 0
        received = position.received_seq if position else 0
        last_at = position.last_event_at if position else None
        rows.append(
            PeerStatus(
                origin=origin,
                bureau=peer.bureau.key if peer else "",
                url=peer.url if peer else "",
                applied_seq=applied,
                received_seq=max(received, applied),
                waiting_for=applied + 1 if waiting.get(origin) else None,
                waiting=int(waiting.get(origin, 0)),
                lag_events=max(received - applied, 0),
                lag_seconds=(now - last_at).total_seconds() if last_at else None,
                transport=position.transport if position else "",
                problems=int(problems.get(origin, 0)),
            )
        )
    return rows


def problem_list(*, open_only: bool = True, limit: int = 100) -> list[ExchangeProblem]:
    rows = ExchangeProblem.objects.all()
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    return list(rows[:limit])
